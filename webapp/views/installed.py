"""Ask Twice as an app on the phone: the web app manifest, where the installed
app opens, and the help page that explains installing on each kind of phone."""

from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, current_app, g, json, redirect, render_template, url_for
from markupsafe import Markup

from webapp.services import access, cases
from webapp.views import household_id

bp = Blueprint("installed", __name__)

APP_ID = "/ask-twice"  # how browsers know the installed app: never change it
THEME = {"light": "#0b4f8a", "dark": "#0b2438"}  # the header's colour in each theme
BACKGROUND = "#f2f5f7"  # the page's colour while the app starts
# (static/offline.html, a plain file, repeats THEME in its head)


@cache
def icon_data_url():
    """The tab's icon, static/icons/icon.svg, as a data: URL: one request fewer per first load."""
    svg = (Path(current_app.static_folder) / "icons" / "icon.svg").read_text()
    # Percent-encoded but for a few plain characters, with no ", <, > or &: safe in an
    # attribute. Spaces too (%20): a URL may hold none, and the HTML checker says so.
    text = " ".join(svg.split()).replace('"', "'")
    return Markup("data:image/svg+xml," + quote(text, safe="'=:/.,;-"))


@bp.app_context_processor
def theme_colours():
    return {"theme_colours": THEME, "icon_data_url": icon_data_url}


def _icon(name, size, purpose):
    return {"src": url_for("static", filename=f"icons/{name}"), "sizes": f"{size}x{size}",
            "type": "image/png", "purpose": purpose}


def manifest():
    """The manifest as a dict: names, where it starts, colours and icons."""
    return {
        "id": APP_ID,
        "name": "Ask Twice",
        "short_name": "Ask Twice",
        "description": "Prepare, ask and remember: a second opinion for your child, "
                       "with notes that work without signal.",
        "lang": "en-GB",
        "start_url": url_for("installed.start"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME["light"],
        "background_color": BACKGROUND,
        "icons": [
            _icon("icon-192.png", 192, "any"),
            _icon("icon-512.png", 512, "any"),
            _icon("icon-maskable-192.png", 192, "maskable"),
            _icon("icon-maskable-512.png", 512, "maskable"),
        ],
    }


@bp.get("/manifest.webmanifest")
def webmanifest():
    """Serve the manifest (public: browsers fetch it without cookies)."""
    return current_app.response_class(json.dumps(manifest()), mimetype="application/manifest+json")


@bp.get("/start")
def start():
    """Where the installed app opens: the next visit if there is one, else home."""
    upcoming = cases.upcoming_visits(household_id(), date.today(), access.case_filter(g.member))
    if upcoming:
        return redirect(url_for("visits.show", visit_id=upcoming[0].id), code=303)
    return redirect(url_for("home.index"), code=303)


@bp.get("/help")
def help_page():
    """Help: using Ask Twice as an app, without signal, and keeping notes safe."""
    return render_template("help/index.html")
