"""Adding a child, seeing their cases, and the medicines and allergies the family keeps current."""

from flask import Blueprint, redirect, render_template, request, url_for

from webapp.htmx import answer_post
from webapp.schemas.forms import ChildListItemSchema, ChildSchema, NewChildSchema
from webapp.services import cases
from webapp.views import attempt, household_id, submit

bp = Blueprint("children", __name__, url_prefix="/children")

LIST_WORDS = {"medicine": "medicines", "allergy": "allergies"}


@bp.get("/new")
def new():
    """Show the form for a new child."""
    return render_template("children/new.html", form={}, errors={}, child=None)


@bp.post("")
def create():
    """Add a child to the household."""
    child, errors = submit(NewChildSchema, lambda data: cases.add_child(household_id(), **data))
    if errors:
        return render_template("children/new.html", form=request.form, errors=errors,
                               child=None), 422
    return redirect(url_for(".show", child_id=child.id), 303)


def _child(child_id):
    return cases.get_child(household_id(), child_id)


@bp.get("/<int:child_id>")
def show(child_id):
    """Show a child, their medicines and allergies, and their cases."""
    return render_template("children/show.html", child=_child(child_id), lists={})


@bp.get("/<int:child_id>/edit")
def edit(child_id):
    """Show the form to change a child's details."""
    child = _child(child_id)
    form = {"name": child.name, "birth_date": child.birth_date.isoformat(),
            "conditions": child.conditions}
    return render_template("children/new.html", form=form, errors={}, child=child)


@bp.post("/<int:child_id>")
def update(child_id):
    """Change a child's details, checked as when the child was added."""
    child = _child(child_id)
    _, errors = submit(ChildSchema, lambda data: cases.update_child(child, **data))
    if errors:
        return render_template("children/new.html", form=request.form, errors=errors,
                               child=child), 422
    return redirect(url_for(".show", child_id=child.id), 303)


def _answer_list(child, kind, errors=None, focus=None, form=None):
    """Answer a change to one list: its region for htmx, else back to the page."""
    block = f"{kind}_list"
    lists = {kind: {"errors": errors or {}, "form": form or {}, "focus": focus}}
    return answer_post("children/show.html", block, errors,
                       url_for(".show", child_id=child.id, _anchor=block.replace("_", "-")),
                       lambda: {"child": child, "lists": lists})


def _add(child_id, kind):
    child = _child(child_id)
    item, errors = submit(ChildListItemSchema,
                          lambda data: cases.add_list_item(child, kind, **data))
    if errors:
        return _answer_list(child, kind, errors, form=request.form)
    return _answer_list(child, kind, focus=f"{kind}-{item.id}")


@bp.post("/<int:child_id>/medicines")
def add_medicine(child_id):
    """Add a medicine to the child's list."""
    return _add(child_id, "medicine")


@bp.post("/<int:child_id>/allergies")
def add_allergy(child_id):
    """Add an allergy to the child's list."""
    return _add(child_id, "allergy")


@bp.get("/<int:child_id>/items/<int:item_id>/edit")
def edit_item(child_id, item_id):
    """Show the form to change a medicine or an allergy."""
    child = _child(child_id)
    item = cases.get_list_item(child, item_id)
    form = {"name": item.name, "detail": item.detail,
            "since": item.since.isoformat() if item.since else ""}
    return render_template("children/edit_item.html", child=child, item=item, form=form,
                           errors={})


@bp.post("/<int:child_id>/items/<int:item_id>")
def update_item(child_id, item_id):
    """Change a medicine or an allergy, then go back to the child's lists."""
    child = _child(child_id)
    item = cases.get_list_item(child, item_id)
    _, errors = submit(ChildListItemSchema, lambda data: cases.update_list_item(item, **data))
    if errors:
        return render_template("children/edit_item.html", child=child, item=item,
                               form=request.form, errors=errors), 422
    anchor = f"{item.kind}-{item.id}"
    return redirect(url_for(".show", child_id=child.id, _anchor=anchor), 303)


@bp.post("/<int:child_id>/items/<int:item_id>/delete")
def delete_item(child_id, item_id):
    """Take a medicine or an allergy off the list: it is no longer current."""
    child = _child(child_id)
    item = cases.get_list_item(child, item_id)
    kind = item.kind
    attempt(lambda: cases.remove_list_item(child, item))
    return _answer_list(child, kind, focus="heading")
