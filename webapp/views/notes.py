"""At home: edit or delete a note, and settle notes whose edits crossed."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from webapp.schemas.forms import NoteDeleteSchema, NoteEditSchema, ResolveSchema
from webapp.services import access, library, notes
from webapp.views import submit

bp = Blueprint("notes", __name__, url_prefix="/visits/<int:visit_id>")


def _note(visit_id, note_id):
    """The visit and its note (the guard let only those who may change it this far)."""
    visit = access.visible_visit(g.member, visit_id)
    return visit, notes.get_note(visit, note_id)


def _back(visit):
    return redirect(url_for("visits.summary", visit_id=visit.id, _anchor="summary-notes-heading"),
                    303)


@bp.route("/notes/<uuid:note_id>/edit", methods=["GET", "POST"])
def edit(visit_id, note_id):
    """Change a note's words or tags, from the version shown."""
    visit, note = _note(visit_id, note_id)
    form = request.form if request.method == "POST" else {"text": note.text}
    if request.method == "POST":
        _, errors = submit(NoteEditSchema, lambda data: notes.edit_note(note, g.member, **data))
        if not errors:
            return _back(visit)
    else:
        errors = {}
    picked = request.form.getlist("tags") if request.method == "POST" else note.tags
    return render_template("notes/edit.html", visit=visit, note=note, form=form, errors=errors,
                           picked=picked, tags=library.NOTE_TAGS), 422 if errors else 200


@bp.route("/notes/<uuid:note_id>/delete", methods=["GET", "POST"])
def delete(visit_id, note_id):
    """Ask first, then delete a note (a crossed edit keeps it, as a conflict to settle)."""
    visit, note = _note(visit_id, note_id)
    if request.method == "GET":
        return render_template("notes/delete.html", visit=visit, note=note, errors={})
    _, errors = submit(NoteDeleteSchema, lambda data: notes.delete_note(note, g.member, **data))
    if errors:
        return render_template("notes/delete.html", visit=visit, note=note, errors=errors), 422
    return _back(visit)


@bp.get("/conflicts")
def conflicts(visit_id):
    """Show each note whose edits crossed, its texts side by side."""
    visit = access.visible_visit(g.member, visit_id)
    return render_template("notes/conflicts.html", visit=visit, errors={},
                           waiting=notes.with_conflicts(visit, g.member))


@bp.post("/notes/<uuid:note_id>/resolve")
def resolve(visit_id, note_id):
    """Keep one of a note's texts (or its deletion); the others stay in its history."""
    visit, note = _note(visit_id, note_id)
    _, errors = submit(ResolveSchema, lambda data: notes.resolve(note, g.member, **data))
    if errors:
        return render_template("notes/conflicts.html", visit=visit, errors=errors,
                               waiting=notes.with_conflicts(visit, g.member)), 422
    return redirect(url_for(".conflicts", visit_id=visit.id), 303)
