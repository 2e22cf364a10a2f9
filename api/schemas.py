"""Input schemas: one per command, loaded by the API and the HTML views alike.

Shape and type rules live here once; business rules live in the services.
Unknown fields are rejected (marshmallow's default, RAISE).
"""

from datetime import date
from functools import cache

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates

from webapp.errors import ValidationFailed
from webapp.models._types import MAX_INT
from webapp.services import library
from webapp.services.changes import HLC_PATTERN

LONG_TEXT = 10_000
SHORT_TEXT = 200
MAX_MUTATIONS = 500
UNSTORABLE = "This has a character we cannot store. Please type it again."


class Text(fields.String):
    """A string both databases can store: valid UTF-8 (no lone surrogate), no NUL byte.

    A NUL is refused by PostgreSQL and a lone surrogate by both drivers; refused
    here, each becomes a plain message at either door instead of a database fault.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text or not storable(text):
            raise ValidationError(UNSTORABLE)
        return text


def storable(text):
    """Tell whether `text` encodes as UTF-8 (JSON may carry lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def record_id(message="Choose from the list.", strict=False, **kwargs):
    """An integer id within the databases' range; `strict` refuses strings (JSON)."""
    return fields.Integer(
        strict=strict, validate=validate.Range(min=1, max=MAX_INT, error=message),
        error_messages=dict.fromkeys(("required", "invalid", "null"), message), **kwargs)


class Trimmed(Text):
    """A string with the surrounding white space removed; blank counts as missing."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and self.required:
            raise self.make_error("required")
        return text


def text(required_message=None, max_length=SHORT_TEXT, too_long=None):
    """Build a trimmed text field with plain-language messages."""
    too_long = too_long or f"Please keep this under {max_length:,} characters."
    if required_message:
        return Trimmed(
            required=True,
            validate=validate.Length(max=max_length, error=too_long),
            error_messages={"required": required_message, "null": required_message},
        )
    return Trimmed(load_default="", validate=validate.Length(max=max_length, error=too_long))


def one_of(keys, message, **kwargs):
    """Build a string field limited to `keys`."""
    return Text(validate=validate.OneOf(list(keys), error=message), **kwargs)


class InputSchema(Schema):
    @pre_load
    def drop_blank_values(self, data, **kwargs):
        """Treat an empty form value of a non-text field as not given."""
        return {
            key: value
            for key, value in data.items()
            if not (value == "" and not isinstance(self.fields.get(key), fields.String))
        }


class SetupSchema(InputSchema):
    name = text("Enter your name.", max_length=120)
    passphrase = Text(
        required=True,
        validate=validate.Length(
            min=10, max=200, error="Use a passphrase of 10 to 200 characters."
        ),
        error_messages={"required": "Choose a passphrase."},
    )
    passphrase_again = Text(
        required=True, error_messages={"required": "Type the passphrase again."}
    )


class SignInSchema(InputSchema):
    name = text("Enter your name.", max_length=120)
    passphrase = Text(
        required=True, validate=validate.Length(max=200, error="That passphrase is too long."),
        error_messages={"required": "Enter your passphrase."},
    )


class ChildSchema(InputSchema):
    name = text("Enter your child's name.", max_length=120)
    birth_date = fields.Date(
        required=True,
        error_messages={
            "required": "Enter your child's date of birth.",
            "invalid": "Enter the date of birth as a date, for example 2015-03-27.",
        },
    )
    conditions = text(max_length=2000)
    medicines = text(max_length=2000)
    allergies = text(max_length=2000)

    @validates("birth_date")
    def not_in_future(self, value, **kwargs):
        if value > date.today():
            raise ValidationError("The date of birth cannot be in the future.")


class CaseSchema(InputSchema):
    diagnosis = text("Write the diagnosis so far, even if it is uncertain.", max_length=2000)
    proposed_treatment = text(max_length=2000)
    reasons = fields.List(
        one_of((r["key"] for r in library.reasons()), "Choose from the reasons shown."),
        load_default=list,
        validate=validate.Length(max=len(library.reasons()),
                                 error="Choose from the reasons shown."),
    )
    reasons_other = text(max_length=2000)
    safe_to_wait = one_of(
        (o["key"] for o in library.safe_to_wait()["option"]),
        "Choose one answer.",
        required=True,
        error_messages={"required": "Choose one answer."},
    )
    safe_to_wait_note = text(max_length=2000)


class ClinicianSchema(InputSchema):
    name = text("Enter the clinician's name.", max_length=120)
    specialty = text(max_length=120)
    centre = text(max_length=SHORT_TEXT)


class VisitSchema(InputSchema):
    clinician_id = record_id("Choose who you are seeing.", required=True)
    day = fields.Date(
        required=True,
        error_messages={
            "required": "Enter the date of the visit.",
            "invalid": "Enter the date as a date, for example 2026-12-01.",
        },
    )
    start_time = fields.Time(
        load_default=None, error_messages={"invalid": "Enter the time, for example 09:30."}
    )
    place = text(max_length=SHORT_TEXT)


class OwnQuestionSchema(InputSchema):
    text = text("Write your question first.", max_length=1000)
    category = one_of(
        (c["key"] for c in library.categories()),
        "Choose a group for the question.",
        required=True,
        error_messages={"required": "Choose a group for the question."},
    )


class LibraryPickSchema(InputSchema):
    keys = fields.List(
        one_of(library.questions_by_key(), "That question is not in the library."),
        load_default=list,
        validate=validate.Length(max=len(library.questions_by_key()),
                                 error="That question is not in the library."),
    )


class MoveSchema(InputSchema):
    direction = one_of(("up", "down"), "Move up or down.", required=True)


class AskedSchema(InputSchema):
    asked = fields.Boolean(required=True)


def _long_text(required_message):
    return text(
        required_message,
        max_length=LONG_TEXT,
        too_long=f"This is too long to save: please keep it under {LONG_TEXT:,} characters.",
    )


def _client_id():
    return fields.UUID(load_default=None, error_messages={
        "invalid_uuid": "This entry lost its label. Please reload the page, then save again."})


class NoteSchema(InputSchema):
    id = _client_id()
    text = _long_text("Write a note before saving.")
    tags = fields.List(one_of(library.NOTE_TAGS, "Choose from the tags shown."), load_default=list,
                       validate=validate.Length(max=len(library.NOTE_TAGS),
                                                error="Choose from the tags shown."))


class AnswerSchema(InputSchema):
    id = _client_id()
    text = _long_text("Write the answer before saving.")


class ConsentSchema(InputSchema):
    id = _client_id()
    kind = one_of(
        library.CONSENT_KINDS,
        "Choose what they said.",
        required=True,
        error_messages={"required": "Choose what they said."},
    )
    who = text("Write who you asked.", max_length=SHORT_TEXT)


def _visit_id():
    return record_id("This visit is not on your computer.", strict=True, required=True)


def _base_version(strict=False):
    return record_id("This note changed in a way we could not follow. Please reload.",
                     strict=strict, required=True)


class NoteEditSchema(NoteSchema):
    base_version = _base_version()


class NoteDeleteSchema(InputSchema):
    id = _client_id()
    base_version = _base_version()


class ResolveSchema(InputSchema):
    choice = Text(required=True, validate=validate.Length(max=40),
                  error_messages={"required": "Choose one of the texts shown."})


class NoteCreateSchema(NoteSchema):
    visit_id = _visit_id()


class AnswerCreateSchema(AnswerSchema):
    visit_id = _visit_id()
    question_id = fields.UUID(required=True)


class MarkAskedSchema(AskedSchema):
    id = _client_id()
    visit_id = _visit_id()
    question_id = fields.UUID(required=True)


class NoteEditMutationSchema(NoteEditSchema):
    visit_id = _visit_id()
    note_id = fields.UUID(required=True)
    base_version = _base_version(strict=True)


class NoteDeleteMutationSchema(NoteDeleteSchema):
    visit_id = _visit_id()
    note_id = fields.UUID(required=True)
    base_version = _base_version(strict=True)


class ConsentRecordSchema(ConsentSchema):
    visit_id = _visit_id()


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
    cursor = Text(load_default=None, allow_none=True, validate=validate.Length(max=40))


class DeviceSchema(InputSchema):
    name = text(max_length=120)


class PairingSchema(InputSchema):
    """Whose phone: someone in the family already, or a new person by name."""

    member_id = record_id("Choose whose phone it is.", load_default=None)
    new_name = text(max_length=120)


class CompanionSchema(InputSchema):
    name = text("Write the name of the person you are inviting.", max_length=120)


class PhoneNameSchema(InputSchema):
    name = text("Give this phone a name, for example Dad's phone.", max_length=120)


class PairingCodeSchema(PhoneNameSchema):
    code = text("Type the code shown on the home computer.", max_length=20)


@cache
def instance(schema_class):
    """One instance per schema class: loading keeps no state on it, and making one is slow."""
    return schema_class()


def load(schema_class, data):
    """Load `data` with a fresh `schema_class`, raising ValidationFailed.

    Raises:
        ValidationFailed: with one list of plain messages per field.
    """
    try:
        return instance(schema_class).load(data)
    except ValidationError as error:
        raise ValidationFailed(_flatten(error.messages)) from error


def _flatten(messages):
    """Turn marshmallow's nested messages (lists index their items) into lists."""
    flat = {}
    for field, value in messages.items():
        if isinstance(value, dict):
            value = [m for nested in _flatten(value).values() for m in nested]
        if field == "_schema" or value == ["Unknown field."]:
            field = "_form"
            value = ["This form had something we did not expect. Please try again."]
        flat.setdefault(field, [])
        flat[field].extend(m for m in value if m not in flat[field])
    return flat


class NoteOutSchema(Schema):
    id = fields.UUID()
    visit_id = fields.Integer()
    author = fields.Function(lambda note: note.author.name)
    device_id = fields.UUID(allow_none=True)
    text = fields.String()
    tags = fields.List(fields.String())
    created_at = fields.AwareDateTime()
    version = fields.Integer()


class AnswerOutSchema(Schema):
    id = fields.UUID()
    question_id = fields.UUID()
    visit_id = fields.Function(lambda answer: answer.question.visit_id)
    author = fields.Function(lambda answer: answer.author.name)
    device_id = fields.UUID(allow_none=True)
    text = fields.String()
    created_at = fields.AwareDateTime()


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
