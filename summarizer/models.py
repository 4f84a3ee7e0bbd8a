"""The nouns of a briefing, as plain dataclasses that serialise to the documented JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np

SourceKind = Literal["url", "file", "text"]
ActorKind = Literal["person", "organization", "place", "group"]
PositionKind = Literal["direct", "reported"]
SummaryMethod = Literal["extractive", "abstractive"]
FileKind = Literal["text", "markdown", "html"]

# The file types every way in accepts (CLI files, Discord attachments): one table, so the bot's early
# check and the reader never disagree.
FILE_KINDS: dict[str, FileKind] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


@dataclass(slots=True)
class Article:
    """Text to brief plus what is known about where it came from."""

    text: str
    source_kind: SourceKind
    source: str  # the URL, the file name, or "pasted"
    title: str = ""
    byline: str = ""
    date: str = ""  # ISO date as extracted, "" when unknown
    language: str = "en"
    content_hash: str = ""  # sha256 of the normalised text: the dedupe key


@dataclass(slots=True)
class Sentence:
    """One sentence of the article; `index` is its position in article order."""

    index: int
    text: str
    start: int  # character offsets into Article.text
    end: int
    paragraph: int = 0


@dataclass(slots=True)
class SummarySentence:
    text: str
    index: int  # sentence index in the article; -1 for generated (abstractive) text
    supported: bool = True  # faithfulness verdict for abstractive sentences
    unsupported: list[str] = field(default_factory=list)  # entities/numbers not found


@dataclass(slots=True)
class Summary:
    method: SummaryMethod
    sentences: list[SummarySentence]
    notes: list[str] = field(default_factory=list)  # e.g. chunking done, sentences dropped
    model: str = ""


@dataclass(slots=True)
class Actor:
    name: str  # canonical (longest full) name
    kind: ActorKind
    role: str = ""  # as written in the article, e.g. "Kremlin spokesperson"
    aliases: list[str] = field(default_factory=list)  # other surface forms seen
    mentions: int = 0
    salience: float = 0.0  # 0..1, higher is more central


@dataclass(slots=True)
class Position:
    actor: str  # canonical actor name, or a described speaker ("Cabinet Office spokeswoman")
    text: str  # the quote (verbatim, without marks) or the reported clause
    kind: PositionKind
    cue: str  # "said", "told reporters", "according to"
    sentence: int  # evidence sentence index
    via: str = ""  # the outer source of a nested attribution ("WikiLeaks emails"), "" when none


@dataclass(slots=True)
class Answer:
    """A follow-up answer; every sentence of it is cited from the article."""

    question: str
    text: str
    citations: list[int]  # sentence indices used
    found: bool  # False means "the article does not say"


@dataclass(slots=True)
class Briefing:
    article: Article
    sentences: list[Sentence]
    summary: Summary
    actors: list[Actor]
    positions: list[Position]
    timings_ms: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # e.g. "not English"
    input: str = ""  # what the user gave (path, URL, or "-")
    # The sentences' unit embeddings, one row per sentence, when the summary computed them: topic
    # matching reuses them instead of encoding the article again. Not stored, not in the JSON.
    sentence_vectors: np.ndarray | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (README "JSON output")."""
        source: dict[str, Any] = {"kind": self.article.source_kind}
        if self.article.source_kind == "url":
            source["url"] = self.article.source
        elif self.article.source_kind == "file":
            source["path"] = self.article.source
        return {
            "input": self.input,
            "title": self.article.title,
            "byline": self.article.byline,
            "date": self.article.date,
            "language": self.article.language,
            "source": source,
            "summary": {
                "method": self.summary.method,
                "model": self.summary.model,
                "sentences": [_summary_sentence(s) for s in self.summary.sentences],
                "notes": list(self.summary.notes),
            },
            "actors": [asdict(a) for a in self.actors],
            "positions": [asdict(p) for p in self.positions],
            "warnings": list(self.warnings),
            "timings_ms": dict(self.timings_ms),
        }

    def to_record(self) -> dict[str, Any]:
        """Everything, losslessly: what the store keeps so a brief can be shown or asked about later."""
        record = asdict(replace(self, sentence_vectors=None))
        del record["sentence_vectors"]
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Briefing:
        summary = dict(record["summary"])
        summary["sentences"] = [SummarySentence(**s) for s in summary["sentences"]]
        return cls(
            article=Article(**record["article"]),
            sentences=[Sentence(**s) for s in record["sentences"]],
            summary=Summary(**summary),
            actors=[Actor(**a) for a in record["actors"]],
            positions=[Position(**p) for p in record["positions"]],
            timings_ms=dict(record.get("timings_ms", {})),
            warnings=list(record.get("warnings", [])),
            input=record.get("input", ""),
        )


def _summary_sentence(s: SummarySentence) -> dict[str, Any]:
    out: dict[str, Any] = {"text": s.text, "index": s.index}
    if not s.supported:
        out["supported"] = False
        out["unsupported"] = list(s.unsupported)
    return out
