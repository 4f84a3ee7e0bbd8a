"""Stories, digests and topic timelines through the service, with the real models and a real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from newsroom import NewsSite, Services
from newsroom import Story as Page
from story_articles import STORIES, unwrap

from service.briefing_service import BriefingService
from service.errors import InvalidSchedule, NotFound
from service.records import BriefOutcome, BriefRequest

pytestmark = pytest.mark.slow
GUILD, CHANNEL, USER, OTHER_USER = 1, 10, 7, 8


def publish(site: NewsSite, name: str) -> str:
    _, title, text = STORIES[name]
    return site.publish(Page(name, title, unwrap(text).split("\n\n")))


async def brief(service: BriefingService, url: str, **fields: object) -> BriefOutcome:
    request = BriefRequest(guild_id=GUILD, channel_id=CHANNEL, user_id=USER, url=url, **fields)  # type: ignore[arg-type]
    return await service.brief(request)


async def test_two_outlets_of_one_event_share_a_story_and_another_event_does_not(
    services_on_each_store: Services, news_site: NewsSite
) -> None:
    service = await services_on_each_store.open()
    wire = await brief(service, publish(news_site, "aceh-wire"))
    local = await brief(service, publish(news_site, "aceh-local"))
    other = await brief(service, publish(news_site, "bank"))
    assert wire.story_id is not None and (wire.story_articles, local.story_articles) == (1, 2)
    assert local.story_id == wire.story_id and other.story_id != wire.story_id

    view = await service.stories.find_story(GUILD, f"#{local.brief.id}", viewer_id=None)
    assert view.story_id == wire.story_id and len(view.story.articles) == 2
    assert any(actor.statements for actor in view.story.actors)
    by_word = await service.stories.find_story(GUILD, "quake", viewer_id=None)
    assert by_word.story_id == wire.story_id
    choices = await service.stories.story_choices(GUILD, "aceh", viewer_id=None)
    assert [(c.story_id, c.articles) for c in choices] == [(wire.story_id, 2)]
    with pytest.raises(NotFound):
        await service.stories.find_story(GUILD, "volcano", viewer_id=None)
    with pytest.raises(NotFound):
        await service.stories.find_story(GUILD + 1, f"#{local.brief.id}", viewer_id=None)

    # Asked again, the brief comes from the store with the same story.
    again = await brief(service, publish(news_site, "aceh-local"))
    assert again.cached and again.story_id == wire.story_id and again.story_articles == 2
    # Refreshed, it is a new brief of the same article: the story still has two articles.
    refreshed = await brief(service, publish(news_site, "aceh-local"), refresh=True)
    assert refreshed.brief.id != again.brief.id and refreshed.story_id == wire.story_id
    assert refreshed.story_articles == 2
    shown = await service.stories.story(GUILD, wire.story_id, viewer_id=None)
    assert len(shown.story.articles) == 2


async def test_a_private_brief_is_in_no_one_elses_story(services: Services, news_site: NewsSite) -> None:
    service = await services.open()
    public = await brief(service, publish(news_site, "aceh-wire"))
    private = await brief(service, publish(news_site, "aceh-local"), private=True)
    assert private.story_id == public.story_id and private.story_articles == 2
    shown = await service.stories.story(GUILD, public.story_id, viewer_id=OTHER_USER)
    assert len(shown.story.articles) == 1
    mine = await service.stories.story(GUILD, public.story_id, viewer_id=USER)
    assert len(mine.story.articles) == 2


async def test_digest_now_and_schedules(services: Services, news_site: NewsSite) -> None:
    service = await services.open()
    for name in ("aceh-wire", "aceh-local", "bank"):
        await brief(service, publish(news_site, name))
    digest = await service.stories.digest(GUILD, CHANNEL)
    assert sorted(len(entry.story.articles) for entry in digest.entries) == [1, 2]
    assert all(entry.story.summary for entry in digest.entries)

    await service.add_subscription(GUILD, CHANNEL, "earthquakes", USER)
    topical = await service.stories.digest(GUILD, CHANNEL)
    assert [len(entry.story.articles) for entry in topical.entries] == [2]

    with pytest.raises(InvalidSchedule):
        await service.stories.set_schedule(GUILD, CHANNEL, "daily", 8, "Mars/Olympus", 0, USER)
    with pytest.raises(InvalidSchedule):
        await service.stories.set_schedule(GUILD, CHANNEL, "daily", 24, "UTC", 0, USER)
    await service.stories.set_schedule(GUILD, CHANNEL, "daily", 0, "UTC", 0, USER)
    (due,) = await service.stories.due_digests()
    assert due.period == f"daily:{datetime.now(UTC).date().isoformat()}"
    assert await service.stories.claim_digest(due)
    service = await services.restart()
    (due,) = await service.stories.due_digests()
    assert not await service.stories.claim_digest(due)  # posted once per period, across restarts


async def test_actor_on_topic_groups_statements_by_story(services: Services, news_site: NewsSite) -> None:
    service = await services.open()
    wire = await brief(service, publish(news_site, "aceh-wire"))
    await brief(service, publish(news_site, "bank"))
    groups = await service.stories.actor_on_topic(GUILD, "Sutopo Purwo Nugroho", "earthquakes")
    assert [g.story_id for g in groups] == [wire.story_id]
    assert all(s.brief_id == wire.brief.id for s in groups[0].statements)
    assert await service.stories.actor_on_topic(GUILD, "Sutopo Purwo Nugroho", "banking profits") == []
    assert await service.stories.actor_on_topic(GUILD, "Nobody Atall", "earthquakes") == []


def test_the_clock_can_start_in_the_past() -> None:
    from service.digest_schedule import Clock

    start = datetime(2026, 1, 1, 7, 59, 59, tzinfo=UTC)
    assert timedelta(0) <= Clock(start).now() - start < timedelta(seconds=5)
