"""Database models, one module per aggregate."""

from webapp.models.after_visit import ComparisonRow, Decision, Letter, Opinion, ValueView
from webapp.models.cases import Case, Child, ChildListItem, Clinician
from webapp.models.debriefs import DebriefEntry
from webapp.models.household import Household, Login, Member, Pairing, Setup, SignInFailure
from webapp.models.preparation import (
    Attachment,
    Candidate,
    CaseView,
    CaseWording,
    RecordChange,
    RecordItem,
    VisitCheck,
)
from webapp.models.recordings import Recording, RecordingChunk, TranscriptionJob
from webapp.models.sync import AskedEvent, Change, Device, Rejection
from webapp.models.visits import Answer, ConsentEvent, Note, NoteRevision, Visit, VisitQuestion

__all__ = [
    "Answer",
    "AskedEvent",
    "Attachment",
    "Change",
    "Device",
    "Rejection",
    "Candidate",
    "Case",
    "CaseWording",
    "CaseView",
    "Child",
    "ChildListItem",
    "Clinician",
    "ComparisonRow",
    "Decision",
    "Opinion",
    "ValueView",
    "ConsentEvent",
    "DebriefEntry",
    "Household",
    "Letter",
    "Login",
    "Member",
    "Note",
    "NoteRevision",
    "Pairing",
    "RecordChange",
    "Recording",
    "RecordingChunk",
    "RecordItem",
    "Setup",
    "SignInFailure",
    "TranscriptionJob",
    "Visit",
    "VisitCheck",
    "VisitQuestion",
]
