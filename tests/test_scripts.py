"""The README's first command: once set up, starting needs no package registry."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Registries that answer nothing: any attempt to install fails at once.
NO_REGISTRY = {"PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_NO_INDEX": "1",
               "npm_config_registry": "http://127.0.0.1:9/", "npm_config_offline": "true"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status_of(url):
    try:
        return urllib.request.urlopen(url, timeout=2).status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def test_scripts_run_starts_and_serves_with_no_registry(tmp_path):
    # With package lists changed since set-up, scripts/run would set up again: with no
    # registry, `npm ci` empties node_modules first, and every checkout sharing it breaks.
    stamp = subprocess.run(["bash", "-c", "source scripts/stamps.sh && stamp_packages"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout
    set_up = ROOT / ".venv" / ".set-up"
    assert set_up.exists() and set_up.read_text() == stamp, (
        "The package lists changed since scripts/setup ran here: run it, then this test.")
    port = free_port()
    env = {**os.environ, **NO_REGISTRY, "HOST": "127.0.0.1", "PORT": str(port),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite'}",
           "ASK_TWICE_SECRET_KEY": "test only"}
    log = tmp_path / "run.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(ROOT / "scripts" / "run")], cwd=ROOT, env=env,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        status = None
        while status is None and server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.3)
            status = status_of(f"http://127.0.0.1:{port}/signin")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    output = log.read_text()
    assert status == 200, output  # (the first-run set-up page, after a redirect)
    assert "Ask Twice is running at http://127.0.0.1:" in output
    assert "npm" not in output.lower() and "pip" not in output.lower(), output
