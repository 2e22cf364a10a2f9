"""Answer only to the host names Ask Twice is reached by (ASK_TWICE_HOSTS).

Another site can point a name of its own at this computer (DNS rebinding) and
then read the answers as its own pages; its requests still carry its own name
in the Host header, so any name not listed gets 400. Flask 3.1 has a
TRUSTED_HOSTS setting, but Werkzeug 3.1 cannot match an IPv6 address such as
[::1] in it, checks only after the before-request hooks ran, and never sees the
static files WhiteNoise serves: this check sits in front of all of them, behind
the reverse proxy's ProxyFix, so it judges the public name the proxy forwards.
"""

import json
import re

from werkzeug.wrappers import Response

from webapp.errors import envelope

LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
EVERY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}
MESSAGE = "Ask Twice does not answer on this address. Use the address it was set up with."

_HOST = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::[0-9]{1,5})?", re.IGNORECASE)


def trusted_hosts(setting, bound_host=None):
    """Return the host names to answer on: those listed in `setting` (comma-separated),
    else the loopback names plus `bound_host` unless that means every address."""
    names = [name for name in (setting or "").split(",") if name.strip()]
    if not names:
        names = list(LOOPBACK)
        if (bound_host or "").strip() not in EVERY_ADDRESS:
            names.append(bound_host)
    return sorted({normalise(name) for name in names})


def normalise(name):
    """Lower-case `name`, drop any port, and bracket a bare IPv6 address."""
    name = name.strip().lower()
    if name.count(":") > 1 and not name.startswith("["):
        return f"[{name}]"
    if name.startswith("["):
        return name.partition("]")[0] + "]"
    return name.partition(":")[0]


class TrustedHosts:
    """WSGI middleware: a 400 for a Host header not in `names`; under /api/ in
    the API's JSON envelope, elsewhere a short plain page."""

    def __init__(self, app, names, headers):
        self.app = app
        self.names = frozenset(normalise(name) for name in names)
        self.headers = headers

    def __call__(self, environ, start_response):
        host = _HOST.fullmatch(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        if host and host["name"].lower() in self.names:
            return self.app(environ, start_response)
        if environ.get("PATH_INFO", "").startswith("/api/"):
            body = json.dumps(envelope("untrusted_host", MESSAGE))
            response = Response(body, 400, mimetype="application/json")
        else:
            response = Response(MESSAGE, 400, mimetype="text/plain")
        response.headers.update(self.headers)
        response.headers["Cache-Control"] = "no-store"
        return response(environ, start_response)
