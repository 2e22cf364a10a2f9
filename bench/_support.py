"""Shared by the bench scripts: a seeded database, a live server, a signed-in phone."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import date
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSPHRASE = "bench passphrase, not secret"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


def seed(database_url, questions=8):
    """Create a household, a child, a case, a clinician and a visit; return the visit id."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.services import accounts, cases, library, visits

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        owner = accounts.create_household("Bench", PASSPHRASE, PASSPHRASE)
        child = cases.add_child(owner.household_id, name="Ada", birth_date=date(2016, 1, 1),
                                conditions="Asthma", allergies="Penicillin")
        case = cases.add_case(child, diagnosis="Juvenile idiopathic arthritis",
                              proposed_treatment="Methotrexate", safe_to_wait="yes")
        clinician = cases.add_clinician(owner.household_id, name="Dr Okafor")
        visit = visits.add_visit(case, clinician.id, date(2026, 12, 6), clock(10, 30), "Clinic 3")
        visits.add_from_library(visit, list(library.questions_by_key())[:questions])
        db.session.commit()
        visit_id = visit.id
        db.engine.dispose()
    return visit_id


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(threads=4, questions=8):
    """Seed a fresh SQLite database and serve it with waitress; yield (url, visit_id)."""
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/bench.sqlite"
        visit_id = seed(database_url, questions)
        port = free_port()
        # PYTHONPATH: this checkout's code, whichever checkout the venv's editable install
        # points at (helper worktrees share one venv).
        env = dict(os.environ, DATABASE_URL=database_url, ASK_TWICE_SECRET_KEY="bench",
                   PYTHONPATH=str(ROOT), ASK_TWICE_ATTACHMENTS_DIR=f"{folder}/attachments")
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/waitress-serve"), "--host", "127.0.0.1", "--port", str(port),
             f"--threads={threads}", "--call", "webapp:create_app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}/signin", timeout=1).close()
                break
            except Exception:
                if time.monotonic() > deadline:
                    server.kill()
                    raise
                time.sleep(0.1)
        try:
            yield url, visit_id, database_url
        finally:
            server.terminate()
            server.wait(10)


def signed_in_phone(playwright, url, extra_args=(), **context_args):
    """Launch a signed-in Pixel 7 with service workers; return (browser, context, page)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                         args=[*CHROMIUM_ARGS, *extra_args])
    context = browser.new_context(**playwright.devices["Pixel 7"], service_workers="allow",
                                  **context_args)
    page = context.new_page()
    page.goto(f"{url}/signin")
    page.fill("#name", "Bench")
    page.fill("#passphrase", PASSPHRASE)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, "AskTwiceDB.getMeta('device').then(Boolean)")
    return browser, context, page


def wait_until(page, expression, timeout=15):
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        page.wait_for_timeout(50)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
