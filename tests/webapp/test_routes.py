"""Every route but sign-in and set-up needs a session; every page gets the headers."""

import re

import pytest

from webapp.security import PUBLIC_ENDPOINTS


def sample_url(rule):
    """Fill a rule's variables with made-up values of the right type."""
    values = {"int": "1", "uuid": "0190e8a4-7b6c-7d3e-8f00-000000000000"}
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", lambda m: values.get(m.group(1), "x"),
                  rule.rule)


def guarded_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint not in PUBLIC_ENDPOINTS and not rule.endpoint.startswith("api.")]


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")]


def test_the_inventory_is_not_empty_and_public_routes_are_few(app):
    assert len(guarded_rules(app)) >= 15
    assert len(api_rules(app)) >= 2
    # The worker's scripts and the app manifest hold no data, and pairing is how a
    # phone gets a session; everything else needs one.
    assert PUBLIC_ENDPOINTS == {"static", "auth.setup", "auth.signin", "offline.worker",
                                "offline.helper", "installed.webmanifest", "pairing.enter",
                                "pairing.link"}


def test_every_api_route_needs_a_device_token_and_ignores_the_cookie(signed_in):
    for rule in api_rules(signed_in.application):
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = signed_in.open(sample_url(rule), method=method, json={})
            assert response.status_code == 401, (rule.rule, method)
            assert response.get_json()["code"] == "unauthorized"


def test_every_other_route_sends_a_visitor_without_a_session_to_sign_in(app, owner):
    client = app.test_client()
    for rule in guarded_rules(app):
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(sample_url(rule), method=method)
            assert response.status_code == 303, (rule.rule, method)
            assert response.headers["Location"].startswith("/signin"), (rule.rule, method)


def test_an_htmx_write_without_a_session_keeps_the_form_with_a_401(client, owner):
    response = client.post("/visits/1/notes", data={"text": "Do not lose me"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 401


def test_an_htmx_navigation_without_a_session_loads_the_sign_in_page(client, owner):
    response = client.get("/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.headers["HX-Redirect"].startswith("/signin")


@pytest.mark.parametrize("url", ["/", "/clinicians", "/children/new"])
def test_private_pages_carry_security_headers_and_vary(signed_in, url):
    headers = signed_in.get(url).headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "HX-Request" in headers["Vary"]


def test_pages_go_out_as_brotli_when_the_browser_takes_it_smaller_than_zstd(signed_in):
    """Chromium offers zstd too; for our pages brotli is the smaller (bench/visit_screen.py)."""
    import brotli

    response = signed_in.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"
    assert b"Ask Twice" in brotli.decompress(response.get_data())
