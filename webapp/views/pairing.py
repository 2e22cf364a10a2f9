"""Pairing a phone: a one-time link and code made at home, redeemed on the phone."""

import segno
from flask import Blueprint, redirect, render_template, request, url_for

from webapp import security
from webapp.extensions import db
from webapp.schemas.forms import PairingCodeSchema, PairingSchema, PhoneNameSchema
from webapp.services import accounts, pairing, throttle
from webapp.views import household_id, submit
from webapp.views.devices import devices_page

bp = Blueprint("pairing", __name__)

TOO_MANY = "Too many wrong codes from this phone. Please wait {minutes} minutes, then try again."


@bp.post("/devices/pairings")
def create():
    """Make a one-time link (as a QR code) and a short code for a family member's phone."""
    made, errors = submit(PairingSchema, lambda data: pairing.start_pairing(
        accounts.member_for_phone(household_id(), **data)))
    if errors:
        return devices_page(errors=errors, form=request.form), 422
    return render_pairing(*made)


def render_pairing(made_for, token, code, case=None):
    """Show a pairing's QR code, code and link, once (`case`: a companion's invitation)."""
    link = url_for("pairing.link", token=token, _external=True)
    qr = segno.make(link, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff")
    return render_template("pair/show.html", member=made_for.member, code=code, link=link,
                           qr=qr, expires_at=made_for.expires_at, case=case)


@bp.route("/pair", methods=["GET", "POST"])
def enter():
    """On the phone: type the code shown at home, and name this phone."""
    if request.method == "GET":
        return render_template("pair/enter.html", form={}, errors={})
    return _redeem("pair/enter.html", PairingCodeSchema)


@bp.route("/pair/<token>", methods=["GET", "POST"])
def link(token):
    """On the phone, from the QR code: name this phone and join."""
    found = pairing.pairing_for_link(token)
    if request.method == "GET":
        if found is None:
            return render_template("pair/enter.html", form={}, errors={
                "code": [pairing.NOT_VALID]}), 410
        return render_template("pair/link.html", token=token, errors={},
                               form={"name": f"{found.member.name}'s phone"})
    return _redeem("pair/link.html", PhoneNameSchema, token=token)


def _redeem(template, schema, token=None):
    """Use the link or code once; sign this phone in as the member it was made for."""
    address = request.remote_addr or "unknown"
    wait = throttle.wait_before_next_try(address)
    if wait:
        errors = {"code": [TOO_MANY.format(minutes=throttle.in_minutes(wait))]}
        return render_template(template, token=token, form=request.form, errors=errors), 429

    def use(data):
        return data["name"], pairing.redeem(token=token, code=data.get("code"))

    used, errors = submit(schema, use)
    if errors:
        if "code" in errors:  # a wrong guess counts; a missing name does not
            throttle.record_failure(address)
            db.session.commit()
        return render_template(template, token=token, form=request.form, errors=errors), 422
    name, member = used
    security.sign_in(member, device_name=name)
    return redirect(url_for("installed.start"), 303)
