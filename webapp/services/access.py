"""Who may see and do what. A household's parents see and change all of it; a
companion, invited to one case, sees and writes that case's visits only, and
changes only what they wrote there.

This is the one rule, asked at every door: the HTML guard checks each request
with `check` (webapp/security.py), every page shows a link or button only when
`allows` says its request would pass (the `allowed` template global), and sync
reaches what an op acts on through `visible_visit` (webapp/wire/ops.py).

Anything out of reach answers NotFound, the same as something that does not
exist, so nothing tells a companion what else is there. Something they can see
but not change (another person's note) answers NotAllowed, saying why.
"""

from flask import url_for

from webapp.errors import NotAllowed, NotFound
from webapp.models import Note, Recording
from webapp.services import visits
from webapp.services.records import owned_by

# What any signed-in person needs, companions included.
EVERYONE = {"home.index", "installed.start", "installed.help_page", "devices.create",
            "auth.signout", "offline.fragments", "phone.index"}
# Blueprints whose pages belong to one visit: a companion may open those of their case.
VISIT_PAGES = {"visits", "capture", "notes", "debriefs", "recordings"}
# On those pages, what needs a parent all the same.
PARENTS_ONLY = {"recordings.transcribe"}

NOT_YOURS = ("You can change only your own notes. This one stays as it is: "
             "ask a parent if it needs changing.")
# What a companion may change only if they wrote it: the row the URL names, and why not.
THEIR_OWN = {
    "notes.edit": (Note, "note_id", NOT_YOURS),
    "notes.delete": (Note, "note_id", NOT_YOURS),
    "notes.resolve": (Note, "note_id", NOT_YOURS),
    "recordings.delete": (Recording, "recording_id",
                          "You can delete only your own recordings. This one stays."),
}


def is_companion(member):
    return member.case_id is not None


def visible_visit(member, visit_id):
    """Return the visit if `member` may see it.

    Raises:
        NotFound: another household's visit, or for a companion another case's.
    """
    visit = visits.get_visit(member.household_id, visit_id)
    if is_companion(member) and visit.case_id != member.case_id:
        raise NotFound()
    return visit


def only_their_own(member):
    """Return whose rows alone `member` may change (a companion: her own), or None for
    any; a companion's phone gets it too, to offer Edit on her own notes only."""
    return member.id if is_companion(member) else None


def may_change(member, row):
    """Tell whether `member` may change `row` (a note, a recording)."""
    return only_their_own(member) in (None, row.author_id)


def check(member, endpoint, view_args):
    """Let `member` use `endpoint` with `view_args` (open the page, send the form), or raise.

    Raises:
        NotFound: for a companion, anything but their case's visits and their own pages.
        NotAllowed: for a companion, changing what someone else wrote.
    """
    if not is_companion(member) or endpoint in EVERYONE:
        return
    view_args = view_args or {}
    if ((endpoint or "").partition(".")[0] not in VISIT_PAGES or endpoint in PARENTS_ONLY
            or "visit_id" not in view_args):
        raise NotFound()
    visit = visible_visit(member, view_args["visit_id"])
    if endpoint in THEIR_OWN:
        model, key, why = THEIR_OWN[endpoint]
        if not may_change(member, owned_by(model, "visit_id", visit.id, view_args[key])):
            raise NotAllowed(why)


def allows(member, endpoint, view_args):
    """Tell whether `check` lets `member` use `endpoint` with `view_args`."""
    try:
        check(member, endpoint, view_args)
    except (NotFound, NotAllowed):
        return False
    return True


def case_filter(member):
    """The one case a member is limited to, or None for all of the household's."""
    return member.case_id


def kept_for_offline(member, visit_id):
    """Return what a phone keeps of a visit for use with no signal: the visit's pages
    `member` may open, and "This phone", so that the phone can be locked in the room."""
    pages = ("visits.show", "debriefs.show", "questions.index")
    return [url_for(endpoint, visit_id=visit_id) for endpoint in pages
            if allows(member, endpoint, {"visit_id": visit_id})] + [url_for("phone.index")]
