"""Ask Twice: helps a family get a medical second opinion for their child."""

from functools import partial

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from whitenoise import WhiteNoise

from webapp import config, extensions, paths
from webapp.extensions import csrf, db, migrate
from webapp.hosts import TrustedHosts
from webapp.models._types import MAX_INT


def create_app(test_config=None):
    """Create and configure the app; `test_config` overrides the defaults."""
    app = Flask(
        __name__,
        instance_path=str(paths.data_folder()),
        template_folder=str(paths.TEMPLATES),
        static_folder=str(paths.STATIC),
    )
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config["COMPRESS_MIMETYPES"] = ["text/html", "text/css", "text/javascript",
                                        "application/javascript", "application/json"]
    # Pages are compressed as they are sent, brotli first: at level 5 the visit screen's
    # 38 KB of HTML become 4.7 KB in 0.3 ms; zstd, which Chromium also accepts and
    # Flask-Compress would pick, makes 5.3 KB (bench/visit_screen.py counts every byte).
    app.config["COMPRESS_ALGORITHM"] = ["br", "zstd", "gzip", "deflate"]
    app.config["COMPRESS_BR_LEVEL"] = 5
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.secret_key(app.instance_path)
    _serve_static_files(app)
    _answer_trusted_hosts_only(app)
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    config.create_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path)
    db.init_app(app)
    # Batch mode lets later migrations alter SQLite tables as well as PostgreSQL's.
    migrate.init_app(app, db, directory=str(paths.MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    extensions.compress.init_app(app)  # gzip/brotli: htmx and the CSS shrink to a third
    extensions.htmx.init_app(app)  # (webapp.htmx, the helper module, shadows the name)
    with app.app_context():
        _enforce_sqlite_foreign_keys()

    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    from api import bp as api_bp
    from webapp import commands, models, security  # noqa: F401  (models: so Alembic sees every table)
    from webapp.services import attachments
    from webapp.views import register_views

    attachments.init_app(app)
    security.init_app(app)
    register_views(app)
    commands.init_app(app)
    csrf.exempt(api_bp)  # no cookies there, so nothing to forge
    app.register_blueprint(api_bp)
    return app


class RowIdConverter(IntegerConverter):
    """`<int:...>` in our routes: an id beyond what the database stores matches no
    route (404), instead of reaching the database and failing there (500); and ASCII
    digits only (Werkzeug's `\\d` takes every script's, "١" for 1)."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def _serve_static_files(app):
    """Serve /static/ with WhiteNoise: the brotli and gzip copies made at set-up
    (scripts/build-assets), our security headers, and a revalidation on every use, since
    the names carry no hash (the service worker's cache carries the version)."""
    from webapp.security import add_static_headers

    app.wsgi_app = WhiteNoise(
        app.wsgi_app, root=app.static_folder, prefix="static/", max_age=0,
        autorefresh=app.debug, allow_all_origins=False,
        add_headers_function=partial(add_static_headers, https=app.config["HTTPS"]),
    )


def _answer_trusted_hosts_only(app):
    """Refuse other Host headers before anything runs, static files included; inside
    ProxyFix, so the name checked is the public one the proxy forwards."""
    from webapp.security import DOCUMENT_HEADERS

    app.wsgi_app = TrustedHosts(app.wsgi_app, app.config["ALLOWED_HOSTS"], DOCUMENT_HEADERS)


def _enforce_sqlite_foreign_keys():
    """Make SQLite check foreign keys, as PostgreSQL always does, and let readers
    and a writer work at once (write-ahead log)."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")
