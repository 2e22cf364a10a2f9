"""A case's records checklist, and what is still missing before the visit."""


from flask import (
    Blueprint,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from webapp.errors import DomainError
from webapp.extensions import db
from webapp.schemas import load
from webapp.schemas.forms import PieceSchema, RecordItemSchema, RecordUpdateSchema
from webapp.services import attachments, case_records, cases, library, removal
from webapp.services.blobs import files_root
from webapp.views import attempt, household_id, submit

bp = Blueprint("case_records", __name__, url_prefix="/cases/<int:case_id>/records")


def _page(case, status=200, errors=None, form=None):
    return render_template("case_records/index.html", case=case,
                           items=case_records.items(case), missing=case_records.missing(case),
                           states=library.record_states(), errors=errors or {},
                           form=form or {}), status


def _back(case, anchor=None):
    return redirect(url_for(".index", case_id=case.id, _anchor=anchor), 303)


@bp.get("")
def index(case_id):
    """Show what is still missing, then every record with its state, dates and holder."""
    return _page(cases.get_case(household_id(), case_id))


@bp.post("/start")
def start(case_id):
    """Add the usual records to the checklist."""
    case = cases.get_case(household_id(), case_id)
    attempt(lambda: case_records.start_list(case, g.member))
    return _back(case)


@bp.post("")
def create(case_id):
    """Add a record of the family's own to the checklist."""
    case = cases.get_case(household_id(), case_id)
    item, errors = submit(RecordItemSchema,
                          lambda data: case_records.add_item(case, g.member, **data))
    if errors:
        return _page(case, 422, {"add": errors}, {"add": request.form})
    return _back(case, f"record-{item.id}")


@bp.post("/<int:item_id>")
def update(case_id, item_id):
    """Change where a record is, who holds it, or its note."""
    case = cases.get_case(household_id(), case_id)
    item = case_records.get_item(case, item_id)
    _, errors = submit(RecordUpdateSchema,
                       lambda data: case_records.update_item(item, g.member, **data))
    if errors:
        return _page(case, 422, {item.id: errors}, {item.id: request.form})
    return _back(case, f"record-{item.id}")


def _item(case_id, item_id):
    case = cases.get_case(household_id(), case_id)
    return case, case_records.get_item(case, item_id)


@bp.post("/<int:item_id>/attachments")
def attach(case_id, item_id):
    """Attach a photo or a PDF of the record, sent whole (the home computer's form)."""
    case, item = _item(case_id, item_id)
    data, name = b"", ""
    # A file chosen, or a photo just taken: two inputs of one name, one of them empty.
    if sent := next((f for f in request.files.getlist("file") if f.filename), None):
        data, name = sent.read(attachments.MAX_BYTES + 1), sent.filename or ""
        sent.close()
    _, errors = attempt(lambda: attachments.add_whole(files_root(), item, g.member, data, name))
    if errors:
        return _page(case, 422, {item.id: errors})
    return _back(case, f"record-{item.id}")


@bp.get("/<int:item_id>/uploads/<sha256>")
def upload_state(case_id, item_id, sha256):
    """Say how much of a file sent in pieces has arrived, so the phone sends the rest."""
    _, item = _item(case_id, item_id)
    return jsonify(offset=attachments.received(files_root(), item, sha256))


@bp.post("/<int:item_id>/uploads/<sha256>")
def upload_piece(case_id, item_id, sha256):
    """Take the next piece of a file (`offset`, `size` and `name` in the query)."""
    _, item = _item(case_id, item_id)
    return answer_piece(item, g.member, sha256)


def answer_piece(item, member, sha256):
    """Add the request's piece to the file; answer where it stands (both front doors:
    this page's form, and a phone's uploader in /api/v1 with its device token).

    A refusal is the API's envelope at both doors; a 409 has the offset to resume from.
    """
    try:
        piece = load(PieceSchema, request.args.to_dict())
        have, done = attachments.add_piece(
            files_root(), item, member, sha256, piece["size"], piece["offset"],
            request.get_data(), request.args.get("name", ""))
    except DomainError as error:
        db.session.rollback()
        return jsonify(error.as_json()), error.status
    db.session.commit()
    return jsonify(offset=have, done=done is not None)


@bp.get("/<int:item_id>/attachments/<int:attachment_id>")
def attachment(case_id, item_id, attachment_id):
    """Send an attachment back, as the type it was checked to be."""
    _, item = _item(case_id, item_id)
    found = attachments.get_attachment(item, attachment_id)
    return send_file(attachments.stored_path(files_root(), found.sha256),
                     mimetype=found.content_type, download_name=found.filename or None,
                     as_attachment=found.content_type == "application/pdf")


@bp.get("/<int:item_id>/delete")
def confirm_delete(case_id, item_id):
    """Ask before removing a record, saying what goes with it."""
    case, item = _item(case_id, item_id)
    _, goes = removal.record_removal(item)
    return render_template("removal/confirm.html", what="this record", why=None, goes=goes,
                           errors={}, back=url_for(".index", case_id=case.id,
                                                   _anchor=f"record-{item.id}"),
                           action=url_for(".delete", case_id=case.id, item_id=item.id))


@bp.post("/<int:item_id>/delete")
def delete(case_id, item_id):
    """Remove a record from the checklist, with its dates and attachments."""
    case, item = _item(case_id, item_id)
    attempt(lambda: case_records.remove_item(item))
    return _back(case)
