"""The household's devices: the list with revoke, and a signed-in page registering
its browser as a device (a phone paired by code takes the name it was given)."""

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, url_for

from webapp import hosts
from webapp.errors import NotFound, envelope
from webapp.schemas.forms import DeviceSchema
from webapp.services import accounts, devices, pairing, tailnet
from webapp.views import attempt, household_id, owner_at_home, submit

bp = Blueprint("devices", __name__, url_prefix="/devices")


@bp.get("")
def index():
    """List the phones that sync, with their person, last sync and what they sent."""
    return devices_page()


def devices_page(errors=None, form=None):
    """The Devices screen, with the "Add a phone" form's errors if any."""
    loopback = hosts.normalise(request.host) in hosts.LOOPBACK  # [::1]:8000 included
    return render_template(
        "devices/index.html", phones=pairing.list_phones(household_id()),
        members=accounts.household_members(household_id()), errors=errors or {},
        form=form or {}, secure=request.is_secure or loopback, loopback=loopback,
        may_connect=owner_at_home())


@bp.route("/connect", methods=["GET", "POST"])
def connect():
    """Let phones reach this computer over https through Tailscale, one checked step
    at a time, as `ask-twice connect` does."""
    if not owner_at_home():  # it changes how the computer is reached, and runs there
        raise NotFound()
    done, todo = [], None
    if request.method == "POST":
        # The port this request came in on: where Ask Twice runs now.
        port = request.environ.get("SERVER_PORT") or current_app.config["SERVE_PORT"]
        try:
            done.extend(tailnet.connect(current_app.instance_path, port))
        except tailnet.NotConnected as error:
            todo = error.said
    return render_template("devices/connect.html", done=done, todo=todo,
                           tried=request.method == "POST")


@bp.post("")
def create():
    """Register the signed-in member's phone; its token is given this once.

    Only a paired phone: any other browser writes straight to the server.
    """
    if not g.phone:
        raise NotFound()

    def register(data):
        name = g.login.device_name or data["name"]
        return devices.register_device(g.member, name, login=g.login)

    result, errors = submit(DeviceSchema, register)
    if errors:
        return jsonify(envelope("validation_failed", "Please check the name.", errors)), 422
    device, token = result
    return jsonify(device_id=str(device.id), token=token, login=g.login.id,
                   author=g.member.name), 201


@bp.get("/<uuid:device_id>/remove")
def remove(device_id):
    """Ask before removing a phone: which it is, whose, and what it had not sent."""
    phone = pairing.get_phone(household_id(), device_id)
    after = (f"Once removed, it can no longer sync. When it next connects, it deletes the "
             f"family's notes and visits and keeps only {phone.device.member.name}'s items "
             "not yet sent, until it is paired again.")
    return render_template("devices/remove.html", phone=phone, what=phone.device.name,
                           goes=[after], back=url_for(".index"),
                           action=url_for(".revoke", device_id=device_id))


@bp.post("/<uuid:device_id>/revoke")
def revoke(device_id):
    """Remove a phone, every token of its sign-in; it keeps what it has not sent until
    it is paired again."""
    device = pairing.get_device(household_id(), device_id)
    attempt(lambda: pairing.revoke(device))
    return redirect(url_for(".index"), 303)
