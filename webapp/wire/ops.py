"""The writes a phone may send: each op's wire name, what it acts on, its input,
the service behind it and who may do it.

An op's data is loaded by the form's own schema plus the ids it needs, and
applied by the same service as the HTML view, so the two doors cannot drift.
"""

from dataclasses import dataclass

from marshmallow import Schema, validate

from webapp.models._types import utcnow
from webapp.schemas import sync as schemas
from webapp.services import capture, clock, debriefs, notes, recordings, visits
from webapp.wire.entities import ANSWER, CONSENT, DEBRIEF, NOTE, QUESTION, RECORDING, Entity


def _visit(visit_of, data):
    return visit_of(data.pop("visit_id"))


def _question(visit_of, data):
    return visits.get_question(_visit(visit_of, data), data.pop("question_id"))


def _note(visit_of, data):
    return notes.get_note(_visit(visit_of, data), data.pop("note_id"))


def _recording(visit_of, data):
    return recordings.get_recording(_visit(visit_of, data), data.pop("recording_id"))


# Access rules: what an op acts on, reached only through a visit the sender may
# see (`visit_of` answers NotFound for any other, companions limited to their case).
REACH = {"visit": _visit, "question": _question, "note": _note, "recording": _recording}


def _captured_at(mutation):
    """When the phone's clock says it was captured, never later than now."""
    return {"at": min(clock.hlc_time(mutation["hlc"]), utcnow())}


def _tick_clock(mutation):
    return {"hlc": mutation["hlc"]}


def _both_clocks(mutation):
    return {**_captured_at(mutation), **_tick_clock(mutation)}


def _no_clock(mutation):
    return {}


@dataclass(frozen=True)
class Op:
    """A write a phone may send."""

    name: str
    entity: Entity
    schema: type[Schema]
    reach: str  # a key of REACH: the row the service acts on
    service: object
    stamp: object = _no_clock  # what of the phone's clock the service takes

    def apply(self, visit_of, author, device, mutation, data):
        """Run the service on what `data` names, as `author` on `device`.

        Raises:
            NotFound: what `data` names is out of the sender's reach.
            DomainError: the service refused.
        """
        target = REACH[self.reach](visit_of, data)
        return self.service(target, author, device=device, **self.stamp(mutation), **data)

    def data_fields(self):
        """The names of the op's data (its id is the mutation's), ids first, for the docs."""
        declared = self.schema().fields  # without what a schema excludes
        names = sorted((n for n in declared if n != "id"), key=lambda n: not n.endswith("_id"))
        return [_described(name, declared[name]) for name in names]


def _described(name, field):
    choices = [v.choices for v in field.validators if isinstance(v, validate.OneOf)]
    return f"{name} ({', '.join(choices[0])})" if choices else name


OPS = {op.name: op for op in (
    Op("note.create", NOTE, schemas.NoteCreateSchema, "visit", capture.add_note, _captured_at),
    Op("note.edit", NOTE, schemas.NoteEditMutationSchema, "note", notes.edit_note),
    Op("note.delete", NOTE, schemas.NoteDeleteMutationSchema, "note", notes.delete_note),
    Op("answer.create", ANSWER, schemas.AnswerCreateSchema, "question", capture.add_answer,
       _captured_at),
    Op("question.mark_asked", QUESTION, schemas.MarkAskedSchema, "question", visits.mark_asked,
       _tick_clock),
    Op("consent.record", CONSENT, schemas.ConsentRecordSchema, "visit", capture.record_consent,
       _captured_at),
    Op("debrief.save", DEBRIEF, schemas.DebriefSaveSchema, "visit", debriefs.save_debrief,
       _both_clocks),
    Op("recording.start", RECORDING, schemas.RecordingStartMutationSchema, "visit",
       recordings.start_recording, _captured_at),
    Op("recording.stop", RECORDING, schemas.RecordingStopMutationSchema, "recording",
       recordings.stop_recording),
    Op("recording.delete", RECORDING, schemas.RecordingDeleteMutationSchema, "recording",
       recordings.delete_recording),
)}
