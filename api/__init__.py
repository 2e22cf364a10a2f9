"""JSON front door, /api/v1: the stable API the phones' sync will use.

It shares the services and input schemas with the HTML views; errors are
translated to JSON here, once.
"""

from flask import Blueprint, jsonify

from webapp.errors import DomainError
from webapp.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(DomainError)
def domain_error(error):
    """Answer a domain error as `{code, message, errors}` with its status."""
    db.session.rollback()
    return jsonify(error.as_json()), error.status


from api import attachments, recordings, resources  # noqa: E402, F401  (registers the routes on bp)
