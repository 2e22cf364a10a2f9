"""`ask-twice connect`, the private-network path, against a stand-in `tailscale` put
first on PATH: it records its arguments and answers `status --json` and `serve` as the
real one does. The real Tailscale network could not be reached here (README, "Phones")."""

import json
import shutil

import pytest

from tests import tailscale
from tests.conftest import PASSPHRASE
from tests.tailscale import NAME, RUNNING
from webapp import create_app, settings
from webapp.extensions import db
from webapp.services import accounts, tailnet


@pytest.fixture
def stand_in(tmp_path, monkeypatch):
    """A signed-in `tailscale` with https names first on PATH; returns its folder
    (tests/tailscale.py)."""
    folder = tmp_path / "bin"
    monkeypatch.setenv("PATH", tailscale.stand_in(folder))
    return folder


@pytest.fixture
def connect(app, tmp_path):
    """Run `ask-twice connect` for an install whose data folder is tmp_path/data."""
    app.instance_path = str(tmp_path / "data")
    (tmp_path / "data").mkdir()
    app.config["SERVE_PORT"] = 8123
    return lambda: app.test_cli_runner().invoke(args=["connect"])


def test_connect_serves_over_https_and_keeps_the_settings(stand_in, connect, tmp_path):
    ran = connect()
    assert ran.exit_code == 0, ran.output
    assert tailscale.calls(stand_in) == [
        ["status", "--json"], ["serve", "--bg", "--yes", "--https=443", "http://127.0.0.1:8123"]]
    assert settings.read(tmp_path / "data") == {
        "ASK_TWICE_HOSTS": f"{NAME},127.0.0.1,[::1],localhost", "ASK_TWICE_HTTPS": "1",
        "ASK_TWICE_TRUST_PROXY": "1"}
    assert f"OK: Tailscale now passes https://{NAME}/ on to Ask Twice." in ran.output


def test_connect_again_keeps_the_names_already_chosen(stand_in, connect, tmp_path):
    settings.write(tmp_path / "data", {"ASK_TWICE_HOSTS": f"ask-twice.home.arpa,{NAME}",
                                       "PORT": "8123"})
    assert connect().exit_code == 0
    assert settings.read(tmp_path / "data") == {
        "ASK_TWICE_HOSTS": f"{NAME},ask-twice.home.arpa", "ASK_TWICE_HTTPS": "1",
        "ASK_TWICE_TRUST_PROXY": "1", "PORT": "8123"}


def test_a_setting_the_environment_overrides_is_named(stand_in, connect, monkeypatch):
    monkeypatch.setenv("ASK_TWICE_HTTPS", "0")
    monkeypatch.delenv("ASK_TWICE_HOSTS", raising=False)
    said = connect().output
    assert "Note: ASK_TWICE_HTTPS is set in the environment, whose value is used instead." in said
    assert "Note: ASK_TWICE_HOSTS" not in said


def _refused(connect, tmp_path):
    ran = connect()
    assert ran.exit_code == 1
    assert settings.read(tmp_path / "data") == {}  # nothing half set
    return ran.output


def test_without_tailscale_it_says_where_to_get_it_and_the_other_path(connect, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing here"))
    said = _refused(connect, tmp_path)
    assert f"To do: Tailscale is not on this computer. Install it from {tailnet.DOWNLOAD}" in said
    assert "docs/self-hosting.md, part B" in said


def test_signed_out_it_says_to_sign_in_and_serves_nothing(stand_in, connect, tmp_path):
    (stand_in / "status.json").write_text(json.dumps(
        {**RUNNING, "BackendState": "NeedsLogin", "CertDomains": None}))
    said = _refused(connect, tmp_path)
    assert "To do: Tailscale is installed but not signed in. Open the Tailscale app" in said
    assert tailscale.calls(stand_in) == [["status", "--json"]]


def test_without_https_certificates_it_says_where_to_turn_them_on(stand_in, connect,
                                                                  tmp_path):
    (stand_in / "status.json").write_text(json.dumps({**RUNNING, "CertDomains": None}))
    said = _refused(connect, tmp_path)
    assert ("To do: Tailscale has no https certificates for this computer yet. Turn on "
            f"HTTPS Certificates in Tailscale's admin page, {tailnet.ADMIN_DNS}") in said
    assert tailscale.calls(stand_in) == [["status", "--json"]]


def test_a_serve_refused_for_want_of_rights_says_the_one_command(stand_in, connect, tmp_path):
    script = stand_in / "tailscale"
    script.write_text(script.read_text().replace(
        'elif sys.argv[1] == "serve":',
        'elif sys.argv[1] == "serve":\n    print("Access denied: serve config denied",'
        ' file=sys.stderr); sys.exit(1)\nelif False:'))
    said = _refused(connect, tmp_path)
    assert "sudo tailscale set --operator=$USER" in said


def test_after_connect_the_phones_screen_at_the_https_name_shows_the_code_and_no_warning(
        stand_in, connect, tmp_path, monkeypatch, empty_sqlite):
    assert connect().exit_code == 0
    for name in ("ASK_TWICE_HOSTS", "ASK_TWICE_HTTPS", "ASK_TWICE_TRUST_PROXY", "HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASK_TWICE_DATA", str(tmp_path / "data"))
    shutil.copyfile(empty_sqlite, tmp_path / "started.sqlite")
    started = create_app({"TESTING": True, "SECRET_KEY": "test only", "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'started.sqlite'}"})
    # What Tailscale's serve sends on to 127.0.0.1: the name, and that the phone used https.
    served = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": NAME,
              "X-Forwarded-For": "100.64.0.7"}
    with started.app_context():
        owner = accounts.create_household("Sam", PASSPHRASE, PASSPHRASE)
        db.session.commit()
        browser = started.test_client()
        browser.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE}, headers=served,
                     base_url=f"http://{NAME}")
        phones = browser.get("/devices", headers=served, base_url=f"http://{NAME}")
        assert phones.status_code == 200
        assert "A phone cannot use this address" not in phones.text
        assert "starts with http, not https" not in phones.text
        made = browser.post("/devices/pairings", data={"member_id": str(owner.id)},
                            headers=served, base_url=f"http://{NAME}")
        assert 'aria-label="QR code of the pairing link"><svg' in made.text
        assert f"https://{NAME}/pair/" in made.text
        # This computer still opens it at localhost (to sign in there: the cookie is the name's).
        assert browser.get("/devices", base_url="http://localhost").status_code == 303
        assert browser.get("/devices", base_url="http://elsewhere.example").status_code == 400
        db.engine.dispose()


def test_the_phones_screen_leads_the_owner_to_the_same_step_at_home(stand_in, signed_in,
                                                                    app, tmp_path):
    app.instance_path = str(tmp_path / "data")
    (tmp_path / "data").mkdir()
    warned = signed_in.get("/devices", base_url="http://localhost:8123").text
    assert "A phone cannot use this address" in warned
    assert 'href="/devices/connect">Connect phones with Tailscale</a>' in warned
    assert "Connect with Tailscale</button>" in signed_in.get("/devices/connect").text
    page = signed_in.post("/devices/connect", base_url="http://localhost:8123").text
    assert f"Tailscale now passes https://{NAME}/ on to Ask Twice." in page
    assert "Close Ask Twice and start it again" in page
    assert tailscale.calls(stand_in)[-1] == [  # the port it runs on now
        "serve", "--bg", "--yes", "--https=443", "http://127.0.0.1:8123"]
    assert settings.read(tmp_path / "data")["ASK_TWICE_TRUST_PROXY"] == "1"


def test_the_screen_says_the_one_thing_to_do_and_keeps_nothing(stand_in, signed_in, app,
                                                               tmp_path):
    app.instance_path = str(tmp_path / "data")
    (stand_in / "status.json").write_text(json.dumps({**RUNNING, "BackendState": "NeedsLogin"}))
    page = signed_in.post("/devices/connect").text
    assert "Tailscale is installed but not signed in." in page
    assert "Try again</button>" in page
    assert settings.read(tmp_path / "data") == {}


def test_a_phone_has_no_connect_step_not_even_the_owners(owners_phone):
    # It changes how the home computer is reached, and runs there.
    assert owners_phone.get("/devices/connect").status_code == 404
    assert owners_phone.post("/devices/connect").status_code == 404
    assert "/devices/connect" not in owners_phone.get("/devices").text
