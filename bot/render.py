"""Briefings, answers and listings as Discord embeds that always fit Discord's limits.

Every builder here is pure (no network, no bot), so the limits can be unit-tested with huge
inputs. Lengths are counted in UTF-16 code units, which is never less than the character count
Discord checks, so text that fits here fits there. Text is shortened at a word boundary and
marked with "…"; only a single word longer than the whole budget is cut inside the word.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import discord

from service.records import ActorStatement, BriefOutcome, BriefRow, Feed, StoredBrief, Subscription
from summarizer.models import Actor, Answer, Briefing, Position

# Discord's documented limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_PER_EMBED = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
EMBED_TOTAL_LIMIT = 6000  # all embeds of one message together
THREAD_NAME_LIMIT = 100
CHOICE_NAME_LIMIT = 100

ELLIPSIS = "…"
LINK_LIMIT = 300
QUOTE_LIMIT = 300  # one stated position in a listing; the evidence sentence number points to the rest
CITED_SENTENCE_LIMIT = 400
EVIDENCE_CHUNK = 1000  # a field holds 1024; room for the "> " of a quoted evidence line
COMPACT_SUMMARY_LIMIT = 1200
COMPACT_DESCRIPTION_LIMIT = 2000
COMPACT_ACTORS = 5
KEY_ACTORS = 8  # the briefing lists the most salient few; the rest are one button press away
ALL_ACTORS_LABEL = "All actors"
COMPACT_ACTOR_LIMIT = 150
PAGE_SUFFIX_RESERVE = len(" · page 9999/9999")
FOOTER_BUDGET = 500  # footers are one line; this keeps room for a full description on every first page
SENTENCE_CITATION = "sentence {number}"
BRIEF_MARKER = re.compile(r"^Brief #(\d+)\b")
_BLANK_LINES = re.compile(r"\n{3,}")
_ORDERED_LIST = re.compile(r"^(\d+)\.(?= )")
UNTITLED_WORDS = 12  # a title from the first words, for briefs stored before every brief had one

BRAND_COLOUR = discord.Colour.blurple()
WARNING_COLOUR = discord.Colour.gold()


def text_length(text: str) -> int:
    """Length as the strictest reading of Discord's limits counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """`text` within `limit`, cut at the last word boundary that fits and marked with "…"."""
    if text_length(text) <= limit:
        return text
    if limit <= 0:
        return ""
    budget = limit - len(ELLIPSIS)
    prefix = _prefix_within(text, budget)
    boundary = max(prefix.rfind(" "), prefix.rfind("\n"))
    if boundary > budget // 2:
        prefix = prefix[:boundary]
    return prefix.rstrip().rstrip("\\") + ELLIPSIS


def _prefix_within(text: str, budget: int) -> str:
    used = 0
    for position, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            return text[:position]
    return text


def escape(text: str) -> str:
    """Article text shown as written, not as Discord markdown, on one line."""
    return _escape_line(" ".join(text.split()))


def escape_block(text: str) -> str:
    """Like `escape`, but keeping the engine's structure: one statement per line, paragraphs apart."""
    lines = [_escape_line(" ".join(line.split())) for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def _escape_line(line: str) -> str:
    # escape_markdown leaves "1. " alone, which Discord turns into a numbered list.
    return _ORDERED_LIST.sub(r"\1\\.", discord.utils.escape_markdown(line))


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """ "1 brief", "2 briefs", "0 briefs"."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"


def link(url: str) -> str:
    """A URL for message text: without a preview, and short enough for any message."""
    return f"<{url}>" if text_length(url) <= LINK_LIMIT else shorten(url, LINK_LIMIT)


def sentence_label(index: int) -> str:
    """Sentence indices are 0-based in the model and 1-based for people."""
    return SENTENCE_CITATION.format(number=index + 1)


@dataclass(slots=True)
class Section:
    """A titled list of lines; packed into as many embed fields as it needs."""

    name: str
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PageLayout:
    """What every page of a paginated embed shares; the description only opens the first page."""

    title: str
    footer: str
    description: str = ""
    url: str | None = None
    colour: discord.Colour = BRAND_COLOUR


def paginate(layout: PageLayout, sections: Sequence[Section]) -> list[discord.Embed]:
    """One embed per page, each within every per-embed and per-message limit."""
    title = shorten(layout.title, TITLE_LIMIT) or "Briefing"
    footer_base = shorten(layout.footer, FOOTER_BUDGET)
    fixed = text_length(title) + text_length(footer_base) + PAGE_SUFFIX_RESERVE
    description = shorten(layout.description, min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - fixed))

    pages: list[list[tuple[str, str]]] = [[]]
    used = fixed + text_length(description)
    for name, value in _fields(sections):
        size = text_length(name) + text_length(value)
        if len(pages[-1]) >= FIELDS_PER_EMBED or used + size > EMBED_TOTAL_LIMIT:
            pages.append([])
            used = fixed
        pages[-1].append((name, value))
        used += size

    embeds = []
    for number, fields in enumerate(pages, start=1):
        embed = discord.Embed(title=title, url=layout.url, colour=layout.colour)
        if number == 1 and description:
            embed.description = description
        for name, value in fields:
            embed.add_field(name=name, value=value, inline=False)
        suffix = f" · page {number}/{len(pages)}" if len(pages) > 1 else ""
        embed.set_footer(text=footer_base + suffix)
        embeds.append(embed)
    return embeds


def _fields(sections: Iterable[Section]) -> Iterable[tuple[str, str]]:
    """Each section's lines grouped into field values of at most 1024, never splitting a line."""
    for section in sections:
        name = shorten(section.name, FIELD_NAME_LIMIT)
        continued = shorten(f"{section.name} (continued)", FIELD_NAME_LIMIT)
        chunk: list[str] = []
        size = 0
        first = True
        for raw_line in section.lines:
            line = shorten(raw_line, FIELD_VALUE_LIMIT)
            extra = text_length(line) + (1 if chunk else 0)
            if chunk and size + extra > FIELD_VALUE_LIMIT:
                yield (name if first else continued), "\n".join(chunk)
                first = False
                chunk, size = [], 0
                extra = text_length(line)
            chunk.append(line)
            size += extra
        if chunk:
            yield (name if first else continued), "\n".join(chunk)


def embed_size(embed: discord.Embed) -> int:
    """The characters Discord counts towards the 6000-per-message total, in UTF-16 units."""
    parts = [embed.title or "", embed.description or "", embed.footer.text or "", embed.author.name or ""]
    parts += [f"{f.name or ''}{f.value or ''}" for f in embed.fields]
    return sum(text_length(part) for part in parts)


# --- briefings ---------------------------------------------------------------------------


def brief_title(briefing: Briefing) -> str:
    """The headline, or the title the engine made from the lead; the first words for older records."""
    article = briefing.article
    if article.title.strip():
        return " ".join(article.title.split())
    lead = briefing.sentences[0].text if briefing.sentences else article.text
    words = lead.split()
    return " ".join(words[:UNTITLED_WORDS]) + (ELLIPSIS if len(words) > UNTITLED_WORDS else "")


def source_url(briefing: Briefing) -> str | None:
    article = briefing.article
    return article.source if article.source_kind == "url" and _is_web_url(article.source) else None


def _is_web_url(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url) <= 2048


def brief_footer(stored: StoredBrief) -> str:
    """Starts with "Brief #id": replies to any message carrying it are questions about that brief."""
    briefing = stored.briefing
    seconds = briefing.timings_ms.get("total", 0) / 1000
    return f"Brief #{stored.id} · {briefing.summary.method} · {seconds:.1f} s"


def brief_id_in_footer(embeds: Sequence[discord.Embed]) -> int | None:
    """The brief a bot message is about, read back from the footer `brief_footer` wrote."""
    for embed in embeds:
        match = BRIEF_MARKER.match(embed.footer.text or "")
        if match:
            return int(match.group(1))
    return None


def briefing_pages(stored: StoredBrief, *, fallback_note: str = "") -> list[discord.Embed]:
    """The full briefing: summary, notes (first why abstractive fell back, when this request did),
    key actors with roles, stated positions with quotes."""
    briefing = stored.briefing
    notes = _notes(stored, fallback_note)
    layout = PageLayout(
        title=brief_title(briefing),
        url=source_url(briefing),
        footer=brief_footer(stored),
        description=_brief_description(briefing, notes),
        colour=WARNING_COLOUR if notes else BRAND_COLOUR,
    )
    sections = [
        Section("Key actors", key_actor_lines(briefing)),
        Section("Stated positions", [position_line(position) for position in briefing.positions]),
    ]
    return paginate(layout, [section for section in sections if section.lines])


def key_actor_lines(briefing: Briefing) -> list[str]:
    """The `KEY_ACTORS` most salient actors (the engine ranks them), then how many more there are
    and where to find them: a reader scans a few names, not a list of twenty."""
    lines = [actor_line(actor) for actor in briefing.actors[:KEY_ACTORS]]
    hidden = len(briefing.actors) - KEY_ACTORS
    if hidden > 0:
        lines.append(f"*… and {plural(hidden, 'more actor')}: press **{ALL_ACTORS_LABEL}**.*")
    return lines


def all_actors_pages(stored: StoredBrief) -> list[discord.Embed]:
    """Every actor of a briefing, most salient first, with mentions: what the All actors button shows."""
    briefing = stored.briefing
    layout = PageLayout(
        title=f"Actors: {brief_title(briefing)}",
        footer=f"Brief #{stored.id} · {plural(len(briefing.actors), 'actor')}, most central first",
        description="" if briefing.actors else "No actors were found in this article.",
    )
    lines = [
        f"{number}. {actor_line(actor)} · {plural(actor.mentions, 'mention')}"
        for number, actor in enumerate(briefing.actors, start=1)
    ]
    return paginate(layout, [Section("Actors", lines)] if lines else [])


def _notes(stored: StoredBrief, fallback_note: str) -> list[str]:
    notes = [fallback_note] if fallback_note else []
    notes += stored.briefing.warnings
    notes += stored.briefing.summary.notes
    return [note for note in notes if note.strip()]


def _brief_description(briefing: Briefing, notes: list[str]) -> str:
    lines = [f"⚠️ {escape(note)}" for note in notes]
    byline = " · ".join(part for part in (briefing.article.byline, briefing.article.date) if part.strip())
    if byline:
        lines.append(f"*{escape(byline)}*")
    if lines:
        lines.append("")
    lines += summary_lines(briefing)
    return "\n".join(lines)


def summary_lines(briefing: Briefing) -> list[str]:
    lines = []
    for sentence in briefing.summary.sentences:
        line = f"• {escape(sentence.text)}"
        if not sentence.supported and sentence.unsupported:
            missing = ", ".join(sentence.unsupported)
            line += f" *(not found in the article: {escape(missing)})*"
        lines.append(line)
    return lines or ["*No summary could be made of this text.*"]


def actor_line(actor: Actor) -> str:
    details = actor.kind if not actor.role.strip() else f"{escape(actor.role)} · {actor.kind}"
    return f"**{escape(actor.name)}** — {details}"


def position_line(position: Position) -> str:
    """The position as a statement, then where the evidence is: `… (sentence 4)`."""
    return f"{position_statement(position, QUOTE_LIMIT)} ({sentence_label(position.sentence)})"


def position_statement(position: Position, limit: int = DESCRIPTION_LIMIT) -> str:
    """Who stated what, as a sentence built from the cue as written and the quote or clause.

    "**Tories** dismissed the maternity pay plan as “desperate”", "**Niek Stam** said: “Robots are
    welcome…”", "According to **the police**, the road was closed". A cue in -ing form ("adding")
    does not make a finite verb, so it follows the speaker after a comma; a reported text that
    already opens with its cue ("dismissed the plan as …") is not given the cue twice.
    """
    actor = position.actor.strip()
    who = f"**{escape(actor[:1].upper() + actor[1:])}**"  # it opens the sentence

    text = shorten(escape(position.text), limit)
    stated = f"“{text}”" if position.kind == "direct" else text
    cue = escape(position.cue)
    if cue.lower() == "according to":
        return f"According to **{escape(actor)}**{':' if position.kind == 'direct' else ','} {stated}"
    if not cue:
        return f"{who}: {stated}"
    if position.kind != "direct" and position.text.lower().startswith(position.cue.lower() + " "):
        return f"{who} {stated}"  # a naming statement carries its verb: "dismissed the plan as …"
    joiner = ": " if position.kind == "direct" else " "
    if cue.split()[0].lower().endswith("ing"):
        return f"{who}, {cue}{joiner}{stated}"
    return f"{who} {cue}{joiner}{stated}"


# --- evidence -----------------------------------------------------------------------------


def speakers(briefing: Briefing) -> list[str]:
    """Everyone with a stated position, in order of first statement: the evidence menu's choices."""
    return list(dict.fromkeys(position.actor for position in briefing.positions))


def evidence_pages(stored: StoredBrief, speaker: int) -> list[discord.Embed]:
    """Each position of one speaker with its full quote and the sentence it was found in.

    A quote longer than a field is continued in the next field rather than cut, so a reader who
    doubts an attribution sees every word of it next to its evidence.
    """
    briefing = stored.briefing
    names = speakers(briefing)
    name = names[max(0, min(speaker, len(names) - 1))] if names else ""
    positions = [position for position in briefing.positions if position.actor == name]
    sentences = {sentence.index: sentence.text for sentence in briefing.sentences}
    layout = PageLayout(
        title=f"Evidence: {name}" if name else "Evidence",
        footer=f"Brief #{stored.id} · {plural(len(positions), 'statement')} · {brief_title(briefing)}",
        description="" if positions else "No stated positions were found in this article.",
    )
    sections = []
    for number, position in enumerate(positions, start=1):
        kind = "quote" if position.kind == "direct" else "reported speech"
        lines = _chunks(position_statement(position, limit=sys.maxsize), EVIDENCE_CHUNK)
        evidence = sentences.get(position.sentence, "")
        lines += [f"> {chunk}" for chunk in _chunks(escape(evidence), EVIDENCE_CHUNK)] if evidence else []
        sections.append(Section(f"{number}. {kind}, {sentence_label(position.sentence)}", lines))
    return paginate(layout, sections)


def _chunks(text: str, size: int) -> list[str]:
    """Pieces of at most `size` characters, split between words, that together are the whole text."""
    pieces: list[str] = []
    while text_length(text) > size:
        prefix = _prefix_within(text, size)
        boundary = prefix.rfind(" ")
        cut = boundary if boundary > size // 2 else len(prefix)
        while cut > 1 and prefix[cut - 1] == "\\":
            cut -= 1  # never split an escape from the character it escapes
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text else pieces


def brief_content(outcome: BriefOutcome) -> str | None:
    """The message text above the embeds: says when the answer came from the store."""
    if not outcome.cached:
        return None
    when = discord.utils.format_dt(outcome.brief.created_at, "R")
    return f"Briefed before ({when}), shown from the store. Press **Refresh** to brief it again."


def compact_embed(stored: StoredBrief, note: str) -> discord.Embed:
    """A one-embed briefing for feed posts and cross-posts: summary and the main actors."""
    briefing = stored.briefing
    summary = shorten("\n".join(summary_lines(briefing)), COMPACT_SUMMARY_LIMIT)
    embed = discord.Embed(
        title=shorten(brief_title(briefing), TITLE_LIMIT),
        url=source_url(briefing),
        description=shorten(f"{summary}\n\n{note}", COMPACT_DESCRIPTION_LIMIT),
        colour=BRAND_COLOUR,
    )
    actors = [shorten(actor_line(actor), COMPACT_ACTOR_LIMIT) for actor in briefing.actors[:COMPACT_ACTORS]]
    if actors:
        value = _join_within(actors, FIELD_VALUE_LIMIT, total=len(briefing.actors))
        embed.add_field(name="Key actors", value=value, inline=False)
    embed.set_footer(text=shorten(f"{brief_footer(stored)} · reply to ask about it", FOOTER_BUDGET))
    return embed


def _join_within(lines: Sequence[str], limit: int, *, total: int | None = None) -> str:
    """As many whole lines as fit, then "… and N more"; `total` counts lines not even passed in."""
    total = len(lines) if total is None else total
    reserve = len("\n… and 99999 more")
    kept: list[str] = []
    used = 0
    for raw_line in lines:
        line = shorten(raw_line, limit - reserve)
        size = text_length(line) + (1 if kept else 0)
        room = limit - (reserve if total - len(kept) > 1 else 0)
        if used + size > room:
            break
        kept.append(line)
        used += size
    if total > len(kept):
        kept.append(f"… and {total - len(kept)} more")
    return "\n".join(kept)


# --- follow-ups -------------------------------------------------------------------------


def answer_embed(answer: Answer, stored: StoredBrief) -> discord.Embed:
    """The answer and, under it, every sentence it cites: "[sentence 4] text"."""
    sentences = {sentence.index: sentence.text for sentence in stored.briefing.sentences}
    embed = discord.Embed(
        title=shorten(f"Q: {' '.join(answer.question.split())}", TITLE_LIMIT),
        description=shorten(escape_block(answer.text), DESCRIPTION_LIMIT),
        colour=BRAND_COLOUR if answer.found else WARNING_COLOUR,
    )
    cited = [
        f"[{sentence_label(index)}] {shorten(escape(sentences[index]), CITED_SENTENCE_LIMIT)}"
        for index in answer.citations
        if index in sentences
    ]
    if cited:
        embed.add_field(name="From the article", value=_join_within(cited, FIELD_VALUE_LIMIT), inline=False)
    footer = f"Brief #{stored.id} · {brief_title(stored.briefing)}"
    embed.set_footer(text=shorten(footer, FOOTER_BUDGET))
    return embed


def thread_name(stored: StoredBrief) -> str:
    return shorten(f"#{stored.id} {brief_title(stored.briefing)}", THREAD_NAME_LIMIT)


def follow_up_embed(stored: StoredBrief, *, in_thread: bool) -> discord.Embed:
    """How to ask questions: in this thread, or (no threads allowed) by replying."""
    how = (
        "Ask me anything about this article in this thread."
        if in_thread
        else "I can't open a thread here, so reply to the briefing (or to this message) with a question."
    )
    embed = discord.Embed(description=f"{how} I answer from the article only and cite its sentences.")
    embed.set_footer(text=shorten(f"Brief #{stored.id} · {brief_title(stored.briefing)}", FOOTER_BUDGET))
    return embed


# --- listings ---------------------------------------------------------------------------


def history_page(rows: Sequence[BriefRow], *, page: int, per_page: int, total: int) -> discord.Embed:
    """One page of the server's briefs, newest first; the page number is 0-based."""
    pages = max(1, -(-total // per_page))
    lines = [history_line(row) for row in rows] or ["No briefs yet. Try `/brief` with a link or some text."]
    embed = discord.Embed(
        title="Recent briefs",
        description=_join_within(lines, DESCRIPTION_LIMIT),
        colour=BRAND_COLOUR,
    )
    embed.set_footer(
        text=f"Page {page + 1}/{pages} · {plural(total, 'brief')} · /history show id:<n> opens one"
    )
    return embed


def history_line(row: BriefRow) -> str:
    title = shorten(escape(row.title) or "Untitled", 120)
    if row.source_kind == "url" and _is_web_url(row.source):
        title = f"[{title}]({row.source})"
    return f"**#{row.id}** {title} · {discord.utils.format_dt(row.created_at, 'R')} in <#{row.channel_id}>"


def brief_choice_name(row: BriefRow) -> str:
    """An autocomplete label: "#12 · Title (date)" within the 100-character limit."""
    return shorten(f"#{row.id} · {' '.join(row.title.split()) or 'Untitled'}", CHOICE_NAME_LIMIT)


def actor_pages(name: str, statements: Sequence[ActorStatement], guild_id: int) -> list[discord.Embed]:
    """What one actor was recorded as saying across this server's briefs, newest first."""
    layout = PageLayout(
        title=f"What {name} said",
        footer=f"{plural(len(statements), 'statement')}, newest first",
        description="" if statements else f"No statements by {escape(name)} are recorded on this server.",
    )
    sections = [
        Section(_statement_heading(statement), [_statement_line(statement, guild_id)])
        for statement in statements
    ]
    return paginate(layout, sections)


def _statement_heading(statement: ActorStatement) -> str:
    date = statement.created_at.strftime("%Y-%m-%d")
    return f"{date} · Brief #{statement.brief_id} · {' '.join(statement.title.split()) or 'Untitled'}"


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _statement_line(statement: ActorStatement, guild_id: int) -> str:
    """Links to the briefing's message when it is known, else to the article's source."""
    position = statement.position
    posted = statement.message
    channel_id = posted.channel_id if posted else statement.channel_id
    where = f"{sentence_label(position.sentence)}, <#{channel_id}>"
    if posted is not None:
        where += f" · [briefing]({jump_url(guild_id, posted.channel_id, posted.message_id)})"
    elif _is_web_url(statement.source):
        where += f" · [source]({statement.source})"
    return f"{position_statement(position, QUOTE_LIMIT)} ({where})"


def subscriptions_embed(subscriptions: Sequence[Subscription], channel_id: int) -> discord.Embed:
    """The server's subscriptions grouped by channel, this channel first."""
    by_channel: dict[int, list[str]] = {}
    for subscription in sorted(subscriptions, key=lambda s: (s.channel_id != channel_id, s.channel_id)):
        by_channel.setdefault(subscription.channel_id, []).append(f"“{escape(subscription.topic)}”")
    lines = [f"<#{channel}>: {', '.join(topics)}" for channel, topics in by_channel.items()]
    embed = discord.Embed(
        title="Topic subscriptions",
        description=_join_within(lines, DESCRIPTION_LIMIT)
        if lines
        else "No channel of this server is subscribed to a topic. Use `/subscribe add topic:`.",
        colour=BRAND_COLOUR,
    )
    return embed


def feeds_embed(feeds: Sequence[Feed]) -> discord.Embed:
    lines = []
    now = discord.utils.utcnow()
    for feed in feeds:
        if feed.last_polled_at is None:
            polled = "not yet polled"
        elif feed.last_polled_at > now:  # leased by a poller until its poll ends (distributed mode)
            polled = "being polled now"
        else:
            polled = discord.utils.format_dt(feed.last_polled_at, "R")
        status = f" · ⚠️ {escape(feed.last_error)}" if feed.last_error else ""
        lines.append(f"{link(feed.url)} · {polled}{status}")
    return discord.Embed(
        title="Feeds",
        description=_join_within(lines, DESCRIPTION_LIMIT)
        if lines
        else "This server follows no feeds. Use `/feed add url:`.",
        colour=BRAND_COLOUR,
    )
