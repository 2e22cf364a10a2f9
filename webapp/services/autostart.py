"""Start Ask Twice with the computer: a systemd user unit on Linux, a launchd agent on
macOS, a scheduled task at log-on on Windows (`ask-twice service install`).

Each starts the same command with the data folder named in it, so the service finds
the family's data however the install was started. A plan is plain data: the tests
check what it writes for each system without registering anything.
"""

import plistlib
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

NAME = "ask-twice"
LABEL = "org.asktwice.server"  # launchd's name for the agent
TASK = "Ask Twice"  # the Windows task's name
ABOUT = "Ask Twice: the home computer the family's phones sync with."


class NotRegistered(Exception):
    pass


class Plan(NamedTuple):
    path: Path  # the unit, agent or task file written
    content: bytes
    register: list  # commands that start it now and with the computer
    unregister: list  # commands that stop it and forget it


def command(data, system=None):
    """Return the command that serves Ask Twice from `data` without opening a browser."""
    python = Path(sys.executable)
    if (system or sys.platform) in ("Windows", "win32") and python.name == "python.exe":
        quiet = python.with_name("pythonw.exe")  # no console window at every log-on
        python = quiet if quiet.exists() else python
    return [str(python), "-m", "webapp", "--data", str(data), "--no-browser"]


def plan(system, home, data, argv=None):
    """Return what installing the service means on `system` ("Linux", "Darwin",
    "Windows") for the user whose home folder is `home`."""
    argv = argv or command(data, system)
    home, data = Path(home), Path(data)
    if system == "Linux":
        path = home / ".config" / "systemd" / "user" / f"{NAME}.service"
        return Plan(path, _systemd_unit(argv).encode(),
                    [["systemctl", "--user", "daemon-reload"],
                     ["systemctl", "--user", "enable", "--now", f"{NAME}.service"]],
                    [["systemctl", "--user", "disable", "--now", f"{NAME}.service"]])
    if system == "Darwin":
        path = home / "Library" / "LaunchAgents" / f"{LABEL}.plist"
        return Plan(path, _launchd_agent(argv, data),
                    [["launchctl", "load", "-w", str(path)]],
                    [["launchctl", "unload", "-w", str(path)]])
    if system == "Windows":
        path = data / "ask-twice-task.xml"
        return Plan(path, _scheduled_task(argv).encode("utf-16"),
                    [["schtasks", "/Create", "/TN", TASK, "/XML", str(path), "/F"]],
                    [["schtasks", "/Delete", "/TN", TASK, "/F"]])
    raise ValueError(f"Ask Twice cannot start by itself on {system} yet.")


def install(plan, run=None):
    """Write the plan's file and register it, replacing an earlier one.

    Raises:
        NotRegistered: the system refused it; the file stays for another try.
    """
    plan.path.parent.mkdir(parents=True, exist_ok=True)
    plan.path.write_bytes(plan.content)
    for argv in plan.register:
        try:
            (run or subprocess.run)(argv, check=True)
        except (OSError, subprocess.CalledProcessError) as error:
            raise NotRegistered(f"{plan.path} is written, but {' '.join(argv)} failed "
                                f"({error}).") from error


def remove(plan, run=None):
    """Unregister the service and delete its file; nothing to undo is no error."""
    if not plan.path.exists():
        return False
    for argv in plan.unregister:  # already stopped or forgotten: the file goes all the same
        (run or subprocess.run)(argv, check=False)
    plan.path.unlink()
    return True


def _systemd_unit(argv):
    return (f"[Unit]\nDescription={ABOUT}\n\n"
            f"[Service]\nType=simple\nExecStart={' '.join(map(_systemd_quote, argv))}\n"
            "Restart=on-failure\nRestartSec=10\n\n"
            "[Install]\nWantedBy=default.target\n")


def _systemd_quote(arg):
    """Quote one word of ExecStart: systemd expands % and $ and splits on spaces."""
    arg = arg.replace("%", "%%").replace("$", "$$")
    if any(char in arg for char in ' "\\\'\t'):
        return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return arg


def _launchd_agent(argv, data):
    return plistlib.dumps({
        "Label": LABEL,
        "ProgramArguments": argv,
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},  # again after a crash, not after a stop
        "StandardOutPath": str(data / "ask-twice.log"),
        "StandardErrorPath": str(data / "ask-twice.log"),
    })


def _scheduled_task(argv):
    arguments = " ".join(f'"{arg}"' if " " in arg else arg for arg in argv[1:])
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Description>{escape(ABOUT)}</Description></RegistrationInfo>
  <Triggers><LogonTrigger><Enabled>true</Enabled></LogonTrigger></Triggers>
  <Principals><Principal id="Author"><LogonType>InteractiveToken</LogonType>\
<RunLevel>LeastPrivilege</RunLevel></Principal></Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure><Interval>PT1M</Interval><Count>3</Count></RestartOnFailure>
  </Settings>
  <Actions Context="Author">
    <Exec><Command>{escape(argv[0])}</Command><Arguments>{escape(arguments)}</Arguments></Exec>
  </Actions>
</Task>
"""
