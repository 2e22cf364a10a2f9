"""The commands only the console has: `serve`, `doctor`, `connect`, `service` and
`settings`. With the blueprints' own (backup, export, restore, storage...) they make
`ask-twice` (webapp/cli.py) and `flask --app webapp`."""

import os
import platform
import threading
import webbrowser
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from webapp import hosts, settings
from webapp.services import autostart, backups, health, tailnet, upgrade

service = AppGroup("service", help="Start Ask Twice with this computer, or stop doing so.")
settings_group = AppGroup("settings", invoke_without_command=True,
                          help="Show the settings kept for this install, or change one.")
BACKUP_CHECK_SECONDS = 30 * 60  # how often the server looks whether a backup is due
MARKS = {health.OK: "OK", health.NOTE: "Note", health.FIX: "To do"}


def init_app(app):
    """Add the console's commands to `app`'s command line."""
    for command in (serve_command, doctor_command, connect_command, service, settings_group):
        app.cli.add_command(command)


@click.command("serve")
@click.option("--host", help="The address to serve on (default: HOST, else this computer only).")
@click.option("--port", type=int, help="The port (default: PORT, else 8000; 0 picks a free one).")
@click.option("--no-browser", is_flag=True, help="Do not open the browser on this computer.")
def serve_command(host, port, no_browser):
    """Bring the database up to date, then serve Ask Twice until stopped (Ctrl-C)."""
    from waitress import create_server

    app = current_app._get_current_object()
    kept = upgrade.bring_up_to_date()
    if kept:
        click.echo(f"Backed up the database to {kept} before bringing it up to date.")
    host = host or app.config["SERVE_HOST"]
    port = app.config["SERVE_PORT"] if port is None else port
    # Behind a proxy on this computer: waitress drops the X-Forwarded-* headers unless
    # told which proxy to believe (the same as scripts/run).
    proxy = ({"trusted_proxy": "127.0.0.1", "trusted_proxy_headers":
              "x-forwarded-for x-forwarded-host x-forwarded-proto"}
             if app.config["TRUST_PROXY"] else {})
    server = create_server(app, host=host, port=port, **proxy)
    shown = "127.0.0.1" if host.strip() in hosts.EVERY_ADDRESS else host
    address = f"http://{shown}:{server.effective_port}/"
    click.echo(f"Ask Twice is running at {address}  (Ctrl-C stops it)")
    if not no_browser and os.environ.get("ASK_TWICE_NO_BROWSER") != "1":
        webbrowser.open(address)
    stop = threading.Event()
    threading.Thread(target=back_up_nightly, args=(app, stop), daemon=True).start()
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Ask Twice has stopped.")
    finally:
        stop.set()


def back_up_nightly(app, stop, every=BACKUP_CHECK_SECONDS):
    """Make the day's backup whenever one is due, until `stop` is set; a failure is
    logged and tried again at the next look, and never stops the server."""
    while not stop.is_set():
        with app.app_context():
            try:
                made = backups.make_if_due()
            except Exception:  # noqa: BLE001 (full disk, folder gone: say so, go on)
                app.logger.exception("The nightly backup failed; it is tried again later.")
            else:
                if made:
                    app.logger.info("Backed up everything to %s.", made)
        stop.wait(every)


@click.command("doctor")
def doctor_command():
    """Check that this install is healthy; exit 1 when something needs doing."""
    results = health.checks()
    for check in results:
        click.echo(f"{MARKS[check.level]}: {check.said}")
        if check.todo:
            click.echo(f"    {check.todo}")
    if health.needs_doing(results):
        raise SystemExit(1)
    click.echo("All is well.")


@click.command("connect")
def connect_command():
    """Let phones reach Ask Twice over https through Tailscale; exit 1 with the one
    thing to do when a step is missing."""
    app = current_app
    try:
        for done in tailnet.connect(app.instance_path, app.config["SERVE_PORT"]):
            click.echo(f"OK: {done}")
    except tailnet.NotConnected as error:
        click.echo(f"To do: {error.said}")
        raise SystemExit(1) from None
    for name in tailnet.overridden():
        click.echo(f"Note: {name} is set in the environment, whose value is used instead.")
    click.echo("Start Ask Twice again (ask-twice, or restart the service), then add each "
               "phone from the Phones screen.")


def _plan():
    try:
        return autostart.plan(platform.system(), Path.home(), current_app.instance_path)
    except ValueError as error:
        raise click.ClickException(str(error)) from None


@service.command("install")
def service_install():
    """Start Ask Twice whenever you log on to this computer, and now."""
    plan = _plan()
    try:
        autostart.install(plan)
    except autostart.NotRegistered as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Ask Twice now starts by itself when you log on ({plan.path}). Phones sync "
               "only while this computer is on and awake.")


@service.command("remove")
def service_remove():
    """Stop starting Ask Twice with this computer."""
    plan = _plan()
    if autostart.remove(plan):
        click.echo("Ask Twice no longer starts by itself.")
    else:
        click.echo("Ask Twice was not set to start by itself: nothing to undo.")


@settings_group.result_callback()
def _show_after(*_args, **_kwargs):
    _show_settings()


@settings_group.command("set")
@click.argument("name", metavar="NAME", type=click.Choice(settings.NAMES, case_sensitive=False))
@click.argument("value")
def settings_set(name, value):
    """Keep NAME = VALUE; Ask Twice reads it when it next starts."""
    settings.write(current_app.instance_path, {name.upper(): value})


@settings_group.command("unset")
@click.argument("name", metavar="NAME", type=click.Choice(settings.NAMES, case_sensitive=False))
def settings_unset(name):
    """Forget NAME: its default applies when Ask Twice next starts."""
    settings.write(current_app.instance_path, {name.upper(): None})


def _show_settings():
    kept = settings.read(current_app.instance_path)
    click.echo(f"Settings in {Path(current_app.instance_path) / settings.NAME}:")
    for name, value in sorted(kept.items()):
        overridden = " (the environment's value is used instead)" if name in os.environ else ""
        click.echo(f"  {name} = {value}{overridden}")
    if not kept:
        click.echo("  none: every setting has its default.")
    click.echo("A change applies when Ask Twice next starts (ask-twice, or the service).")
