"""A child's case: the health question a family wants a second opinion on."""

from datetime import date

from flask import Blueprint, g, redirect, render_template, request, url_for

from webapp.schemas import instance
from webapp.schemas.forms import CaseSchema, CaseViewSchema, CompanionSchema, NewCaseSchema
from webapp.services import accounts, cases, library, pairing, removal, schedule
from webapp.views import attempt, household_id, submit
from webapp.views.pairing import render_pairing

bp = Blueprint("cases", __name__)


def _form_context(child, form, errors, case=None):
    return {"child": child, "form": form, "errors": errors, "reasons": library.reasons(),
            "cautions": library.cautions(), "safe_to_wait": library.safe_to_wait(),
            "case": case}


@bp.get("/children/<int:child_id>/cases/new")
def new(child_id):
    """Show the form for a new case."""
    child = cases.get_child(household_id(), child_id)
    return render_template("cases/new.html", **_form_context(child, {}, {}))


@bp.post("/children/<int:child_id>/cases")
def create(child_id):
    """Open a case for the child."""
    child = cases.get_child(household_id(), child_id)

    def open_case(data):
        view = {name: data.pop(name) for name in instance(CaseViewSchema).fields}
        case = cases.add_case(child, **data)
        cases.save_view(case, g.member, **view)
        return case

    case, errors = submit(NewCaseSchema, open_case)
    if errors:
        context = _form_context(child, request.form, errors)
        return render_template("cases/new.html", **context), 422
    return redirect(url_for(".show", case_id=case.id), 303)


@bp.get("/cases/<int:case_id>")
def show(case_id):
    """Show a case, its visits and its summary."""
    case = cases.get_case(household_id(), case_id)
    return render_template("cases/show.html", case=case, errors={}, form={},
                           **_labels(case))


@bp.post("/cases/<int:case_id>/view")
def save_view(case_id):
    """Keep the signed-in person's own view of the case."""
    case = cases.get_case(household_id(), case_id)
    _, errors = submit(CaseViewSchema, lambda data: cases.save_view(case, g.member, **data))
    if errors:
        context = {**_labels(case), "view_errors": errors, "view_form": request.form}
        return render_template("cases/show.html", case=case, errors={}, form={}, **context), 422
    return redirect(url_for(".show", case_id=case.id, _anchor="views"), 303)


@bp.get("/cases/<int:case_id>/edit")
def edit(case_id):
    """Show the form to change the health question."""
    case = cases.get_case(household_id(), case_id)
    form = {name: getattr(case, name) for name in instance(CaseSchema).fields}
    form["safe_to_wait"] = [case.safe_to_wait]  # a list, as the choices macro reads a form's
    form["safe_wait_for"] = case.safe_wait_for or ""
    return render_template("cases/new.html", **_form_context(case.child, form, {}, case))


@bp.post("/cases/<int:case_id>")
def update(case_id):
    """Change the health question, checked as when it was added."""
    case = cases.get_case(household_id(), case_id)
    _, errors = submit(CaseSchema, lambda data: cases.update_case(case, **data))
    if errors:
        context = _form_context(case.child, request.form, errors, case)
        return render_template("cases/new.html", **context), 422
    return redirect(url_for(".show", case_id=case.id), 303)


@bp.get("/cases/<int:case_id>/delete")
def confirm_delete(case_id):
    """Ask before removing the case, saying what goes with it (or why it stays)."""
    case = cases.get_case(household_id(), case_id)
    why, goes = removal.case_removal(case)
    return render_template("removal/confirm.html", what="this health question", why=why,
                           goes=goes, errors={}, back=url_for(".show", case_id=case.id),
                           action=url_for(".delete", case_id=case.id))


@bp.post("/cases/<int:case_id>/delete")
def delete(case_id):
    """Remove the case with its visits, their questions and checklists."""
    case = cases.get_case(household_id(), case_id)
    child_id = case.child_id
    _, errors = attempt(lambda: removal.remove_case(case))
    if errors:
        return render_template("removal/confirm.html", what="this health question",
                               why=None, goes=[], errors=errors,
                               back=url_for(".show", case_id=case.id),
                               action=url_for(".delete", case_id=case.id)), 422
    return redirect(url_for("children.show", child_id=child_id), 303)


def _labels(case):
    """What the case page shows beside the case itself."""
    views = cases.views_of(case)
    mine = next((view for view in views if view.member_id == g.member.id), None)
    return {
        "reason_labels": {r["key"]: r["label"] for r in library.reasons()},
        "wait_options": {o["key"]: o for o in library.safe_to_wait()["option"]},
        "wait_now": library.safe_to_wait()["urgent"],
        "companions": accounts.companions_of(case), "views": views,
        "view_form": {"worries": mine.worries, "would_help": mine.would_help} if mine else {},
        "view_errors": {},
        "late": schedule.late_visits(case.visits, date.today()),
    }



@bp.post("/cases/<int:case_id>/companions")
def invite(case_id):
    """Invite someone to help with this case only: a one-time link and QR code."""
    case = cases.get_case(household_id(), case_id)

    def invite_by_name(data):
        companion = accounts.invite_companion(case, data["name"])
        return pairing.start_pairing(companion, pairing.INVITE_LIFETIME)

    made, errors = submit(CompanionSchema, invite_by_name)
    if errors:
        return render_template("cases/show.html", case=case, errors=errors, form=request.form,
                               **_labels(case)), 422
    invitation, token, code = made
    return render_pairing(invitation, token, code, case=case)


@bp.post("/cases/<int:case_id>/companions/<int:member_id>/link")
def new_link(case_id, member_id):
    """A new one-time link for a companion's phone: a new phone, or one removed from the list."""
    return _companion_link(case_id, member_id, accounts.still_helping)


def _companion_link(case_id, member_id, who):
    """A one-time link for the phone of the companion `who(companion)` lets pair."""
    case = cases.get_case(household_id(), case_id)
    companion = accounts.get_companion(case, member_id)
    made, errors = attempt(lambda: pairing.start_pairing(who(companion), pairing.INVITE_LIFETIME))
    if errors:
        return render_template("cases/show.html", case=case, errors=errors, form={},
                               **_labels(case)), 422
    invitation, token, code = made
    return render_pairing(invitation, token, code, case=case)


@bp.post("/cases/<int:case_id>/companions/<int:member_id>/again")
def invite_again(case_id, member_id):
    """Invite a removed companion again: a one-time link for their phone, as before."""
    return _companion_link(case_id, member_id, accounts.invite_again)


@bp.get("/cases/<int:case_id>/companions/<int:member_id>/remove")
def ask_remove_companion(case_id, member_id):
    """Ask before removing a companion: their phones stop too, with what those had not sent."""
    case = cases.get_case(household_id(), case_id)
    companion = accounts.get_companion(case, member_id)
    goes = [f"{companion.name} can no longer open this case, and their phones stop syncing. "
            "What they wrote and sent stays, under their name.",
            "Anything on their phone not yet sent stays only on that phone: ask them to sync "
            "it first. If you invite them again, their phone sends it then."]
    return render_template("cases/remove_companion.html", what=companion.name,
                           why=None if companion.removed_at is None
                           else f"{companion.name} was removed from this case already.",
                           goes=goes, phones=pairing.phones_of(companion),
                           back=url_for(".show", case_id=case.id, _anchor="companions"),
                           action=url_for(".remove_companion", case_id=case.id,
                                          member_id=companion.id))


@bp.post("/cases/<int:case_id>/companions/<int:member_id>/remove")
def remove_companion(case_id, member_id):
    """Remove a companion from the case; what they wrote stays, under their name."""
    case = cases.get_case(household_id(), case_id)
    companion = accounts.get_companion(case, member_id)
    attempt(lambda: accounts.remove_companion(companion))
    return redirect(url_for(".show", case_id=case.id, _anchor="companions"), 303)
