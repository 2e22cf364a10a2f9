"""This phone: lock it with a PIN, or sign out and wipe what it keeps.

Both run in the page (static/js/behaviours/phone.js): the PIN never leaves the
phone, and wiping deletes the phone's own storage, which only the page can.
"""

from flask import Blueprint, g, render_template

from webapp.errors import NotFound

bp = Blueprint("phone", __name__)


@bp.get("/phone")
def index():
    """Show the lock and wipe controls for the phone this page is open on."""
    if not g.phone:  # the home computer keeps nothing to lock or wipe
        raise NotFound()
    return render_template("phone/index.html")
