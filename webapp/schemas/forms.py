"""Input schemas of the commands a family gives, at home or on a phone."""

import json
from datetime import UTC, date

from marshmallow import EXCLUDE, ValidationError, fields, validate, validates, validates_schema

from webapp.models._types import MAX_INT
from webapp.schemas import (
    LONG_TEXT,
    SHORT_TEXT,
    InputSchema,
    Text,
    WholeNumber,
    one_of,
    record_id,
    text,
)
from webapp.services import library


class PassphraseSchema(InputSchema):
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


class SetupSchema(PassphraseSchema):
    name = text("Enter your name.", max_length=120)


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

    @validates("birth_date")
    def not_in_future(self, value, **kwargs):
        if value > date.today():
            raise ValidationError("The date of birth cannot be in the future.")


class NewChildSchema(ChildSchema):
    """A new child, with first medicines and allergies typed one a line (each becomes
    an item of the child's lists, changed there later)."""

    medicines = text(max_length=2000)
    allergies = text(max_length=2000)


class ChildListItemSchema(InputSchema):
    name = text("Write its name.", max_length=120)
    detail = text(max_length=SHORT_TEXT)
    since = fields.Date(load_default=None, error_messages={
        "invalid": "Enter the date as a date, for example 2026-03-01."})

    @validates("since")
    def not_in_future(self, value, **kwargs):
        if value and value > date.today():
            raise ValidationError("This date is still to come. Enter when it started.")


CONDITION_WORDS = 8
NAME_THE_CONDITION = "Write a short name for the condition, such as “scoliosis”."


SAFE_WAIT_UNITS = ("days", "weeks")
SAFE_WAIT_MAX = 365
SAFE_WAIT_NUMBER = f"Write a whole number from 1 to {SAFE_WAIT_MAX}, or leave it empty."


class CaseSchema(InputSchema):
    condition = text(NAME_THE_CONDITION, max_length=120)
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
    safe_wait_for = WholeNumber(
        load_default=None, allow_none=True,
        validate=validate.Range(min=1, max=SAFE_WAIT_MAX, error=SAFE_WAIT_NUMBER),
        error_messages={"invalid": SAFE_WAIT_NUMBER})
    safe_wait_unit = one_of(SAFE_WAIT_UNITS, "Choose days or weeks.", load_default="days")

    @validates_schema
    def wait_only_when_safe(self, data, **kwargs):
        if data.get("safe_wait_for") and data.get("safe_to_wait") != "yes":
            raise ValidationError("How long is for when the team said it is safe to wait. "
                                  "Choose that answer, or clear the number.", "safe_wait_for")

    @validates("condition")
    def a_few_words(self, value, **kwargs):
        if not any(character.isalnum() for character in value):  # "..." names nothing
            raise ValidationError(NAME_THE_CONDITION)
        if len(value.split()) > CONDITION_WORDS:
            raise ValidationError("Keep it to a few words, such as “scoliosis”. "
                                  "The diagnosis below has room for the rest.")


class CaseViewSchema(InputSchema):
    """One person's own view of the case, in their words."""

    worries = text(max_length=2000)
    would_help = text(max_length=2000)


class NewCaseSchema(CaseSchema, CaseViewSchema):
    """A new case, with the view of the person writing it down."""


YES_NO = ("yes", "no", "unknown")


class CandidateSchema(InputSchema):
    """A specialist on the shortlist."""

    name = text("Enter the specialist's name.", max_length=120)
    centre = text(max_length=SHORT_TEXT)
    specialty = text(max_length=120)
    board_certified = one_of(YES_NO, "Choose yes, no or not sure.", load_default="unknown")
    in_network = one_of(YES_NO, "Choose yes, no or not sure.", load_default="unknown")
    same_team = one_of(YES_NO, "Choose yes, no or not sure.", load_default="unknown")
    experience = text(max_length=2000)
    found_via = text(max_length=SHORT_TEXT)
    note = text(max_length=2000)


class RecordItemSchema(InputSchema):
    """A record the family adds to the case's checklist themselves."""

    title = text("Write what the record is.", max_length=SHORT_TEXT)


class RecordUpdateSchema(InputSchema):
    """Where a record is now, who holds it, and a note."""

    state = one_of(library.record_states(), "Choose where it is now.", required=True,
                   error_messages={"required": "Choose where it is now."})
    holder = text(max_length=SHORT_TEXT)
    note = text(max_length=2000)


class LetterSchema(InputSchema):
    """The family's wording of a script or a letter."""

    text = text("Write something first, or go back to the draft.", max_length=LONG_TEXT)


class LetterFillSchema(InputSchema):
    """What fills the letters' blanks: the records' date range and whom they go to."""

    from_date = fields.Date(load_default=None, error_messages={
        "invalid": "Enter the date as a date, for example 2025-06-01."})
    to_date = fields.Date(load_default=None, error_messages={
        "invalid": "Enter the date as a date, for example 2026-12-01."})
    send_to = text(max_length=SHORT_TEXT)


ADDRESS_TEXT = 300


class AddressSchema(InputSchema):
    """The family's address for the top of their letters; empty takes it off."""

    address = text(max_length=ADDRESS_TEXT,
                   too_long=f"Keep the address under {ADDRESS_TEXT} characters.")


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


class CheckSchema(InputSchema):
    key = one_of((c["key"] for c in library.checklist()), "Choose from the checklist.",
                 required=True, error_messages={"required": "Choose from the checklist."})
    done = fields.Boolean(required=True, error_messages={
        "required": "Tick or untick the item.", "invalid": "Tick or untick the item."})


class TakenWhileRecording(InputSchema):
    """Which recording was running when this was taken, and how far into it (ms)."""

    recording_id = fields.UUID(load_default=None, allow_none=True)
    recording_offset_ms = WholeNumber(
        load_default=None, allow_none=True, validate=validate.Range(min=0, max=MAX_INT),
        error_messages={"invalid": "This moment of the recording could not be read."})

    @validates_schema
    def both_or_neither(self, data, **kwargs):
        if (data.get("recording_id") is None) != (data.get("recording_offset_ms") is None):
            raise ValidationError("This moment of the recording could not be read.",
                                  "recording_offset_ms")


class AskedSchema(TakenWhileRecording):
    asked = fields.Boolean(required=True)


def _long_text(required_message):
    return text(
        required_message,
        max_length=LONG_TEXT,
        too_long=f"This is too long to save: please keep it under {LONG_TEXT:,} characters.",
    )


def client_id():
    return fields.UUID(load_default=None, error_messages={
        "invalid_uuid": "This entry lost its label. Please reload the page, then save again."})


class NoteSchema(TakenWhileRecording):
    id = client_id()
    text = _long_text("Write a note before saving.")
    tags = fields.List(one_of(library.NOTE_TAGS, "Choose from the tags shown."), load_default=list,
                       validate=validate.Length(max=len(library.NOTE_TAGS),
                                                error="Choose from the tags shown."))


class DebriefSchema(InputSchema):
    """One person's debrief: any of its parts, but not none."""

    id = client_id()
    takeaways = _long_text(None)
    open_questions = _long_text(None)
    words = _long_text(None)
    heard = _long_text(None)

    @validates_schema
    def something_written(self, data, **kwargs):
        if not any(data.get(part) for part in ("takeaways", "open_questions", "words", "heard")):
            raise ValidationError(NOTHING_WRITTEN, "takeaways")


NOTHING_WRITTEN = "Write something in at least one box before saving."


class AnswerSchema(TakenWhileRecording):
    id = client_id()
    text = _long_text("Write the answer before saving.")


class ConsentSchema(InputSchema):
    id = client_id()
    kind = one_of(
        library.CONSENT_KINDS,
        "Choose what they said.",
        required=True,
        error_messages={"required": "Choose what they said."},
    )
    who = text("Write who you asked.", max_length=SHORT_TEXT)

def version_seen(strict=False):
    return record_id("This note changed in a way we could not follow. Please reload.",
                     strict=strict, required=True)


class NoteEditSchema(NoteSchema):
    base_version = version_seen()

    class Meta:
        exclude = ("recording_id", "recording_offset_ms")  # a note keeps the moment it was taken


class NoteDeleteSchema(InputSchema):
    id = client_id()
    base_version = version_seen()


class ResolveSchema(InputSchema):
    choice = Text(required=True, validate=validate.Length(max=40),
                  error_messages={"required": "Choose one of the texts shown."})

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


# What a phone may record in: what MediaRecorder makes in audio, by container.
RECORDING_TYPE = r"^audio/(webm|ogg|mp4)(; ?codecs=[\w.\-]{1,30})?\Z"
STOP_REASONS = ("stopped", "withdrawn", "storage_full", "interrupted", "time_limit")
# A part a second for four hours: twice what the phone's two-second chunks make in
# the longest recording it keeps (services/storage.py bounds the bytes).
MAX_CHUNKS = 4 * 3600


class RecordingStartSchema(InputSchema):
    id = client_id()
    mime_type = Text(required=True, validate=validate.Regexp(
        RECORDING_TYPE, error="This phone records in a format we cannot keep."))
    # The agreement the phone showed when Record was tapped (services/recordings.py).
    consent_id = fields.UUID(load_default=None, allow_none=True)


class GapSchema(InputSchema):
    """A moment the recording missed (the app was in the background): where, how long."""

    at_ms = WholeNumber(required=True, strict=True, validate=validate.Range(min=0, max=MAX_INT))
    length_ms = WholeNumber(load_default=None, allow_none=True, strict=True,
                               validate=validate.Range(min=0, max=MAX_INT))


class Gaps(fields.List):
    """A list of gaps, sent as JSON text by a form and as a list by sync."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as error:
                raise ValidationError("The gaps could not be read.") from error
        return super()._deserialize(value, attr, data, **kwargs)


SEND_PLACE = "Send offset and size as whole numbers."


class PieceSchema(InputSchema):
    """Where a piece of a file sent in pieces goes, and the whole file's size."""

    class Meta:
        unknown = EXCLUDE  # the query also names the file

    offset = WholeNumber(required=True, validate=validate.Range(min=0, max=MAX_INT),
                         error_messages=dict.fromkeys(("required", "invalid"), SEND_PLACE))
    size = WholeNumber(required=True, validate=validate.Range(min=0, max=MAX_INT),
                       error_messages=dict.fromkeys(("required", "invalid"), SEND_PLACE))


class RecordingStopSchema(InputSchema):
    id = client_id()
    duration_ms = WholeNumber(required=True, validate=validate.Range(min=0, max=MAX_INT))
    chunk_count = WholeNumber(required=True, validate=validate.Range(min=0, max=MAX_CHUNKS))
    stop_reason = one_of(STOP_REASONS, "Say why the recording stopped.", required=True)
    withdrawn_at = fields.AwareDateTime(load_default=None, allow_none=True, error_messages={
        "invalid": "This time could not be read."})
    gaps = Gaps(fields.Nested(GapSchema), load_default=list,
                validate=validate.Length(max=1000, error="Too many gaps to keep."))

    @validates("withdrawn_at")
    def storable_in_utc(self, value, **kwargs):
        """Stored in UTC: an offset that takes it beyond year 1 or 9999 cannot be."""
        try:
            if value is not None:
                value.astimezone(UTC)
        except OverflowError as error:
            raise ValidationError("This time could not be read.") from error


class RecordingDeleteSchema(InputSchema):
    id = client_id()


class BackupFolderSchema(InputSchema):
    folder = text("Enter the folder where backups should go.", max_length=1000)
