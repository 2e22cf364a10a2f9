"""Path B of docs/self-hosting.md, run for real: Caddy with its own certificate
authority in front of Ask Twice, at a stable name, and a phone's browser that
trusts Caddy's root certificate (installed in its certificate store, as a
family installs it on the phone; no certificate errors are ignored).

The phone pairs by code over https, its worker takes charge (only a secure
context allows one), and with no network it still opens the app. The
pairing link names the public https address the proxy forwarded. What could
not be run here: the router's local DNS (Chromium's host resolver rules
stand in for it) and Android's or iOS's own certificate settings.
"""

import os
import re
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import _free_port, _port_open
from phones import OWNER, PASSPHRASE, poll
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent
NAME = "asktwice.test"
CADDY, CERTUTIL = shutil.which("caddy"), shutil.which("certutil")

pytestmark = pytest.mark.skipif(
    not (CADDY and CERTUTIL),
    reason="needs caddy and certutil (libnss3-tools), which scripts/test installs as root")

CADDYFILE = """{{
    admin off
    skip_install_trust
    http_port {http_port}
    https_port {https_port}
    storage file_system {storage}
}}
{name} {{
    tls internal
    reverse_proxy 127.0.0.1:{app_port}
}}
"""


@pytest.fixture
def behind_caddy(tmp_path):
    """The app started by scripts/run as the doc says, behind Caddy at
    https://asktwice.test:<port>; yields (url, Caddy's root certificate)."""
    app_port = _free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(app_port),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'ask-twice.sqlite'}",
           "ASK_TWICE_SECRET_KEY": "e2e only, not a secret", "ASK_TWICE_HTTPS": "1",
           "ASK_TWICE_TRUST_PROXY": "1", "ASK_TWICE_HOSTS": f"{NAME},localhost"}
    with caddy_in_front(tmp_path, NAME, [str(ROOT / "scripts" / "run")], env,
                        app_port) as served:
        yield served


@contextmanager
def caddy_in_front(tmp_path, name, command, env, app_port):
    """Run `command` (the app, on `app_port`) with Caddy in front at https://`name`:<port>;
    yield (url, Caddy's root certificate)."""
    with (tmp_path / "app.log").open("w") as out:
        app = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                               stderr=subprocess.STDOUT, start_new_session=True)
    https_port = _free_port()
    storage = tmp_path / "caddy"
    config = tmp_path / "Caddyfile"
    config.write_text(CADDYFILE.format(http_port=_free_port(), https_port=https_port,
                                       storage=storage, name=name, app_port=app_port))
    log = (tmp_path / "caddy.log").open("w")
    caddy = subprocess.Popen([CADDY, "run", "--config", str(config), "--adapter", "caddyfile"],
                             env={**os.environ, "HOME": str(tmp_path)}, stdout=log,
                             stderr=subprocess.STDOUT)
    root = storage / "pki" / "authorities" / "local" / "root.crt"
    try:
        # scripts/run sets up first; on a busy machine that takes a while.
        deadline = time.monotonic() + 180
        while not (root.exists() and _port_open(https_port) and _port_open(app_port)):
            assert caddy.poll() is None, (tmp_path / "caddy.log").read_text()
            assert app.poll() is None, (tmp_path / "app.log").read_text()
            assert time.monotonic() < deadline, "Caddy or the app did not start in 180 s"
            time.sleep(0.1)
        yield f"https://{name}:{https_port}", root
    finally:
        caddy.terminate()
        caddy.wait(timeout=10)
        log.close()
        os.killpg(app.pid, signal.SIGTERM)
        app.wait(timeout=10)


@pytest.fixture
def trusting_browser(browser_type, browser_type_launch_args, tmp_path, behind_caddy):
    """A Chromium whose certificate store trusts Caddy's root, and finds the name."""
    browser = launch_trusting(browser_type, browser_type_launch_args, tmp_path,
                              behind_caddy[1], NAME)
    yield browser
    browser.close()


def launch_trusting(browser_type, launch_args, tmp_path, root, name):
    """Launch a Chromium that trusts the certificate `root` (as a phone does once it is
    installed) and finds `name` on this computer."""
    home = tmp_path / "phone-home"
    store = home / ".pki" / "nssdb"
    store.mkdir(parents=True)
    subprocess.run([CERTUTIL, "-d", f"sql:{store}", "-N", "--empty-password"], check=True)
    subprocess.run([CERTUTIL, "-d", f"sql:{store}", "-A", "-t", "C,,", "-n", "Caddy root",
                    "-i", str(root)], check=True)
    args = {**launch_args}
    args["args"] = [*args.get("args", []), f"--host-resolver-rules=MAP {name} 127.0.0.1"]
    return browser_type.launch(**args, env={**os.environ, "HOME": str(home)})


def set_up_over_https(page):
    """Make the household on the first-run screen, checking the address is trusted."""
    page.goto("/setup")
    assert page.evaluate("() => window.isSecureContext"), "the certificate was not trusted"
    page.get_by_label("Your name").fill(OWNER)
    page.get_by_label("Choose a passphrase").fill(PASSPHRASE)
    page.get_by_label("Type the passphrase again").fill(PASSPHRASE)
    page.get_by_role("button", name=re.compile("^Set up")).click()
    expect(page.get_by_role("heading", level=1, name=f"Hello, {OWNER}")).to_be_visible()


def test_a_phone_pairs_and_works_offline_over_caddys_https(
        trusting_browser, behind_caddy, browser_context_args, shoot):
    url, _ = behind_caddy
    home = trusting_browser.new_context(base_url=url, viewport={"width": 1280, "height": 900},
                                        service_workers="block")
    phone_args = {k: v for k, v in browser_context_args.items() if k != "base_url"}
    phone = trusting_browser.new_context(**phone_args, base_url=url)
    try:
        page = home.new_page()
        set_up_over_https(page)
        # The Phones screen is content with this address, and links to it.
        page.goto("/devices")
        expect(page.get_by_text("only works on this computer")).to_be_hidden()
        page.get_by_label(OWNER, exact=True).check()
        page.get_by_role("button", name="Make a code").click()
        link = page.locator("#pairing-link").text_content().strip()
        assert link.startswith(f"{url}/pair/"), link
        code = page.locator("#pairing-code").inner_text()
        shoot(page, "https-01-pairing-code-behind-caddy", full_page=False)

        mine = phone.new_page()
        mine.goto("/pair")
        mine.get_by_label("Code").fill(code)
        mine.get_by_label("Name this phone").fill("Sam's phone")
        mine.get_by_role("button", name="Pair this phone").click()
        poll(lambda: mine.evaluate("() => Boolean(navigator.serviceWorker.controller)"), bool,
             what="a service worker in control over https")
        device = poll(lambda: mine.evaluate("() => AskTwiceDB.getMeta('device')"), bool,
                      what="the phone registered as a device")
        assert device["author"] == OWNER
        secure = mine.evaluate("() => [location.protocol, window.isSecureContext]")
        assert secure == ["https:", True]

        phone.set_offline(True)
        answer = mine.reload()
        assert answer is not None and answer.ok, "no page from the worker with no network"
        expect(mine.locator("body")).not_to_be_empty()
        shoot(mine, "https-02-phone-offline-behind-caddy", full_page=False)
    finally:
        phone.close()
        home.close()
