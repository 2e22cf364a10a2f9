"""The Health screen at home: the doctor's checks in plain words, for parents only; the
home screen says when phones can sync."""

import pytest

from tests.webapp.test_companions import companion  # noqa: F401  (a fixture)


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
