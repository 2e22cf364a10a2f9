"""Property: whatever the network does, three phones' logs converge to one state.

Random interleavings of pushes from three devices, with duplicates (resent
slices), gaps (slices starting too far on) and reordering inside a batch,
plus pulls at random moments into each phone's replica. Afterwards each
create exists exactly once, each "asked" flag is the latest by clock, every
bad mutation is one rejection, and every replica equals the server's state.
"""

import shutil
import tempfile
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import Phone, apply
from tests.conftest import FreshSessionClient, database_url
from tests.days import in_days, years_ago
from webapp import create_app
from webapp.extensions import db
from webapp.models import Answer, Household, Member, Note, Rejection, VisitQuestion
from webapp.services import devices
from webapp.services.cases import add_case, add_child, add_clinician
from webapp.services.visits import add_from_library, add_visit

DEVICES = ["alpha", "bravo", "charlie"]

mutation_kinds = st.one_of(
    st.tuples(st.just("note"), st.booleans()),              # valid?
    st.tuples(st.just("answer"), st.integers(0, 1)),        # which question
    st.tuples(st.just("asked"), st.integers(0, 1), st.booleans(), st.integers(0, 5)),
)
logs = st.lists(st.lists(mutation_kinds, max_size=6), min_size=3, max_size=3)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("push"), st.integers(0, 2), st.integers(0, 7), st.integers(1, 4),
                  st.booleans()),
        st.tuples(st.just("pull"), st.integers(0, 2)),
    ),
    max_size=25,
)


def build_world():
    folder = Path(tempfile.mkdtemp(prefix="convergence-"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test only", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": database_url(folder)})
    app.test_client_class = FreshSessionClient
    context = app.app_context()
    context.push()
    db.drop_all()
    db.create_all()
    household = Household(name="Family")
    member = Member(household=household, name="Sam", passphrase_hash="not used here")
    db.session.add_all([household, member])
    db.session.flush()
    child = add_child(household.id, name="Ada", birth_date=years_ago(10, 1, 1))
    case = add_case(child, diagnosis="Something", safe_to_wait="yes")
    clinician = add_clinician(household.id, name="Dr A")
    visit = add_visit(case, clinician.id, in_days(7))
    add_from_library(visit, ["diagnosis-agree", "treatment-agree"])
    phones = []
    for name in DEVICES:
        device, token = devices.register_device(member, name)
        phones.append(Phone(app.test_client(), device, token))
    db.session.commit()
    context.folder = folder
    return app, context, visit, phones


def to_mutations(phone, name, kinds, visit, questions):
    """Turn drawn kinds into the phone's numbered log, and what each should do."""
    log = []
    for kind in kinds:
        if kind[0] == "note":
            text = "note" if kind[1] else "   "
            log.append(phone.mutation("note.create", {"visit_id": visit.id, "text": text}))
        elif kind[0] == "answer":
            log.append(phone.mutation("answer.create", {
                "visit_id": visit.id, "question_id": str(questions[kind[1]]), "text": "ans"}))
        else:
            _, which, asked, tick = kind
            log.append(phone.mutation(
                "question.mark_asked",
                {"visit_id": visit.id, "question_id": str(questions[which]), "asked": asked},
                hlc=f"{1_800_000_000_000 + tick:013d}-0000-{name}"))
    return log


def apply_pull(replica, cursor, phone):
    body = phone.pull(cursor).get_json()
    apply(replica, body)
    return body["cursor"]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(logs=logs, steps=steps, data=st.data())
def test_three_phones_converge_with_each_create_applied_once(logs, steps, data):
    app, context, visit, phones = build_world()
    try:
        questions = [q.id for q in visit.questions]
        all_logs = [to_mutations(p, n, k, visit, questions)
                    for p, n, k in zip(phones, DEVICES, logs, strict=True)]
        replicas, cursors = [{}, {}, {}], [None, None, None]

        for step in steps:
            if step[0] == "push":
                _, who, start, length, shuffle = step
                batch = all_logs[who][start:start + length]
                if shuffle:
                    batch = data.draw(st.permutations(batch))
                if batch:
                    assert phones[who].push(*batch).status_code in (200, 409)
            else:
                who = step[1]
                cursors[who] = apply_pull(replicas[who], cursors[who], phones[who])

        # Everyone comes back into signal: push everything, then pull.
        for phone, log in zip(phones, all_logs, strict=True):
            if log:
                assert phone.push(*log).get_json()["last_applied_seq"] == len(log)
        for who, phone in enumerate(phones):
            cursors[who] = apply_pull(replicas[who], cursors[who], phone)

        flat = [m for log in all_logs for m in log]
        valid_notes = [m for m in flat if m["op"] == "note.create" and m["data"]["text"].strip()]
        answers = [m for m in flat if m["op"] == "answer.create"]
        assert sorted(str(n.id) for n in Note.query) == sorted(m["id"] for m in valid_notes)
        assert sorted(str(a.id) for a in Answer.query) == sorted(m["id"] for m in answers)
        assert Rejection.query.count() == len(flat) - len(valid_notes) - len(answers) - len(
            [m for m in flat if m["op"] == "question.mark_asked"])
        for question_id in questions:
            ticks = [m for m in flat if m["op"] == "question.mark_asked"
                     and m["data"]["question_id"] == str(question_id)]
            stored = db.session.get(VisitQuestion, question_id, populate_existing=True)
            expected = max(ticks, key=lambda m: m["hlc"])["data"]["asked"] if ticks else False
            assert stored.asked == expected

        truth = {}
        apply_pull(truth, None, phones[0])
        assert all(replica == truth for replica in replicas)
        assert len({uuid.UUID(i) for _, i in truth}) == len(truth)
    finally:
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
        context.pop()
        shutil.rmtree(context.folder, ignore_errors=True)
