"""A stand-in `tailscale` for tests: a small Python script, put first on PATH, that
records its arguments and answers `status --json` and `serve` as the real one does
(Tailscale 1.52 and later). The real Tailscale network cannot be reached here."""

import json
import os
import sys

NAME = "family-pc.tail1234.ts.net"


def running(name=NAME):
    """What `tailscale status --json` says (in part) when signed in with https names."""
    return {"BackendState": "Running", "Self": {"DNSName": f"{name}.", "Online": True},
            "CurrentTailnet": {"Name": "sam@example.com",
                               "MagicDNSSuffix": name.partition(".")[2],
                               "MagicDNSEnabled": True},
            "CertDomains": [name]}


RUNNING = running()
SERVED = ("Available within your tailnet:\n\nhttps://{name}/\n|-- proxy http://127.0.0.1:{port}"
          "\n\nServe started and running in the background.\n"
          "To disable the proxy, run: tailscale serve --https=443 off\n")
SCRIPT = """#!{python}
import json, sys
from pathlib import Path
here = Path(__file__).parent
with (here / "calls").open("a") as calls:
    calls.write(json.dumps(sys.argv[1:]) + "\\n")
if sys.argv[1:3] == ["status", "--json"]:
    print((here / "status.json").read_text())
elif sys.argv[1] == "serve":
    print((here / "served.txt").read_text().replace("{{port}}", sys.argv[-1].rpartition(":")[2]))
"""


def stand_in(folder, name=NAME):
    """Write a signed-in `tailscale` giving this computer the https `name` into `folder`;
    return the PATH that finds it first. Change its answer in folder/status.json;
    folder/calls lists the arguments of each run."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "tailscale"
    script.write_text(SCRIPT.format(python=sys.executable))
    script.chmod(0o755)
    (folder / "status.json").write_text(json.dumps(running(name)))
    (folder / "served.txt").write_text(SERVED.replace("{name}", name))
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def calls(folder):
    """The arguments of each run of the stand-in in `folder`, in order."""
    return [json.loads(line) for line in (folder / "calls").read_text().splitlines()]
