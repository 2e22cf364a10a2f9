"""Issue 18: another website cannot sign the family out.

The phone is signed in at http://127.0.0.1:PORT. A page of "another website",
served at http://localhost:OTHER (a different site, so the browser sends our
SameSite=Lax cookie with none of its form posts), auto-submits forms to the app:
to a missing address, to sign out, to register a device. Each is refused, and
the phone keeps its cookie untouched meanwhile, and is still signed in afterwards.
"""

import http.server
import threading

import pytest
from phones import OWNER, new_phone  # e2e/phones.py
from playwright.sync_api import expect

AUTO_SUBMIT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>You won a prize</title></head>
<body><form id="f" method="post" action="{action}"><input name="name" value="Phone"></form>
<script>document.getElementById("f").submit();</script></body></html>
"""


@pytest.fixture
def another_site():
    """Another website: pages served from memory at http://localhost:<its own port>."""
    pages = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.pages = pages
    server.url = f"http://localhost:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def session_cookie(context):
    return [cookie["value"] for cookie in context.cookies() if cookie["name"] == "session"]


def test_a_form_another_site_posts_does_not_sign_the_phone_out(
        browser, browser_context_args, home, live_server, another_site, shoot):
    # (`home`: the household exists, set up by its home computer.)
    phone = new_phone(browser, browser_context_args, "phone")
    page = phone.page
    try:
        phone.sign_in()
        phone.wait_for_visits_ready()  # its fetches renew the session cookie
        signed_in = session_cookie(phone.context)
        assert len(signed_in) == 1
        for name, path in [("missing", "/no/such/page"), ("signout", "/signout"),
                           ("device", "/devices")]:
            another_site.pages[f"/{name}.html"] = AUTO_SUBMIT.format(
                action=f"{live_server.url}{path}")
            with page.expect_navigation(url=f"{live_server.url}{path}") as answer:
                page.goto(f"{another_site.url}/{name}.html")
            assert answer.value.status == 403, (path, answer.value.status)
            assert answer.value.header_value("set-cookie") is None, path
            assert session_cookie(phone.context) == signed_in, f"replaced by the post to {path}"
            expect(page.get_by_text("This came from another website")).to_be_visible()
        shoot(page, "cross-site-01-refused", full_page=False)

        page.goto("/")
        expect(page.get_by_role("heading", level=1, name=f"Hello, {OWNER}")).to_be_visible()
        assert not phone.errors
    finally:
        phone.context.close()
