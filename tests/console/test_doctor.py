"""`ask-twice doctor`: a healthy install says so and exits 0; each fault made on purpose
gives its plain sentence, the one thing to do, and exit status 1."""

import datetime
import os
import platform
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import stamp
from sqlalchemy import text

from webapp.extensions import db
from webapp.models._types import utcnow
from webapp.services import autostart, devices


@pytest.fixture
def healthy(app, tmp_path, monkeypatch):
    """A migrated install with its own data folder, a fresh backup and the service file."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app.instance_path = str(tmp_path / "data")
    app.config["MIN_FREE_DISK_MB"] = 1
    app.config["BACKUPS_DIR"] = str(tmp_path / "nightly")
    backups = tmp_path / "data" / "backups"
    backups.mkdir(parents=True)
    backup = backups / "ask-twice-20250101-000000.sqlite"
    backup.write_bytes(b"a backup")
    now = time.time()  # the process's clock, which scripts/test moves ahead, not the disk's
    os.utime(backup, (now, now))
    plan = autostart.plan(platform.system(), Path.home(), app.instance_path)
    plan.path.parent.mkdir(parents=True)
    plan.path.write_bytes(plan.content)
    stamp()  # the test's schema is the models', which the migrations make (test_migrations)
    yield app
    with db.engine.begin() as connection:  # PostgreSQL's shared database: leave no trace
        connection.execute(text("DROP TABLE alembic_version"))


def doctor(app):
    return app.test_cli_runner().invoke(args=["doctor"])


def test_a_healthy_install_says_all_is_well_and_exits_0(healthy):
    result = doctor(healthy)
    assert result.exit_code == 0, result.output
    assert "The database opens and passes its integrity check." in result.output
    assert "The database is up to date with this version of Ask Twice." in result.output
    assert "The last backup was made less than a day ago" in result.output
    assert "Ask Twice starts by itself when you log on to this computer." in result.output
    assert "This computer's clock has not gone back" in result.output
    assert "To do" not in result.output and result.output.endswith("All is well.\n")


def test_a_pending_migration_asks_to_start_ask_twice(healthy):
    config = healthy.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    previous = ScriptDirectory.from_config(config).get_revision(head).down_revision
    stamp(revision=previous)
    result = doctor(healthy)
    assert result.exit_code == 1
    assert "To do: The database is not up to date with this version of Ask Twice." in result.output
    assert "Start Ask Twice (ask-twice): it brings the database up to date first." in result.output


def test_no_backup_or_an_old_one_asks_for_a_backup(healthy):
    backup = next((Path(healthy.instance_path) / "backups").iterdir())
    eight_days_ago = (datetime.datetime.now() - datetime.timedelta(days=8)).timestamp()
    os.utime(backup, (eight_days_ago, eight_days_ago))
    old = doctor(healthy)
    backup.unlink()
    missing = doctor(healthy)
    assert old.exit_code == missing.exit_code == 1
    assert "To do: The last backup is 8 days old" in old.output
    assert "To do: No backup has been made yet." in missing.output
    assert "Make one now: ask-twice backup" in missing.output


def test_a_full_disk_asks_for_space(healthy):
    healthy.config["MIN_FREE_DISK_MB"] = 1024 ** 4  # a limit no disk here reaches: "full"
    result = doctor(healthy)
    assert result.exit_code == 1
    assert "is free on this computer's disk." in result.output
    assert "Free some space: recordings and files stop being kept" in result.output


def test_a_name_phones_use_that_ask_twice_does_not_answer_to(healthy):
    healthy.config["PHONE_ADDRESS"] = "https://phones.invalid/"
    result = doctor(healthy)
    assert result.exit_code == 1
    assert ("To do: Phones use the name phones.invalid, but Ask Twice answers only to "
            "127.0.0.1, [::1], localhost.") in result.output
    assert "Add phones.invalid to ASK_TWICE_HOSTS in settings.toml." in result.output


def test_an_address_without_https_is_named(healthy):
    healthy.config["ALLOWED_HOSTS"] = ["ask-twice.home.arpa", "localhost"]
    result = doctor(healthy)
    assert result.exit_code == 1
    assert ("Phones reach Ask Twice at http://ask-twice.home.arpa:8000/ without https"
            in result.output)


def test_the_service_not_installed_asks_to_install_it(healthy):
    autostart.plan(platform.system(), Path.home(), healthy.instance_path).path.unlink()
    result = doctor(healthy)
    assert result.exit_code == 1
    assert "To do: Ask Twice does not start by itself when the computer starts." in result.output
    assert "ask-twice service install" in result.output


def test_each_phone_says_when_it_last_synced(healthy, owner):
    devices.register_device(owner, "Sam's phone")
    db.session.commit()
    result = doctor(healthy)
    assert result.exit_code == 0
    assert "Note: Sam's phone (Sam) has not synced yet." in result.output


def test_a_clock_behind_the_last_phone_sync_is_a_fault(healthy, owner):
    device, _ = devices.register_device(owner, "Sam's phone")
    # The clock went back an hour since the phone synced (a flat battery, a bad setting).
    device.last_seen_at = utcnow() + datetime.timedelta(hours=1)
    db.session.commit()
    result = doctor(healthy)
    assert result.exit_code == 1
    assert "To do: This computer's clock is behind: Sam's phone synced at " in result.output
    assert "Set this computer's date and time (let it set them by itself)" in result.output


def test_a_clock_behind_the_newest_file_in_the_data_folder_is_a_fault(healthy):
    later = time.time() + 3600  # written an hour "from now": the clock has gone back since
    database = Path(healthy.instance_path) / "ask-twice.sqlite"
    database.write_bytes(b"")
    os.utime(database, (later, later))
    result = doctor(healthy)
    assert result.exit_code == 1
    assert ("To do: This computer's clock is behind: the newest file in its data folder "
            "was written at ") in result.output


def test_a_clock_a_minute_behind_the_last_sync_is_well(healthy, owner):
    device, _ = devices.register_device(owner, "Sam's phone")
    device.last_seen_at = utcnow() + datetime.timedelta(minutes=1)  # within the slack
    db.session.commit()
    result = doctor(healthy)
    assert result.exit_code == 0, result.output
    assert "This computer's clock has not gone back" in result.output


def _certificate(tmp_path, days):
    """A certificate authority and a certificate for localhost signed by it, running out
    in `days` days: (root file, certificate file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test root")])
    root = (x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
            .public_key(root_key.public_key()).serial_number(1)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(root_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(root_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                           critical=False)
            .sign(root_key, hashes.SHA256()))
    files = tmp_path / "root.pem", tmp_path / "cert.pem", tmp_path / "key.pem"
    files[0].write_bytes(root.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return files


@pytest.fixture
def https_server(tmp_path, monkeypatch):
    """Serve TLS on localhost with a certificate of `days` days; the root is trusted."""
    listener = socket.create_server(("localhost", 0))
    stop = threading.Event()
    threads = []

    def serve(days):
        root, cert, key = _certificate(tmp_path, days)
        monkeypatch.setenv("SSL_CERT_FILE", str(root))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        listener.settimeout(0.2)

        def answer():
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                try:
                    with context.wrap_socket(connection, server_side=True):
                        pass
                except (ssl.SSLError, OSError):
                    pass

        threads.append(threading.Thread(target=answer, daemon=True))
        threads[0].start()
        return f"https://localhost:{listener.getsockname()[1]}/"

    yield serve
    stop.set()
    for thread in threads:
        thread.join()
    listener.close()


def test_a_certificate_running_out_within_14_days_asks_for_renewal(healthy, https_server):
    healthy.config["PHONE_ADDRESS"] = https_server(days=5)
    result = doctor(healthy)
    assert result.exit_code == 1
    assert "runs out in 4 days." in result.output or "runs out in 5 days." in result.output
    assert "Renew the certificate before then" in result.output


def test_a_certificate_good_for_months_is_well(healthy, https_server):
    healthy.config["PHONE_ADDRESS"] = https_server(days=90)
    result = doctor(healthy)
    assert result.exit_code == 0, result.output
    assert "over https; the certificate is good for 89 more days." in result.output
