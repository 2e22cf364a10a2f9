"""A record's photo or file sent by a phone's uploader (service_worker/uploads.js),
with the device's bearer token: the same piece channel as the records page
(webapp/services/attachments.py), so a photo taken with no signal goes when
there is one, resuming where it stopped."""

from flask import g, jsonify

from api import bp
from api.resources import device_required
from webapp.errors import NotFound
from webapp.extensions import db
from webapp.models import RecordItem
from webapp.services import access, attachments, cases
from webapp.services.blobs import files_root
from webapp.views.case_records import answer_piece


def _item(item_id):
    """The record if this device's person may see it (parents: companions see
    only their case's visits). Raises NotFound otherwise."""
    item = db.session.get(RecordItem, item_id)
    if item is None or access.is_companion(g.device.member):
        raise NotFound()
    cases.get_case(g.device.member.household_id, item.case_id)
    return item


@bp.get("/records/<int:item_id>/uploads/<sha256>")
@device_required
def upload_state(item_id, sha256):
    """Say how much of the file has arrived."""
    return jsonify(offset=attachments.received(files_root(), _item(item_id), sha256))


@bp.post("/records/<int:item_id>/uploads/<sha256>")
@device_required
def upload_piece(item_id, sha256):
    """Take the next piece of the file (`offset`, `size` and `name` in the query)."""
    return answer_piece(_item(item_id), g.device.member, sha256)
