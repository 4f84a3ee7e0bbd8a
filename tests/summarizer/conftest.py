"""Shared fixtures for the summarizer tests: real models, loaded once per test session."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from summarizer.actors import ActorIndex, extract_actors
from summarizer.models import Actor, Briefing, Position, Sentence
from summarizer.nlp import load_spacy
from summarizer.positions import extract_positions
from summarizer.segmentation import segment

if TYPE_CHECKING:
    from summarizer.embeddings import Encoder

# The articles the tests name, copied from the CNN/DailyMail test set (MIT, see cnndm-slice.LICENSE).
CNNDM = Path(__file__).resolve().parents[1] / "data" / "cnndm-slice.jsonl"

# Realistic news copy written for these tests, one story for each shape the analysers must handle.
# Paragraphs are hard-wrapped here; `articles` joins their lines again.
ARTICLES = {
    "politics": """\
LONDON (Reuters) - The Kremlin on Tuesday rejected a British proposal for a ceasefire monitoring
mission, saying the plan was "a provocation".

"We will not accept foreign observers on our territory," Dmitry Peskov, the Kremlin spokesperson,
told reporters in Moscow. "Any such mission would be a violation of our sovereignty."

Prime Minister Keir Starmer, who unveiled the proposal in Kyiv last week, said the offer remained on
the table. Starmer told MPs that Britain would keep working with its allies.

A Cabinet Office spokeswoman said: "The Prime Minister has been clear that the door to peace is
open."

Tory leader Kemi Badenoch accused the government of naivety. She said the Kremlin had never honoured
a ceasefire and urged ministers to increase military aid instead.

According to a senior US official, Washington was not consulted before the announcement. The
official said the White House would study the plan.

The spokeswoman added that talks with European partners would continue next week.

Reporting by Andrew Osborn; Editing by Mark Heinrich
""",
    "business": """\
NEW YORK (Reuters) - JPMorgan Chase & Co reported a record quarterly profit on Friday, as higher
interest rates lifted lending income at the largest U.S. bank.

Its chairman and chief executive, Jamie Dimon, warned that the economy faced "significant
uncertainty" from persistent inflation and geopolitical tensions.

"We remain cautious about the outlook," Dimon said in a statement. "Consumers are still spending,
but excess savings are running down."

JPMorgan said net income rose 25% to $13.4 billion. Chief financial officer Jeremy Barnum told
analysts on a conference call that deposit costs would keep rising.

Analysts at Goldman Sachs said the results beat expectations. Goldman raised its price target on the
stock.

Mr Dimon dismissed talk of his retirement as "speculation" and insisted he was focused on the bank.
""",
    "court": """\
A former nurse was jailed for six years on Thursday for stealing painkillers from the hospital where
she worked, a court heard.

Sarah Jenkins, 42, admitted 14 counts of theft at Leeds Crown Court. Prosecutor David Moore told the
court that Jenkins had taken the drugs over a period of two years.

Judge Helen Clarke said the offences were "a gross breach of trust". She said patients had been left
in pain because of the thefts.

Defending, Tom Baker said his client had been struggling with addiction after a car accident. He
said she was deeply ashamed and had begun treatment.

Jenkins denied selling any of the drugs. According to police, there was no evidence that anyone else
was involved.

The judge told Jenkins she would serve half of her sentence before being released on licence.
""",
    "curly": """\
Maria Lopez never expected to become a campaigner. But when the council announced plans to close the
library in her village, the retired teacher started a petition that gathered 12,000 signatures in a
week.

“This library is the heart of our community,” Lopez said. “Children learn to read here. Pensioners
come here to stay warm.

“If it closes, the village loses something it will never get back.”

“We cannot let that happen.”

The council leader, James Whitfield, said the authority faced a £20 million shortfall. “Nobody wants
to close libraries,” he said. “But the money simply isn’t there.”

Lopez is not convinced. She said the council had found money for a new office building last year.
""",
    "pronouns": """\
Emma Carter and Daniel Reeves met on Monday to discuss the merger of their two firms. Carter, the
chief executive of Northwind, said she was optimistic about a deal.

Reeves was more cautious. He said the valuation gap between the companies remained wide. "We are not
there yet," he said.

She told reporters after the meeting that both sides had agreed to keep talking. "I think we will
get this done," she said.

He later told investors that any agreement would need the approval of his board.
""",
}


@pytest.fixture(scope="session")
def articles() -> dict[str, str]:
    return {name: re.sub(r"(?<!\n)\n(?!\n)", " ", text.strip()) for name, text in ARTICLES.items()}


@dataclass(frozen=True, slots=True)
class Analysis:
    doc: Doc
    sentences: list[Sentence]
    index: ActorIndex
    positions: list[Position]

    def actor(self, name: str) -> Actor:
        found = [a for a in self.index.actors if a.name == name]
        assert found, f"no actor {name!r} in {[a.name for a in self.index.actors]}"
        return found[0]

    def by(self, speaker: str) -> list[Position]:
        return [p for p in self.positions if p.actor == speaker]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that load the sentence encoder (torch and MiniLM) are slow: `make test-fast` skips them."""
    for item in items:
        if "encoder" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_spacy()


# (word, coarse tag, dependency, head index[, lemma]) for each token of a parse built by hand; the
# dependency "open" or "close" marks a quotation mark (tagged ``/'' and attached as punctuation)
ParseRow = tuple[str, str, str, int] | tuple[str, str, str, int, str]


@pytest.fixture(scope="session")
def parsed(nlp: Language) -> Callable[[list[ParseRow]], Doc]:
    """A Doc parsed by hand, for rules that must hold where the parser slips (a test on such a Doc
    pins the rule, not the parser's reading of a sentence of ours)."""

    def build(rows: list[ParseRow]) -> Doc:
        words = [r[0] for r in rows]
        # no space inside quotation marks or before punctuation, as written
        spaces = [
            not (k + 1 == len(words) or words[k + 1] in ".,:;" or (w in "'\"" and rows[k][2] == "open"))
            and not (k + 1 < len(words) and words[k + 1] in "'\"" and rows[k + 1][2] == "close")
            for k, w in enumerate(words)
        ]
        marks = {"open": "``", "close": "''"}
        return Doc(
            nlp.vocab,
            words=words,
            spaces=spaces,
            pos=[r[1] for r in rows],
            tags=[marks.get(r[2], "") for r in rows],
            deps=["punct" if r[2] in marks else r[2] for r in rows],
            heads=[r[3] for r in rows],
            lemmas=[r[4] if len(r) > 4 else r[0].lower() for r in rows],
        )

    return build


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    from summarizer.embeddings import load_encoder  # torch is slow to import: only for tests that use it

    return load_encoder()


@pytest.fixture(scope="session")
def analyse(nlp: Language) -> Callable[[str], Analysis]:
    """Segment, find actors and positions; cached per text, as several tests read one article."""

    @functools.cache
    def run(text: str) -> Analysis:
        doc = nlp(text)
        sentences = segment(doc)
        index = extract_actors(doc, sentences)
        return Analysis(doc, sentences, index, extract_positions(doc, sentences, index))

    return run


@pytest.fixture(scope="session")
def engine_briefs() -> Callable[..., Briefing]:
    """Briefs of the story test articles (tests/summarizer/story_articles.py) by the default engine,
    cached: treat them as read-only."""
    from story_articles import story_article

    from summarizer.pipeline import default_engine

    @functools.cache
    def run(name: str, *, dated: bool = True, date: str = "") -> Briefing:
        article = story_article(name, dated=dated)
        article.date = date or article.date
        return default_engine().brief_article(article)

    return run


@pytest.fixture(scope="session")
def cnndm() -> dict[str, str]:
    """CNN/DailyMail test articles by id, from the slice kept in the repository."""
    rows = [json.loads(line) for line in CNNDM.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["id"]: row["article"] for row in rows}
