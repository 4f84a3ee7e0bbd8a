"""Buttons and menus: page through a briefing, the history or an actor's statements, refresh a
brief, show the evidence for each speaker's positions, and list all of a briefing's actors.

They are `DynamicItem`s: the state lives in the custom_id ("bb:page:brief:2:41") and each press is
answered from the store, so buttons keep working after a restart and need no timeout, however
long a message stays in a channel.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot import errors, render, render_stories
from service.errors import NotFound
from service.records import BriefOutcome, BriefRequest, StoredBrief

if TYPE_CHECKING:
    from bot.bot import BriefBot
    from service.briefing_service import BriefingService

log = logging.getLogger(__name__)

CUSTOM_ID_LIMIT = 100
SELECT_OPTIONS = 25  # Discord's most options in one select menu
SELECT_LABEL_LIMIT = 100
HISTORY_PER_PAGE = 10
ACTOR_STATEMENTS = 20

# The page asked for (clamped), how many pages there are, and the key its buttons carry (a listing
# paged by keyset names the page it shows, so the next press knows where to continue).
Page = tuple[discord.Embed, int, str]
# (service, guild id, the user looking, key, page): the user sees public briefs and their own private ones.
PageLoader = Callable[["BriefingService", int, int, str, int], Awaitable[Page | None]]


async def brief_page(
    service: BriefingService, guild_id: int, viewer_id: int, key: str, page: int
) -> Page | None:
    stored = await service.get_brief(guild_id, int(key), viewer_id=viewer_id)
    return None if stored is None else _pick(render.briefing_pages(stored), page, key)


async def history_page(service: BriefingService, guild_id: int, viewer_id: int, key: str, page: int) -> Page:
    """Keyset paging: `key` is "page.newest-id.oldest-id" of the page the buttons were drawn on, so the
    next or previous page is an index range next to it, however deep in the history."""
    shown = _history_cursor(key)
    if shown is None or page == 0:
        page, result = 0, await service.history(guild_id, limit=HISTORY_PER_PAGE, viewer_id=viewer_id)
    else:
        shown_page, newest, oldest = shown
        if page > shown_page:
            bounds: dict[str, int] = {"before": oldest}
        elif page < shown_page:
            bounds = {"after": newest}
        else:
            bounds = {"before": newest + 1}
        result = await service.history(guild_id, limit=HISTORY_PER_PAGE, viewer_id=viewer_id, **bounds)
        if not result.rows:  # the history changed since the button was drawn: start again at the top
            return await history_page(service, guild_id, viewer_id, "", 0)
        if not result.has_newer:
            page = 0
    count = max(1, -(-result.total // HISTORY_PER_PAGE))
    count = max(count, page + 2) if result.has_older else page + 1
    rows = result.rows
    new_key = f"{page}.{rows[0].id}.{rows[-1].id}" if rows else ""
    embed = render.history_page(rows, page=page, per_page=HISTORY_PER_PAGE, total=result.total)
    return embed, count, new_key


def _history_cursor(key: str) -> tuple[int, int, int] | None:
    parts = key.split(".")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    page, newest, oldest = (int(part) for part in parts)
    return page, newest, oldest


async def actor_page(service: BriefingService, guild_id: int, viewer_id: int, key: str, page: int) -> Page:
    """The same for every viewer: actors come from public briefs only."""
    statements = await service.actor_timeline(guild_id, key, limit=ACTOR_STATEMENTS)
    return _pick(render.actor_pages(key, statements, guild_id), page, key)


async def story_page(
    service: BriefingService, guild_id: int, viewer_id: int, key: str, page: int
) -> Page | None:
    """`key` is "<story id>.p" (public: anyone's page turns show public briefs only) or "<story id>.u"
    (on a private reply: the one pressing also sees their own private briefs)."""
    story_id, _, scope = key.partition(".")
    if not story_id.isdigit():
        return None
    try:
        view = await service.stories.story(
            guild_id, int(story_id), viewer_id=viewer_id if scope == "u" else None
        )
    except NotFound:
        return None
    return _pick(render_stories.story_pages(view), page, key)


async def actor_topic_page(
    service: BriefingService, guild_id: int, viewer_id: int, key: str, page: int
) -> Page:
    """`key` is "<name>|<topic>"; actors come from public briefs only."""
    name, _, topic = key.partition("|")
    groups = await service.stories.actor_on_topic(guild_id, name, topic)
    return _pick(render_stories.actor_topic_pages(name, topic, groups), page, key)


async def all_actors_page(
    service: BriefingService, guild_id: int, viewer_id: int, key: str, page: int
) -> Page | None:
    """A page of a briefing's full actor list; `key` is the brief id."""
    stored = await service.get_brief(guild_id, int(key), viewer_id=viewer_id)
    return None if stored is None else _pick(render.all_actors_pages(stored), page, key)


def _pick(pages: list[discord.Embed], page: int, key: str) -> Page:
    return pages[max(0, min(page, len(pages) - 1))], len(pages), key


LOADERS: dict[str, PageLoader] = {
    "brief": brief_page,
    "history": history_page,
    "actor": actor_page,
    "story": story_page,
    "actopic": actor_topic_page,
    "actors": all_actors_page,
}
SLOW_KINDS = frozenset({"story", "actopic"})  # their pages run NLP: acknowledge the press first


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"bb:page:(?P<kind>brief|history|actors|actor|story|actopic):(?P<page>\d+):(?P<key>.*)",
):
    """Shows page `page` of a listing; anyone may turn the page of a public message."""

    def __init__(self, kind: str, key: str, page: int, *, label: str, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=page_custom_id(kind, key, page),
                disabled=disabled,
            )
        )
        self.kind, self.key, self.page = kind, key, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: Any
    ) -> PageButton:
        label = item.label or ""
        return cls(match["kind"], match["key"], int(match["page"]), label=label, disabled=item.disabled)

    async def callback(self, interaction: discord.Interaction[BriefBot]) -> None:
        try:
            interaction.client.track()
            slow = self.kind in SLOW_KINDS
            if slow:
                await interaction.response.defer()
            loaded = await LOADERS[self.kind](
                interaction.client.service,
                interaction.guild_id or 0,
                interaction.user.id,
                self.key,
                self.page,
            )
            if loaded is None:
                await errors.send_private(interaction, "That is no longer stored, so I can't show it.")
                return
            embed, count, key = loaded
            page = self.page if self.page < count else count - 1
            view = page_view(self.kind, key, page, count, keep=_kept_buttons(self.view))
            if slow:
                await interaction.edit_original_response(embed=embed, view=view)
            else:
                await interaction.response.edit_message(embed=embed, view=view)
        except Exception as error:
            await errors.report(interaction, error)


class RefreshButton(discord.ui.DynamicItem[discord.ui.Button], template=r"bb:refresh:(?P<brief_id>\d+)"):
    """Briefs the same source again, bypassing the store, and shows the new briefing in place."""

    def __init__(self, brief_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Refresh",
                emoji="🔄",
                style=discord.ButtonStyle.primary,
                custom_id=f"bb:refresh:{brief_id}",
            )
        )
        self.brief_id = brief_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: Any
    ) -> RefreshButton:
        return cls(int(match["brief_id"]))

    async def callback(self, interaction: discord.Interaction[BriefBot]) -> None:
        service = interaction.client.service
        try:
            interaction.client.track()
            old = await service.get_brief(
                interaction.guild_id or 0, self.brief_id, viewer_id=interaction.user.id
            )
            if old is None:
                await errors.send_private(
                    interaction, "That brief is no longer stored, so I can't refresh it."
                )
                return
            await interaction.response.defer()
            outcome = await service.brief(refresh_request(old, interaction))
            stored = outcome.brief
            pages = render.briefing_pages(stored, fallback_note=outcome.fallback_note)
            message = await interaction.edit_original_response(
                content=render.brief_content(outcome), embeds=[pages[0]], view=brief_view(outcome, len(pages))
            )
            if stored.private:
                return  # an ephemeral message: nobody can reply to it or open a thread on it
            had_thread = await service.brief_for_thread(message.id) is not None
            await service.record_message(
                stored.id, message.channel.id, message.id, message.id if had_thread else None
            )
        except Exception as error:
            await errors.report(interaction, error)


def refresh_request(old: StoredBrief, interaction: discord.Interaction) -> BriefRequest:
    """The same source, length and method as before; a link is fetched again.

    Private when the brief was, or when the button is on a private (ephemeral) reply, say a public
    brief shown from the store to a `private` /brief: what only one user saw stays theirs.
    """
    on_private_reply = interaction.message is not None and interaction.message.flags.ephemeral
    article = old.briefing.article
    summary = old.briefing.summary
    source = {"url": article.source} if article.source_kind == "url" else {"text": article.text}
    return BriefRequest(
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id or 0,
        user_id=interaction.user.id,
        sentences=max(1, len(summary.sentences)),
        method=summary.method,
        refresh=True,
        private=old.private or on_private_reply,
        **source,
    )


def page_custom_id(kind: str, key: str, page: int) -> str:
    return f"bb:page:{kind}:{page}:{key}"


def pager_buttons(kind: str, key: str, page: int, count: int) -> list[discord.ui.Item[Any]]:
    """Previous / Next; none for a single page, or when the key is too long for a custom_id."""
    if count <= 1 or len(page_custom_id(kind, key, count)) > CUSTOM_ID_LIMIT:
        return []
    return [
        PageButton(kind, key, max(page - 1, 0), label="◀ Previous", disabled=page <= 0),
        PageButton(kind, key, min(page + 1, count - 1), label="Next ▶", disabled=page >= count - 1),
    ]


def page_view(
    kind: str, key: str, page: int, count: int, *, keep: list[discord.ui.Item[Any]] | None = None
) -> discord.ui.View | None:
    items = [*pager_buttons(kind, key, page, count), *(keep or [])]
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def brief_view(outcome: BriefOutcome, page_count: int, page: int = 0) -> discord.ui.View | None:
    """Page buttons when the briefing has several pages; Show evidence when anyone stated anything;
    All actors when the briefing lists only the key ones; Refresh when it came from the store;
    Other coverage when its story has other articles."""
    stored = outcome.brief
    keep: list[discord.ui.Item[Any]] = [EvidenceButton(stored.id)] if stored.briefing.positions else []
    keep += [AllActorsButton(stored.id)] if len(stored.briefing.actors) > render.KEY_ACTORS else []
    keep += [RefreshButton(stored.id)] if outcome.cached else []
    keep += [StoryButton(stored.id)] if outcome.story_articles > 1 else []
    return page_view("brief", str(stored.id), page, page_count, keep=keep)


def _kept_buttons(view: discord.ui.View | None) -> list[discord.ui.Item[Any]]:
    """The message's Show evidence, All actors and Refresh buttons, rebuilt so they stay when a page
    is turned."""
    custom_ids = [getattr(item, "custom_id", None) or "" for item in view.children] if view else []
    kept: list[discord.ui.Item[Any]] = []
    for custom_id in custom_ids:
        for button in (EvidenceButton, AllActorsButton, RefreshButton, StoryButton):
            if match := button.__discord_ui_compiled_template__.fullmatch(custom_id):
                kept.append(button(int(match["brief_id"])))
                break
    return kept


# --- stories -------------------------------------------------------------------------------------


class StoryButton(discord.ui.DynamicItem[discord.ui.Button], template=r"bb:story:(?P<brief_id>\d+)"):
    """Other coverage: the brief's story (every outlet's version), for the one who pressed it."""

    def __init__(self, brief_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Other coverage",
                emoji="🗞️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"bb:story:{brief_id}",
            )
        )
        self.brief_id = brief_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: Any
    ) -> StoryButton:
        return cls(int(match["brief_id"]))

    async def callback(self, interaction: discord.Interaction[BriefBot]) -> None:
        try:
            interaction.client.track()
            await errors.defer(interaction, private=True)
            view = await interaction.client.service.stories.find_story(
                interaction.guild_id or 0, f"#{self.brief_id}", viewer_id=interaction.user.id
            )
            await show_story(interaction, view.story_id, render_stories.story_pages(view), private=True)
        except Exception as error:
            await errors.report(interaction, error)


async def show_story(
    interaction: discord.Interaction[BriefBot], story_id: int, pages: list[discord.Embed], *, private: bool
) -> None:
    """The first page of a story in the deferred response, with page buttons when it has more."""
    key = f"{story_id}.{'u' if private else 'p'}"
    await interaction.edit_original_response(embed=pages[0], view=page_view("story", key, 0, len(pages)))


def story_view(outcome: BriefOutcome) -> discord.ui.View | None:
    """Other coverage alone, for compact posts (feeds), when the brief's story has other articles."""
    if outcome.story_articles <= 1:
        return None
    return page_view("story", "", 0, 1, keep=[StoryButton(outcome.brief.id)])


# --- all actors ----------------------------------------------------------------------------------


class AllActorsButton(discord.ui.DynamicItem[discord.ui.Button], template=r"bb:actors:(?P<brief_id>\d+)"):
    """Shows, to the one who pressed it, every actor of the briefing (the message lists the key ones)."""

    def __init__(self, brief_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=render.ALL_ACTORS_LABEL,
                emoji="👥",
                style=discord.ButtonStyle.secondary,
                custom_id=f"bb:actors:{brief_id}",
            )
        )
        self.brief_id = brief_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: Any
    ) -> AllActorsButton:
        return cls(int(match["brief_id"]))

    async def callback(self, interaction: discord.Interaction[BriefBot]) -> None:
        try:
            interaction.client.track()
            loaded = await all_actors_page(
                interaction.client.service,
                interaction.guild_id or 0,
                interaction.user.id,
                str(self.brief_id),
                0,
            )
            if loaded is None:
                await errors.send_private(
                    interaction, "That brief is no longer stored, so I can't list its actors."
                )
                return
            embed, count, key = loaded
            view = page_view("actors", key, 0, count)
            if view is None:
                await interaction.response.send_message(embed=embed, ephemeral=True)
            else:
                await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
        except Exception as error:
            await errors.report(interaction, error)


# --- evidence ------------------------------------------------------------------------------------


class EvidenceButton(discord.ui.DynamicItem[discord.ui.Button], template=r"bb:evidence:(?P<brief_id>\d+)"):
    """Opens, for the one who pressed it, the evidence of the first speaker, with a menu of the others."""

    def __init__(self, brief_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Show evidence",
                emoji="🔎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"bb:evidence:{brief_id}",
            )
        )
        self.brief_id = brief_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: Any
    ) -> EvidenceButton:
        return cls(int(match["brief_id"]))

    async def callback(self, interaction: discord.Interaction[BriefBot]) -> None:
        await show_evidence(interaction, self.brief_id, speaker=0, page=0, new_message=True)


class EvidenceSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"bb:evsel:(?P<brief_id>\d+)"):
    """Chooses whose positions the evidence message shows."""

    def __init__(self, brief_id: int, names: list[str], chosen: int) -> None:
        options = [
            discord.SelectOption(
                label=render.shorten(name, SELECT_LABEL_LIMIT), value=str(index), default=index == chosen
            )
            for index, name in enumerate(names[:SELECT_OPTIONS])
        ]
        super().__init__(
            discord.ui.Select(
                custom_id=f"bb:evsel:{brief_id}",
                placeholder="Whose statements?",
                options=options or [discord.SelectOption(label="Nobody", value="0")],
            )
        )
        self.brief_id = brief_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select, match: Any
    ) -> EvidenceSelect:
        names = [option.label for option in item.options]
        return cls(int(match["brief_id"]), names, chosen=-1)

    async def callback(self, interaction: discord.Interaction[BriefBot]) -> None:
        values = self.item.values
        speaker = int(values[0]) if values and values[0].isdigit() else 0
        await show_evidence(interaction, self.brief_id, speaker=speaker, page=0, new_message=False)


class EvidencePageButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"bb:ev:(?P<brief_id>\d+):(?P<speaker>\d+):(?P<page>\d+)",
):
    """Turns a page of one speaker's evidence."""

    def __init__(self, brief_id: int, speaker: int, page: int, *, label: str, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"bb:ev:{brief_id}:{speaker}:{page}",
                disabled=disabled,
            )
        )
        self.brief_id, self.speaker, self.page = brief_id, speaker, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: Any
    ) -> EvidencePageButton:
        return cls(
            int(match["brief_id"]),
            int(match["speaker"]),
            int(match["page"]),
            label=item.label or "",
            disabled=item.disabled,
        )

    async def callback(self, interaction: discord.Interaction[BriefBot]) -> None:
        await show_evidence(
            interaction, self.brief_id, speaker=self.speaker, page=self.page, new_message=False
        )


async def show_evidence(
    interaction: discord.Interaction[BriefBot], brief_id: int, *, speaker: int, page: int, new_message: bool
) -> None:
    """One page of one speaker's evidence: a new private message, or the evidence message updated."""
    try:
        interaction.client.track()
        stored = await interaction.client.service.get_brief(
            interaction.guild_id or 0, brief_id, viewer_id=interaction.user.id
        )
        if stored is None:
            await errors.send_private(
                interaction, "That brief is no longer stored, so I can't show its evidence."
            )
            return
        names = render.speakers(stored.briefing)
        speaker = max(0, min(speaker, len(names) - 1))
        pages = render.evidence_pages(stored, speaker)
        page = max(0, min(page, len(pages) - 1))
        view = evidence_view(stored.id, names, speaker, page, len(pages))
        if new_message:
            await interaction.response.send_message(embed=pages[page], view=view, ephemeral=True)
        else:
            await interaction.response.edit_message(embed=pages[page], view=view)
    except Exception as error:
        await errors.report(interaction, error)


def evidence_view(brief_id: int, names: list[str], speaker: int, page: int, count: int) -> discord.ui.View:
    """The speaker menu (when there is a choice) and the pages of the chosen speaker."""
    view = discord.ui.View(timeout=None)
    if len(names) > 1:
        view.add_item(EvidenceSelect(brief_id, names, speaker))
    if count > 1:
        view.add_item(
            EvidencePageButton(brief_id, speaker, max(page - 1, 0), label="◀ Previous", disabled=page <= 0)
        )
        view.add_item(
            EvidencePageButton(
                brief_id, speaker, min(page + 1, count - 1), label="Next ▶", disabled=page >= count - 1
            )
        )
    return view


DYNAMIC_ITEMS = (
    PageButton,
    RefreshButton,
    EvidenceButton,
    EvidenceSelect,
    EvidencePageButton,
    StoryButton,
    AllActorsButton,
)
