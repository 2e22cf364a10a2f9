"""Connect phones through Tailscale: ask it to serve Ask Twice over https at the
computer's private-network name, then keep the settings that name needs.

Each step is checked before the next; when one cannot be done, `NotConnected`
says the one thing to do. `connect` yields a sentence for each step done, so
`ask-twice connect` prints them as they come and the Connect screen lists them.
"""

import json
import os
import re
import shutil
import subprocess

from webapp import hosts, settings

DOWNLOAD = "https://tailscale.com/download"
ADMIN_DNS = "https://login.tailscale.com/admin/dns"
# The other way, not made by `connect` yet: docs/self-hosting.md, part B.
OTHER_PATH = ("Without Tailscale, the other way is a certificate of your own, installed on "
              "each phone: docs/self-hosting.md, part B, shows each step.")
KEPT = ("ASK_TWICE_HOSTS", "ASK_TWICE_HTTPS", "ASK_TWICE_TRUST_PROXY")
WAIT_SECONDS = 60  # `serve` may ask Tailscale's servers for the certificate first
_ADDRESS = re.compile(r"https://(?P<name>[a-z0-9.-]+?)\.?(?::443)?/", re.IGNORECASE)


class NotConnected(Exception):
    """A step could not be done: `said` is what is missing and the one thing to do."""

    def __init__(self, said):
        super().__init__(said)
        self.said = said


def connect(folder, port, command="tailscale"):
    """Serve Ask Twice's `port` over https through Tailscale and keep the settings for
    its name in `folder`'s settings file; yield a sentence per step done.

    Raises:
        NotConnected: Tailscale is missing, signed out, without https names, or
            refused to serve.
    """
    found = shutil.which(command)
    if not found:
        raise NotConnected(f"Tailscale is not on this computer. Install it from {DOWNLOAD}, "
                           "sign in, then run this again. " + OTHER_PATH)
    yield "Tailscale is on this computer."
    name = _signed_in_name(_status(found))
    yield f"Tailscale is signed in, and this computer's name is {name}."
    name = _serve(found, port) or name
    yield f"Tailscale now passes https://{name}/ on to Ask Twice."
    kept = settings.read(folder).get("ASK_TWICE_HOSTS")
    others = [host for host in hosts.trusted_hosts(kept) if host != name]
    settings.write(folder, dict(zip(KEPT, [",".join([name, *others]), "1", "1"], strict=True)))
    yield f"Ask Twice will answer at https://{name}/ (kept in its settings file)."


def overridden():
    """Return the kept settings that an environment variable overrides (developer path)."""
    return [name for name in KEPT if name in os.environ]


def _run(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=WAIT_SECONDS,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NotConnected(f"Tailscale did not answer ({error}). Open the Tailscale app, "
                           "check it is on, then run this again.") from None


def _status(found):
    answer = _run([found, "status", "--json"])
    try:
        return json.loads(answer.stdout)
    except ValueError:
        raise NotConnected("Tailscale is installed but not running. Open the Tailscale app "
                           "and turn it on, then run this again.") from None


def _signed_in_name(status):
    """Return this computer's https name from `tailscale status --json`, or say what
    is missing: signing in, the names (MagicDNS) or the certificates."""
    state = status.get("BackendState")
    if state in ("NeedsLogin", "NeedsMachineAuth", "NoState"):
        raise NotConnected("Tailscale is installed but not signed in. Open the Tailscale app "
                           "and sign in, then run this again.")
    if state != "Running":
        raise NotConnected("Tailscale is installed but turned off. Open the Tailscale app "
                           "and turn it on, then run this again.")
    name = hosts.normalise((status.get("Self") or {}).get("DNSName", "").rstrip("."))
    tailnet = status.get("CurrentTailnet") or {}
    if not name or tailnet.get("MagicDNSEnabled") is False:
        raise NotConnected("Tailscale gives this computer no name yet. Turn on MagicDNS in "
                           f"Tailscale's admin page, {ADMIN_DNS}, then run this again.")
    if name not in [hosts.normalise(domain) for domain in status.get("CertDomains") or []]:
        raise NotConnected("Tailscale has no https certificates for this computer yet. Turn "
                           f"on HTTPS Certificates in Tailscale's admin page, {ADMIN_DNS}, "
                           "then run this again.")
    return name


def _serve(found, port):
    """Ask Tailscale to pass https on to Ask Twice; return the name it gives, if it says."""
    answer = _run([found, "serve", "--bg", "--yes", "--https=443", f"http://127.0.0.1:{port}"])
    said = f"{answer.stdout}\n{answer.stderr}"
    if answer.returncode != 0:
        if "access denied" in said.lower():
            raise NotConnected("Tailscale lets only an administrator change what it serves. "
                               "Run this once, then run this again: "
                               "sudo tailscale set --operator=$USER")
        raise NotConnected("Tailscale could not serve Ask Twice over https. It said: "
                           f"{said.strip() or 'nothing'}")
    address = _ADDRESS.search(said)
    return hosts.normalise(address["name"]) if address else None
