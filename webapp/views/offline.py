"""What the service worker needs from the server: itself, its helpers, its fragments."""

import hashlib
import uuid
from functools import cache
from pathlib import Path

from flask import Blueprint, abort, current_app, get_template_attribute, jsonify, url_for
from markupsafe import Markup

from webapp import paths
from webapp.services import library

bp = Blueprint("offline", __name__)

WORKER = paths.WORKER
HELPERS = {"idb.js", "outbox.js", "ready.js", "uploads.js", "render.js", "capture.js",
           "strategies.js", "guard.js", "kept.js"}
BUILD = paths.STATIC / "build"
_VISIT, _QUESTION, _NOTE = 987654321, uuid.UUID(int=0), uuid.UUID(int=1)


@cache
def version():
    """Hash the files the worker serves or caches: any change makes a new worker.

    The brotli and gzip copies count too: they are what browsers receive."""
    digest = hashlib.sha256()
    # What the worker renders too: the capture macros, the labels and this module.
    files = [*sorted(paths.STATIC.rglob("*")), *sorted(WORKER.glob("*.js")),
             paths.TEMPLATES / "visits" / "_capture.html", *sorted(paths.CONTENT.glob("*")),
             Path(__file__)]
    for path in files:
        if path.is_file():  # the same names from a clone or installed, so the same version
            digest.update(_name(path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _name(path):
    """Name a hashed file the same from a clone and from the installed bundle."""
    for root in (paths.FILES, paths.PACKAGE.parent):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.name


def _script(body, extra_headers=None):
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers.update(extra_headers or {})
    return response


@bp.get("/sw.js")
def worker():
    """Serve the service worker with its version set from the files' hashes."""
    lazy = " ".join(f"/static/build/{path.name}" for path in sorted(BUILD.glob("*.js"))
                    if path.name != "app.js")
    body = (WORKER / "sw.js").read_text().replace("__VERSION__", version())
    body = body.replace("__LAZY__", lazy)
    return _script(body, {"Service-Worker-Allowed": "/"})


@bp.get("/sw/<name>")
def helper(name):
    """Serve one of the worker's helper scripts (idb.js is shared with the pages)."""
    if name not in HELPERS:
        abort(404)
    return _script((WORKER / name).read_text())


def _placeholder_url(endpoint, **values):
    url = url_for(endpoint, visit_id=_VISIT, **values)
    return (url.replace(str(_VISIT), "%%visit%%").replace(str(_QUESTION), "%%question%%")
            .replace(str(_NOTE), "%%id%%"))


@bp.get("/sw/fragments.json")
def fragments():
    """Render the capture markup with %%placeholders%% for the worker to fill."""
    macro = lambda name: get_template_attribute("visits/_capture.html", name)  # noqa: E731
    ph = lambda name: Markup(f"%%{name}%%")  # noqa: E731
    asked_url = _placeholder_url("capture.mark_asked", question_id=_QUESTION)
    consent_url = _placeholder_url("capture.record_consent")
    return jsonify(
        note=str(macro("note_card")(ph("id"), ph("iso"), ph("when"), ph("author"),
                                    ph("tags_html"), ph("text"), ph("sync_state"),
                                    _placeholder_url("notes.edit", note_id=_NOTE), ph("version"))),
        # Someone else's note on a companion's phone: no Edit (services/notes.py).
        note_locked=str(macro("note_card")(ph("id"), ph("iso"), ph("when"), ph("author"),
                                           ph("tags_html"), ph("text"), ph("sync_state"), "",
                                           ph("version"))),
        unsaved=str(macro("unsaved_words")(ph("text"))),
        note_editor=str(macro("note_editor")(
            _placeholder_url("notes.edit", note_id=_NOTE),
            _placeholder_url("notes.delete", note_id=_NOTE), ph("id"), ph("version"), ph("text"),
            library.NOTE_TAGS, lambda key: ph(f"checked_{key}"), ph("csrf"))),
        tag=str(macro("tag_list")([ph("label")])),
        answer=str(macro("answer_item")(ph("id"), ph("text"), ph("author"), ph("sync_state"))),
        consent_item=str(macro("consent_item")(ph("id"), ph("iso"), ph("when"), ph("who"),
                                               ph("kind"), ph("kind_text"), ph("author"),
                                               ph("sync_state"))),
        consent_status_agreed=str(macro("consent_status")(
            consent_url, "agreed", ph("who"), ph("when"), ph("kind_text"), ph("csrf"), oob=True,
            event_id=ph("id"))),
        consent_status_other=str(macro("consent_status")(
            consent_url, "other", ph("who"), ph("when"), ph("kind_text"), ph("csrf"), oob=True,
            event_id=ph("id"))),
        asked_true=str(macro("asked_form")(asked_url, ph("question"), "true", ph("csrf"))),
        asked_false=str(macro("asked_form")(asked_url, ph("question"), "false", ph("csrf"))),
        states={state: str(macro("sync_state")(state, ph("reason")))
                for state in ("local", "synced", "rejected", "conflict")},
        # Nothing of one person: the author of a capture comes with the phone's device.
        labels={"tags": library.NOTE_TAGS, "consent": library.CONSENT_KINDS},
    )
