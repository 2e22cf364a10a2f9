"""Settings, read from the environment with safe defaults for a home computer."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def secret_key(instance_path):
    """Return the secret key from the environment, or one kept in instance/.

    The key is made on first run and stays on this computer: never in the repo.
    """
    if os.environ.get("ASK_TWICE_SECRET_KEY"):
        return os.environ["ASK_TWICE_SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def defaults(instance_path):
    """Return the default settings for an app whose instance folder is `instance_path`."""
    database = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "ask-twice.sqlite")
    )
    return {
        "SQLALCHEMY_DATABASE_URI": database,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("ASK_TWICE_HTTPS") == "1",
        "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
        "SESSION_IDLE_TIMEOUT": timedelta(hours=int(os.environ.get("ASK_TWICE_IDLE_HOURS", "8"))),
        "TRUST_PROXY": os.environ.get("ASK_TWICE_TRUST_PROXY") == "1",
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_HEADERS": ["X-CSRFToken"],
        # Fault injection for the browser tests only (api/sync.py); never set it in use.
        "TEST_HOOKS": os.environ.get("ASK_TWICE_TEST_HOOKS") == "1",
    }
