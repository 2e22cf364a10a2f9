"""Every page a family reaches is valid HTML, by the W3C's Nu HTML Checker.

The pages of the walk in test_role_links (the owner at the home computer, a
second parent and a companion on their paired phones), the signed-out pages, the
plain pages the service worker shows and the capture markup it fills in are
written to files and checked in one run of the checker (vnu-jar, from the npm
registry, on the system's Java). The only errors allowed are htmx's attributes
(hx-*), which HTML does not know; anything else fails, listed page by page.
"""

import json
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from tests.days import in_days
from tests.webapp.test_role_links import family, phone_of, walk  # noqa: F401  (a fixture)

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTMX_ATTRIBUTE = re.compile(r"Attribute “hx-[a-z-]+” not allowed on element “[a-z0-9-]+” "
                            r"at this point\.")
# What the worker puts for each %%name%% in the markup it fills (service_worker/).
WORKER_VALUES = {
    "id": "0b6f8c1e-3a51-4d2b-9c0e-5f1d2a3b4c5d", "question": "7", "visit": "1",
    "version": "1", "csrf": "a-token", "iso": "", "when": "10:30", "author": "Dad",
    "text": "Ask about the scan", "who": "Dr Okafor", "kind": "agreed",
    "kind_text": "agreed to recording", "label": "Next step", "reason": "too long",
    "day": "Friday 4 December", "clinician": "Dr Okafor", "path": "/visits/1",
    "secondary": "", "pending": "Two notes wait to be sent.", "back": "/visits/1",
}


class Recorder:
    """A test client that keeps the HTML of every page it was answered with."""

    def __init__(self, client, role):
        self.client, self.role, self.pages = client, role, {}

    def get(self, url):
        response = self.client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            self.pages[f"{url} ({self.role})"] = response.text
        return response


def filled(template, values):
    """Fill the worker's %%placeholders%% as it would (a tick box left unticked)."""
    return re.sub(r"%%([\w-]+)%%", lambda found: values.get(found[1], ""), template)


def worker_pages(client):
    """The service worker's own pages and its capture markup, filled in as it does."""
    values = {**WORKER_VALUES,
              "iso": datetime.now(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"}
    kept_js = (ROOT / "service_worker" / "kept.js").read_text()
    card = re.search(r"const CARD = `(.*?)`;", kept_js, re.S)[1]
    values["visits"] = filled(card, {**values, "when": f"{in_days(1).isoformat()}T10:30"})
    pages = {f"static/{path.name}": filled(path.read_text(), values)
             for path in sorted((ROOT / "static").glob("*.html"))}
    fragments = client.get("/sw/fragments.json").get_json()
    values["sync_state"] = filled(fragments["states"]["local"], values)
    values["tags_html"] = filled(fragments["tag"], values)
    markup = {name: text for name, text in fragments.items() if isinstance(text, str)}
    markup |= {f"states.{name}": text for name, text in fragments["states"].items()}
    for name, text in markup.items():
        body = filled(text, values)
        parent = "ul" if body.lstrip().startswith("<li") else "div"
        pages[f"/sw/fragments.json {name}"] = (
            f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{name}</title>'
            f"</head><body><main><{parent}>{body}</{parent}></main></body></html>")
    return pages


def java_environment():
    """This environment without libfaketime: the suite may run with the clock moved
    years ahead, and Java under that preload cannot be trusted to start."""
    return {name: value for name, value in os.environ.items()
            if name != "LD_PRELOAD" and not name.startswith(("FAKETIME", "DONT_FAKE"))}


def checker_errors(pages, folder):
    """Check every page in one run of the checker; return (page, line, message) for
    each error but htmx's attributes."""
    java = shutil.which("java")
    assert java, "The HTML checker needs Java: scripts/setup --test installs it."
    assert VNU.exists(), "The HTML checker is missing: run npm ci (scripts/setup does)."
    files = {}
    for number, (page, html) in enumerate(pages.items()):
        files[f"page-{number:03}.html"] = page
        (folder / f"page-{number:03}.html").write_text(html)
    checked = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always",
         *(str(folder / name) for name in files)],
        env=java_environment(), capture_output=True, text=True, timeout=300)
    messages = json.loads(checked.stderr)["messages"]
    page_of = lambda url: files.get(Path(urlsplit(url or "").path).name, url)  # noqa: E731
    return [(page_of(message.get("url")), message.get("lastLine"), message["message"])
            for message in messages
            if message["type"] != "info" and not HTMX_ATTRIBUTE.fullmatch(message["message"])]


def test_every_page_a_family_reaches_is_valid_html(
        app, signed_in, visit, family, tmp_path):  # noqa: F811
    recorders = [Recorder(signed_in, "owner at home")]
    walk(app, recorders[0], family["owner"])
    for role in ("second parent", "companion"):
        recorders.append(Recorder(phone_of(app, family[role]), f"{role}'s phone"))
        walk(app, recorders[-1], family[role])
    signed_out = Recorder(app.test_client(), "signed out")
    walk(app, signed_out, family["owner"], home="/signin")  # (what it may send is not asked)
    not_found = signed_in.get("/visits/999999")
    pages = {page: html for recorder in (*recorders, signed_out)
             for page, html in recorder.pages.items()}
    pages["/visits/999999 (not found)"] = not_found.text
    pages |= worker_pages(signed_in)
    assert f"/visits/{visit.id}/summary (companion's phone)" in pages  # the walk got somewhere

    errors = checker_errors(pages, tmp_path)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(
        f"{page}, line {line}: {message}" for page, line, message in errors)
