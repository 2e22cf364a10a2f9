"""The settings file in the data folder is read at start, the environment overrides it,
and the data folder is ASK_TWICE_DATA, else the clone's instance/ (scripts/run)."""

import stat

from webapp import create_app, paths, settings


def test_the_settings_file_is_read_at_start_and_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("ASK_TWICE_DATA", str(tmp_path))
    monkeypatch.delenv("ASK_TWICE_HOSTS", raising=False)
    monkeypatch.setenv("ASK_TWICE_HTTPS", "0")
    settings.write(tmp_path, {"ASK_TWICE_HOSTS": "ask-twice.home.arpa", "ASK_TWICE_HTTPS": "1",
                              "PORT": "8123"})
    app = create_app({"TESTING": True, "SECRET_KEY": "test only"})
    assert app.instance_path == str(tmp_path)
    assert app.config["ALLOWED_HOSTS"] == ["ask-twice.home.arpa"]
    assert app.config["SERVE_PORT"] == 8123
    assert app.config["HTTPS"] is False  # the environment's 0 over the file's 1
    assert stat.S_IMODE((tmp_path / "settings.toml").stat().st_mode) == 0o600


def test_a_setting_written_again_keeps_the_others_and_none_forgets_one(tmp_path):
    settings.write(tmp_path, {"PORT": "8123", "ASK_TWICE_HOSTS": 'a "quoted" name'})
    settings.write(tmp_path, {"PORT": None, "HOST": "0.0.0.0"})
    assert settings.read(tmp_path) == {"ASK_TWICE_HOSTS": 'a "quoted" name', "HOST": "0.0.0.0"}


def test_from_a_clone_the_data_stays_in_its_instance_folder(monkeypatch):
    monkeypatch.delenv("ASK_TWICE_DATA", raising=False)
    assert not paths.INSTALLED
    assert paths.data_folder() == paths.PACKAGE.parent / "instance"
    assert paths.TEMPLATES == paths.PACKAGE.parent / "templates"


def test_the_settings_command_shows_sets_and_forgets(app, tmp_path, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    app.instance_path = str(tmp_path)
    runner = app.test_cli_runner()
    assert "none: every setting has its default." in runner.invoke(args=["settings"]).output
    shown = runner.invoke(args=["settings", "set", "ask_twice_hosts", "home.arpa,localhost"])
    assert "  ASK_TWICE_HOSTS = home.arpa,localhost\n" in shown.output
    runner.invoke(args=["settings", "set", "PORT", "8123"])
    monkeypatch.setenv("PORT", "9000")
    assert ("  PORT = 8123 (the environment's value is used instead)"
            in runner.invoke(args=["settings"]).output)
    runner.invoke(args=["settings", "unset", "ASK_TWICE_HOSTS"])
    assert settings.read(tmp_path) == {"PORT": "8123"}
    refused = runner.invoke(args=["settings", "set", "ASK_TWICE_HOST", "typo.example"])
    assert refused.exit_code == 2 and "'ASK_TWICE_HOST' is not one of" in refused.output
