"""Who may see what. A household's parents see all of it; a companion, invited
to one case, sees and writes that case's visits only. Both front doors ask here:
the HTML guard (webapp/security.py) and sync (api/sync.py).

Anything out of reach answers NotFound, the same as something that does not
exist, so nothing tells a companion what else is there.
"""

from webapp.errors import NotFound
from webapp.services import visits

# What any signed-in person needs, companions included.
EVERYONE = {"home.index", "installed.start", "installed.help_page", "devices.create",
            "auth.signout", "offline.fragments", "phone.index"}
# Blueprints whose pages belong to one visit: a companion may open those of their case.
VISIT_PAGES = {"visits", "capture", "notes", "debriefs", "recordings"}


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


def may_open(member, endpoint):
    """Tell whether `member` may open the pages of `endpoint` (of a visit they may see)."""
    return (not is_companion(member) or endpoint in EVERYONE
            or endpoint.partition(".")[0] in VISIT_PAGES)


def check_page(member, endpoint, blueprint, view_args):
    """Raise NotFound unless `member` may open this page (companions: their visits only)."""
    if not is_companion(member) or endpoint in EVERYONE:
        return
    if blueprint in VISIT_PAGES and "visit_id" in (view_args or {}):
        visible_visit(member, view_args["visit_id"])
        return
    raise NotFound()


def case_filter(member):
    """The one case a member is limited to, or None for all of the household's."""
    return member.case_id
