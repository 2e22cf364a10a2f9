"""The settings file: the choices kept for this install, in its data folder.

settings.toml holds the same names as the environment variables (ASK_TWICE_HOSTS,
ASK_TWICE_HTTPS, PORT...), so one list of settings serves both. It is read at
start; an environment variable set for the developer path or a container wins.
The file is for this user's eyes only (0600): it may name the home network.
"""

import json
import os
import tomllib
from pathlib import Path

NAME = "settings.toml"
# What the file may hold (webapp/config.py reads them; README, "Settings", says each).
NAMES = ("HOST", "PORT", "DATABASE_URL", "ASK_TWICE_HOSTS", "ASK_TWICE_HTTPS",
         "ASK_TWICE_TRUST_PROXY", "ASK_TWICE_ADDRESS", "ASK_TWICE_IDLE_HOURS",
         "ASK_TWICE_ATTACHMENTS_DIR", "ASK_TWICE_HOUSEHOLD_STORAGE_MB", "ASK_TWICE_BACKUPS",
         "ASK_TWICE_MIN_FREE_MB", "ASK_TWICE_NO_BROWSER")


def read(folder):
    """Return the settings kept in `folder`'s settings file (none when it is missing)."""
    path = Path(folder) / NAME
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return {key: str(value) for key, value in tomllib.load(handle).items()}


def environment(folder):
    """Return the settings file's values overridden by the environment's."""
    return {**read(folder), **os.environ}


def write(folder, changes):
    """Keep `changes` (name: value, None to forget it) in `folder`'s settings file."""
    kept = {**read(folder), **changes}
    lines = [f"{key} = {json.dumps(str(value))}\n" for key, value in sorted(kept.items())
             if value is not None]
    path = Path(folder) / NAME
    partial = path.with_suffix(".partial")
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
        file.writelines(lines)
    partial.chmod(0o600)
    os.replace(partial, path)
