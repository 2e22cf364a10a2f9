"""This phone: lock it with a PIN, or sign out and wipe what it keeps.

Both run in the page (static/js/behaviours/phone.js): the PIN never leaves the
phone, and wiping deletes the phone's own storage, which only the page can.
"""

from flask import Blueprint, g, render_template

from webapp.errors import NotFound

bp = Blueprint("phone", __name__)


@bp.before_request
def only_on_a_phone():
    """Lock and wipe are a paired phone's: the home computer keeps nothing to wipe."""
    if not g.phone:
        raise NotFound()


@bp.get("/phone")
def index():
    """Show the lock and wipe controls for the phone this page is open on."""
    return render_template("phone/index.html")
