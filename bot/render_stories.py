"""Stories, digests and topic timelines as Discord embeds within Discord's limits (pure builders).

A story shows what several outlets reported as one: the merged summary, the outlets with their
headlines, and who said what per actor, each outlet's version with the sentence it was read from.
What only one outlet reports, facts or actors, is marked "only in <outlet>".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

import discord

from bot.render import (
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_BUDGET,
    QUOTE_LIMIT,
    TITLE_LIMIT,
    PageLayout,
    Section,
    embed_size,
    escape,
    paginate,
    plural,
    shorten,
)
from service.records import ActorStatement
from service.stories import StoryStatements, StoryView
from storage.records import DigestSchedule
from summarizer.digest import Digest, DigestEntry
from summarizer.story_merge import OutletStatement, StoryActor, StoryFact

EMBEDS_PER_MESSAGE = 10
EVIDENCE_LIMIT = 300
DIGEST_FACT_LIMIT = 350
DIGEST_ACTORS = 3
DIGEST_LINKS = 5
STORY_ACTORS = 12  # actors with statements shown; the rest are named in one line
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def story_pages(view: StoryView) -> list[discord.Embed]:
    story = view.story
    outlets = story.outlets
    lines = [_fact_line(fact, several=len(outlets) > 1) for fact in story.summary]
    layout = PageLayout(
        title=story.title or "Untitled story",
        url=_first_link([a.link for a in story.articles]),
        footer=f"Story #{view.story_id} · {plural(len(story.articles), 'article')} from "
        f"{plural(len(outlets), 'outlet')}",
        description="\n".join(lines) or "*No summary could be made of these articles.*",
    )
    sections = [
        Section("Coverage", [_article_line(a.outlet, a.title, a.link, a.published) for a in story.articles])
    ]
    speaking = [actor for actor in story.actors if actor.statements][:STORY_ACTORS]
    for actor in speaking:
        sections.append(Section(f"Who said what: {_actor_name(actor)}", _statement_lines(actor.statements)))
    named = [_actor_name(actor) for actor in story.actors if not actor.statements]
    if named:
        sections.append(Section("Also named", [", ".join(named)]))
    if story.exclusive_facts:
        sections.append(
            Section(
                "Reported by one outlet only",
                [_fact_line(fact, several=True) for fact in story.exclusive_facts],
            )
        )
    return paginate(layout, sections)


def _fact_line(fact: StoryFact, *, several: bool) -> str:
    line = f"• {escape(fact.text)}"
    if fact.exclusive:
        return f"{line} *(only in {escape(fact.outlet)})*"
    if several and len(fact.outlets) > 1:
        return f"{line} *({', '.join(escape(o) for o in fact.outlets)})*"
    return line


def _article_line(outlet: str, title: str, link: str, published: datetime | None) -> str:
    headline = shorten(escape(title) or "Untitled", 150)
    if link.startswith(("http://", "https://")) and len(link) <= 500:
        headline = f"[{headline}]({link})"
    when = f" · {discord.utils.format_dt(published, 'd')}" if published else ""
    return f"**{escape(outlet)}** · {headline}{when}"


def _actor_name(actor: StoryActor) -> str:
    name = f"{actor.name} ({actor.role})" if actor.role else actor.name
    return f"{name} · only in {actor.outlets[0]}" if actor.exclusive else name


def _statement_lines(statements: Sequence[OutletStatement]) -> list[str]:
    lines = []
    for said in statements:
        text = shorten(escape(said.text), QUOTE_LIMIT)
        stated = f"“{text}”" if said.kind == "direct" else text
        cue = f"{escape(said.cue)}: " if said.cue else ""
        line = f"**{escape(said.outlet)}**: {cue}{stated}"
        if said.evidence and said.evidence.strip() != said.text.strip():
            line += f"\n> {shorten(escape(said.evidence), EVIDENCE_LIMIT)}"
        lines.append(line)
    return lines


def _first_link(links: Sequence[str]) -> str | None:
    return next(
        (link for link in links if link.startswith(("http://", "https://")) and len(link) <= 2000), None
    )


# --- digests ------------------------------------------------------------------------------------


def digest_messages(digest: Digest, heading: str) -> list[list[discord.Embed]]:
    """One embed per story, packed into messages of at most 10 embeds and 6000 characters."""
    if not digest.entries:
        topics = f" for {escape(', '.join(digest.topics))}" if digest.topics else ""
        empty = discord.Embed(
            title=shorten(heading, TITLE_LIMIT),
            description=f"No stories{topics} in this period yet.",
            colour=discord.Colour.blurple(),
        )
        return [[empty]]
    embeds = [_digest_embed(n, entry, len(digest.entries)) for n, entry in enumerate(digest.entries, 1)]
    embeds[0].set_author(name=shorten(heading, 256))
    messages: list[list[discord.Embed]] = [[]]
    used = 0
    for embed in embeds:
        size = embed_size(embed)
        if messages[-1] and (len(messages[-1]) == EMBEDS_PER_MESSAGE or used + size > EMBED_TOTAL_LIMIT):
            messages.append([])
            used = 0
        messages[-1].append(embed)
        used += size
    return messages


def _digest_embed(number: int, entry: DigestEntry, total: int) -> discord.Embed:
    story = entry.story
    several = len(story.outlets) > 1
    facts = [shorten(_fact_line(fact, several=several), DIGEST_FACT_LIMIT) for fact in story.summary]
    embed = discord.Embed(
        title=shorten(f"{number}. {story.title or 'Untitled story'}", TITLE_LIMIT),
        url=_first_link([a.link for a in story.articles]),
        description=shorten("\n".join(facts), DESCRIPTION_LIMIT // 4),
        colour=discord.Colour.blurple(),
    )
    actors = [_digest_actor(actor) for actor in story.actors[:DIGEST_ACTORS]]
    if actors:
        embed.add_field(name="Key actors", value=_within("\n".join(actors)), inline=False)
    links = [_article_line(a.outlet, a.title, a.link, a.published) for a in story.articles[:DIGEST_LINKS]]
    more = len(story.articles) - DIGEST_LINKS
    if more > 0:
        links.append(f"… and {more} more")
    embed.add_field(
        name=f"Coverage · {plural(len(story.outlets), 'outlet')}", value=_within("\n".join(links))
    )
    topics = f" · {', '.join(entry.matched_topics)}" if entry.matched_topics else ""
    embed.set_footer(text=shorten(f"Story {number} of {total}{topics}", FOOTER_BUDGET))
    return embed


def _digest_actor(actor: StoryActor) -> str:
    line = f"**{escape(_actor_name(actor))}**"
    if actor.statements:
        said = actor.statements[0]
        text = shorten(escape(said.text), 200)
        line += f": {'“' + text + '”' if said.kind == 'direct' else text} ({escape(said.outlet)})"
    return line


def _within(text: str) -> str:
    return shorten(text, FIELD_VALUE_LIMIT)


def schedule_line(schedule: DigestSchedule) -> str:
    when = "every day" if schedule.cadence == "daily" else f"every {WEEKDAYS[schedule.weekday]}"
    return f"{when} at {schedule.hour:02d}:00 ({schedule.timezone})"


# --- actor timelines on a topic -----------------------------------------------------------------


def actor_topic_pages(name: str, topic: str, groups: Sequence[StoryStatements]) -> list[discord.Embed]:
    """What one actor said about a topic, one section per story, oldest statement first in each."""
    count = sum(len(group.statements) for group in groups)
    layout = PageLayout(
        title=f"What {name} said about {topic}",
        footer=f"{plural(count, 'statement')} in {plural(len(groups), 'story', 'stories')}, newest first",
        description=""
        if groups
        else f"No statements by {escape(name)} about “{escape(topic)}” are recorded on this server.",
    )
    sections = [
        Section(_group_heading(group), [_topic_statement(statement) for statement in group.statements])
        for group in groups
    ]
    return paginate(layout, sections)


def _group_heading(group: StoryStatements) -> str:
    title = " ".join(group.title.split()) or "Untitled"
    return f"Story #{group.story_id} · {title}" if group.story_id is not None else title


def _topic_statement(statement: ActorStatement) -> str:
    position = statement.position
    text = shorten(escape(position.text), QUOTE_LIMIT)
    stated = f"“{text}”" if position.kind == "direct" else text
    outlet = outlet_name(statement.source)
    date = statement.created_at.strftime("%Y-%m-%d")
    return f"{date} · **{escape(outlet)}** (brief #{statement.brief_id}): {stated}"


def outlet_name(source: str) -> str:
    """The web domain of a link, as readers name outlets; other sources as they are."""
    if source.startswith(("http://", "https://")):
        host = (urlsplit(source).hostname or "").lower()
        return host.removeprefix("www.") or source
    return shorten(source, 60) or "pasted text"


def fits(embeds: Sequence[discord.Embed]) -> bool:
    """Within Discord's per-message limits (used by the tests and as a last check before posting)."""
    return len(embeds) <= EMBEDS_PER_MESSAGE and sum(embed_size(e) for e in embeds) <= EMBED_TOTAL_LIMIT
