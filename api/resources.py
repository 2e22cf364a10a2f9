"""The sync endpoints: thin adapters in front of api/sync.py."""

from datetime import date
from functools import wraps

from flask import g, jsonify, request

from api import bp, sync
from webapp.errors import ValidationFailed, envelope
from webapp.models._types import MAX_INT
from webapp.schemas import load
from webapp.schemas.sync import KeptVisitOutSchema, PullSchema, PushSchema
from webapp.services import access, cases, devices


def device_required(view):
    """Accept only a device's bearer token (never the cookie)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        g.device = devices.device_for_token(token if scheme.lower() == "bearer" else "")
        return view(*args, **kwargs)
    return wrapper


def _payload(schema_class):
    body = load(schema_class, _json_object())
    if body["device_id"] != g.device.id:
        raise ValidationFailed({"device_id": ["This token belongs to another device."]})
    return body


def _json_object():
    """Return the request's JSON object.

    Raises:
        ValidationFailed: when the body is not JSON, not an object, or nested
            too deeply to read.
    """
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = None
    if not isinstance(body, dict):
        raise ValidationFailed({"_body": ["Send a JSON object."]},
                               message="The request body must be a JSON object.")
    return body


@bp.post("/sync/push")
@device_required
def push():
    """Apply a device's mutations; answer only after they are committed."""
    body = _payload(PushSchema)
    seqs = [m["seq"] for m in body["mutations"] if 1 <= m["seq"] <= MAX_INT]
    try:
        last = sync.push(g.device, body["mutations"])
    except sync.GapError as gap:
        return jsonify(**envelope("seq_gap", "Send the mutations from the expected seq on."),
                       expected_seq=gap.expected, last_applied_seq=gap.expected - 1), 409
    except sync.Transient:
        return jsonify(**envelope("unavailable", "Please try again shortly."),
                       last_applied_seq=sync.last_applied(body["device_id"])), 503
    rejected = [{"seq": r.seq, "id": r.entity_id, "op": r.op, "code": r.code,
                 "message": r.message, "errors": r.errors}
                for r in sync.rejections_for(g.device.id, seqs)]
    devices.mark_seen(g.device)
    return jsonify(last_applied_seq=last, rejections=rejected)


@bp.post("/sync/pull")
@device_required
def pull():
    """Return what changed in the household since the device's cursor."""
    body = _payload(PullSchema)
    result = sync.pull(g.device.household_id, body["cursor"],
                       access.case_filter(g.device.member))
    devices.mark_seen(g.device, unsent=body["pending"])
    return jsonify(**result, last_applied_seq=g.device.last_applied_seq,
                   keep=_kept_visits(g.device.member))


def _kept_visits(member):
    """The visits this member's phone keeps ready for use with no signal, with their pages."""
    kept = cases.kept_on_phones(member.household_id, date.today(), access.case_filter(member))
    return KeptVisitOutSchema(many=True).dump(
        [{"id": visit.id, "day": visit.day, "pages": access.kept_for_offline(member, visit.id)}
         for visit in kept])
