"""Database models, one module per aggregate."""

from webapp.models.after_visit import ComparisonRow, Decision, Letter, Opinion, ValueView
from webapp.models.cases import Case, Child, Clinician
from webapp.models.debriefs import DebriefEntry
from webapp.models.household import Household, Login, Member, Pairing, Setup, SignInFailure
from webapp.models.sync import AskedEvent, Change, Device, Rejection
from webapp.models.visits import Answer, ConsentEvent, Note, NoteRevision, Visit, VisitQuestion

__all__ = [
    "Answer",
    "AskedEvent",
    "Change",
    "Device",
    "Rejection",
    "Case",
    "Child",
    "Clinician",
    "ComparisonRow",
    "Decision",
    "Letter",
    "Opinion",
    "ValueView",
    "ConsentEvent",
    "DebriefEntry",
    "Household",
    "Login",
    "Member",
    "Note",
    "NoteRevision",
    "Pairing",
    "Setup",
    "SignInFailure",
    "Visit",
    "VisitQuestion",
]
