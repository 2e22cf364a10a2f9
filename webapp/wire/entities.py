"""The kinds of row a phone keeps a copy of, by the names the wire uses."""

from dataclasses import dataclass, field

from marshmallow import Schema

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
    # Rows left out of a fresh phone's copy (tombstones): a condition on the model.
    gone: object = field(default=None, compare=False)

    def dump(self, row):
        return self.output.dump(row)


QUESTION = Entity("question", VisitQuestion, QuestionOutSchema())
ANSWER = Entity("answer", Answer, AnswerOutSchema(), via=(VisitQuestion,))
NOTE = Entity("note", Note, NoteOutSchema(), gone=Note.deleted_at.is_not(None))
CONSENT = Entity("consent", ConsentEvent, ConsentOutSchema())
DEBRIEF = Entity("debrief", DebriefEntry, DebriefOutSchema())
RECORDING = Entity("recording", Recording, RecordingOutSchema(),
                   gone=Recording.deleted_at.is_not(None))

ENTITIES = {entity.name: entity for entity in (QUESTION, ANSWER, NOTE, CONSENT, DEBRIEF,
                                               RECORDING)}
