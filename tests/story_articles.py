"""News copy written for the story tests: one event told by two outlets, and another event of the same
kind (an earthquake in Indonesia) at another place and time, so only places, dates, people and numbers
tell them apart. Plus an unrelated business story."""

from __future__ import annotations

from summarizer.models import Article

ACEH_WIRE = """\
A magnitude 6.1 earthquake struck Indonesia's Aceh province on Tuesday, July 2, 2013, killing at least
five people and injuring dozens, officials said.

The quake hit the district of Central Aceh in the afternoon, flattening houses and triggering
landslides that cut the main road to Takengon.

"We have recorded five dead and at least 40 injured, and the number could rise," said Sutopo Purwo
Nugroho, spokesman for the National Disaster Mitigation Agency.

A child was among the dead after a mosque collapsed in the village of Blang Mancung, police said.

The Meteorology and Geophysics Agency said the quake was centred 55 kilometres west of Bireuen at a
depth of 10 kilometres and did not have the potential to cause a tsunami.

Governor Zaini Abdullah said the provincial government had sent tents, food and medical teams to the
worst-hit villages.
"""

ACEH_LOCAL = """\
At least five people were killed and dozens injured when a strong earthquake of magnitude 6.1 shook
Central Aceh on Tuesday, July 2, 2013, the disaster agency said.

Sutopo Purwo Nugroho of the National Disaster Mitigation Agency told reporters that five people had died
and about 40 were hurt, many of them by falling walls.

Houses and a mosque collapsed in Blang Mancung, and landslides blocked the road between Bireuen and
Takengon for several hours.

Aceh Governor Zaini Abdullah said that rescue teams were still searching the rubble and urged residents
to stay out of damaged buildings.

Hospital director Rahmat Hidayat said the hospital in Takengon was treating 23 patients with broken
bones and head wounds.

The province was devastated by the 2004 Indian Ocean tsunami, which killed about 170,000 people there.
"""

PAPUA_WIRE = """\
A magnitude 7.6 earthquake struck Indonesia's West Papua province on Sunday, January 4, 2009, killing at
least four people and injuring more than 30, officials said.

The quake hit near the town of Manokwari before dawn, damaging a hotel, a hospital and dozens of homes.

"Four people have died and 34 are injured, and many buildings have collapsed," said Ahmad Hasan, the head
of the Manokwari disaster office.

Rustam Effendi, an official at the Meteorology and Geophysics Agency, said the quake was centred 135
kilometres north-west of Manokwari at a depth of 35 kilometres.

Aftershocks of magnitude 5 and more continued through the day, and thousands of residents slept outdoors.
"""

BANK = """\
JPMorgan Chase & Co reported a record quarterly profit on Friday, as higher interest rates lifted lending
income at the largest U.S. bank.

Its chairman and chief executive, Jamie Dimon, warned that the economy faced "significant uncertainty"
from persistent inflation and geopolitical tensions.

"We remain cautious about the outlook," Dimon said in a statement. "Consumers are still spending, but
excess savings are running down."

JPMorgan said net income rose 25% to $13.4 billion. Chief financial officer Jeremy Barnum told analysts
on a conference call that deposit costs would keep rising.
"""


def unwrap(text: str) -> str:
    """Join hard-wrapped lines, keep the blank lines between paragraphs."""
    return "\n\n".join(" ".join(p.split()) for p in text.strip().split("\n\n"))


STORIES = {
    "aceh-wire": ("https://wire.example/asia/aceh-quake", "Quake kills five in Indonesia's Aceh", ACEH_WIRE),
    "aceh-local": (
        "https://local.example/news/aceh",
        "Five dead as earthquake shakes Central Aceh",
        ACEH_LOCAL,
    ),
    "papua-wire": (
        "https://wire.example/asia/papua-quake",
        "Strong quake kills four in West Papua",
        PAPUA_WIRE,
    ),
    "bank": ("https://money.example/jpmorgan", "JPMorgan posts record profit", BANK),
}
DATES = {
    "aceh-wire": "2013-07-02",
    "aceh-local": "2013-07-02",
    "papua-wire": "2009-01-04",
    "bank": "2013-07-12",
}


def story_article(name: str, *, dated: bool = True) -> Article:
    link, title, text = STORIES[name]
    return Article(
        text=unwrap(text), source_kind="url", source=link, title=title, date=DATES[name] if dated else ""
    )
