"""Browser tests: the real app in a subprocess, driven by the system's Chromium.

The suite runs in two workers (`pytest e2e -n 2`, pytest-xdist): each worker
has its own browser, its own server on its own port and its own database, so
every session-scoped fixture below is one per worker. Tests share nothing
else and run in any order: each starts from a state its fixtures build
through the app's services, and one failing test skips no other.

Fixtures:
- `live_server`: this worker's app, served by waitress on a free 127.0.0.1
  port, with its own migrated SQLite database. `stop()` and `start()` restart
  it on the SAME port, because a service worker, Cache Storage and IndexedDB
  belong to one origin (scheme, host and port): that is how a test goes
  "offline" for real, like a clinic with no signal. A test that stops it
  starts it again before it ends (in a `finally:`).
- `seed`: the app's own services on `live_server`'s database, in this process
  (e2e/seed.py): `seed.household()`, `seed.child(name, ...)`,
  `seed.case(child_id, diagnosis, ...)`, `seed.visit(case, clinician,
  questions=[...])`, or any service inside `with seed.services() as owner:`.
  The household (OWNER, PASSPHRASE in e2e/phones.py) is made on first use.
- `new_server(**env)`: another server with its own EMPTY database (no
  household yet) on its own port, stopped after the test; `server.seed` is its
  `Seed`. For a first run, or a screen that shows what an empty household sees.
- `live_server_with_test_hooks`: such a server with the app's TEST_HOOKS on.
- `home`: the family's home computer signed in to `live_server` (e2e/phones.py).
- `phone`: a Pixel 7 phone (a fresh browser context) on `live_server`, not yet
  signed in: `phone.sign_in()`, `phone.ready_for(visit)`; closed after the test.
- `browser_type_launch_args`: CHROMIUM_PATH, else Chromium's headless shell or
  /usr/bin/chromium when one exists, else Playwright's own browser (a developer's machine).
- `browser_context_args`: a Pixel 7 phone, service workers allowed.
- `axe`: axe-core run in the page; violations fail the test (see AxeChecker).
- `shoot`: full-page screenshots into e2e/artifacts/ (git-ignored); names are
  the test's own, so the two workers never write the same file.

Waiting: a machine busy with other work makes the browser slow, not wrong, so
waits are generous and each still has its bound: an `expect` waits up to
EXPECT_TIMEOUT, a click, a navigation or a screenshot up to ACTION_TIMEOUT
(e2e/phones.py; every context of the `browser` fixture, and phones with a
profile, get it), `poll` 30 s.

Every test here runs in Chromium only.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from phones import ACTION_TIMEOUT, HomeComputer, new_phone  # e2e/phones.py
from playwright.sync_api import expect

E2E = Path(__file__).resolve().parent
ROOT = E2E.parent
ARTIFACTS = E2E / "artifacts"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# How long an `expect` waits for the page: Playwright's 5 s default is too short
# for a page that is merely slow on a busy two-core machine.
EXPECT_TIMEOUT = 30_000




def pytest_configure(config):
    expect.set_options(timeout=EXPECT_TIMEOUT)


def pytest_collection_modifyitems(config, items):
    """Run every browser test in Chromium only (pytest-playwright's marker)."""
    for item in items:
        if E2E in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.only_browser("chromium"))




def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class LiveServer:
    """The app in a waitress subprocess on 127.0.0.1:`port`, restartable on that port."""

    def __init__(self, workdir, port, root=ROOT):
        self.root = root  # the app's code: a copy of it plays a new release
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.database = workdir / "ask-twice.sqlite"
        self.log_path = workdir / "server.log"
        self.process = None
        self._seed = None
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.database}",
            "ASK_TWICE_SECRET_KEY": "e2e only, not a secret",
            "PYTHONUNBUFFERED": "1",
            "ASK_TWICE_ATTACHMENTS_DIR": str(workdir / "attachments"),
        }
        # Plain http on loopback: a Secure cookie would never be sent back.
        for name in ("ASK_TWICE_HTTPS", "ASK_TWICE_TRUST_PROXY", "FLASK_APP"):
            self.env.pop(name, None)

    def migrate(self):
        """Create the schema through Alembic, as the set-up command does."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "webapp", "db", "upgrade"],
            cwd=self.root, env=self.env, capture_output=True, text=True, timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask db upgrade failed:\n{done.stdout}\n{done.stderr}")

    def start(self, timeout=60):
        """Start the server on its port and wait until it answers HTTP."""
        if self.running:
            return
        deadline = time.monotonic() + timeout
        while _port_open(self.port):  # the old process may still be letting go
            if time.monotonic() > deadline:
                raise RuntimeError(f"port {self.port} is still taken by someone else")
            time.sleep(0.05)
        log = self.log_path.open("a")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "waitress", "--host", "127.0.0.1",
                 "--port", str(self.port), "--call", "webapp:create_app"],
                cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        finally:
            log.close()
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                # /signin answers without a session (200, or 303 to /setup): any HTTP
                # answer at all means the app is up.
                urllib.request.urlopen(f"{self.url}/signin", timeout=1).close()
                return
            except urllib.error.HTTPError:
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"the server did not answer:\n{self.log_tail()}"
                    ) from error
                time.sleep(0.05)

    def stop(self, timeout=10):
        """Stop the server process (by its PID) and wait until the port is closed."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        self.process = None
        deadline = time.monotonic() + timeout
        while _port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def restart(self):
        self.stop()
        self.start()

    def wait_idle(self, timeout=15):
        """Wait until no connection to the server is open (none ESTABLISHED, none
        half-closed), so no request of an earlier test is still being answered.
        Read from /proc/net/tcp; where there is none, or after `timeout`, go on."""
        deadline = time.monotonic() + timeout
        while _connections_to(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)

    @property
    def seed(self):
        """The app's services on this server's database, in this process (e2e/seed.py)."""
        if self._seed is None:
            from seed import Seed

            self._seed = Seed(self)
        return self._seed

    def close_seed(self):
        if self._seed is not None:
            self._seed.close()

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def log_text(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def log_tail(self, lines=40):
        return "\n".join(self.log_text().splitlines()[-lines:])


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """An empty database migrated once for this worker: each server starts on a copy."""
    template = LiveServer(tmp_path_factory.mktemp("migrated"), port=None)
    template.migrate()
    return template.database


# /proc/net/tcp's states in which the server may still be answering: ESTABLISHED,
# and CLOSE_WAIT (the browser let go, the server has not yet).
_BUSY_STATES = {"01", "08"}


def _connections_to(port):
    """How many TCP connections to 127.0.0.1:`port` are open on the server's side."""
    try:
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return 0
    local = f"0100007F:{port:04X}"
    return sum(1 for line in lines
               if (fields := line.split())[1] == local and fields[3] in _BUSY_STATES)


def _started(workdir, migrated_database, **env):
    server = LiveServer(workdir, _free_port())
    shutil.copyfile(migrated_database, server.database)
    server.env.update(env)
    server.start()
    return server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, migrated_database):
    server = _started(tmp_path_factory.mktemp("live-server"), migrated_database)
    yield server
    server.stop()
    server.close_seed()


@pytest.fixture(autouse=True)
def shared_server_up(request):
    """Give each test the worker's shared server running and empty.

    Running: started again if a test stopped it and failed before starting it, so
    one failure does not turn every later test of the worker into an error (it
    did, fifty of them, when a stopped-server test timed out). Empty: no earlier
    test's household, so a test sees only what it seeded."""
    if "live_server" in request.fixturenames:
        server = request.getfixturevalue("live_server")
        server.start()  # (at once when it is running)
        server.wait_idle()  # an earlier test's phone may still be syncing
        server.seed.wipe()


@pytest.fixture(scope="session")
def seed(live_server):
    """The app's services on `live_server`'s database (e2e/seed.py)."""
    return live_server.seed


@pytest.fixture
def new_server(tmp_path_factory, migrated_database):
    """`new_server(**env)`: a server with its own empty database, stopped after the test;
    then, as for `live_server`, no traceback in its log."""
    servers = []

    def _new_server(**env):
        servers.append(_started(tmp_path_factory.mktemp("own-server"), migrated_database, **env))
        return servers[-1]

    yield _new_server
    for server in servers:
        server.stop()
        server.close_seed()
    for server in servers:
        assert "Traceback" not in server.log_text(), server.log_tail()


@pytest.fixture(scope="session")
def base_url(live_server):
    """Overrides the plugin's base_url, so page.goto("/") reaches the live server."""
    return live_server.url




@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium when there is one, with quiet, sandbox-free flags."""
    args = {**browser_type_launch_args}
    path = os.environ.get("CHROMIUM_PATH") or next(
        (path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
         if Path(path).exists()), None)
    if path:
        args["executable_path"] = path
    args["args"] = [*args.get("args", []), *CHROMIUM_ARGS]
    return args


@pytest.fixture(scope="session")
def app_mode_launch_args(browser_type_launch_args):
    """As `browser_type_launch_args`, for the whole Chromium: only it opens an installed
    app's window (`--app=URL`), which the headless shell has not."""
    args = {**browser_type_launch_args}
    args.pop("executable_path", None)
    if Path("/usr/bin/chromium").exists():
        args["executable_path"] = "/usr/bin/chromium"
    return args


@pytest.fixture(scope="session")
def browser(browser):
    """The worker's Chromium: every context opened on it waits ACTION_TIMEOUT for an action
    and reports CSP violations (`no_csp_violation`)."""
    new_context = browser.new_context

    def patient_context(**kwargs):
        context = watch_csp(new_context(**kwargs))
        context.set_default_timeout(ACTION_TIMEOUT)
        return context

    browser.new_context = patient_context
    return browser


@pytest.fixture(scope="session")
def browser_type(browser_type):
    """The worker's browser type: a phone with a profile reports CSP violations too."""
    launch_persistent_context = browser_type.launch_persistent_context
    browser_type.launch_persistent_context = (
        lambda *args, **kwargs: watch_csp(launch_persistent_context(*args, **kwargs)))
    return browser_type


# Every `securitypolicyviolation` a page of the test saw (issue 19): the browser reports
# it in the console only, where nobody reads, so each page hands it to the test instead.
CSP_VIOLATIONS = []
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.violatedDirective} blocked ${event.blockedURI || "?"} `
    + `on ${location.pathname} (${event.sourceFile || "?"}:${event.lineNumber}) ${event.sample}`
    + ` at <${event.target.localName ?? ""} id="${event.target.id ?? ""}">`);
}, true);"""


def watch_csp(context):
    """Have every page of `context` report its CSP violations into CSP_VIOLATIONS."""
    context.expose_function("reportCspViolation", lambda text: CSP_VIOLATIONS.append(text))
    context.add_init_script(CSP_LISTENER)
    return context


@pytest.fixture(autouse=True)
def no_csp_violation():
    """After each test: no page broke the Content-Security-Policy. Yields the list of
    violations seen so far, for a test of the guard itself."""
    CSP_VIOLATIONS.clear()
    yield CSP_VIOLATIONS
    assert not CSP_VIOLATIONS, "Content-Security-Policy violations:\n" + "\n".join(CSP_VIOLATIONS)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, playwright):
    """A Pixel 7 phone (412x839, touch, mobile), service workers allowed."""
    return {
        **browser_context_args,
        **playwright.devices["Pixel 7"],
        "service_workers": "allow",
    }




class AxeViolations(AssertionError):
    """axe-core found accessibility violations."""


class AxeChecker:
    """Run axe-core on a page; `check()` records violations, the test then fails on them.

    Violations are collected for the whole test and raised when the test body
    ends (see pytest_runtest_call below), so one contrast problem on the first
    screen does not hide what the rest of the walk finds. A test with
    violations always fails.
    """

    def __init__(self):
        self.source = AXE_JS.read_text()
        self.found = []  # (label, violations)

    def run(self, page):
        """Return axe's violations on the page as it is now."""
        # The app's CSP (script-src 'self') blocks an inline <script>, so the
        # source goes in through the DevTools protocol, which CSP does not govern.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(f"() => {{ {self.source}\n }}")
        return page.evaluate(
            """async () => {
                const results = await axe.run(document, {resultTypes: ["violations"]});
                return results.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map((n) => ({
                        target: n.target.join(" "), summary: n.failureSummary,
                    })),
                    count: v.nodes.length,
                }));
            }"""
        )

    def check(self, page, label):
        """Run axe on `page` and record what it finds under `label`; return the violations."""
        violations = self.run(page)
        if violations:
            self.found.append((label, violations))
        return violations

    def report(self):
        lines = []
        for label, violations in self.found:
            lines.append(f"axe-core: {len(violations)} violation(s) on {label}:")
            for v in violations:
                lines.append(f"  - {v['id']} ({v['impact']}): {v['help']} [{v['count']} node(s)]")
                for node in v["nodes"]:
                    lines.append(f"      at {node['target']}")
                    summary = " ".join(node["summary"].split())
                    lines.append(f"        {summary[:300]}")
        return "\n".join(lines)

    def assert_clean(self):
        if self.found:
            raise AxeViolations(self.report())


@pytest.fixture
def axe():
    return AxeChecker()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After the test body: fail on any axe violations it recorded."""
    checker = item.funcargs.get("axe") if hasattr(item, "funcargs") else None
    try:
        result = yield
    except BaseException:
        if isinstance(checker, AxeChecker) and checker.found:
            item.add_report_section("call", "axe-core", checker.report())
        raise
    if isinstance(checker, AxeChecker):
        checker.assert_clean()
    return result




@pytest.fixture(scope="session")
def shoot():
    """`shoot(page, name)`: save a screenshot (full page by default) in e2e/artifacts/,
    for a person to look at; no test reads them. ASK_TWICE_SCREENSHOTS=0 skips them
    (scripts/test does: hundreds of full-page PNGs were a large share of its time)."""
    ARTIFACTS.mkdir(exist_ok=True)
    wanted = os.environ.get("ASK_TWICE_SCREENSHOTS", "1") != "0"

    def _shoot(page, name, full_page=True):
        path = ARTIFACTS / f"{name}.png"
        if wanted:
            page.screenshot(path=str(path), full_page=full_page, timeout=ACTION_TIMEOUT)
        return path

    return _shoot




@pytest.fixture
def live_server_with_test_hooks(new_server):
    """A second live server, with its own empty database, that honours `X-Test-Fault`.

    ASK_TWICE_TEST_HOOKS=1 sets the app's TEST_HOOKS (webapp/config.py), so a
    push carrying `X-Test-Fault: exit-after-commit` makes the process exit
    (code 17) right after committing one mutation, before it answers. Never
    the worker's `live_server`: its database and port stay clean of faults.
    """
    return new_server(ASK_TWICE_TEST_HOOKS="1")


@pytest.fixture
def home(playwright, browser, live_server):
    """The family's home computer, signed in (e2e/phones.py)."""
    computer = HomeComputer(playwright, browser, live_server.url).sign_in()
    yield computer
    computer.close()


@pytest.fixture
def phone(browser, browser_context_args):
    """A Pixel 7 phone on `live_server`, not signed in yet (e2e/phones.py's Phone)."""
    phone = new_phone(browser, browser_context_args, "phone")
    yield phone
    phone.context.close()


@pytest.fixture(autouse=True)
def no_traceback_on_the_server(live_server):
    """After each test: no traceback in this worker's server's log."""
    before = len(live_server.log_text())
    yield
    assert "Traceback" not in live_server.log_text()[before:], live_server.log_tail()
