"""Database models, one module per aggregate."""

from webapp.models.cases import Case, Child, Clinician
from webapp.models.household import Household, Member
from webapp.models.visits import Answer, ConsentEvent, Note, Visit, VisitQuestion

__all__ = [
    "Answer",
    "Case",
    "Child",
    "Clinician",
    "ConsentEvent",
    "Household",
    "Member",
    "Note",
    "Visit",
    "VisitQuestion",
]
