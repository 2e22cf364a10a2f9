"""Registering this browser as a device that may sync (until pairing exists)."""

from flask import Blueprint, g, jsonify

from api.schemas import DeviceSchema
from webapp.errors import envelope
from webapp.services import devices
from webapp.views import submit

bp = Blueprint("devices", __name__, url_prefix="/devices")


@bp.post("")
def create():
    """Register the signed-in member's phone; its token is given this once."""
    result, errors = submit(DeviceSchema,
                            lambda data: devices.register_device(g.member, login=g.login, **data))
    if errors:
        return jsonify(envelope("validation_failed", "Please check the name.", errors)), 422
    device, token = result
    return jsonify(device_id=str(device.id), token=token), 201
