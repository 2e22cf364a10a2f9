"""What crosses the wire to and from phones: the envelopes of push and pull, the
input of each op (the form's own schema plus the ids it needs), and the output
of each entity a pull sends."""

from marshmallow import Schema, ValidationError, fields, validate, validates

from webapp.models._types import MAX_INT
from webapp.schemas import InputSchema, Text, record_id
from webapp.schemas.forms import (
    AnswerSchema,
    AskedSchema,
    ConsentSchema,
    DebriefSchema,
    NoteDeleteSchema,
    NoteEditSchema,
    NoteSchema,
    RecordingDeleteSchema,
    RecordingStartSchema,
    RecordingStopSchema,
    client_id,
    version_seen,
)
from webapp.services.clock import HLC_PATTERN

MAX_MUTATIONS = 500


def _visit_id():
    return record_id("This visit is not on your computer.", strict=True, required=True)

class NoteCreateSchema(NoteSchema):
    visit_id = _visit_id()


class AnswerCreateSchema(AnswerSchema):
    visit_id = _visit_id()
    question_id = fields.UUID(required=True)


class MarkAskedSchema(AskedSchema):
    id = client_id()
    visit_id = _visit_id()
    question_id = fields.UUID(required=True)


class NoteEditMutationSchema(NoteEditSchema):
    visit_id = _visit_id()
    note_id = fields.UUID(required=True)
    base_version = version_seen(strict=True)


class NoteDeleteMutationSchema(NoteDeleteSchema):
    visit_id = _visit_id()
    note_id = fields.UUID(required=True)
    base_version = version_seen(strict=True)


class ConsentRecordSchema(ConsentSchema):
    visit_id = _visit_id()


class DebriefSaveSchema(DebriefSchema):
    visit_id = _visit_id()


class RecordingStartMutationSchema(RecordingStartSchema):
    visit_id = _visit_id()


class RecordingStopMutationSchema(RecordingStopSchema):
    visit_id = _visit_id()
    recording_id = fields.UUID(required=True)


class RecordingDeleteMutationSchema(RecordingDeleteSchema):
    visit_id = _visit_id()
    recording_id = fields.UUID(required=True)


class MutationSchema(InputSchema):
    """The envelope of one mutation; its `data` is loaded by the op's own schema."""

    seq = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_INT))
    op = Text(required=True, validate=validate.Length(max=40))
    id = fields.UUID(required=True)
    hlc = Text(required=True, validate=validate.Regexp(HLC_PATTERN))
    data = fields.Dict(required=True)


class PushSchema(InputSchema):
    device_id = fields.UUID(required=True)
    schema_version = fields.Integer(
        required=True, strict=True,
        validate=validate.Equal(1, error="This app version is not supported."),
    )
    # Envelopes are checked one by one while applying, so one malformed
    # mutation is rejected and skipped instead of jamming the queue.
    mutations = fields.List(fields.Dict(), required=True,
                            validate=validate.Length(max=MAX_MUTATIONS))

    @validates("mutations")
    def numbered(self, mutations, **kwargs):
        """Each mutation needs a whole-number seq: without one it has no place in the order."""
        for index, mutation in enumerate(mutations):
            if type(mutation.get("seq")) is not int:  # bool is an int to Python, not here
                raise ValidationError(f"Mutation {index + 1} has no whole-number seq.")


class PullSchema(InputSchema):
    device_id = fields.UUID(required=True)
    # ASCII digits only: str.isdigit and int() take other scripts' digits too
    # ("²", "٣"), and ten of them reach past any version a household can have.
    cursor = Text(load_default=None, allow_none=True, validate=validate.Regexp(
        r"\A[0-9]{1,10}\Z", error="Send the cursor from the last pull, or none."))
    # What the phone has not yet sent, as it pulls: "Remove" at home says it.
    pending = fields.Integer(load_default=None, allow_none=True, strict=True,
                             validate=validate.Range(0, 1_000_000))


class KeptVisitOutSchema(Schema):
    """A visit a phone keeps ready for use with no signal, and the pages it keeps of it."""
    id = fields.Integer()
    day = fields.Date()
    pages = fields.List(fields.String())


class NoteOutSchema(Schema):
    id = fields.UUID()
    visit_id = fields.Integer()
    author = fields.Function(lambda note: note.author.name)
    author_id = fields.Integer()  # a companion's phone offers to change her own notes only
    device_id = fields.UUID(allow_none=True)
    text = fields.String()
    tags = fields.List(fields.String())
    created_at = fields.AwareDateTime()
    version = fields.Integer()
    recording_id = fields.UUID(allow_none=True)
    recording_offset_ms = fields.Integer(allow_none=True)
    # An edit or delete that crossed another waits to be settled at home: every
    # phone says so on the note until then.
    conflict = fields.Function(lambda note: bool(note.conflicts))


class AnswerOutSchema(Schema):
    id = fields.UUID()
    question_id = fields.UUID()
    visit_id = fields.Function(lambda answer: answer.question.visit_id)
    author = fields.Function(lambda answer: answer.author.name)
    device_id = fields.UUID(allow_none=True)
    text = fields.String()
    created_at = fields.AwareDateTime()
    recording_id = fields.UUID(allow_none=True)
    recording_offset_ms = fields.Integer(allow_none=True)


class ConsentOutSchema(Schema):
    id = fields.UUID()
    visit_id = fields.Integer()
    author = fields.Function(lambda event: event.author.name)
    kind = fields.String()
    who = fields.String()
    device_id = fields.UUID(allow_none=True)
    recorded_at = fields.AwareDateTime()


class QuestionOutSchema(Schema):
    id = fields.UUID()
    visit_id = fields.Integer()
    text = fields.String()
    category = fields.String()
    position = fields.Integer()
    asked = fields.Boolean()
    asked_at = fields.AwareDateTime(allow_none=True)
    asked_hlc = fields.String(allow_none=True)


class DebriefOutSchema(Schema):
    id = fields.UUID()
    visit_id = fields.Integer()
    author = fields.Function(lambda entry: entry.author.name)
    device_id = fields.UUID(allow_none=True)
    takeaways = fields.String()
    open_questions = fields.String()
    words = fields.String()
    heard = fields.String()
    hlc = fields.String()
    created_at = fields.AwareDateTime()


class RecordingOutSchema(Schema):
    id = fields.UUID()
    visit_id = fields.Integer()
    author = fields.Function(lambda recording: recording.author.name)
    device_id = fields.UUID(allow_none=True)
    consent_id = fields.UUID()
    mime_type = fields.String()
    started_at = fields.AwareDateTime()
    duration_ms = fields.Integer(allow_none=True)
    stop_reason = fields.String(allow_none=True)
    withdrawn_at = fields.AwareDateTime(allow_none=True)
    gaps = fields.List(fields.Dict())
    chunk_count = fields.Integer(allow_none=True)
