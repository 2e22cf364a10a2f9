"""The specialists a family considers for a second opinion, and choosing one."""

from urllib.parse import urlencode

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Candidate
from webapp.services import cases
from webapp.services.records import assign, owned_by

TRIALS_SEARCH = "https://clinicaltrials.gov/search"


def candidates(case):
    """Return the case's shortlist, in the order the family added it."""
    return db.session.scalars(select(Candidate).where(Candidate.case_id == case.id)
                              .order_by(Candidate.id)).all()


def add_candidate(case, **fields):
    """Put a specialist on the case's shortlist."""
    candidate = Candidate(case_id=case.id, **fields)
    db.session.add(candidate)
    db.session.flush()
    return candidate


def get_candidate(case, candidate_id):
    """Return a specialist on this case's shortlist. Raises NotFound otherwise."""
    return owned_by(Candidate, "case_id", case.id, candidate_id)


def update_candidate(candidate, **fields):
    """Change what the family noted about a specialist."""
    return assign(candidate, fields)


def remove_candidate(candidate):
    """Take a specialist off the shortlist (a clinician made from them stays)."""
    db.session.delete(candidate)
    db.session.flush()


def choose(case, candidate):
    """Make the specialist a clinician of the household, once, to plan a visit with."""
    if candidate.clinician_id is None:
        clinician = cases.add_clinician(case.household_id, name=candidate.name,
                                        specialty=candidate.specialty, centre=candidate.centre)
        candidate.clinician_id = clinician.id
        db.session.flush()
    return candidate.clinician_id


def trials_link(words):
    """Build a search of the public ClinicalTrials.gov register for `words`, for children.

    Only a link: nothing is sent anywhere unless the family follows it.
    """
    return f"{TRIALS_SEARCH}?{urlencode({'cond': words.strip(), 'aggFilters': 'ages:child'})}"
