"""Settings, read from the settings file and the environment with safe defaults for a
home computer."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from webapp import paths, settings
from webapp.hosts import trusted_hosts


def secret_key(instance_path):
    """Return the secret key from the environment, or one kept in instance/.

    The key is made on first run and stays on this computer: never in the repo.
    """
    if os.environ.get("ASK_TWICE_SECRET_KEY"):
        return os.environ["ASK_TWICE_SECRET_KEY"]
    path = make_instance_folder(instance_path) / "secret_key"
    if not path.exists():
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip()


def make_instance_folder(instance_path):
    """Create the instance folder for this user's eyes only (0700) if it is missing.

    It holds the family's notes and the session key. An existing folder keeps
    the mode its owner gave it. Returns its path.
    """
    path = Path(instance_path)
    try:
        path.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        return path
    path.chmod(0o700)  # mkdir's mode is filtered through the umask
    return path


def create_sqlite_file(database_url, instance_path):
    """Create a missing SQLite database file as 0600 before SQLAlchemy first connects.

    SQLite would create it with the umask's mode, often readable by everyone;
    its journal files take the database file's mode. Other databases, in-memory
    SQLite and existing files are left alone. A relative path is the instance
    folder's, as Flask-SQLAlchemy reads it.
    """
    url = make_url(database_url)
    name = url.database or ""
    if (url.get_backend_name() != "sqlite" or name in ("", ":memory:")
            or name.startswith("file:") or url.query.get("uri")):
        return
    path = Path(instance_path) / name
    if path.exists():
        return
    if path.parent == Path(instance_path):
        make_instance_folder(instance_path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except (FileExistsError, FileNotFoundError):
        pass  # made meanwhile, or no such folder: SQLAlchemy says so when it connects


def defaults(instance_path):
    """Return the default settings for an app whose instance folder is `instance_path`."""
    env = settings.environment(instance_path)  # the settings file, then the environment
    database = env.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "ask-twice.sqlite")
    )
    https = env.get("ASK_TWICE_HTTPS") == "1"
    return {
        "SQLALCHEMY_DATABASE_URI": database,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "HTTPS": https,  # Secure cookies and Strict-Transport-Security (webapp/security.py)
        "SESSION_COOKIE_SECURE": https,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
        # The cookie is sent only when a request changed the session (a signed-in one
        # always does: security.load_member notes when it was last seen), never again
        # as it came: a phone's worker request sent before it was paired again would
        # otherwise answer with the old cookie and sign the new pairing out.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_IDLE_TIMEOUT": timedelta(hours=int(env.get("ASK_TWICE_IDLE_HOURS", "8"))),
        "TRUST_PROXY": env.get("ASK_TWICE_TRUST_PROXY") == "1",
        # Not Flask's TRUSTED_HOSTS, which cannot match [::1]: see webapp/hosts.py.
        "ALLOWED_HOSTS": trusted_hosts(env.get("ASK_TWICE_HOSTS"), env.get("HOST")),
        # Where `ask-twice` serves (scripts/run reads the same HOST and PORT).
        "SERVE_HOST": env.get("HOST") or "127.0.0.1",
        "SERVE_PORT": int(env.get("PORT") or "8000"),
        # The address phones use, when it is not https://<the first name in ASK_TWICE_HOSTS>/
        # (a port of its own, say): what `ask-twice doctor` checks (services/health.py).
        "PHONE_ADDRESS": env.get("ASK_TWICE_ADDRESS"),
        # Where `ask-twice` keeps a backup each night (services/backups.py).
        "BACKUPS_DIR": env.get("ASK_TWICE_BACKUPS") or str(paths.backups_folder()),
        # Below this, `ask-twice doctor` asks for space to be freed.
        "MIN_FREE_DISK_MB": int(env.get("ASK_TWICE_MIN_FREE_MB") or "1024"),
        "WTF_CSRF_TIME_LIMIT": None,
        # A push of 100 long notes fits with room to spare; anything larger is refused (413).
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "WTF_CSRF_HEADERS": ["X-CSRFToken"],
        # Photos and files of records: on this computer, never in the database.
        "ATTACHMENTS_DIR": env.get("ASK_TWICE_ATTACHMENTS_DIR")
        or str(Path(instance_path) / "attachments"),
        # What each household may keep there (recordings, photos, files): services/storage.py.
        "HOUSEHOLD_STORAGE_MB": int(env.get("ASK_TWICE_HOUSEHOLD_STORAGE_MB", "20480")),
        # Fault injection for the browser tests only (api/sync.py); never set it in use.
        "TEST_HOOKS": env.get("ASK_TWICE_TEST_HOOKS") == "1",
    }
