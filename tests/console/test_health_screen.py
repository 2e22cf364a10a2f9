"""The Health screen at home: the doctor's checks in plain words, for parents only; the
home screen says when phones can sync."""

import pytest

from tests.conftest import pair
from tests.webapp.test_companions import companion  # noqa: F401  (a fixture)
from webapp import settings


def test_the_home_screen_says_phones_sync_only_while_the_computer_is_on(signed_in):
    home = signed_in.get("/").text
    assert "Phones sync only while this computer is on and awake." in home
    assert 'href="/health">Health of this computer</a>' in home


@pytest.mark.app_config(MIN_FREE_DISK_MB=1)
def test_the_health_screen_shows_each_check_and_what_to_do(signed_in, app, tmp_path):
    app.instance_path = str(tmp_path / "data")
    page = signed_in.get("/health")
    assert page.status_code == 200
    assert "The database opens and passes its integrity check." in page.text
    assert "No backup has been made yet." in page.text
    assert "<strong>Make one now: ask-twice backup</strong>" in page.text
    assert "Something needs doing" in page.text


def test_a_companion_has_no_health_screen(companion):  # noqa: F811
    assert companion.get("/health").status_code == 404
    assert "/health" not in companion.get("/").text


@pytest.fixture
def data_folder(app, tmp_path, monkeypatch):
    """The install's own data folder (its settings file), and the backups' folder now."""
    monkeypatch.delenv("ASK_TWICE_BACKUPS", raising=False)
    app.instance_path = str(tmp_path / "data")
    (tmp_path / "data").mkdir()
    app.config["BACKUPS_DIR"] = str(tmp_path / "Documents" / "Ask Twice backups")
    return tmp_path / "data"


def test_the_owner_sees_where_backups_go_and_chooses_another_folder(signed_in, app,
                                                                     data_folder, tmp_path):
    page = signed_in.get("/health")
    assert str(tmp_path / "Documents" / "Ask Twice backups") in page.text
    assert 'action="/health/backups"' in page.text
    chosen = tmp_path / "usb stick" / "Ask Twice"  # made, with the folder above it
    saved = signed_in.post("/health/backups", data={"folder": f"  {chosen}  "})
    assert saved.status_code == 303 and saved.headers["Location"] == "/health"
    assert chosen.is_dir()
    assert settings.read(data_folder) == {"ASK_TWICE_BACKUPS": str(chosen)}
    assert app.config["BACKUPS_DIR"] == str(chosen)  # tonight's backup goes there already
    assert f"Backups go to <code>{chosen}</code>" in signed_in.get("/health").text


@pytest.mark.parametrize("typed, message", [
    ("", "Enter the folder where backups should go."),
    ("backups", "Give the whole path of the folder, from the top"),
    ("{file}", "is a file, not a folder."),
    ("{file}/backups", "Ask Twice cannot make this folder"),
])
def test_a_folder_that_cannot_hold_backups_is_refused_and_nothing_changes(
        signed_in, app, data_folder, tmp_path, typed, message):
    (tmp_path / "notes.txt").write_text("a file")
    typed = typed.format(file=tmp_path / "notes.txt")
    before = app.config["BACKUPS_DIR"]
    refused = signed_in.post("/health/backups", data={"folder": typed})
    assert refused.status_code == 422
    assert message in refused.text
    assert f'value="{typed}"' in refused.text  # what was typed stays, to correct
    assert not (data_folder / "settings.toml").exists()
    assert app.config["BACKUPS_DIR"] == before


def test_a_folder_set_in_the_environment_is_not_changed_here(signed_in, app, data_folder,
                                                             tmp_path, monkeypatch):
    monkeypatch.setenv("ASK_TWICE_BACKUPS", str(tmp_path / "elsewhere"))
    refused = signed_in.post("/health/backups", data={"folder": str(tmp_path / "usb")})
    assert refused.status_code == 422
    assert "ASK_TWICE_BACKUPS" in refused.text
    assert not (tmp_path / "usb").exists() and not (data_folder / "settings.toml").exists()


def test_only_the_owner_at_home_chooses_the_backups_folder(app, owner, data_folder, tmp_path,
                                                            companion):  # noqa: F811
    phone = pair(app, owner)
    for browser in (phone, companion):
        assert 'action="/health/backups"' not in browser.get("/health").text
        refused = browser.post("/health/backups", data={"folder": str(tmp_path / "usb")})
        assert refused.status_code == 404
    assert not (tmp_path / "usb").exists()


@pytest.mark.app_config(MIN_FREE_DISK_MB=1)
@pytest.mark.parametrize("where, said, unsaid", [
    ("home", "this computer", "the home computer"),
    ("phone", "the home computer", "this computer")])
def test_the_health_screen_names_the_computer_from_where_it_is_opened(
        app, signed_in, owners_phone, tmp_path, where, said, unsaid):
    app.instance_path = str(tmp_path / "data")
    page = (owners_phone if where == "phone" else signed_in).get("/health").text
    assert f"<h1>Health of {said}</h1>" in page
    assert f"free on {said}&#39;s disk" in page and f"while {said} is on and awake" in page
    assert unsaid not in page
