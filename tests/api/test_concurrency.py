"""Truly concurrent pushes: threads, each request with its own session and connection.

On PostgreSQL three phones ticking "asked" on one question at the same moment
lost updates (the stored flag was not the tick with the highest clock in more
than half the rounds) until the question's row was locked for the comparison.
SQLite lets one writer in at a time, so there the same test checks that
waiting writers still end right.
"""

import random
import threading
import uuid
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


def test_a_note_deleted_and_edited_at_once_is_the_same_from_any_cursor(make_phone, visit):
    """Whichever lands first, a pull from a cursor and one from scratch agree on the note."""
    deleting, editing, reading = (make_phone(name) for name in ("deleting", "editing", "reading"))
    barrier = threading.Barrier(2)
    wrong_rounds = []

    def send(phone, mutation):
        barrier.wait()
        return push_until_applied(phone, mutation).status_code

    with ThreadPoolExecutor(2) as pool:
        for round_ in range(ROUNDS):
            note_id = str(uuid.uuid4())
            reading.push(reading.mutation("note.create", {"visit_id": visit.id, "text": "N"},
                                          id=note_id))
            cursor = reading.pull().get_json()["cursor"]
            about = {"visit_id": visit.id, "note_id": note_id, "base_version": 1}
            statuses = list(pool.map(send, (deleting, editing), (
                deleting.mutation("note.delete", about),
                editing.mutation("note.edit", {**about, "text": "Late words", "tags": []}))))
            assert statuses == [200, 200]
            since = {c["id"]: c for c in reading.pull(cursor).get_json()["changes"]}
            fresh = {c["id"] for c in reading.pull().get_json()["changes"]}
            if since[note_id]["deleted"] == (note_id in fresh):
                wrong_rounds.append(round_)

    assert wrong_rounds == []
