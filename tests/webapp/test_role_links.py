"""Each role sees only what it can do: a walk of every page a role can reach.

From each role's home (the owner at the home computer, a second parent and a
companion on their paired phones), follow every link on every page, breadth
first. A link or GET form must not answer "not found" or "not allowed"; a form
that writes is not sent (the walk would change what it walks), but the access
rule that guards its route must let this person send it.
"""

import hashlib
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tests.webapp.test_inventory import WEBM
from webapp.extensions import db
from webapp.models import Member, Note
from webapp.services import (
    access,
    accounts,
    capture,
    case_records,
    decisions,
    notes,
    opinions,
    pairing,
    recordings,
    shortlist,
)

REFUSED = {403, 404, 405}
MOST_PAGES = 400  # far more than the app has, so a loop of ever-new links shows up


class Targets(HTMLParser):
    """Collect where a page's links, buttons and forms lead: (method, url) pairs."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.form_method = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.found.append(("GET", attrs["href"]))
        if tag == "form" and attrs.get("action") is not None:
            self.form_method = (attrs.get("method") or "get").upper()
            self.found.append((self.form_method, attrs["action"]))
        if tag in {"button", "input"} and attrs.get("formaction"):
            self.found.append(((attrs.get("formmethod") or self.form_method or "GET").upper(),
                               attrs["formaction"]))
        for method in ("get", "post", "put", "patch", "delete"):
            if attrs.get(f"hx-{method}"):
                self.found.append((method.upper(), attrs[f"hx-{method}"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form_method = None


def on_this_site(page_url, href):
    """Return where `href` on `page_url` leads as path?query, or None for another site."""
    parts = urlsplit(urljoin("http://localhost" + page_url, href))
    if parts.scheme in {"http", "https"} and parts.netloc == "localhost":
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def targets(page_url, html):
    """Return the same-site (method, path?query) pairs a page offers, fragments dropped."""
    parser = Targets()
    parser.feed(html)
    return {(method, on_this_site(page_url, href)) for method, href in parser.found
            if on_this_site(page_url, href)}


def rule_allows(app, member, method, url):
    """Ask the access rule that guards the route of `url` whether `member` may send it."""
    try:
        endpoint, view_args = app.url_map.bind("localhost").match(urlsplit(url).path,
                                                                  method=method)
    except HTTPException:  # no such route, or none for this method
        return False
    return access.allows(db.session.get(Member, member.id), endpoint, view_args)


def walk(app, client, member, home="/"):
    """Follow every link from `home`; return each refused (page, method, link, answer)
    and every (method, link) the walk met."""
    queue, offered_on, refusals = deque([("GET", home)]), {("GET", home): ["(start)"]}, {}
    while queue and len(offered_on) < MOST_PAGES:
        method, url = queue.popleft()
        if method != "GET":
            if not rule_allows(app, member, method, url):
                refusals[method, url] = "refused by its access rule"
            continue
        response = client.get(url)
        if response.status_code in REFUSED or response.status_code >= 500:
            refusals[method, url] = response.status_code
            continue
        found = targets(url, response.text) if response.mimetype == "text/html" else set()
        if response.location and on_this_site(url, response.location):
            found.add(("GET", on_this_site(url, response.location)))
        for link in sorted(link for link in found if not link[1].startswith("/static/")):
            if link not in offered_on:
                queue.append(link)
            offered_on.setdefault(link, []).append(url)
    assert len(offered_on) < MOST_PAGES, "the walk never ended"
    return [(page, *link, answer) for link, answer in refusals.items()
            for page in offered_on[link]], set(offered_on)


@pytest.fixture
def family(owner, visit):
    """A case with something on every screen, written by the owner, a second parent
    and a companion invited to the case: notes of each, crossed edits, recordings."""
    dad = accounts.member_for_phone(owner.household_id, new_name="Dad")
    rosa = accounts.invite_companion(visit.case, "Grandma Rosa")
    for author in (owner, dad, rosa):
        note = db.session.get(Note, capture.add_note(visit, author, f"{author.name}'s note").id)
        for words in ("Changed on a phone", "Changed at home"):  # crossed: a note to settle
            notes.edit_note(note, author, base_version=1, text=words)
    opinions.save_opinion(visit.case, visit_id=visit.id, topics={"diagnosis": "Agreed"},
                          sources={})
    decisions.decide(visit.case, option="switch", reasons="Closer to home", decided_on=visit.day)
    shortlist.add_candidate(visit.case, name="Dr Short")
    case_records.add_item(visit.case, owner, "Scans")
    capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    for author in (owner, rosa):
        recording = recordings.start_recording(visit, author, "audio/webm")
        recordings.add_chunk(recording, 0, hashlib.sha256(WEBM).hexdigest(), WEBM)
        recordings.stop_recording(recording, author, 1000, "stopped", 1)
    db.session.commit()
    return {"owner": owner, "second parent": dad, "companion": rosa}


def phone_of(app, member):
    """A phone paired to `member` by a one-time link."""
    _, token, _ = pairing.start_pairing(member)
    db.session.commit()
    phone = app.test_client()
    assert phone.post(f"/pair/{token}", data={"name": f"{member.name}'s phone"}).status_code == 303
    return phone


@pytest.mark.parametrize("role", ["owner", "second parent", "companion"])
def test_no_link_or_button_of_a_role_leads_where_it_may_not_go(
        app, signed_in, visit, family, role):
    member = family[role]
    client = signed_in if role == "owner" else phone_of(app, member)
    refused, met = walk(app, client, member)
    assert {("GET", f"/visits/{visit.id}/summary"), ("GET", f"/visits/{visit.id}/conflicts"),
            ("POST", f"/visits/{visit.id}/notes")} <= met  # the walk got somewhere
    assert not refused, "\n".join(f"{page} -> {method} {link}: {status}"
                                  for page, method, link, status in refused)
