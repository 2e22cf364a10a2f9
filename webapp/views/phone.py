"""This phone: lock it with a PIN, or sign out and wipe what it keeps.

Both run in the page (static/js/behaviours/phone.js): the PIN never leaves the
phone, and wiping deletes the phone's own storage, which only the page can.
"""

from flask import Blueprint, render_template

bp = Blueprint("phone", __name__)


@bp.get("/phone")
def index():
    """Show the lock and wipe controls for the phone this page is open on."""
    return render_template("phone/index.html")
