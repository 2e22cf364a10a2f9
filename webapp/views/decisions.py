"""Deciding, reopening a decision later, and the letters drafted from it."""

from datetime import date

from flask import Blueprint, g, redirect, render_template, request, url_for

from webapp.schemas.after_visit import DecisionSchema, LetterSchema, ReopenSchema
from webapp.services import cases, decisions, opinions
from webapp.services.letters import sender
from webapp.views import attempt, household_id, submit

bp = Blueprint("decisions", __name__)


def _context(case, form=None, errors=None, **extra):
    return {"case": case, "current": decisions.current(case), "history": decisions.history(case),
            "options": decisions.options(), "labels": _option_labels(),
            "form": form if form is not None else {"decided_on": date.today().isoformat()},
            "errors": errors or {}, **extra}


def _option_labels():
    return {option["key"]: option["label"] for option in decisions.options()}


@bp.get("/cases/<int:case_id>/decision")
def show(case_id):
    """Show the decision in force (or the form to make one) and the decisions before it."""
    case = cases.get_case(household_id(), case_id)
    return render_template("decisions/show.html", **_context(case))


@bp.post("/cases/<int:case_id>/decisions")
def create(case_id):
    """Record what the family decided."""
    case = cases.get_case(household_id(), case_id)
    decision, errors = submit(DecisionSchema, lambda data: decisions.decide(case, **data))
    if errors:
        return render_template("decisions/show.html",
                               **_context(case, request.form, errors)), 422
    return redirect(url_for(".letters", decision_id=decision.id), 303)


def _decision(decision_id):
    decision = decisions.get_decision(household_id(), decision_id)
    return decision.case, decision


@bp.post("/decisions/<int:decision_id>/reopen")
def reopen(decision_id):
    """Reopen a decision to think again; it stays in the history."""
    case, decision = _decision(decision_id)
    _, errors = submit(ReopenSchema, lambda data: decisions.reopen(decision, **data))
    if errors:
        return render_template("decisions/show.html", **_context(
            case, reopen_form=request.form, reopen_errors=errors)), 422
    return redirect(url_for(".show", case_id=case.id), 303)


def letter_context(case, decision):
    """What the drafts are written from: the child, the case, the decision, and the two
    doctors in the roles the family gave them (None until they say)."""
    second = case.second_clinician
    seen = next((opinion.visit.day for opinion in opinions.list_opinions(case)
                 if second and opinion.clinician_id == second.id and opinion.visit), None)
    return {"case": case, "child": case.child, "decision": decision, "me": g.member,
            "option": _option_labels()[decision.option], "condition": case.condition,
            "current": case.current_clinician, "second": second, "seen_on": seen,
            "sender": sender(g.member), "today": date.today()}


@bp.get("/decisions/<int:decision_id>/letters")
def letters(decision_id):
    """List the letters drafted from a decision."""
    case, decision = _decision(decision_id)
    saved = {letter.kind for letter in decision.letters}
    return render_template("decisions/letters.html", case=case, decision=decision,
                           kinds=decisions.letter_kinds(decision), saved=saved,
                           waiting={kind["key"] for kind in decisions.letter_kinds(decision)
                                    if decisions.waits_for_roles(decision, kind["key"])},
                           labels=_option_labels())


@bp.route("/decisions/<int:decision_id>/letters/<kind>", methods=["GET", "POST"])
def letter(decision_id, kind):
    """Show a letter to edit, print or copy; save the family's version of it."""
    case, decision = _decision(decision_id)
    label = decisions.kind_label(decision, kind)
    errors = {}
    if request.method == "POST":
        _, errors = submit(LetterSchema, lambda data: decisions.save_letter(decision, kind, **data))
        if not errors:
            return redirect(url_for(".letter", decision_id=decision.id, kind=kind, saved=1), 303)
    text = (request.form.get("text", "") if errors else
            decisions.letter_text(decision, kind, letter_context(case, decision)))
    return render_template("decisions/letter.html", case=case, decision=decision, kind=kind,
                           label=label, text=text, errors=errors, saved="saved" in request.args,
                           edited=any(kept.kind == kind for kept in decision.letters)
                           ), 422 if errors else 200


@bp.post("/decisions/<int:decision_id>/letters/<kind>/redraft")
def redraft(decision_id, kind):
    """Go back to our draft of a letter, dropping the family's edits."""
    _, decision = _decision(decision_id)
    decisions.kind_label(decision, kind)
    attempt(lambda: decisions.redraft(decision, kind))
    return redirect(url_for(".letter", decision_id=decision.id, kind=kind), 303)
