"""The wheel is the whole of Ask Twice: installed into a fresh virtual environment with no
Node.js, npm, git or bash on PATH, `ask-twice` migrates, serves and shows the first run."""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheel  # about a minute on two busy cores: see scripts/test
ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("webapp", "api", "templates", "static", "service_worker")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    """Build the wheel once, from a copy: the runs of scripts/test build side by side."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "setup.py"):
        shutil.copy(ROOT / name, source)
    for name in SOURCES:
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__", "instance"))
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
          "-w", str(dist), str(source)])
    return next(dist.glob("ask_twice-*.whl"))


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory):
    """A fresh virtual environment with the wheel and its dependencies (from the package
    index: no copies of them are kept here), and no pip of its own."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
          "-q", "--no-compile", str(wheel)])
    return venv / "bin"


def _run(argv):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr


def _without_node(bin_folder, home, **settings):
    """The environment of a home computer with nothing but the install on PATH."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ASK_TWICE_", "PYTHON", "FLASK_", "XDG_"))
           and key not in ("DATABASE_URL", "HOST", "PORT", "VIRTUAL_ENV")}
    env.update(PATH=str(bin_folder), HOME=str(home), **settings)
    for tool in ("node", "npm", "git", "bash"):
        assert shutil.which(tool, path=env["PATH"]) is None
    return env


def test_the_installed_command_starts_a_fresh_install_on_its_first_run(installed, tmp_path):
    data = tmp_path / "data"
    env = _without_node(installed, tmp_path, ASK_TWICE_DATA=str(data), PORT="0")
    with subprocess.Popen([installed / "ask-twice", "--no-browser"], cwd=tmp_path, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as server:
        page = _first_page(server)
    assert "Welcome to Ask Twice" in page
    assert (data / "ask-twice.sqlite").is_file()  # in the data folder, not in the package


def _first_page(server):
    """Wait for the server to say where it runs, fetch its first page, and stop it."""
    try:
        address, said = None, []
        deadline = time.monotonic() + 120
        while address is None and time.monotonic() < deadline:
            line = server.stdout.readline()
            assert line, "".join(said)  # it stopped
            said.append(line)
            address = re.search(r"running at (http://\S+/)", line)
        with urllib.request.urlopen(address[1], timeout=30) as response:  # redirects followed
            assert response.status == 200 and response.url.endswith("/setup")
            return response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_installed_data_folder_is_the_users_own_and_the_files_are_inside(installed,
                                                                             tmp_path):
    env = _without_node(installed, tmp_path)
    said = subprocess.run(
        [installed / "python", "-c", "from webapp import paths\n"
         "print(paths.data_folder()); print(paths.INSTALLED); print(paths.TEMPLATES.parent)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.split("\n")
    if sys.platform.startswith("linux"):
        assert said[0] == str(tmp_path / ".local" / "share" / "ask-twice")
    assert said[1] == "True"
    assert Path(said[2]).parent.parent.name == "site-packages"  # webapp/_bundle
