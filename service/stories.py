"""Stories across outlets, digests and topic timelines: the application side of issue 10.

Every new brief joins a story: its signature (one MiniLM encoding of the lead, plus the actors, places
and dates the brief already has) is computed in a worker, candidate stories come from the store's key
index, the fitted grouping model picks one (or none: a new story) off the event loop, and the store
adds the brief in one transaction. Grouping is a bonus on top of a brief: when it fails, the brief is
still answered, only without its story.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from service.digest_schedule import Clock, DueDigest, check_schedule, due_period
from service.errors import NotFound
from service.limits import QueueLimit
from service.records import ActorStatement, BriefOutcome, StoredBrief
from service.settings import Settings
from service.worker import TaskRunner, digest_entry_task, merge_task, signature_task, topic_scores_task
from storage import Store
from storage.records import DigestSchedule
from summarizer.digest import Digest, rank_stories
from summarizer.errors import BriefError
from summarizer.stories import InMemoryStoryIndex, Plan, StoryGrouper, StoryProfile
from summarizer.story_merge import Story
from summarizer.story_signature import StorySignature, article_ref

log = logging.getLogger(__name__)

STORY_BRIEFS = 12  # merged into one /story (the oldest first: who reported it first)
STORY_SENTENCES = 5
DIGEST_STORIES = 8  # shown in a digest
DIGEST_SENTENCES = 3
DIGEST_CANDIDATES = 40  # stories updated in the period that are ranked at all
DIGEST_BRIEFS_PER_STORY = 5
PRE_RANK = 3  # a digest merges at most this many times the stories it shows
ACTOR_STATEMENTS = 60  # read for /actor with a topic, before the topic filter
ACTOR_TOPIC_BRIEFS = 15  # briefs whose topic is checked (each is encoded again in a worker)
CHOICES = 25


@dataclass(slots=True, frozen=True)
class StoryView:
    story_id: int
    story: Story


@dataclass(slots=True, frozen=True)
class StoryChoice:
    story_id: int
    title: str
    articles: int


@dataclass(slots=True, frozen=True)
class StoryStatements:
    """What an actor said about a topic within one story (None: a brief in no story), oldest first."""

    story_id: int | None
    title: str
    statements: list[ActorStatement]


class StoryService:
    def __init__(self, settings: Settings, store: Store, pool: TaskRunner, queue: QueueLimit) -> None:
        self._settings = settings
        self._store = store
        self._pool = pool
        self._queue = queue
        # Only `plan` is used: the candidates come from the store's own (async) index, StorySql.
        self._grouper = StoryGrouper(InMemoryStoryIndex())
        self.clock = Clock(settings.digest_clock_start)

    # --- joining --------------------------------------------------------------------------------

    async def join(self, outcome: BriefOutcome, signature: StorySignature | None = None) -> BriefOutcome:
        """The outcome with the brief's story: joined now when new (with the signature computed with
        the brief, else one computed now), looked up when it came from the store."""
        stored = outcome.brief
        viewer = stored.user_id if stored.private else None
        try:
            story_id = await self._store.story_of_brief(stored.guild_id, stored.id, viewer_id=stored.user_id)
            if story_id is None:
                story_id = await self._join(stored, signature)
            articles = await self._store.story_size(stored.guild_id, story_id, viewer_id=viewer)
        except BriefError as err:
            log.warning("Brief #%d joined no story: %s", stored.id, err)
            return outcome
        except Exception:  # a bug in grouping must not turn a finished brief into an error
            log.exception("Brief #%d joined no story", stored.id)
            return outcome
        return replace(outcome, story_id=story_id, story_articles=articles)

    async def join_briefs(
        self, guild_id: int | None, brief_ids: list[int], signature: StorySignature | None = None
    ) -> None:
        """Feed briefs: each joins its story (a failure is logged, the others still join)."""
        for brief_id in brief_ids:
            stored = await self._store.get_brief(guild_id, brief_id)
            if stored is not None:
                await self.join(BriefOutcome(stored), signature)

    async def _join(self, stored: StoredBrief, signature: StorySignature | None) -> int:
        if signature is None:
            signature = await self._pool.run(signature_task, stored.briefing)
        p = self._grouper.params
        chosen: list[tuple[Plan, int]] = []  # with the number of candidates, for the log

        async def choose(found: list[StoryProfile]) -> Plan:
            plan = await asyncio.to_thread(self._grouper.plan, signature, stored.id, found)
            chosen.append((plan, len(found)))
            return plan

        # The store reads the candidates, calls `choose` and writes in one transaction, serialised per
        # guild across processes (bots and workers of the distributed mode join concurrently).
        joined = await self._store.join_best_story(
            stored.guild_id,
            stored.id,
            signature,
            choose,
            window=p.window,
            per_key=p.per_key,
            limit=p.max_candidates,
        )
        plan, considered = chosen[-1] if chosen else (Plan(joined.story_id, 1.0), 0)  # none: joined before
        log.info(
            "Brief #%d %s story #%d (p=%.2f over %d candidates; %d earlier briefs moved with it).",
            stored.id,
            "started" if joined.new else "joined",
            joined.story_id,
            plan.probability,
            considered,
            len(plan.moves),
        )
        return joined.story_id

    # --- reading stories ------------------------------------------------------------------------

    async def story(self, guild_id: int | None, story_id: int, *, viewer_id: int | None) -> StoryView:
        briefs = await self._store.story_briefs(guild_id, story_id, limit=STORY_BRIEFS, viewer_id=viewer_id)
        briefs = _one_per_article(briefs)
        if not briefs:
            raise NotFound("I couldn't find that story in this server.")
        with self._queue.slot():
            story = await self._pool.run(merge_task, [b.briefing for b in briefs], STORY_SENTENCES)
        return StoryView(story_id, story)

    async def find_story(self, guild_id: int | None, query: str, *, viewer_id: int | None) -> StoryView:
        """The story of a brief ("#12"), a link, a search term, or an autocomplete choice ("s:3")."""
        query = " ".join(query.split())
        if query.startswith("s:") and query[2:].isdigit():
            return await self.story(guild_id, int(query[2:]), viewer_id=viewer_id)
        for brief_id in await self._briefs_for(guild_id, query, viewer_id):
            story_id = await self._store.story_of_brief(guild_id, brief_id, viewer_id=viewer_id)
            if story_id is not None:
                return await self.story(guild_id, story_id, viewer_id=viewer_id)
        raise NotFound(f"I found no story for “{query[:80]}” in this server's briefs.")

    async def _briefs_for(self, guild_id: int | None, query: str, viewer_id: int | None) -> list[int]:
        if query.lower().startswith(("http://", "https://")):
            for method in ("extractive", "abstractive"):
                for sentences in range(1, 11):
                    found = await self._store.find_brief(
                        guild_id, method=method, sentences=sentences, url=query, viewer_id=viewer_id
                    )
                    if found is not None:
                        return [found.id]
        rows = await self._store.search_briefs(guild_id, query, limit=10, viewer_id=viewer_id)
        return [row.id for row in rows]

    async def story_choices(
        self, guild_id: int | None, current: str, *, viewer_id: int | None
    ) -> list[StoryChoice]:
        """Stories whose briefs match what was typed, newest first (autocomplete)."""
        rows = await self._store.search_briefs(guild_id, current, limit=CHOICES, viewer_id=viewer_id)
        story_of = await self._store.stories_of_briefs(guild_id, [row.id for row in rows])
        choices: dict[int, StoryChoice] = {}
        for row in rows:
            story_id = story_of.get(row.id)
            if story_id is None or story_id in choices:
                continue
            articles = await self._store.story_size(guild_id, story_id, viewer_id=viewer_id)
            choices[story_id] = StoryChoice(story_id, row.title, articles)
        return list(choices.values())

    # --- digests --------------------------------------------------------------------------------

    async def digest(self, guild_id: int, channel_id: int, *, days: int = 1) -> Digest:
        """The top stories of the last `days` for the channel's topics (every story when it has none);
        public briefs only: a digest is posted for everyone.

        Stories are first ranked on coverage and recency alone (their article lists: no NLP), and only
        PRE_RANK x DIGEST_STORIES of them are merged and topic-matched, one worker task each."""
        now = self.clock.now()
        topics = [s.topic for s in await self._store.list_subscriptions(guild_id, channel_id)]
        story_ids = await self._store.recent_stories(
            guild_id, now - timedelta(days=days), limit=DIGEST_CANDIDATES
        )
        stories = []
        for story_id in story_ids:
            briefs = _one_per_article(
                await self._store.story_briefs(guild_id, story_id, limit=DIGEST_BRIEFS_PER_STORY)
            )
            if briefs:
                stories.append([b.briefing for b in briefs])
        light = [Story(b[0].article.title, [article_ref(x.article) for x in b], [], [], []) for b in stories]
        order = {id(story): n for n, story in enumerate(light)}
        ranked = rank_stories(light, limit=PRE_RANK * DIGEST_STORIES, now=now).entries
        entries = []
        with self._queue.slot():
            for entry in ranked:
                briefings = stories[order[id(entry.story)]]
                merged = await self._pool.run(digest_entry_task, briefings, topics, DIGEST_SENTENCES)
                if merged is not None:
                    entries.append(merged)
        matches = [(e.topic or 0.0, e.matched_topics) for e in entries] if topics else None
        return rank_stories([e.story for e in entries], matches, topics=topics, limit=DIGEST_STORIES, now=now)

    async def set_schedule(
        self,
        guild_id: int,
        channel_id: int,
        cadence: str,
        hour: int,
        timezone: str,
        weekday: int,
        user_id: int,
    ) -> DigestSchedule:
        check_schedule(cadence, hour, timezone, weekday)
        schedule = DigestSchedule(guild_id, channel_id, cadence, hour, timezone, weekday, user_id)
        await self._store.set_digest_schedule(schedule)
        return schedule

    async def remove_schedule(self, guild_id: int, channel_id: int) -> bool:
        return await self._store.remove_digest_schedule(guild_id, channel_id)

    async def schedules(self, guild_id: int | None = None) -> list[DigestSchedule]:
        return await self._store.digest_schedules(guild_id)

    async def due_digests(self) -> list[DueDigest]:
        """Schedules whose current period's hour has passed; whether it was posted is the claim's job."""
        now = self.clock.now()
        due = [due_period(schedule, now) for schedule in await self._store.digest_schedules()]
        return [d for d in due if d is not None]

    async def claim_digest(self, due: DueDigest) -> bool:
        """True for exactly one caller per channel and period, across restarts and processes."""
        return await self._store.claim_digest(due.schedule.channel_id, due.period)

    async def release_digest(self, due: DueDigest) -> None:
        await self._store.release_digest(due.schedule.channel_id, due.period)

    async def digest_posted(self, due: DueDigest, message_id: int) -> None:
        await self._store.digest_posted(due.schedule.channel_id, due.period, message_id)

    # --- actors ---------------------------------------------------------------------------------

    async def actor_on_topic(self, guild_id: int | None, name: str, topic: str) -> list[StoryStatements]:
        """What the actor said in public briefs about `topic` (the fitted topic model on each brief),
        grouped by story, the story with the newest statement first."""
        statements = await self._store.actor_timeline(guild_id, name, limit=ACTOR_STATEMENTS)
        brief_ids = list(dict.fromkeys(s.brief_id for s in statements))[:ACTOR_TOPIC_BRIEFS]
        briefs = [b for b in [await self._store.get_brief(guild_id, i) for i in brief_ids] if b is not None]
        if not briefs:
            return []
        with self._queue.slot():
            scores = await self._pool.run(topic_scores_task, [b.briefing for b in briefs], topic)
        on_topic = {
            b.id for b, score in zip(briefs, scores, strict=True) if score >= self._settings.topic_threshold
        }
        story_of = await self._store.stories_of_briefs(guild_id, sorted(on_topic))
        groups: dict[int, StoryStatements] = {}
        for statement in statements:  # newest first
            if statement.brief_id not in on_topic:
                continue
            story_id = story_of.get(statement.brief_id)
            key = story_id if story_id is not None else -statement.brief_id
            group = groups.setdefault(key, StoryStatements(story_id, statement.title, []))
            group.statements.insert(0, statement)
        return list(groups.values())


def _one_per_article(briefs: list[StoredBrief]) -> list[StoredBrief]:
    """The newest brief of each article: a refreshed brief, or one briefed again at another length,
    is the same outlet's same report, not more coverage."""
    newest = {b.briefing.article.content_hash: b for b in briefs}  # oldest first: later ones win
    return sorted(newest.values(), key=lambda b: b.id)
