"""Realistic news articles (written for these tests) and the pages and feeds that serve them."""

from __future__ import annotations

from html import escape

METHANE = """\
Ministers from the European Union agreed on Tuesday to cut methane emissions from gas and oil \
imports, the first time the bloc has set such limits on energy it buys abroad.

The deal, reached after 18 hours of talks in Brussels, requires importers to report leaks from \
2027 and to meet the same standards as European producers by 2030.

"This is the first time we hold importers to the same standard as our own producers," said \
Teresa Ribera, the European Commission's climate commissioner. "Methane is responsible for a \
third of the warming we already see."

Industry groups warned that the rules could raise gas prices for households. Eurogas said the \
timetable was unrealistic and urged a two-year delay.

Poland's climate minister, Paulina Hennig-Kloska, told reporters that her government would \
support the law only if the Commission offered help to small suppliers.

Environmental campaigners welcomed the agreement but said enforcement would be the real test. \
"Without satellites checking the leaks, these limits are words on paper," said Mark Brownstein \
of the Environmental Defense Fund.
"""

PORT_STRIKE = """\
Dock workers at the Port of Rotterdam walked off the job on Monday in a dispute over automation, \
halting container traffic at Europe's largest port for the first time in three decades.

The FNV union said about 4,000 workers joined the 48-hour strike after talks with terminal \
operators collapsed over the weekend.

"Robots are welcome, but not at the price of our jobs," said Niek Stam, the union's chief \
negotiator. "We asked for guarantees and got none."

A spokesperson for the Port of Rotterdam Authority said ships were being diverted to Antwerp \
and Hamburg and that the backlog could take a week to clear.

The Dutch economy minister, Dirk Beljaarts, called on both sides to return to the table. He \
told parliament that the strike was costing the economy tens of millions of euros a day.

Terminal operator ECT said it regretted the walkout and insisted that no jobs would be lost \
before 2030.
"""

WILDFIRE = """\
Firefighters in southern Greece battled a wildfire for a third day on Thursday as strong winds \
pushed the flames towards villages near the town of Kalamata.

The fire service said more than 300 firefighters, 12 aircraft and volunteers from nearby islands \
were fighting the blaze, which has burned about 4,000 hectares of forest and olive groves.

"The next 24 hours are critical," said Vassilis Vathrakogiannis, a fire service spokesman. \
"The wind is expected to reach 70 kilometres an hour this afternoon."

Kalamata's mayor, Athanasios Vasilopoulos, said 600 residents had been moved to sports halls \
and hotels. The prime minister, Kyriakos Mitsotakis, told a cabinet meeting that the climate \
crisis was making every summer more dangerous.

The European Union said it was sending two firefighting planes from Italy and Croatia under its \
civil protection mechanism.
"""

SPEAKERS = [
    ("Senator Maria Alvarez", "the chair of the committee"),
    ("Representative John Okafor", "the ranking member"),
    ("Dr. Helen Park", "the agency's chief scientist"),
    ("Commissioner Luis Moreno", "the head of the regulator"),
    ("Professor Anna Lindqvist", "an economist at Uppsala University"),
]
CLAIMS = [
    "the budget for the program has to double by next year",
    "the agency ignored three warnings about the software",
    "the contractor delivered the system eight months late",
    "no data from patients was ever put at risk",
    "the audit found gaps in every regional office",
    "the committee will publish its findings before the summer",
    "the new rules would cost small clinics about 40,000 dollars each",
    "the minister knew about the problem in January",
]


MATERNITY_PAY = """\
Labour promised on Monday to double statutory maternity pay to 400 pounds a week if it wins the \
general election, in a plan costed at 2.1 billion pounds a year.

The shadow work and pensions secretary, Liz Kendall, said the money would come from closing tax \
loopholes used by private equity firms.

"No family should have to choose between a newborn and the rent," Kendall told reporters in \
Manchester. "This is how we make work pay for parents."

The Conservatives dismissed the maternity pay plan as "desperate" and said Labour had not shown \
where the money would come from.

The Federation of Small Businesses warned that employers would struggle with the paperwork.
"""

# A summit story with more actors than a briefing lists (the rest are behind "All actors").
CLIMATE_SUMMIT = """\
Environment ministers from forty countries met in Lisbon on Thursday to agree how to pay for \
flood defences in the poorest coastal states, but left without a deal.

Portugal's environment minister, Ana Carvalho, said the talks had narrowed the gap on the size of \
the fund. "We are closer than we have ever been," Carvalho told reporters.

The German delegate, Markus Weber, said Berlin would not sign a text without clear rules on who \
pays. Kenya's negotiator, Grace Wanjiru, warned that every delay cost lives on her country's coast.

The World Bank offered to host the fund, and its climate director, Daniel Osei, said the bank \
could start lending within a year. Oxfam accused the richest countries of stalling, while \
Greenpeace called the outcome "a failure of nerve".

Japan's envoy, Hiroshi Tanaka, said Tokyo wanted private insurers such as Allianz to share the \
cost. The United Nations secretary-general, Maria Lindgren, urged ministers to return in March \
with money on the table.

Brazil's minister, Paulo Mendes, said his country would host the next round in Belem.
"""

# A footballers' awards story that never says "football" or "soccer".
PLAYER_AWARDS = """\
Harry Kane was named the PFA Players' Player of the Year on Sunday night after a season in which \
the Tottenham striker scored 31 goals in all competitions.

The 21-year-old beat Chelsea midfielder Eden Hazard and Manchester United goalkeeper David de Gea \
to the award, which is voted for by his fellow professionals.

"To be recognised by the players I compete against every week means everything," Kane said at \
the ceremony in London. "I owe a lot to the manager and my team-mates."

Tottenham manager Mauricio Pochettino said Kane had earned the honour with his work on the \
training ground and his finishing in the big games.

Hazard was named in the Premier League team of the year alongside Kane, while Liverpool winger \
Raheem Sterling was voted the best young player.
"""

# A near miss for a football topic: another sport, with clubs, a coach and a league table.
RUGBY_DEFEAT = """\
Leeds Rhinos slumped to a 29-10 defeat by Warrington Wolves at Headingley on Friday, their worst \
display of the Super League rugby season.

Warrington scored five tries, two of them from winger Tom Lineham, as the visitors ran riot in the \
second half with their forwards dominating the scrums.

"We were beaten in every area, at the ruck and in the tackle," Leeds coach Brian McDermott said. \
"The players know that was not good enough."

The defeat leaves Leeds third in the table, two points behind St Helens, before the Challenge Cup.
"""


def hearing_article(statements: int = 40) -> str:
    """A long report of a hearing: `statements` quotes, each by a named speaker with a role."""
    paragraphs = [
        "A congressional hearing on the failed hospital records system lasted more than nine hours "
        "on Wednesday, as lawmakers questioned officials about the delays and the cost overruns."
    ]
    for n in range(statements):
        name, role = SPEAKERS[n % len(SPEAKERS)]
        claim = CLAIMS[n % len(CLAIMS)]
        paragraphs.append(
            f'"In my view {claim}, and the record of session {n + 1} shows it," said {name}, {role}.'
        )
    paragraphs.append("The committee adjourned late in the evening and will meet again next week.")
    return "\n\n".join(paragraphs)


def html_page(title: str, body: str) -> str:
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title></head><body>"
        f"<header><nav><a href='/'>Home</a> | <a href='/world'>World</a></nav></header>"
        f"<article><h1>{escape(title)}</h1>\n{paragraphs}\n</article>"
        f"<footer>© 2026 Example News</footer></body></html>"
    )


def rss_feed(title: str, items: list[tuple[str, str]]) -> str:
    """An RSS 2.0 feed; items are (title, link), the link doubling as the guid."""
    entries = "\n".join(
        f"<item><title>{escape(item_title)}</title><link>{escape(link)}</link>"
        f"<guid>{escape(link)}</guid><pubDate>Mon, 24 Nov 2026 09:00:00 GMT</pubDate></item>"
        for item_title, link in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.org/</link>"
        f"<description>Latest news</description>{entries}</channel></rss>"
    )
