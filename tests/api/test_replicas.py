"""Property: every phone's copy ends equal to the home computer's, tombstones included.

Random programs of three devices (two parents' phones and a companion's, limited
to one of the two cases) creating, editing and deleting notes, answering,
ticking, recording and deleting recordings, while the home computer deletes
notes, settles conflicts and takes questions off the list. Each phone pushes
and pulls at random moments, from its saved cursor or from scratch. Once all
have pushed and pulled, each phone holds exactly what the home computer would
show it: no row it considers deleted, none outside the companion's case, and a
companion's pulls never named anything of the other case, not even a deletion.
"""

import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.api.conftest import Phone, apply, own_app
from webapp.errors import DomainError
from webapp.extensions import db
from webapp.models import Household, Member, Note, VisitQuestion
from webapp.models._types import utcnow
from webapp.services import accounts, devices, notes, visits
from webapp.services.cases import add_case, add_child, add_clinician
from webapp.wire.entities import ENTITIES

PARENT, COMPANION = "parent", "companion"
DEVICES = [PARENT, PARENT, COMPANION]
QUESTIONS = 4  # two on each case's visit

device = st.integers(0, 2)
pick = st.integers(0, 3)
create = st.tuples(st.just("create"), device, st.integers(0, 1))
edit = st.tuples(st.sampled_from(["edit", "delete"]), device, pick, st.booleans())  # stale?
sync = st.tuples(st.sampled_from(["push", "pull", "pull_from_scratch"]), device)
home = st.tuples(st.sampled_from(["home_delete", "resolve"]), pick, pick)
others = st.one_of(
    st.tuples(st.just("answer"), device, st.integers(0, QUESTIONS - 1)),
    st.tuples(st.just("tick"), device, st.integers(0, QUESTIONS - 1), st.booleans()),
    st.tuples(st.just("record"), device, st.integers(0, 1)),
    st.tuples(st.just("drop_recording"), device, pick),
    st.tuples(st.just("debrief"), device, st.integers(0, 1)),
    st.tuples(st.just("remove_question"), st.integers(0, QUESTIONS - 1)),
)
# Notes and syncs most often: that is where edits, deletes and cursors meet.
operations = st.sampled_from([create, edit, edit, edit, sync, sync, sync, home, others]).flatmap(
    lambda kind: kind)


@pytest.fixture(scope="module")
def world_app(tmp_path_factory):
    with own_app(tmp_path_factory.mktemp("replicas")) as app:
        yield app


class World:
    """A household with two cases, a visit each, and three phones speaking the protocol."""

    def __init__(self, app):
        db.session.remove()  # nothing of the example before
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        household = Household(name="Family")
        self.parent = Member(household=household, name="Sam", passphrase_hash="not used here")
        db.session.add_all([household, self.parent])
        db.session.flush()
        today = utcnow().date()
        clinician = add_clinician(household.id, name="Dr A")
        self.visits, self.questions, self.scope = [], [], {}
        for name in ("Ada", "Bea"):
            child = add_child(household.id, name=name, birth_date=today - timedelta(days=3000))
            case = add_case(child, diagnosis="Something", safe_to_wait="yes")
            visit = visits.add_visit(case, clinician.id, today + timedelta(days=7))
            visits.add_from_library(visit, ["diagnosis-agree", "treatment-agree"])
            self.visits.append(visit)
            for question in visit.questions:
                self.questions.append(question.id)
                self.scope[str(question.id)] = visit.id
        companion = accounts.invite_companion(self.visits[0].case, "Rosa")
        self.phones = []
        for kind in DEVICES:
            member = companion if kind == COMPANION else self.parent
            row, token = devices.register_device(member, kind)
            self.phones.append(Phone(app.test_client(), row, token))
        db.session.commit()
        self.outboxes = [[] for _ in DEVICES]
        self.replicas = [{} for _ in DEVICES]
        self.cursors = [None for _ in DEVICES]
        self.named = [set() for _ in DEVICES]
        self.notes, self.recordings = [], []  # ids, in the order they were made
        for who in range(len(DEVICES)):  # each phone made ready for the visit
            self.pull(who, None)

    def send(self, who, op, data, id=None, visit=None):
        """Queue a mutation in a phone's outbox; remember which visit its row would be in."""
        mutation = self.phones[who].mutation(op, data, id=id)
        self.outboxes[who].append(mutation)
        if visit is not None:
            self.scope[mutation["id"]] = visit.id
        return mutation["id"]

    def some_note(self, who, index):
        """A note made on some phone (this one may not have it yet: then it is refused),
        and the version this phone holds of it."""
        if not self.notes:
            return None, None
        note_id = self.notes[index % len(self.notes)]
        held = self.replicas[who].get(("note", note_id))
        return note_id, held["version"] if held else 1

    def push(self, who):
        if self.outboxes[who]:
            response = self.phones[who].push(*self.outboxes[who])
            assert response.status_code == 200, response.get_json()
            self.outboxes[who] = []

    def pull(self, who, cursor):
        body = self.phones[who].pull(cursor).get_json()
        self.named[who] |= apply(self.replicas[who], body)
        self.cursors[who] = body["cursor"]

    def home(self, action):
        """Do something at home, as a page would; a refusal there changes nothing."""
        try:
            action()
            db.session.commit()
        except DomainError:
            db.session.rollback()

    def run(self, operation):
        kind, *args = operation
        if kind == "create":
            who, which = args
            visit = self.visits[which]
            note_id = self.send(who, "note.create", {"visit_id": visit.id, "text": "words"},
                                visit=visit)
            self.notes.append(note_id)
        elif kind in ("edit", "delete"):
            who, index, stale = args
            note_id, version = self.some_note(who, index)
            if note_id is None:
                return
            text = {"text": f"edit {len(self.outboxes[who])}", "tags": []} if kind == "edit" else {}
            self.send(who, f"note.{kind}", {"visit_id": self.scope[note_id], "note_id": note_id,
                                            "base_version": 1 if stale else version, **text})
        elif kind == "answer":
            who, which = args
            question = self.questions[which]
            visit_id = self.scope[str(question)]
            self.send(who, "answer.create", {"visit_id": visit_id, "question_id": str(question),
                                             "text": "an answer"}, visit=self.visit(visit_id))
        elif kind == "tick":
            who, which, asked = args
            question = self.questions[which]
            self.send(who, "question.mark_asked", {"visit_id": self.scope[str(question)],
                                                   "question_id": str(question), "asked": asked})
        elif kind == "record":
            who, which = args
            visit = self.visits[which]
            consent = self.send(who, "consent.record", {"visit_id": visit.id, "kind": "agreed",
                                                        "who": "Dr A"}, visit=visit)
            self.recordings.append(self.send(
                who, "recording.start", {"visit_id": visit.id, "consent_id": consent,
                                         "mime_type": "audio/webm"}, visit=visit))
        elif kind == "drop_recording":
            who, index = args
            if self.recordings:
                recording = self.recordings[index % len(self.recordings)]
                self.send(who, "recording.delete", {"visit_id": self.scope[recording],
                                                    "recording_id": recording})
        elif kind == "debrief":
            who, which = args
            visit = self.visits[which]
            self.send(who, "debrief.save", {"visit_id": visit.id, "takeaways": "learnt"},
                      visit=visit)
        elif kind in ("home_delete", "resolve"):
            note = self.stored_note(args[0])
            if note is None:
                return
            if kind == "home_delete":
                self.home(lambda: notes.delete_note(note, self.parent, note.version))
            else:
                choices = ["current", *(str(revision.id) for revision in note.conflicts)]
                self.home(lambda: notes.resolve(note, self.parent, choices[args[1] % len(choices)]))
        elif kind == "remove_question":
            question = db.session.get(VisitQuestion, self.questions[args[0]])
            if question is not None:
                self.home(lambda: visits.remove_question(question.visit, question))
        elif kind == "push":
            self.push(args[0])
        else:
            who = args[0]
            self.pull(who, self.cursors[who] if kind == "pull" else None)

    def visit(self, visit_id):
        return next(visit for visit in self.visits if visit.id == visit_id)

    def stored_note(self, index):
        stored = [note for note in (db.session.get(Note, uuid.UUID(n)) for n in self.notes)
                  if note is not None]
        return stored[index % len(stored)] if stored else None

    def home_state(self, who):
        """What the home computer holds that this phone may see: no tombstone, no other case."""
        allowed = {self.visits[0].id} if DEVICES[who] == COMPANION else {v.id for v in self.visits}
        state = {}
        for entity in ENTITIES.values():
            for row in db.session.scalars(db.select(entity.model)):
                visit_id = row.question.visit_id if entity.name == "answer" else row.visit_id
                if visit_id in allowed and getattr(row, "deleted_at", None) is None:
                    state[(entity.name, str(row.id))] = entity.dump(row)
        return state


# Each example runs dozens of requests: shrinking a failure would take minutes, and the
# program found is short enough to read as it is.
@settings(max_examples=60, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(program=st.lists(operations, min_size=5, max_size=40))
# Issue 18: a late edit of a note deleted meanwhile; a recording deleted in the other case.
@example(program=[("create", 0, 0), ("push", 0), ("pull", 1), ("delete", 0, 0, False),
                  ("edit", 1, 0, False)])
@example(program=[("record", 0, 1), ("push", 0), ("pull", 2), ("drop_recording", 0, 0)])
def test_every_phone_ends_with_the_home_state_tombstones_included(world_app, program):
    world = World(world_app)
    for operation in program:
        world.run(operation)
    for who in range(len(DEVICES)):  # everyone comes back into signal
        world.push(who)
    for who in range(len(DEVICES)):
        world.pull(who, world.cursors[who])
    db.session.expire_all()
    for who in range(len(DEVICES)):
        truth = world.home_state(who)
        assert world.replicas[who] == truth, DEVICES[who]
        from_scratch = {}
        apply(from_scratch, world.phones[who].pull(None).get_json())
        assert from_scratch == truth, DEVICES[who]
    case_visit = world.visits[0].id
    outside = {key for key in world.named[DEVICES.index(COMPANION)]
               if world.scope.get(key[1]) != case_visit}
    assert outside == set()  # not a row, not a deletion
