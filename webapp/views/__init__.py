"""HTML front door: one blueprint per feature."""

from datetime import date
from urllib.parse import unquote, urlsplit

from flask import g, request, url_for

from webapp.errors import ValidationFailed
from webapp.extensions import db
from webapp.htmx import form_data
from webapp.schemas import load
from webapp.services import access
from webapp.services.library import NOTE_TAGS
from webapp.wording import condition_name, in_sentence, phrase, sentence


def register_views(app):
    """Register every HTML blueprint on `app`."""
    from webapp.views import (
        archive,
        auth,
        capture,
        case_records,
        cases,
        children,
        clinicians,
        comparisons,
        debriefs,
        decisions,
        devices,
        health,
        home,
        installed,
        letters,
        notes,
        offline,
        opinions,
        pairing,
        phone,
        questions,
        recordings,
        schedule,
        shortlist,
        storage,
        visits,
    )

    for module in (auth, home, children, cases, clinicians, visits, questions, capture, notes,
                   debriefs, devices, pairing, phone, offline, installed,
                   opinions, comparisons, decisions, archive, schedule, letters, shortlist,
                   case_records, recordings, storage, health):
        app.register_blueprint(module.bp)
    app.context_processor(lambda: {"today": date.today()})
    app.add_template_filter(local_time)
    app.add_template_filter(machine_time)
    app.add_template_filter(tag_labels)
    app.add_template_filter(phrase)
    app.add_template_filter(in_sentence)
    app.add_template_filter(condition_name)
    app.add_template_filter(sentence)
    app.add_template_global(allowed)
    app.add_template_global(may_change_note)
    app.add_template_global(home_computer)


def home_computer():
    """Name the computer Ask Twice runs on as the reader sees it: a paired phone is no
    computer, it syncs with the family's home computer."""
    return "the home computer" if g.get("phone") else "this computer"


def allowed(endpoint, **values):
    """Tell whether the signed-in person may follow a link or send a form to `endpoint`
    with `values`: the guard's own rule, so no page offers what answers "not found"."""
    return access.allows(g.member, endpoint, values)


def may_change_note(note):
    """Tell whether the signed-in person may edit or delete `note` (its Edit link shows)."""
    return allowed("notes.edit", visit_id=note.visit_id, note_id=note.id)


def tag_labels(keys):
    """Turn note tag keys into the words shown for them."""
    return [NOTE_TAGS[key] for key in keys]


def local_time(moment):
    """Show a stored UTC time in this computer's time zone: the day if not today."""
    local = moment.astimezone()
    return local.strftime("%H:%M" if local.date() == date.today() else "%-d %b, %H:%M")


def machine_time(moment):
    """Write a stored time for a `datetime=` attribute: to the millisecond, as HTML allows."""
    return moment.isoformat(timespec="milliseconds")


def household_id():
    """Return the signed-in member's household id."""
    return g.member.household_id


def owner_at_home():
    """Tell whether this browser is the owner's on the home computer, not a paired phone:
    for steps that change how this computer works."""
    return g.member.role == "owner" and not g.phone


def attempt(action):
    """Call `action()` and commit; on a validation failure roll back and return the errors.

    Returns `(result, None)` or `(None, errors)`. Other errors propagate to the
    app's error handlers, which roll back too.
    """
    try:
        result = action()
    except ValidationFailed as error:
        db.session.rollback()
        return None, error.errors
    db.session.commit()
    return result, None


def submit(schema_class, action):
    """Load the posted form with `schema_class` and pass the data to `action`.

    Returns `(result, None)` on success and `(None, errors)` when the input
    or a business rule failed; nothing is stored in that case.
    """
    return attempt(lambda: action(load(schema_class, form_data(schema_class))))


def safe_next(default):
    """Return the `next` form or query value if it is a path on this site, else `default`."""
    target = request.values.get("next", "")
    if is_local_path(target):
        return target
    return url_for(default) if not default.startswith("/") else default


def is_local_path(target):
    """Tell whether `target` is a path on this site, read the way a browser reads it.

    Browsers drop tabs and newlines from a URL and treat a backslash as a slash, so
    a slash, a tab, then `/evil` would lead to `//evil`, another site: refuse any
    control character, whitespace or backslash, raw or percent-encoded in the path,
    before parsing.
    """
    if not target.startswith("/") or target.startswith("//") or _unsafe(target):
        return False
    parts = urlsplit(target)
    path = unquote(parts.path)
    return not (parts.scheme or parts.netloc or path.startswith("//") or _unsafe(path))


def _unsafe(text):
    return "\\" in text or any(char.isspace() or not char.isprintable() for char in text)
