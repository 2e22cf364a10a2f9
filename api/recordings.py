"""The recording chunk channel: a phone sends each chunk of a recording it holds
and asks which arrived, so after a lost connection only the rest is sent.

Thin adapters in front of webapp/services/recordings.py, with the device's
bearer token as for sync (docs/sync-protocol.md, "Recordings").
"""

from flask import g, jsonify, request

from api import bp
from api.resources import device_required
from webapp.errors import NotFound
from webapp.extensions import db
from webapp.models import Recording
from webapp.services import access, recordings


def _recording(recording_id):
    """The recording if this device's person may see its visit. Raises NotFound otherwise."""
    recording = db.session.get(Recording, recording_id)
    if recording is None:
        raise NotFound()
    access.visible_visit(g.device.member, recording.visit_id)
    return recording


@bp.get("/recordings/<uuid:recording_id>/chunks")
@device_required
def list_chunks(recording_id):
    """Say which chunks of a recording arrived, and whether it is whole."""
    recording = _recording(recording_id)
    if recording.deleted_at is not None:
        return jsonify(received=[], chunk_count=recording.chunk_count, complete=False,
                       deleted=True)
    return jsonify(received=recordings.received(recording), chunk_count=recording.chunk_count,
                   complete=recording.complete, deleted=False)


@bp.put("/recordings/<uuid:recording_id>/chunks/<int(min=0):index>")
@device_required
def put_chunk(recording_id, index):
    """Store one chunk (its SHA-256 in X-Content-SHA256); the same one twice is kept once."""
    recording = recordings.made_by(_recording(recording_id), g.device.member)
    created = recordings.add_chunk(recording, index,
                                   request.headers.get("X-Content-SHA256", "").lower(),
                                   request.get_data())
    db.session.commit()
    return jsonify(index=index, stored=True), 201 if created else 200
