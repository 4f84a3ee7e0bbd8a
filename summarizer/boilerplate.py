"""Page furniture that comes along when an article is pasted, saved or extracted: section labels
above the headline ("Other News"), bylines, "Source link", "Advertisement", share and subscribe
lines, editor's notes, photo credits. None of it is the article; all of it confuses titles, actors
and positions ("Share" as a speaker, "Other News" as the title).

Lines are judged whole, by shape: a furniture line is short and matches one of the patterns below,
so a sentence that merely mentions advertising or sharing stays.
"""

from __future__ import annotations

import re

_MAX_FURNITURE_CHARS = 80
_MAX_KICKER_WORDS = 4
_FURNITURE = re.compile(
    r"""^(?:
        source(?:\s+link)?|advertisement(?:\s*[-–—:]\s*[\w\s]*)?|story\s+continues\s+(?:below|after)\b[\w\s]*
        |(?:share|tweet|email|print|copy\s+link|comments?|save)(?:\s+(?:this|the)\s+(?:page|article|story))?
        |share\s+(?:on|via)\s+\w+[\w\s,]*|(?:subscribe|sign\s+up|follow\s+us)\b[^.!?]*
        |get\s+(?:our|the)\s+[\w\s]*newsletter|(?:read|see)\s+(?:more|also)\s*:.*
        |related(?:\s+(?:articles?|stories|topics|content|coverage))?\s*:.*|related\s+(?:articles?|stories|topics)
        |more\s+on\s+this\s+story|top\s+stories|most\s+(?:read|popular)|you\s+may\s+also\s+like\b[^.!?]*
        |(?:image|media)\s+(?:source|caption|copyright)\s*[,:].*|(?:photo|picture)\s*:.*|getty\s+images
        |(?:published|updated|last\s+updated|posted)(?:\s+(?:on|at))?\s*:?\s*[\w\s,:/]*\d[\w\s,:/]*
        |\d+\s+(?:minutes?|hours?|days?)\s+ago
        |scroll\s+down\s+for\s+(?:video|more)|click\s+here\b[^.!?]*|watch\s+(?:the\s+)?video\b[^.!?]*
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
_BYLINE = re.compile(
    r"^[Bb][Yy]\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})*(?:\s*[,|–—-]\s*[\w\s]{0,40})?$"
)
_EDITORS_NOTE = re.compile(r"^\W*editor['’]?s?\s+note\b", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?…:;,]['\"”’)]*$")


def is_furniture(line: str) -> bool:
    """A line that belongs to the page around the article, not to the article."""
    text = " ".join(line.split())
    if not text:
        return False
    if _EDITORS_NOTE.match(text):
        return True  # an editor's note is never the article, however long
    if len(text) > _MAX_FURNITURE_CHARS:
        return False
    return bool(_FURNITURE.match(text) or _BYLINE.match(text))


def without_furniture(paragraphs: list[str]) -> list[str]:
    """The paragraphs that are article text."""
    return [p for p in paragraphs if not is_furniture(p)]


def drop_kicker(text: str) -> str:
    """Text without furniture and a section label ("Other News", "UK Politics") above its headline.

    A kicker is a line of at most four words without punctuation, directly above another line
    shaped like a headline; the article starts at that headline.
    """
    lines = text.strip("\n").split("\n")
    while lines and (not lines[0].strip() or is_furniture(lines[0])):
        lines.pop(0)
    following = [line for line in lines[1:] if line.strip()]
    if lines and following and _kicker(lines[0]) and _headline_shaped(following[0]):
        lines = lines[1:]
        while lines and not lines[0].strip():
            lines.pop(0)
    return "\n".join(lines)


def _kicker(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= _MAX_KICKER_WORDS and not _TERMINAL.search(line.strip())


def _headline_shaped(line: str) -> bool:
    text = line.strip()
    return len(text.split()) >= 3 and len(text) <= 150 and not _TERMINAL.search(text)
