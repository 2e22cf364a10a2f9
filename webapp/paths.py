"""Where Ask Twice's own files and the family's data live: the one place that decides.

From a clone (scripts/run, scripts/test) the files are the checkout's and the data
its instance/ folder, as always. Installed from the wheel (`pipx install`), the
pages' files travel inside the package, in webapp/_bundle (setup.py puts them
there), and the data lives in the user's data folder for the system: never inside
the installed package, which an upgrade replaces. ASK_TWICE_DATA overrides both.
"""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUNDLE = PACKAGE / "_bundle"
INSTALLED = BUNDLE.is_dir()
# Holds templates/, static/ and service_worker/: the bundle when installed, else the clone.
FILES = BUNDLE if INSTALLED else PACKAGE.parent
TEMPLATES = FILES / "templates"
STATIC = FILES / "static"
WORKER = FILES / "service_worker"
CONTENT = PACKAGE / "content"
MIGRATIONS = PACKAGE / "migrations"


def data_folder():
    """Return the folder for the family's data: ASK_TWICE_DATA, else the clone's
    instance/, else the user's data folder (platformdirs) when installed."""
    if os.environ.get("ASK_TWICE_DATA"):
        return Path(os.environ["ASK_TWICE_DATA"]).expanduser().resolve()
    if not INSTALLED:
        return FILES / "instance"
    from platformdirs import user_data_path

    return user_data_path("ask-twice", appauthor=False)


def backups_folder():
    """Return the default folder for the nightly backups: in the user's documents,
    where the family looks for their own files and their own backups copy them."""
    from platformdirs import user_documents_path

    return user_documents_path() / "Ask Twice backups"
