"""Installing on a phone: the manifest, where the installed app opens, the help page."""

import json
import re
from datetime import date, timedelta

from webapp.extensions import db
from webapp.services import visits


def test_the_manifest_is_public_and_names_what_an_installable_app_needs(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.text)
    assert manifest["id"] == "/ask-twice"
    assert manifest["name"] == manifest["short_name"] == "Ask Twice"
    assert manifest["start_url"] == "/start" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert "orientation" not in manifest  # WCAG 1.3.4: the phone may be turned either way
    assert manifest["theme_color"].startswith("#") and manifest["background_color"].startswith("#")
    icons = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert icons == {("192x192", "any"), ("512x512", "any"),
                     ("192x192", "maskable"), ("512x512", "maskable")}


def test_every_icon_the_manifest_names_is_a_png_of_its_stated_size(client):
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    for icon in [*manifest["icons"], {"src": "/static/icons/apple-touch-icon.png",
                                      "sizes": "180x180"}]:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        png = response.get_data()
        assert png[:8] == b"\x89PNG\r\n\x1a\n", icon["src"]
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"], icon["src"]
        response.close()


def test_every_page_links_the_manifest_theme_colours_and_apple_icon(client, signed_in):
    for page in (client.get("/signin").text, signed_in.get("/").text):
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page
        assert page.count('name="theme-color"') == 2
        assert 'rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png"' in page


def test_start_opens_the_next_upcoming_visit(signed_in, visit):
    today = date.today()
    visit.day = today + timedelta(days=30)
    visits.add_visit(visit.case, visit.clinician_id, today - timedelta(days=2))  # gone by
    soonest = visits.add_visit(visit.case, visit.clinician_id, today)
    db.session.commit()
    response = signed_in.get("/start")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/visits/{soonest.id}"


def test_start_opens_home_when_no_visit_is_coming(signed_in, visit):
    visit.day = date.today() - timedelta(days=1)
    db.session.commit()
    response = signed_in.get("/start")
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_start_asks_a_stranger_to_sign_in(client, owner):
    response = client.get("/start")
    assert response.status_code == 303 and "/signin" in response.headers["Location"]


def test_help_explains_installing_on_each_kind_of_phone(owners_phone):
    page = owners_phone.get("/help").text
    assert "Add to Home Screen" in page and "Install on this phone" in page
    assert 'id="install"' in page


def test_the_preparation_screen_carries_the_install_offer_hidden_until_it_can_help(
        owners_phone, visit):
    page = owners_phone.get(f"/visits/{visit.id}/questions").text
    assert 'id="install-offer"' in page and "data-install-once hidden" in page


def test_static_files_carry_the_security_headers_and_no_open_cors(client):
    for path in ("/static/offline.html", "/static/icons/icon.svg", "/static/build/app.js",
                 "/static/build/app.css", "/static/icons/icon-192.png"):
        response = client.get(path, headers={"Origin": "https://elsewhere.example"})
        assert response.status_code == 200, path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Referrer-Policy"] == "same-origin", path
        assert "Access-Control-Allow-Origin" not in response.headers, path
        if path.endswith((".html", ".svg")):  # documents, when opened alone
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
            assert response.headers["X-Frame-Options"] == "DENY", path
        else:  # a stylesheet, script or picture obeys none of these: bytes for nothing
            assert "Content-Security-Policy" not in response.headers, path
        response.close()


def test_the_first_load_bundle_imports_nothing_and_the_worker_keeps_its_later_parts(client):
    """Parts loaded on first use (lock and wipe, read back, …) are files of their own; the
    worker precaches each, so they work offline, and the first load fetches none of them."""
    def text(path):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        response.close()
        return body

    bundle = text("/static/build/app.js")
    static_import = re.search(r"""(^|[;}\s])import\s*[{*"'\w]""", bundle)
    assert not static_import, "a static import: one more request on every first load"
    later = set(re.findall(r"""import\("\./([\w-]+\.js)"\)""", bundle))
    assert {"phone.js", "read-back.js", "local-captures.js"} <= later, later
    worker = text("/sw.js")
    assert "__LAZY__" not in worker
    for name in later:
        assert f"/static/build/{name}" in worker, name
        assert "export" in text(f"/static/build/{name}"), name


def test_pages_carry_the_tab_icon_inline(signed_in):
    page = signed_in.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert icon.startswith("data:image/svg+xml,%3Csvg%20") and "%23005eb8" in icon
    assert not set('"<>& ') & set(icon)
