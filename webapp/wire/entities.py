"""The kinds of row a phone keeps a copy of, by the names the wire uses."""

from dataclasses import dataclass

from marshmallow import Schema
from sqlalchemy.orm import selectinload

from webapp.models import Answer, ConsentEvent, DebriefEntry, Note, Recording, VisitQuestion
from webapp.schemas.sync import (
    AnswerOutSchema,
    ConsentOutSchema,
    DebriefOutSchema,
    NoteOutSchema,
    QuestionOutSchema,
    RecordingOutSchema,
)


@dataclass(frozen=True)
class Entity:
    """A kind of row phones keep: its wire name, its model and what a pull sends of it."""

    name: str
    model: type
    output: Schema
    # The models between a row and its visit, joined through to limit rows to
    # a household or a case.
    via: tuple = ()
    # The column a delete sets, for a kind deleted as a tombstone (the row stays).
    # A row with it set is deleted on the wire, whatever wrote to it last.
    tombstone: str | None = None
    # What its output reads beyond the row, loaded with the rows (one query, not one a row).
    load: tuple = ()

    @property
    def gone(self):
        """The condition on the model that a row is a tombstone (None: never one)."""
        return getattr(self.model, self.tombstone).is_not(None) if self.tombstone else None

    def is_gone(self, row):
        """Whether a row is a tombstone, that phones drop."""
        return self.tombstone is not None and getattr(row, self.tombstone) is not None

    def dump(self, row):
        return self.output.dump(row)


QUESTION = Entity("question", VisitQuestion, QuestionOutSchema())
ANSWER = Entity("answer", Answer, AnswerOutSchema(), via=(VisitQuestion,))
NOTE = Entity("note", Note, NoteOutSchema(), tombstone="deleted_at",
              load=(selectinload(Note.revisions),))
CONSENT = Entity("consent", ConsentEvent, ConsentOutSchema())
DEBRIEF = Entity("debrief", DebriefEntry, DebriefOutSchema())
RECORDING = Entity("recording", Recording, RecordingOutSchema(), tombstone="deleted_at")

ENTITIES = {entity.name: entity for entity in (QUESTION, ANSWER, NOTE, CONSENT, DEBRIEF,
                                               RECORDING)}
