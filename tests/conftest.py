"""Fixtures: a fresh app and database per test, signed-in clients, seed rows.

The database is a SQLite file of the test's own unless TEST_DATABASE_URL names
another (scripts/test runs the suite a second time on a real PostgreSQL
server). Each request the test client makes runs in an app context of its
own, so it has its own database session and connection, as in a real server:
a row the test (or an earlier request) holds loaded cannot hide a stale read.
"""

import os
import shutil
from datetime import time

import pytest
from argon2 import PasswordHasher
from flask import has_app_context
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import text
from werkzeug.routing import Rule
from whitenoise import WhiteNoise

from tests.days import in_days, years_ago
from webapp import create_app
from webapp.extensions import db
from webapp.services import accounts, cases, visits

PASSPHRASE = "a long enough passphrase"


@pytest.fixture(autouse=True, scope="session")
def quick_passphrase_hashing():
    """Argon2id as in use, but with its cost turned down: hundreds of tests sign in,
    and each hash otherwise takes tens of milliseconds and 64 MiB on purpose."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    real = accounts._hasher, accounts._DUMMY_HASH
    accounts._hasher, accounts._DUMMY_HASH = cheap, cheap.hash("not a real passphrase")
    yield
    accounts._hasher, accounts._DUMMY_HASH = real


@pytest.fixture(autouse=True, scope="session")
def url_builders_made_once():
    """Werkzeug writes and compiles a small Python function for each URL rule of each
    app; hundreds of tests each make an app of the same rules, and that compiling was
    half of the suite's time. The function depends only on the rule's text, parts and
    defaults (the rule itself is passed in when called), so one per rule serves all."""
    made = {}
    compile_builder = Rule._compile_builder

    def once(rule, append_unknown=True):
        key = (rule.rule, tuple(rule._trace), repr(rule.defaults), append_unknown)
        if key not in made:
            made[key] = compile_builder(rule, append_unknown)
        return made[key]

    Rule._compile_builder = once
    yield
    Rule._compile_builder = compile_builder


@pytest.fixture(autouse=True, scope="session")
def routes_parsed_once():
    """Each test's app parses the same hundred-odd URL rules again, which was a tenth
    of the suite's time. What parsing finds depends only on the rule's text, its
    options and the map's converter classes, so it is kept and handed to every later
    rule of the same key (each rule still gets its own lists and builders)."""
    parsed = {}
    compile_rule = Rule.compile

    def once(rule):
        converters = tuple(sorted((name, id(kind)) for name, kind in rule.map.converters.items()))
        key = (rule.rule, rule.host, rule.subdomain, rule.merge_slashes, rule.strict_slashes,
               rule.map.host_matching, repr(rule.defaults), converters)
        if key not in parsed:
            compile_rule(rule)
            parsed[key] = (rule._parts, rule._trace, rule._converters, set(rule.arguments))
            return
        parts, trace, kinds, arguments = parsed[key]
        rule._parts, rule._trace, rule._converters = list(parts), list(trace), dict(kinds)
        rule.arguments = set(arguments)
        rule._build = rule._compile_builder(False).__get__(rule, None)
        rule._build_unknown = rule._compile_builder(True).__get__(rule, None)

    Rule.compile = once
    yield
    Rule.compile = compile_rule


@pytest.fixture(autouse=True, scope="session")
def static_files_listed_once():
    """WhiteNoise lists and reads the headers of every static file when an app is
    made, about a tenth of the suite's time over hundreds of apps. The static folder
    does not change during a run, so the list is made once per set of options."""
    listed = {}
    list_files = WhiteNoise.update_files_dictionary

    def once(self, root, prefix):
        key = (root, prefix, repr(self.add_headers_function), self.max_age,
               self.allow_all_origins)
        if key not in listed:
            list_files(self, root, prefix)
            listed[key] = dict(self.files)
        self.files.update(listed[key])

    WhiteNoise.update_files_dictionary = once
    yield
    WhiteNoise.update_files_dictionary = list_files


class FreshSessionClient(FlaskClient):
    """A test client whose every request has its own app context, so its own session."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # The test's own session reads what the request committed, not its old copies.
        if has_app_context():  # (a request from another thread has none around it)
            db.session.expire_all()
        return response


class CompiledTemplates(BytecodeCache):
    """Templates compiled once for the whole run, not once per test's app: each app
    has its own Jinja environment, and compiling every page again was a third of
    the suite's time. Keyed by the template's source too, so an edit recompiles."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def database_url(tmp_path):
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture(scope="session")
def empty_sqlite(tmp_path_factory):
    """A SQLite file holding the schema and nothing else, made once: each test on
    SQLite starts from a copy of it rather than creating every table again."""
    path = tmp_path_factory.mktemp("schema") / "empty.sqlite"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "SECRET_KEY": "test only"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


@pytest.fixture
def app(tmp_path, request, empty_sqlite):
    """The app; a test marked `@pytest.mark.app_config(NAME=value)` gets those settings."""
    marker = request.node.get_closest_marker("app_config")
    on_sqlite = not os.environ.get("TEST_DATABASE_URL")
    if on_sqlite:
        shutil.copyfile(empty_sqlite, tmp_path / "test.sqlite")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "SECRET_KEY": "test only",
        "WTF_CSRF_ENABLED": False,
        "ATTACHMENTS_DIR": str(tmp_path / "attachments"),  # never the checkout's instance/
        **(marker.kwargs if marker else {}),
    })
    app.test_client_class = FreshSessionClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    with app.app_context():
        if not on_sqlite:
            db.create_all()  # (only the tables a test before this one dropped)
        yield app
        db.session.remove()
        if not on_sqlite:  # (a test's SQLite file goes with its folder)
            emptied_rows()
        db.engine.dispose()


def emptied_rows():
    """Empty every table of the shared database and restart its ids: cheaper than
    dropping and creating them all for every test, and as clean for the next."""
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def schema_of_its_own():
    """For a test that builds the schema itself (migrations): on PostgreSQL, the shared
    database has no table before it, and none of its tables are left for the next."""
    if not os.environ.get("TEST_DATABASE_URL"):
        yield
        return
    app = create_app({"TESTING": True, "SECRET_KEY": "test only",
                      "SQLALCHEMY_DATABASE_URI": os.environ["TEST_DATABASE_URL"]})
    with app.app_context():
        _drop_everything()
        yield
        _drop_everything()
        db.engine.dispose()


def _drop_everything():
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def owner(app):
    """The household's owner, created by the first-run set-up."""
    owner = accounts.create_household("Sam", PASSPHRASE, PASSPHRASE)
    db.session.commit()
    return owner


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, name="Sam", passphrase=PASSPHRASE):
        return self.client.post("/signin", data={"name": name, "passphrase": passphrase})


@pytest.fixture
def auth(client, owner):
    """Sign-in helper; `auth.login()` signs the owner in."""
    return Auth(client)


@pytest.fixture
def signed_in(auth):
    """A test client signed in as the owner: the home computer, no phone."""
    auth.login()
    return auth.client


def pair(app, member, name="Sam's phone"):
    """A new browser paired as `member`'s phone with a one-time link (only a paired
    phone keeps an outbox and registers a device); return its client."""
    from webapp.services import pairing

    _, token, _ = pairing.start_pairing(member)
    db.session.commit()
    phone = app.test_client()
    assert phone.post(f"/pair/{token}", data={"name": name}).status_code == 303
    return phone


@pytest.fixture
def owners_phone(app, owner):
    """The owner's phone, paired with a one-time link."""
    return pair(app, owner)


class HX:
    """Send requests the way htmx does, aimed at one region."""

    def __init__(self, client):
        self.client = client

    def headers(self, target=None, boosted=False, restore=False):
        headers = {"HX-Request": "true"}
        if target:
            headers["HX-Target"] = target
        if boosted:
            headers["HX-Boosted"] = "true"
        if restore:
            headers["HX-History-Restore-Request"] = "true"
        return headers

    def get(self, url, **kwargs):
        return self.client.get(url, headers=self.headers(**kwargs))

    def post(self, url, data=None, **kwargs):
        return self.client.post(url, data=data or {}, headers=self.headers(**kwargs))


@pytest.fixture
def hx(signed_in):
    return HX(signed_in)


@pytest.fixture
def visit(owner):
    """A visit a week from today, with a child (ten on 2 April), a case and a clinician
    behind it, and two questions."""
    child = cases.add_child(owner.household_id, name="Ada", birth_date=years_ago(10),
                            conditions="Asthma", medicines="", allergies="Penicillin")
    case = cases.add_case(child, diagnosis="Acute lymphoblastic leukaemia",
                          proposed_treatment="Chemotherapy", reasons=["test-result"],
                          reasons_other="", safe_to_wait="yes", safe_to_wait_note="")
    clinician = cases.add_clinician(owner.household_id, name="Dr Okafor",
                                    specialty="Haematology", centre="City Children's")
    visit = visits.add_visit(case, clinician.id, in_days(7), time(9, 30), "Room 3")
    visits.add_from_library(visit, ["diagnosis-agree", "treatment-agree"])
    db.session.commit()
    return visit


@pytest.fixture
def stranger(app):
    """Another household's visit, which our owner must never reach."""
    from webapp.models import Household, Member

    household = Household(name="Other family")
    member = Member(household=household, name="Other", passphrase_hash="x")
    db.session.add_all([household, member])
    db.session.commit()
    child = cases.add_child(household.id, name="Ben", birth_date=years_ago(11, 1, 1))
    case = cases.add_case(child, diagnosis="Secret", safe_to_wait="yes")
    clinician = cases.add_clinician(household.id, name="Dr Other")
    other_visit = visits.add_visit(case, clinician.id, in_days(8))
    visits.add_from_library(other_visit, ["diagnosis-agree"])
    db.session.commit()
    return other_visit
