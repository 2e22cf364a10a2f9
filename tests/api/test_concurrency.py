"""Truly concurrent pushes: threads, each request with its own session and connection.

On PostgreSQL three phones ticking "asked" on one question at the same moment
lost updates (the stored flag was not the tick with the highest clock in more
than half the rounds) until the question's row was locked for the comparison.
SQLite lets one writer in at a time, so there the same test checks that
waiting writers still end right.
"""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

from webapp.extensions import db
from webapp.models import AskedEvent, VisitQuestion

ROUNDS = 12
BASE_MS = 1_800_000_000_000


def push_until_applied(phone, mutation):
    """Push as a phone does: a passing fault (503) is tried again."""
    for _ in range(20):
        response = phone.push(mutation)
        if response.status_code != 503:
            return response
    return response


def test_concurrent_ticks_keep_the_one_with_the_highest_clock(make_phone, visit):
    phones = [make_phone(name) for name in ("alpha", "bravo", "charlie")]
    question_id = visit.questions[0].id
    barrier = threading.Barrier(len(phones))
    rng = random.Random(8)
    wrong_rounds = []

    def tick(phone, mutation):
        barrier.wait()
        return push_until_applied(phone, mutation).status_code

    with ThreadPoolExecutor(len(phones)) as pool:
        for round_ in range(ROUNDS):
            # Later rounds have later clocks; inside a round the order is random.
            offsets = rng.sample(range(1, 10), len(phones))
            ticks = [phone.mutation("question.mark_asked", {
                "visit_id": visit.id, "question_id": str(question_id),
                "asked": rng.random() < 0.5,
            }, hlc=f"{BASE_MS + round_ * 100 + offset:013d}-0000-{phone.device.name}")
                for phone, offset in zip(phones, offsets, strict=True)]
            statuses = list(pool.map(tick, phones, ticks))
            assert statuses == [200, 200, 200]
            stored = db.session.get(VisitQuestion, question_id, populate_existing=True)
            latest = max(ticks, key=lambda m: m["hlc"])
            if (stored.asked_hlc, stored.asked) != (latest["hlc"], latest["data"]["asked"]):
                wrong_rounds.append(round_)
            db.session.rollback()  # end the read, so no snapshot outlives the round

    assert wrong_rounds == []
    assert AskedEvent.query.count() == ROUNDS * len(phones)  # every tick kept as history
