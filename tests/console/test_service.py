"""`ask-twice service install` writes what starts Ask Twice with the computer on each
system, and `service remove` undoes it; nothing is registered for real here."""

import plistlib
import shutil
import subprocess
from pathlib import Path

import pytest

from webapp.services import autostart

ARGV = ["/home/sam/.local/pipx/venvs/ask-twice/bin/python", "-m", "webapp",
        "--data", "/home/sam/Ask Twice data", "--no-browser"]


def test_linux_gets_a_systemd_user_unit_that_restarts_it(tmp_path):
    plan = autostart.plan("Linux", tmp_path, tmp_path / "data", ARGV)
    unit = plan.content.decode()
    assert plan.path == tmp_path / ".config" / "systemd" / "user" / "ask-twice.service"
    assert ('ExecStart=/home/sam/.local/pipx/venvs/ask-twice/bin/python -m webapp --data '
            '"/home/sam/Ask Twice data" --no-browser') in unit.splitlines()
    assert "Restart=on-failure" in unit and "WantedBy=default.target" in unit
    assert ["systemctl", "--user", "enable", "--now", "ask-twice.service"] in plan.register
    assert plan.unregister == [["systemctl", "--user", "disable", "--now", "ask-twice.service"]]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is missing")
def test_systemd_finds_nothing_wrong_in_the_unit(tmp_path):
    python = tmp_path / "python"  # verify checks that the program exists and runs
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    plan = autostart.plan("Linux", tmp_path, tmp_path / "data",
                          [str(python), "-m", "webapp", "--no-browser"])
    unit = tmp_path / "ask-twice.service"
    unit.write_bytes(plan.content)
    checked = subprocess.run(["systemd-analyze", "verify", "--user", str(unit)],
                             capture_output=True, text=True, timeout=60)
    complaints = [line for line in checked.stderr.splitlines() if "ask-twice.service" in line]
    assert complaints == [], checked.stderr


def test_macos_gets_a_launchd_agent_that_runs_at_load(tmp_path):
    plan = autostart.plan("Darwin", tmp_path, tmp_path / "data", ARGV)
    agent = plistlib.loads(plan.content)
    assert plan.path == tmp_path / "Library" / "LaunchAgents" / "org.asktwice.server.plist"
    assert agent["Label"] == "org.asktwice.server" and agent["ProgramArguments"] == ARGV
    assert agent["RunAtLoad"] is True and agent["KeepAlive"] == {"SuccessfulExit": False}
    assert agent["StandardErrorPath"] == str(tmp_path / "data" / "ask-twice.log")
    assert plan.register == [["launchctl", "load", "-w", str(plan.path)]]


def test_windows_gets_a_task_at_log_on_registered_with_schtasks(tmp_path):
    plan = autostart.plan("Windows", tmp_path, tmp_path / "data", ARGV)
    task = plan.content.decode("utf-16")  # what schtasks /XML reads
    assert plan.content.startswith(b"\xff\xfe")  # with its byte order mark
    assert "<LogonTrigger><Enabled>true</Enabled></LogonTrigger>" in task
    assert f"<Command>{ARGV[0]}</Command>" in task
    assert ('<Arguments>-m webapp --data "/home/sam/Ask Twice data" --no-browser</Arguments>'
            in task)
    assert "<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>" in task  # never stopped for time
    assert plan.register == [["schtasks", "/Create", "/TN", "Ask Twice", "/XML", str(plan.path),
                              "/F"]]
    assert plan.unregister == [["schtasks", "/Delete", "/TN", "Ask Twice", "/F"]]


def test_another_system_is_told_plainly(tmp_path):
    with pytest.raises(ValueError, match="cannot start by itself on FreeBSD"):
        autostart.plan("FreeBSD", tmp_path, tmp_path)


def test_install_then_remove_through_the_console(app, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    app.instance_path = str(tmp_path / "data")
    ran = []
    monkeypatch.setattr(autostart.subprocess, "run", lambda argv, check: ran.append(argv))
    runner = app.test_cli_runner()
    installed = runner.invoke(args=["service", "install"])
    plan = autostart.plan(__import__("platform").system(), Path.home(), app.instance_path)
    assert installed.exit_code == 0, installed.output
    assert "Phones sync only while this computer is on and awake." in installed.output
    assert plan.path.read_bytes() == plan.content and ran == plan.register
    ran.clear()
    removed = runner.invoke(args=["service", "remove"])
    assert removed.exit_code == 0 and not plan.path.exists() and ran == plan.unregister
    again = runner.invoke(args=["service", "remove"])
    assert "nothing to undo" in again.output
