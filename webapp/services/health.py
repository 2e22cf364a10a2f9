"""Is this install healthy? Each check says what is, in a plain sentence, and the one
thing to do when something needs doing (`ask-twice doctor`, the Health screen)."""

import platform
import shutil
import socket
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, text

from webapp import hosts
from webapp.extensions import db
from webapp.models import Device
from webapp.models._types import utcnow
from webapp.services import autostart, backups, storage, upgrade

OK, NOTE, FIX = "ok", "note", "fix"  # FIX: something needs doing (doctor exits 1)
CERTIFICATE_DAYS = 14  # renew before phones start refusing the address
BACKUP_DAYS = 2  # a backup is made each night while Ask Twice runs (services/backups.py)
PHONE_QUIET_DAYS = 7
CLOCK_SLACK = timedelta(minutes=5)  # more than a few minutes behind is a wrong clock
SETUP = "See “Phones” in docs/self-hosting.md."


class Check(NamedTuple):
    topic: str
    level: str
    said: str
    todo: str = ""


def checks(household_id=None, now=None, computer="this computer"):
    """Run every check, in the order a person would look; phones of `household_id` only
    when given. `computer` names the computer Ask Twice runs on, as the reader sees it
    ("the home computer" on a phone)."""
    now = now or utcnow()
    address = phone_address()
    results = [_address(address, now, computer), _names(address), _database(), _migrations(),
               _disk(computer), _backup(now), _service(computer)]
    readable = not needs_doing(results[2:4])  # the phones' table is there to read
    results.insert(5, _clock(now, readable, computer))
    if readable:
        results.extend(_phones(household_id, now, computer))
    return results


def needs_doing(results):
    """Tell whether any check asks for something to be done."""
    return any(check.level == FIX for check in results)


def phone_address():
    """Return the address phones use: PHONE_ADDRESS if set, else the first name that is
    not this computer's own, over https when it is served so; None when there is none."""
    if current_app.config.get("PHONE_ADDRESS"):
        return current_app.config["PHONE_ADDRESS"]
    names = [name for name in current_app.config["ALLOWED_HOSTS"] if name not in hosts.LOOPBACK]
    if not names:
        return None
    if current_app.config["HTTPS"]:
        return f"https://{names[0]}/"
    return f"http://{names[0]}:{current_app.config['SERVE_PORT']}/"


def _address(address, now, computer):
    topic = "The address phones use"
    if address is None:
        return Check(topic, NOTE, f"Ask Twice answers on {computer} only, so phones "
                     "cannot reach it yet.", f"Give it an address phones can reach. {SETUP}")
    url = urlsplit(address)
    if url.scheme != "https":
        return Check(topic, FIX, f"Phones reach Ask Twice at {address} without https, so they "
                     "cannot keep anything for use offline.", f"Serve it over https. {SETUP}")
    try:
        expires = certificate_expiry(url.hostname, url.port or 443)
    except ssl.SSLCertVerificationError as error:
        return Check(topic, FIX, f"The certificate at {address} is not trusted "
                     f"({error.verify_message}).", f"Give it a certificate phones trust. {SETUP}")
    except OSError as error:
        return Check(topic, FIX, f"Nothing answers at {address} ({error.strerror or error}).",
                     "Start Ask Twice and the https server in front of it, then check again.")
    days = (expires - now).days
    if days <= CERTIFICATE_DAYS:
        return Check(topic, FIX, f"The certificate at {address} runs out in {days} days.",
                     "Renew the certificate before then: phones refuse an expired one.")
    return Check(topic, OK, f"Phones reach Ask Twice at {address} over https; the certificate "
                 f"is good for {days} more days.")


def certificate_expiry(host, port, timeout=5):
    """Return when the certificate `host`:`port` presents runs out, once it is trusted."""
    context = ssl.create_default_context()  # SSL_CERT_FILE adds a certificate authority
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            not_after = tls.getpeercert()["notAfter"]
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)


def _names(address):
    topic = "The names it answers to"
    names = current_app.config["ALLOWED_HOSTS"]
    listed = ", ".join(names)
    wanted = address and hosts.normalise(urlsplit(address).netloc)
    if wanted and wanted not in names:
        return Check(topic, FIX, f"Phones use the name {wanted}, but Ask Twice answers only "
                     f"to {listed}.", f"Add {wanted} to ASK_TWICE_HOSTS in settings.toml.")
    return Check(topic, OK, f"Ask Twice answers to {listed}.")


def _database():
    topic = "The database"
    try:
        if db.engine.dialect.name == "sqlite":
            verdict = db.session.execute(text("PRAGMA integrity_check")).scalar()
        else:
            verdict = db.session.execute(text("SELECT 'ok'")).scalar()
    except Exception as error:  # noqa: BLE001 (any failure to open is the finding)
        db.session.rollback()
        return Check(topic, FIX, f"The database does not open ({error.__class__.__name__}).",
                     "Restore the last backup: ask-twice restore FILE.")
    if verdict != "ok":
        return Check(topic, FIX, f"The database is damaged ({verdict}).",
                     "Restore the last backup: ask-twice restore FILE.")
    return Check(topic, OK, "The database opens and passes its integrity check.")


def _migrations():
    topic = "Database version"
    current, heads = upgrade.versions()
    if current != heads:
        return Check(topic, FIX, "The database is not up to date with this version of "
                     "Ask Twice.", "Start Ask Twice (ask-twice): it brings the database up to "
                     "date first.")
    return Check(topic, OK, "The database is up to date with this version of Ask Twice.")


def _disk(computer):
    topic = "Free disk space"
    folder = Path(current_app.instance_path)
    existing = next(path for path in (folder, *folder.parents) if path.exists())
    free = shutil.disk_usage(existing).free
    if free < current_app.config["MIN_FREE_DISK_MB"] * storage.MB:
        return Check(topic, FIX, f"Only {storage.size(free)} is free on {computer}'s disk.",
                     "Free some space: recordings and files stop being kept when it runs out.")
    return Check(topic, OK, f"{storage.size(free)} is free on {computer}'s disk.")


def _clock(now, readable, computer):
    """Compare the clock with the latest times it wrote down before: the last phone sync
    and the newest file in the data folder. Offline this catches a clock gone back (a
    flat battery, a wrong setting); a clock running ahead has nothing here to tell on it."""
    topic = "The clock"
    seen = []
    if readable:
        device = db.session.scalar(select(Device).where(Device.last_seen_at.is_not(None))
                                   .order_by(Device.last_seen_at.desc()).limit(1))
        if device is not None:
            seen.append((device.last_seen_at, f"{device.name} synced at"))
    folder = Path(current_app.instance_path)
    written = [path.stat().st_mtime for path in folder.iterdir() if path.is_file()
               ] if folder.is_dir() else []
    if written:
        seen.append((datetime.fromtimestamp(max(written), UTC),
                     "the newest file in its data folder was written at"))
    latest = max(seen, default=None)
    if latest and latest[0] - now > CLOCK_SLACK:
        return Check(topic, FIX, f"{_capital(computer)}'s clock is behind: {latest[1]} "
                     f"{_moment(latest[0])}, and the clock now says {_moment(now)}.",
                     f"Set {computer}'s date and time (let it set them by itself), then "
                     "check again: sign-ins, pairing codes and backups go by it.")
    return Check(topic, OK, f"{_capital(computer)}'s clock has not gone back since the last sync "
                 "or the newest file.")


def _capital(words):
    return words[:1].upper() + words[1:]


def _moment(when):
    """A time as this computer shows it: 8 December 2026, 14:05."""
    local = when.astimezone()
    return f"{local.day} {local:%B %Y, %H:%M}"


def _backup(now):
    topic = "The last backup"
    made = [path for where in (upgrade.backups_folder(), backups.folder()) if where.is_dir()
            for path in where.glob("ask-twice-*") if path.suffix in (".sqlite", ".zip")]
    if not made:
        return Check(topic, FIX, "No backup has been made yet.", "Make one now: ask-twice backup")
    last = max(made, key=lambda path: path.stat().st_mtime)
    age = now - datetime.fromtimestamp(last.stat().st_mtime, UTC)
    if age > timedelta(days=BACKUP_DAYS):
        return Check(topic, FIX, f"The last backup is {age.days} days old ({last}).",
                     "Make one now: ask-twice backup")
    return Check(topic, OK, f"The last backup was made {_ago(age)} ({last}).")


def _service(computer):
    topic = "Starting with the computer"
    try:
        plan = autostart.plan(platform.system(), Path.home(), current_app.instance_path)
    except ValueError as error:
        return Check(topic, NOTE, str(error))
    if not plan.path.exists():
        return Check(topic, FIX, "Ask Twice does not start by itself when the computer starts.",
                     "Make it start with the computer: ask-twice service install")
    return Check(topic, OK, f"Ask Twice starts by itself when you log on to {computer}. "
                 "Phones sync only while the computer is on and awake.")


def _phones(household_id, now, computer):
    query = select(Device).where(Device.revoked_at.is_(None)).order_by(Device.created_at)
    if household_id is not None:
        query = query.where(Device.household_id == household_id)
    for device in db.session.scalars(query):
        topic = f"{device.name} ({device.member.name})"
        if device.last_seen_at is None:
            yield Check(topic, NOTE, f"{topic} has not synced yet.",
                        f"Open Ask Twice on it while it can reach {computer}.")
            continue
        age = now - device.last_seen_at
        level = NOTE if age > timedelta(days=PHONE_QUIET_DAYS) else OK
        yield Check(topic, level, f"{topic} last synced {_ago(age)}.",
                    f"Open Ask Twice on it while it can reach {computer}."
                    if level == NOTE else "")


def _ago(age):
    if age < timedelta(days=1):
        return "less than a day ago"
    return "yesterday" if age.days == 1 else f"{age.days} days ago"
