"""Fault scenarios of bench/distributed.py: a worker SIGKILLed mid-job (kill-worker) and PostgreSQL
stopped and started again while /briefs arrive (pg-outage)."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from distributed_kit import (
    ACK_TARGET_S,
    LOAD_ENV,
    QUIET_ENV,
    WARM_UP_TIMEOUT_S,
    Checks,
    articles,
    bot_posts,
    distinct_pages,
    duplicate_posts,
    has_embeds,
    is_final,
    one_server_world,
    print_table,
    serve_article,
    warm_up_channels,
)
from distributed_stack import kill_tree, running_stack, sql_one, start_workers
from fake_discord import FakeDiscord, InteractionHandle, Message

CLAIM_TIMEOUT_S = 120.0

REPLY_AFTER_KILL_TARGET_S = 15.0

REPLY_AFTER_KILL_TIMEOUT_S = 120.0


async def claimed_job(dsn: str, within_s: float) -> tuple[int, int]:
    """The first job a worker has claimed (status 'doing'): (job id, worker id)."""
    deadline = time.monotonic() + within_s
    query = "SELECT array[id, worker_id] FROM procrastinate_jobs WHERE status = 'doing' ORDER BY id LIMIT 1"
    while time.monotonic() < deadline:
        claimed = sql_one(dsn, query)
        if claimed is not None:
            job_id, worker_id = claimed  # type: ignore[misc]
            return int(job_id), int(worker_id)
        await asyncio.sleep(0.02)
    raise TimeoutError(f"no worker claimed a job within {within_s:.0f} s")


async def job_starts_until(dsn: str, job_id: int, done: Callable[[], bool], within_s: float) -> int:
    """The most 'started' events the job had while we watched (its row goes once it succeeds)."""
    most = 0
    deadline = time.monotonic() + within_s
    while not done() and time.monotonic() < deadline:
        starts = sql_one(
            dsn,
            "SELECT count(*) FROM procrastinate_events WHERE job_id = %s AND type = 'started'",
            (job_id,),
        )
        most = max(most, int(starts or 0))  # type: ignore[call-overload]
        await asyncio.sleep(0.1)
    return most


async def kill_worker(args: argparse.Namespace) -> dict[str, Any]:
    checks = Checks()
    texts = articles(args.data)
    with running_stack(one_server_world(channels=3), keep_logs=args.keep_logs) as stack:
        dsn = stack.start_database()
        workers = start_workers(stack, 2)
        stack.start_bot("bot", "bot", QUIET_ENV)
        fake = stack.fake
        desks = [fake.channel(f"desk{n}") for n in range(3)]
        urls = [serve_article(fake, f"news/{n}.html", row) for n, row in enumerate(texts[:3])]

        # Both workers busy at once, so that both have loaded their models before the measured brief.
        warm_started = time.monotonic()
        warm_ups = [await fake.slash("brief", {"url": urls[n]}, channel=desks[n]) for n in range(2)]
        for handle in warm_ups:
            await fake.interaction_response(handle, until=has_embeds, timeout=WARM_UP_TIMEOUT_S)
        warm_up_s = time.monotonic() - warm_started

        briefs_before = int(sql_one(dsn, "SELECT count(*) FROM briefs"))  # type: ignore[arg-type]
        briefings_before = int(sql_one(dsn, "SELECT count(*) FROM briefings"))  # type: ignore[arg-type]
        handle = await fake.slash("brief", {"url": urls[2]}, channel=desks[2])
        job_id, victim = await claimed_job(dsn, CLAIM_TIMEOUT_S)
        kill_tree(workers[victim])
        killed_at = time.monotonic()

        reply = asyncio.ensure_future(
            fake.interaction_response(handle, until=has_embeds, timeout=REPLY_AFTER_KILL_TIMEOUT_S)
        )
        starts = await job_starts_until(dsn, job_id, reply.done, REPLY_AFTER_KILL_TIMEOUT_S)
        message = await reply
        reply_after_kill_s = message.versions[-1].at - killed_at
        await asyncio.sleep(3.0)  # anything posted twice would show up by now
        briefs = int(sql_one(dsn, "SELECT count(*) FROM briefs")) - briefs_before  # type: ignore[arg-type]
        briefings = int(sql_one(dsn, "SELECT count(*) FROM briefings")) - briefings_before  # type: ignore[arg-type]
        posts = len(bot_posts(fake, desks[2].id, after=handle.id))
        reruns = stack.log("worker0").count("lost its worker") + stack.log("worker1").count("lost its worker")

    checks.expect(briefs == 1, f"{briefs} brief rows for the killed brief (want 1)")
    checks.expect(posts == 1, f"{posts} messages posted for it (want 1)")
    checks.expect(starts == 2, f"the job ran {starts} times (want 2: the killed run and one retry)")
    checks.expect(
        reply_after_kill_s <= REPLY_AFTER_KILL_TARGET_S, f"reply {reply_after_kill_s:.1f} s after the kill"
    )
    print_table(
        "kill-worker: SIGKILL the worker running a /brief (bot + 2 workers + PostgreSQL)",
        [
            ("brief rows", briefs, "must be 1"),
            ("briefing rows (computations)", briefings, "1"),
            ("messages posted", posts, "must be 1"),
            ("runs of the job", starts, "2 (killed + retry)"),
            ("'lost its worker' log lines", reruns, ""),
            ("seconds from kill to reply", reply_after_kill_s, f"<= {REPLY_AFTER_KILL_TARGET_S:.0f}"),
            ("warm-up (models load) s", warm_up_s, ""),
        ],
    )
    return {
        "killed_worker_id": victim,
        "brief_rows": briefs,
        "briefing_rows": briefings,
        "messages_posted": posts,
        "job_runs": starts,
        "reap_log_lines": reruns,
        "reply_after_kill_s": round(reply_after_kill_s, 2),
        "warm_up_s": round(warm_up_s, 1),
        "failed": checks.failed,
    }


OUTAGE_S = 10.0
BEFORE_OUTAGE_S = 10.0
AFTER_OUTAGE_S = 20.0
SEND_EVERY_S = 1.0
OUTAGE_CHANNELS = 4
OUTAGE_REPLY_TIMEOUT_S = 180.0


def answer(fake: FakeDiscord, handle: InteractionHandle) -> Message | None:
    """What the user was finally told: the reply in its last state, or an ephemeral follow-up (an
    error message) that came while the reply itself stayed a progress note."""
    result = fake.interaction(handle)
    if result.original is not None and is_final(result.original):
        return result.original
    return next((m for m in reversed(result.followups) if m.ephemeral), None)


def left_in_progress(fake: FakeDiscord, handle: InteractionHandle) -> bool:
    original = fake.interaction(handle).original
    # A deleted reply is not left behind: an error deletes the public note and answers privately.
    return original is not None and not original.deleted and not is_final(original)


async def pg_outage(args: argparse.Namespace) -> dict[str, Any]:
    """Stop PostgreSQL for OUTAGE_S while a /brief is sent every SEND_EVERY_S, then start it again."""
    checks = Checks()
    rows = articles(args.data)
    with running_stack(one_server_world(channels=OUTAGE_CHANNELS), keep_logs=args.keep_logs) as stack:
        dsn = stack.start_database()
        start_workers(stack, 2)
        stack.start_bot("bot", "bot", LOAD_ENV)
        fake = stack.fake
        cluster = stack.cluster
        assert cluster is not None
        desks = [fake.channel(f"desk{n}") for n in range(OUTAGE_CHANNELS)]
        warm_s = await warm_up_channels(fake, distinct_pages(fake, rows[::-1], 2, "warm"), desks)
        total = int((BEFORE_OUTAGE_S + OUTAGE_S + AFTER_OUTAGE_S) / SEND_EVERY_S)
        urls = distinct_pages(fake, rows, total, "load")
        sent: list[tuple[float, Any]] = []
        replies: dict[int, Message | None] = {}

        async def one(n: int) -> None:
            handle = await fake.slash("brief", {"url": urls[n]}, user="alice", channel=desks[n % len(desks)])
            sent.append((time.monotonic(), handle))
            try:
                replies[handle.id] = await fake.wait_until(
                    lambda: answer(fake, handle), OUTAGE_REPLY_TIMEOUT_S
                )
            except TimeoutError:
                replies[handle.id] = None

        async def outage() -> tuple[float, float]:
            await asyncio.sleep(BEFORE_OUTAGE_S)
            stopped_at = time.monotonic()
            await asyncio.to_thread(cluster.stop_server)
            await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - stopped_at)))
            await asyncio.to_thread(cluster.start_server)
            return stopped_at, time.monotonic()

        outage_task = asyncio.ensure_future(outage())
        senders = []
        for n in range(total):
            senders.append(asyncio.ensure_future(one(n)))
            await asyncio.sleep(SEND_EVERY_S)
        stopped_at, started_at = await outage_task
        await asyncio.gather(*senders)
        await asyncio.sleep(3.0)  # a late second post would show up by now
        left_in_queue = int(
            sql_one(dsn, "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")  # type: ignore[arg-type]
        )
        duplicates = duplicate_posts([m for d in desks for m in bot_posts(fake, d.id, after=0)])
        violations = Counter(v.kind for v in fake.take_violations())
        during = [h for at, h in sent if stopped_at <= at <= started_at]
        during_acks = [fake.interaction(h).ack_latency_s for h in during]
        outage_messages = Counter(
            (m.content or "(brief)") if m is not None else "(no reply)"
            for m in (replies[h.id] for h in during)
        )
        after = [replies[h.id] for at, h in sent if at > started_at]
        resumed = [m.versions[-1].at for m in after if m is not None and m.embeds]
        first_brief_after = min(resumed, default=None)
        all_acks = [fake.interaction(h).ack_latency_s for _, h in sent]
        stuck_notes = sum(1 for _, h in sent if left_in_progress(fake, h))

    lost = sum(1 for m in replies.values() if m is None)
    acked_during = sum(1 for a in during_acks if a is not None and a <= ACK_TARGET_S)
    resume_s = None if first_brief_after is None else first_brief_after - started_at
    checks.expect(lost == 0, f"{lost} /briefs never answered")
    checks.expect(left_in_queue == 0, f"{left_in_queue} jobs still queued or running at the end")
    checks.expect(
        acked_during == len(during), f"{len(during) - acked_during} not acknowledged in 3 s during the outage"
    )
    checks.expect(
        all(a is not None and a <= ACK_TARGET_S for a in all_acks),
        "an interaction was not acknowledged in 3 s",
    )
    checks.expect(duplicates == 0, f"{duplicates} duplicate messages")
    checks.expect(resume_s is not None, "no brief was answered after PostgreSQL came back")
    print_table(
        f"pg-outage: PostgreSQL stopped {started_at - stopped_at:.1f} s (pg_ctl -m fast) while a /brief "
        f"is sent every {SEND_EVERY_S:.0f} s (bot + 2 workers)",
        [
            ("/briefs sent", len(sent), ""),
            ("sent during the outage", len(during), ""),
            ("acknowledged within 3 s during it", acked_during, "all"),
            ("never answered (lost)", lost, "must be 0"),
            ("jobs left in the queue", left_in_queue, "must be 0"),
            ("duplicate messages", duplicates, "must be 0"),
            ("public replies left at a progress note", stuck_notes, "0"),
            ("briefs answered after restart", len(resumed), ""),
            ("s from restart to first brief", resume_s if resume_s is not None else "-", ""),
        ],
    )
    for message, count in outage_messages.most_common():
        print(f"  during the outage, {count} x: {message[:150]}")
    return {
        "outage_s": round(started_at - stopped_at, 1),
        "sent": len(sent),
        "sent_during_outage": len(during),
        "acknowledged_during_outage": acked_during,
        "outage_replies": dict(outage_messages),
        "lost": lost,
        "jobs_left_in_queue": left_in_queue,
        "duplicate_messages": duplicates,
        "public_replies_left_at_progress_note": stuck_notes,
        "answered_with_brief_after_restart": len(resumed),
        "resume_s": None if resume_s is None else round(resume_s, 1),
        "violations": dict(violations),
        "warm_up_s": round(warm_s, 1),
        "failed": checks.failed,
    }
