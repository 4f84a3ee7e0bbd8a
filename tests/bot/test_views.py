from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot import views
from service.records import BriefOutcome, StoredBrief
from storage import NewBrief, SqliteStore
from summarizer.models import Article, Briefing, Summary, SummarySentence

PAGE_TEMPLATE = views.PageButton.__discord_ui_compiled_template__


def custom_ids(items: list[Any]) -> list[str]:
    return [item.custom_id for item in items]


def test_single_page_has_no_buttons() -> None:
    assert views.pager_buttons("brief", "42", 0, 1) == []


def test_first_middle_and_last_page() -> None:
    first = views.pager_buttons("brief", "42", 0, 3)
    assert custom_ids(first) == ["bb:page:brief:0:42", "bb:page:brief:1:42"]
    assert [b.item.disabled for b in first] == [True, False]
    middle = views.pager_buttons("brief", "42", 1, 3)
    assert custom_ids(middle) == ["bb:page:brief:0:42", "bb:page:brief:2:42"]
    last = views.pager_buttons("brief", "42", 2, 3)
    assert custom_ids(last) == ["bb:page:brief:1:42", "bb:page:brief:2:42"]
    assert [b.item.disabled for b in last] == [False, True]


@pytest.mark.parametrize("count", [2, 3, 10, 500])
def test_custom_ids_unique_and_within_limit(count: int) -> None:
    for page in range(count):
        ids = custom_ids(views.pager_buttons("actor", "Dr. Anthony S. Fauci: NIAID", page, count))
        assert len(set(ids)) == 2 and all(len(custom_id) <= 100 for custom_id in ids)


def test_actor_names_with_colons_round_trip() -> None:
    button = views.pager_buttons("actor", "Kremlin: spokesman", 0, 2)[1]
    match = PAGE_TEMPLATE.fullmatch(button.custom_id)
    assert match is not None
    assert (match["kind"], match["page"], match["key"]) == ("actor", "1", "Kremlin: spokesman")


def test_too_long_key_gets_no_buttons() -> None:
    assert views.pager_buttons("actor", "x" * 95, 0, 2) == []


def test_brief_view(stored: StoredBrief) -> None:
    single = views.brief_view(BriefOutcome(stored), 1)
    assert single is not None and custom_ids(single.children) == ["bb:evidence:42"]
    view = views.brief_view(BriefOutcome(stored, cached=True), 3)
    assert view is not None and view.timeout is None
    assert custom_ids(view.children) == [
        "bb:page:brief:0:42",
        "bb:page:brief:1:42",
        "bb:evidence:42",
        "bb:refresh:42",
    ]
    stored.briefing.positions = []
    assert views.brief_view(BriefOutcome(stored), 1) is None  # nobody stated anything: no evidence to show


def test_other_coverage_only_when_the_story_has_other_articles(stored: StoredBrief) -> None:
    alone = BriefOutcome(stored, story_id=5, story_articles=1)
    view = views.brief_view(alone, 1)
    assert view is not None and "bb:story:42" not in custom_ids(view.children)
    covered = replace(alone, story_articles=2)
    view = views.brief_view(covered, 3)
    assert view is not None and custom_ids(view.children)[-1] == "bb:story:42"
    # Turning a page keeps the button (rebuilt from its custom_id, as after a restart).
    kept = views._kept_buttons(view)
    assert custom_ids(kept) == ["bb:evidence:42", "bb:story:42"]
    match = views.StoryButton.__discord_ui_compiled_template__.fullmatch("bb:story:42")
    assert match is not None and match["brief_id"] == "42"
    assert views.StoryButton in views.DYNAMIC_ITEMS
    feed_post = views.story_view(covered)
    assert feed_post is not None and custom_ids(feed_post.children) == ["bb:story:42"]
    assert views.story_view(alone) is None


def refresh_press(*, ephemeral: bool) -> SimpleNamespace:
    message = SimpleNamespace(flags=discord.MessageFlags(ephemeral=ephemeral))
    return SimpleNamespace(guild_id=1, channel_id=77, user=SimpleNamespace(id=555), message=message)


def test_refresh_request_repeats_the_link(stored: StoredBrief) -> None:
    interaction = refresh_press(ephemeral=False)
    request = views.refresh_request(stored, interaction)  # type: ignore[arg-type]
    assert request.url == stored.briefing.article.source and request.text is None
    assert (request.guild_id, request.channel_id, request.user_id) == (1, 77, 555)
    assert (request.sentences, request.method, request.refresh) == (3, "extractive", True)
    assert request.private is False


def test_refresh_of_a_private_brief_or_on_a_private_reply_stays_private(stored: StoredBrief) -> None:
    on_private_reply = views.refresh_request(stored, refresh_press(ephemeral=True))  # type: ignore[arg-type]
    assert on_private_reply.private is True  # a public brief from the store, shown to one user
    stored.private = True
    assert views.refresh_request(stored, refresh_press(ephemeral=False)).private is True  # type: ignore[arg-type]


def test_refresh_request_repeats_pasted_text(stored: StoredBrief) -> None:
    stored.briefing.article = Article(
        text="Ministers agreed on Tuesday.", source_kind="text", source="pasted"
    )
    request = views.refresh_request(stored, refresh_press(ephemeral=False))  # type: ignore[arg-type]
    assert request.text == "Ministers agreed on Tuesday." and request.url is None


class FakeService:
    def __init__(self, stored: StoredBrief | None = None) -> None:
        self.stored = stored

    async def get_brief(self, guild_id: int, brief_id: int, *, viewer_id: int | None) -> StoredBrief | None:
        """Like the service: someone else's private brief is not found."""
        stored = self.stored
        if stored is None or brief_id != stored.id or (stored.private and viewer_id != stored.user_id):
            return None
        return stored


def press(
    button: views.PageButton, service: FakeService, message_view: discord.ui.View, *, user_id: int = 100
) -> MagicMock:
    button._view = message_view
    interaction = MagicMock()
    interaction.client.service = service
    interaction.guild_id = 1
    interaction.user.id = user_id
    interaction.response.is_done.return_value = False
    interaction.response.edit_message = AsyncMock()
    interaction.response.send_message = AsyncMock()
    interaction.extras = {}
    return interaction


async def test_page_button_shows_the_page_and_keeps_refresh(huge_outcome: BriefOutcome) -> None:
    huge_stored = huge_outcome.brief
    message_view = views.brief_view(huge_outcome, 30)
    assert message_view is not None
    button = views.pager_buttons("brief", "42", 0, 30)[1]  # "Next" on page 1 leads to page 2 (index 1)
    interaction = press(button, FakeService(huge_stored), message_view)
    await button.callback(interaction)
    kwargs = interaction.response.edit_message.await_args.kwargs
    assert re.search(r" · page 2/\d+$", kwargs["embed"].footer.text)
    assert custom_ids(kwargs["view"].children) == [
        "bb:page:brief:0:42",
        "bb:page:brief:2:42",
        "bb:evidence:42",
        "bb:actors:42",
        "bb:refresh:42",
    ]


async def test_page_of_a_deleted_brief_says_so(stored: StoredBrief) -> None:
    button = views.pager_buttons("brief", "41", 0, 2)[1]
    interaction = press(button, FakeService(stored), discord.ui.View())
    await button.callback(interaction)
    interaction.response.send_message.assert_awaited_once()
    assert "no longer stored" in interaction.response.send_message.await_args.args[0]


async def test_pages_of_a_private_brief_turn_only_for_its_owner(huge_stored: StoredBrief) -> None:
    huge_stored.private = True
    message_view = views.brief_view(BriefOutcome(huge_stored), 30)
    assert message_view is not None
    button = views.pager_buttons("brief", "42", 0, 30)[1]
    owner = press(button, FakeService(huge_stored), message_view, user_id=huge_stored.user_id)
    await button.callback(owner)
    owner.response.edit_message.assert_awaited_once()
    stranger = press(button, FakeService(huge_stored), message_view, user_id=huge_stored.user_id + 1)
    await button.callback(stranger)
    stranger.response.edit_message.assert_not_awaited()
    assert "no longer stored" in stranger.response.send_message.await_args.args[0]


async def test_history_pages_by_keyset_forward_back_and_after_a_change(tmp_path: Path) -> None:
    """The history pager against a real store: each page's buttons carry where it stands."""
    store = await SqliteStore.open(tmp_path / "briefbot.db")
    try:
        for n in range(1, 26):
            text = f"Story number {n} happened today in the town. Officials said more would follow."
            article = Article(text, "text", "pasted", title=f"Story {n}", content_hash=f"hash-{n}")
            summary = Summary("extractive", [SummarySentence(text, 0)])
            await store.save_brief(NewBrief(1, 10, 100, Briefing(article, [], summary, [], []), 3))

        embed, count, key = await views.history_page(store, 1, 100, "", 0)  # type: ignore[arg-type]
        assert (count, key) == (3, "0.25.16")
        assert embed.footer.text is not None and embed.footer.text.startswith("Page 1/3 · 25 briefs")
        embed, count, key = await views.history_page(store, 1, 100, key, 1)  # type: ignore[arg-type]
        assert (count, key) == (3, "1.15.6")
        embed, count, key = await views.history_page(store, 1, 100, key, 2)  # type: ignore[arg-type]
        assert (count, key) == (3, "2.5.1")
        assert "**#1** Story 1" in (embed.description or "")
        embed, count, key = await views.history_page(store, 1, 100, key, 1)  # type: ignore[arg-type]
        assert key == "1.15.6"
        # A button drawn on a page whose briefs are gone (another database) starts again at the top.
        embed, count, key = await views.history_page(store, 1, 100, "7.90000.89991", 8)  # type: ignore[arg-type]
        assert key == "0.25.16"
    finally:
        await store.close()


def evidence_press(item: Any, service: FakeService, *, user_id: int = 100) -> MagicMock:
    interaction = press(item, service, discord.ui.View(), user_id=user_id)
    return interaction


async def test_evidence_button_opens_the_first_speaker_privately(huge_stored: StoredBrief) -> None:
    button = views.EvidenceButton(42)
    interaction = evidence_press(button, FakeService(huge_stored))
    await button.callback(interaction)
    kwargs = interaction.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True
    names = [option.label for option in kwargs["view"].children[0].item.options]
    assert names[0] == huge_stored.briefing.positions[0].actor and len(names) == views.SELECT_OPTIONS
    assert kwargs["embed"].title == f"Evidence: {names[0]}"


async def test_evidence_select_and_pages_rebuild_from_their_custom_ids(huge_stored: StoredBrief) -> None:
    """What a press after a restart does: the items are rebuilt from the message's components."""
    names = ["Actor 0", "Actor 1"]
    select = views.EvidenceSelect(42, names, 0)
    match = views.EvidenceSelect.__discord_ui_compiled_template__.fullmatch(select.custom_id)
    rebuilt = await views.EvidenceSelect.from_custom_id(MagicMock(), select.item, match)
    rebuilt.item._values = ["1"]  # what discord.py fills in from the interaction
    interaction = evidence_press(rebuilt, FakeService(huge_stored))
    await rebuilt.callback(interaction)
    embed = interaction.response.edit_message.await_args.kwargs["embed"]
    speaker = views.render.speakers(huge_stored.briefing)[1]
    assert embed.title == f"Evidence: {speaker}"

    page = views.EvidencePageButton(42, 1, 0, label="◀ Previous")
    match = views.EvidencePageButton.__discord_ui_compiled_template__.fullmatch(page.custom_id)
    again = await views.EvidencePageButton.from_custom_id(MagicMock(), page.item, match)
    assert (again.brief_id, again.speaker, again.page) == (42, 1, 0)


async def test_evidence_of_someone_elses_private_brief_is_refused(huge_stored: StoredBrief) -> None:
    huge_stored.private = True
    button = views.EvidenceButton(42)
    interaction = evidence_press(button, FakeService(huge_stored), user_id=huge_stored.user_id + 1)
    await button.callback(interaction)
    assert "no longer stored" in interaction.response.send_message.await_args.args[0]


def test_brief_view_offers_all_actors_only_beyond_the_key_ones(stored: StoredBrief) -> None:
    actor = stored.briefing.actors[0]
    stored.briefing.actors = [replace(actor, name=f"Person {n}") for n in range(views.render.KEY_ACTORS)]
    view = views.brief_view(BriefOutcome(stored), 1)
    assert view is not None and "bb:actors:42" not in custom_ids(view.children)
    stored.briefing.actors.append(replace(actor, name="One too many"))
    view = views.brief_view(BriefOutcome(stored), 1)
    assert view is not None and custom_ids(view.children) == ["bb:evidence:42", "bb:actors:42"]


async def test_all_actors_button_rebuilds_and_pages_privately(huge_stored: StoredBrief) -> None:
    """A press after a restart: the button comes back from its custom id and lists everyone."""
    button = views.AllActorsButton(42)
    match = views.AllActorsButton.__discord_ui_compiled_template__.fullmatch(button.custom_id)
    rebuilt = await views.AllActorsButton.from_custom_id(MagicMock(), button.item, match)
    interaction = evidence_press(rebuilt, FakeService(huge_stored))
    await rebuilt.callback(interaction)
    kwargs = interaction.response.send_message.await_args.kwargs
    assert kwargs["ephemeral"] is True
    assert kwargs["embed"].title.startswith("Actors: ")
    pages = views.render.all_actors_pages(huge_stored)
    assert len(pages) > 1
    assert custom_ids(kwargs["view"].children) == ["bb:page:actors:0:42", "bb:page:actors:1:42"]

    turn = kwargs["view"].children[1]
    match = PAGE_TEMPLATE.fullmatch(turn.custom_id)
    assert match is not None and (match["kind"], match["key"]) == ("actors", "42")
    next_page = press(turn, FakeService(huge_stored), kwargs["view"])
    await turn.callback(next_page)
    shown = next_page.response.edit_message.await_args.kwargs["embed"]
    assert shown.footer.text == pages[1].footer.text


async def test_all_actors_of_someone_elses_private_brief_is_refused(huge_stored: StoredBrief) -> None:
    huge_stored.private = True
    button = views.AllActorsButton(42)
    interaction = evidence_press(button, FakeService(huge_stored), user_id=huge_stored.user_id + 1)
    await button.callback(interaction)
    assert "no longer stored" in interaction.response.send_message.await_args.args[0]
