"""Hardening: redirects stay on site, trusted hosts, private files, security headers."""

import os
import stat

import pytest

from tests.conftest import PASSPHRASE
from webapp import config, create_app
from webapp.extensions import db
from webapp.hosts import trusted_hosts
from webapp.views import safe_next


def bare_app(**settings):
    """An app that reads its settings from the environment, as a real start does."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                       "SECRET_KEY": "test only", **settings})


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    """The usual umask, under which SQLite alone would make a world-readable file."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize(("target", "expected"), [
    ("/ok/path?x=1", "/ok/path?x=1"),
    ("/visits/3", "/visits/3"),
    ("/\t/evil", "/"),  # browsers drop the tab: //evil
    ("/\n/evil", "/"),
    ("/\r\n/evil", "/"),
    ("\t//evil", "/"),
    ("/%0a/evil", "/"),
    ("/%09/evil", "/"),
    ("/%2F/evil", "/"),
    ("/%5Cevil", "/"),
    ("https://evil", "/"),
    ("//evil", "/"),
    ("///evil", "/"),
    ("/\\evil", "/"),
    ("\\\\evil", "/"),
    ("javascript:alert(1)", "/"),
    ("/ /evil", "/"),
    ("/\x00/evil", "/"),
    ("/\x7f/evil", "/"),
    ("/\u2028/evil", "/"),
    ("", "/"),
])
def test_next_accepts_only_paths_on_this_site(app, target, expected):
    with app.test_request_context("/signin", query_string={"next": target}):
        assert safe_next("home.index") == expected


@pytest.mark.parametrize("target", ["/\t/evil", "/\n/evil"])
def test_sign_in_never_follows_a_next_that_a_browser_reads_as_another_site(client, owner, target):
    data = {"name": "Sam", "passphrase": PASSPHRASE}
    response = client.post("/signin", query_string={"next": target}, data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1:8000", "[::1]:8000"])
def test_loopback_names_are_answered(client, host):
    with client.get("/static/offline.html", headers={"Host": host}) as response:
        assert response.status_code == 200


@pytest.mark.parametrize("url", ["/signin", "/", "/static/offline.html", "/sw.js"])
def test_another_host_name_gets_a_short_plain_400(client, url):
    response = client.get(url, headers={"Host": "evil.example"})  # static files too
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "does not answer on this address" in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_another_host_name_gets_the_json_envelope_under_the_api(client):
    response = client.post("/api/v1/sync/push", json={}, headers={"Host": "evil.example:8000"})
    assert response.status_code == 400
    assert set(response.json) == {"code", "message", "errors"}
    assert response.json["code"] == "untrusted_host"


@pytest.mark.parametrize(("setting", "bound", "expected"), [
    (None, None, ["127.0.0.1", "[::1]", "localhost"]),
    ("", "0.0.0.0", ["127.0.0.1", "[::1]", "localhost"]),
    ("", "::", ["127.0.0.1", "[::1]", "localhost"]),
    (None, "ask.example", ["127.0.0.1", "[::1]", "ask.example", "localhost"]),
    (None, "::1", ["127.0.0.1", "[::1]", "localhost"]),
    ("Ask.Example:443, 192.168.1.5,", "127.0.0.1", ["192.168.1.5", "ask.example"]),
])
def test_trusted_hosts_default_to_loopback_and_the_bound_host(setting, bound, expected):
    assert trusted_hosts(setting, bound) == expected


def test_the_host_scripts_run_binds_is_answered(monkeypatch):
    monkeypatch.delenv("ASK_TWICE_HOSTS", raising=False)
    monkeypatch.setenv("HOST", "ask.example")
    client = bare_app().test_client()
    for host, status in (("ask.example:8000", 200), ("evil.example", 400)):
        with client.get("/static/offline.html", headers={"Host": host}) as response:
            assert response.status_code == status, host


def test_behind_a_proxy_the_public_name_forwarded_is_judged(monkeypatch):
    monkeypatch.setenv("ASK_TWICE_HOSTS", "ask.example")
    monkeypatch.setenv("ASK_TWICE_TRUST_PROXY", "1")
    client = bare_app().test_client()

    def status(forwarded_host):
        headers = {"Host": "127.0.0.1:8000", "X-Forwarded-Host": forwarded_host}
        with client.get("/static/offline.html", headers=headers) as response:
            return response.status_code

    assert status("ask.example") == 200
    assert status("evil.example") == 400


def test_the_database_file_is_created_for_this_user_only(tmp_path, umask):
    app = bare_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'ask-twice.sqlite'}")
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    files = list(tmp_path.iterdir())
    assert tmp_path / "ask-twice.sqlite" in files
    assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}


def test_the_instance_folder_and_its_files_are_created_for_this_user_only(
        tmp_path, umask, monkeypatch):
    monkeypatch.delenv("ASK_TWICE_SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    config.secret_key(instance)
    config.create_sqlite_file(config.defaults(instance)["SQLALCHEMY_DATABASE_URI"], instance)
    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == 0o600
    assert mode(instance / "ask-twice.sqlite") == 0o600


def test_an_existing_database_file_and_other_databases_are_left_alone(tmp_path):
    existing = tmp_path / "mine.sqlite"
    existing.touch(mode=0o640)
    config.create_sqlite_file(f"sqlite:///{existing}", tmp_path)
    config.create_sqlite_file("sqlite://", tmp_path)
    config.create_sqlite_file("postgresql+psycopg://user@host/asktwice", tmp_path)
    assert mode(existing) == 0o640
    assert list(tmp_path.iterdir()) == [existing]


@pytest.mark.parametrize("url", ["/signin", "/", "/sw.js", "/no-such-page",
                                 "/static/offline.html", "/static/icons/icon.svg"])
def test_every_document_carries_permissions_and_opener_policies(client, url):
    """Pages, the worker and static documents; a picture, script or stylesheet obeys neither
    (tests/webapp/test_installed.py checks what those carry)."""
    response = client.get(url)
    assert response.headers["Permissions-Policy"] == (
        "camera=(self), microphone=(self), geolocation=(), payment=(), usb=()"
    )
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP by default
    response.close()


@pytest.mark.parametrize("url", ["/sw.js", "/no-such-page", "/static/offline.html"])
def test_https_adds_strict_transport_security_everywhere(monkeypatch, url):
    monkeypatch.setenv("ASK_TWICE_HTTPS", "1")
    response = bare_app().test_client().get(url)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    response.close()
