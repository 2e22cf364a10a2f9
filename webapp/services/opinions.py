"""Each clinician's opinion, the side-by-side comparison and the family's values."""

from sqlalchemy import select

from webapp.errors import NotFound, ValidationFailed
from webapp.extensions import db
from webapp.models import (
    Answer,
    ComparisonRow,
    Member,
    Opinion,
    ValueView,
    Visit,
    VisitQuestion,
)
from webapp.services import accounts, library
from webapp.services.cases import get_clinician
from webapp.services.records import owned


def topics():
    """Return the topics an opinion covers, in order (key, label, hint)."""
    return library.after_visit()["topic"]


def topic_labels():
    return {topic["key"]: topic["label"] for topic in topics()}


def list_opinions(case):
    """Return the case's opinions by who gave them: the current doctor's, the second
    doctor's, then any others; each doctor's oldest first.

    The roles are the family's answer on the case, never the order of entry.
    """
    found = db.session.scalars(
        select(Opinion).outerjoin(Visit, Opinion.visit_id == Visit.id)
        .where(Opinion.case_id == case.id)
        .order_by(Visit.day.is_(None), Visit.day, Opinion.id)
    ).all()
    rank = {case.current_clinician_id: 0, case.second_clinician_id: 1}
    return sorted(found, key=lambda opinion: rank.get(opinion.clinician_id, 2))


def role_labels(case):
    """Return, by clinician id, the role the family gave each of the case's two doctors."""
    return {clinician_id: label for clinician_id, label in (
        (case.current_clinician_id, "current doctor"),
        (case.second_clinician_id, "second opinion")) if clinician_id is not None}


def get_opinion(household_id, opinion_id):
    """Return the household's opinion. Raises NotFound otherwise."""
    return owned(Opinion, household_id, opinion_id)


def visit_sources(visit):
    """Return what an opinion's topics can point to: the visit's notes and answers, by id."""
    if visit is None:
        return {}
    found = {f"note:{note.id}": note for note in visit.notes}
    answers = db.session.scalars(
        select(Answer).join(VisitQuestion).where(VisitQuestion.visit_id == visit.id)
        .order_by(Answer.created_at)
    ).all()
    found.update((f"answer:{answer.id}", answer) for answer in answers)
    return found


def save_opinion(case, opinion=None, *, clinician_id=None, visit_id=None, topics, sources):
    """Write down (or change) what one clinician said, topic by topic.

    `topics` maps topic keys to text, `sources` topic keys to lists of
    "note:<id>" and "answer:<id>" from the opinion's visit.

    Raises:
        ValidationFailed: no topic written, a clinician or visit not the case's,
            a visit whose opinion is written down already, or a source that is
            not one of that visit's notes and answers.
    """
    visit = opinion.visit if opinion else _case_visit(case, visit_id)
    if not any(text for text in topics.values()):
        raise ValidationFailed({"diagnosis": ["Write at least one thing they said."]})
    available = visit_sources(visit)
    for key, picked in sources.items():
        if any(source not in available for source in picked):
            raise ValidationFailed({key: ["That note or answer is not from this visit."]})
    if opinion is None:
        opinion = _new_opinion(case, visit, clinician_id)
    opinion.topics = dict(topics)
    opinion.sources = {key: list(picked) for key, picked in sources.items() if picked}
    db.session.flush()
    return opinion


def _new_opinion(case, visit, clinician_id):
    if visit is not None and db.session.scalar(
            select(Opinion.id).where(Opinion.visit_id == visit.id)):
        raise ValidationFailed({"visit_id": [
            "This visit's opinion is written down already: change it instead."]})
    clinician = visit.clinician if visit else _clinician(case, clinician_id)
    opinion = Opinion(household_id=case.household_id, case_id=case.id,
                      clinician_id=clinician.id, visit_id=visit.id if visit else None)
    db.session.add(opinion)
    return opinion


def _case_visit(case, visit_id):
    if visit_id is None:
        return None
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.case_id != case.id:
        raise ValidationFailed({"visit_id": ["Choose one of this case's visits."]})
    return visit


def _clinician(case, clinician_id):
    try:
        if clinician_id is not None:
            return get_clinician(case.household_id, clinician_id)
    except NotFound:
        pass
    raise ValidationFailed({"clinician_id": ["Choose whose opinion this is."]})


def delete_opinion(opinion):
    """Delete an opinion; the visit's notes and answers stay."""
    db.session.delete(opinion)
    db.session.flush()


# -- comparing ---------------------------------------------------------------

VERDICTS = {"differ": "They differ", "agree": "They agree", "not-covered": "Not covered"}
UNMARKED = "Not marked yet"


def comparison(case, opinions):
    """Return a row per topic: what each opinion said and the family's reading of it.

    Rows the family marked "differ" come first, each with a question to take
    back to a doctor (drafted until the family writes their own); then rows not
    marked yet, then the rest, each group in topic order.
    """
    stored = {row.topic: row for row in db.session.scalars(
        select(ComparisonRow).where(ComparisonRow.case_id == case.id))}
    rows = []
    for topic in topics():
        said = [opinion.said(topic["key"]) for opinion in opinions]
        row = stored.get(topic["key"])
        verdict = row.verdict if row else _suggested(said)
        question = (row.question if row and row.question else
                    draft_question(topic["label"], opinions, said))
        rows.append({"topic": topic, "said": said, "row": row, "verdict": verdict,
                     "question": question, "sources": [o.sources.get(topic["key"], [])
                                                       for o in opinions]})
    order = {"differ": 0, None: 1}
    return sorted(rows, key=lambda r: order.get(r["verdict"], 2))


def _suggested(said):
    """Mark a topic no opinion spoke to as not covered; the family marks the rest."""
    return "not-covered" if not any(said) else None


def draft_question(label, opinions, said):
    """Draft, in plain words, a question about a topic the opinions differ on."""
    views = "; ".join(f"{opinion.clinician.name} said “{text}”"
                      for opinion, text in zip(opinions, said, strict=True) if text)
    if not views:
        return f"About the {label.lower()}: what do you think, and why?"
    return (f"About the {label.lower()}, {views}. Can you help us understand why these "
            "differ, and what each would mean for our child?")


def save_row(case, topic, verdict, why="", note="", question=""):
    """Keep the family's reading of one topic: agree, differ or not covered, and why.

    Raises:
        ValidationFailed: an unknown topic.
    """
    if topic not in topic_labels():
        raise ValidationFailed({"_form": ["That topic is not on the list."]})
    row = db.session.scalar(select(ComparisonRow).where(
        ComparisonRow.case_id == case.id, ComparisonRow.topic == topic))
    if row is None:
        row = ComparisonRow(case_id=case.id, topic=topic)
        db.session.add(row)
    row.verdict, row.note = verdict, note
    row.why = why if verdict == "differ" else ""
    row.question = question if verdict == "differ" else ""
    db.session.flush()
    return row


# -- the family's values -----------------------------------------------------

def values_table(case):
    """Return each value with each parent's view: [(value, [(member, text)])]."""
    parents = accounts.household_members(case.household_id)
    stored = {(view.topic, view.member_id): view.text for view in db.session.scalars(
        select(ValueView).where(ValueView.case_id == case.id))}
    return parents, [(value, [(parent, stored.get((value["key"], parent.id), ""))
                              for parent in parents])
                     for value in library.after_visit()["value"]]


def save_values(case, member_id, views):
    """Keep one parent's view on each of the family's values.

    Raises:
        ValidationFailed: `member_id` is not one of the household's parents.
    """
    member = db.session.get(Member, member_id)
    if member not in accounts.household_members(case.household_id):
        raise ValidationFailed({"member_id": ["Choose one of the parents."]})
    stored = {view.topic: view for view in db.session.scalars(select(ValueView).where(
        ValueView.case_id == case.id, ValueView.member_id == member.id))}
    for key, text in views.items():
        view = stored.get(key) or ValueView(case_id=case.id, topic=key, member_id=member.id)
        view.text = text
        db.session.add(view)
    db.session.flush()
    return member
