"""Put the pages' files into the wheel (webapp/_bundle), so an install needs no Node.js.

The templates, the built static bundle (scripts/build-assets makes static/build and
static/vendor from a clone) and the service worker live beside the package in a
clone; webapp/paths.py finds them in either place.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("templates", "static", "service_worker")


class BuildWithBundle(build_py):
    """Build the package, then copy the pages' files into webapp/_bundle."""

    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads them from the clone
            return
        for needed in ("static/build/app.js", "static/vendor"):
            if not (HERE / needed).exists():
                raise SystemExit(f"{needed} is missing: run scripts/build-assets first.")
        bundle = Path(self.build_lib) / "webapp" / "_bundle"
        shutil.rmtree(bundle, ignore_errors=True)
        for name in BUNDLED:
            shutil.copytree(HERE / name, bundle / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.py"))


setup(cmdclass={"build_py": BuildWithBundle})
