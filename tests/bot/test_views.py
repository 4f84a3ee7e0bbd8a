from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot import views
from service.records import BriefRow, StoredBrief
from summarizer.models import Article

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
    assert views.brief_view(stored, 1) is None
    stored.cached = True
    view = views.brief_view(stored, 3)
    assert view is not None and view.timeout is None
    assert custom_ids(view.children) == ["bb:page:brief:0:42", "bb:page:brief:1:42", "bb:refresh:42"]


def test_refresh_request_repeats_the_link(stored: StoredBrief) -> None:
    interaction = SimpleNamespace(guild_id=1, channel_id=77, user=SimpleNamespace(id=555))
    request = views.refresh_request(stored, interaction)  # type: ignore[arg-type]
    assert request.url == stored.briefing.article.source and request.text is None
    assert (request.guild_id, request.channel_id, request.user_id) == (1, 77, 555)
    assert (request.sentences, request.method, request.refresh) == (3, "extractive", True)


def test_refresh_request_repeats_pasted_text(stored: StoredBrief) -> None:
    stored.briefing.article = Article(
        text="Ministers agreed on Tuesday.", source_kind="text", source="pasted"
    )
    interaction = SimpleNamespace(guild_id=1, channel_id=77, user=SimpleNamespace(id=555))
    request = views.refresh_request(stored, interaction)  # type: ignore[arg-type]
    assert request.text == "Ministers agreed on Tuesday." and request.url is None


class FakeService:
    def __init__(self, stored: StoredBrief | None = None, rows: int = 0) -> None:
        self.stored = stored
        created = datetime(2026, 11, 24, tzinfo=UTC)
        self.rows = [
            BriefRow(n, f"Story {n}", "pasted", "text", created, 10, 100) for n in range(rows, 0, -1)
        ]

    async def get_brief(self, guild_id: int, brief_id: int) -> StoredBrief | None:
        return self.stored if self.stored and brief_id == self.stored.id else None

    async def history(self, guild_id: int, *, limit: int, offset: int) -> tuple[list[BriefRow], int]:
        return self.rows[offset : offset + limit], len(self.rows)


def press(button: views.PageButton, service: FakeService, message_view: discord.ui.View) -> MagicMock:
    button._view = message_view
    interaction = MagicMock()
    interaction.client.service = service
    interaction.guild_id = 1
    interaction.response.is_done.return_value = False
    interaction.response.edit_message = AsyncMock()
    interaction.response.send_message = AsyncMock()
    interaction.extras = {}
    return interaction


async def test_page_button_shows_the_page_and_keeps_refresh(huge_stored: StoredBrief) -> None:
    message_view = views.brief_view(huge_stored, 30)
    assert message_view is not None
    button = views.pager_buttons("brief", "42", 0, 30)[1]  # "Next" on page 1 leads to page 2 (index 1)
    interaction = press(button, FakeService(huge_stored), message_view)
    await button.callback(interaction)
    kwargs = interaction.response.edit_message.await_args.kwargs
    assert re.search(r" · page 2/\d+$", kwargs["embed"].footer.text)
    assert custom_ids(kwargs["view"].children) == [
        "bb:page:brief:0:42",
        "bb:page:brief:2:42",
        "bb:refresh:42",
    ]


async def test_page_of_a_deleted_brief_says_so(stored: StoredBrief) -> None:
    button = views.pager_buttons("brief", "41", 0, 2)[1]
    interaction = press(button, FakeService(stored), discord.ui.View())
    await button.callback(interaction)
    interaction.response.send_message.assert_awaited_once()
    assert "no longer stored" in interaction.response.send_message.await_args.args[0]


async def test_history_pages_clamp_when_the_history_shrank() -> None:
    embed, count = await views.history_page(FakeService(rows=12), 1, "", 5)  # type: ignore[arg-type]
    assert count == 2
    assert embed.footer.text is not None and embed.footer.text.startswith("Page 2/2 · 12 briefs")
    assert "**#2** Story 2" in (embed.description or "")
