"""`flask --app webapp storage`: what each household keeps on this computer, against
its share and the disk's free space (services/storage.py)."""

import click
from flask import Blueprint

from webapp.services import storage

bp = Blueprint("storage", __name__, cli_group=None)  # command: `flask --app webapp storage`


@bp.cli.command("storage")
def storage_command():
    """Say what each household keeps, its share, and the disk's free space."""
    report = storage.report()
    click.echo(f"Files are kept in {report.folder}.")
    click.echo(f"Free on this disk: {storage.size(report.free)}.")
    click.echo(f"Each recording: up to {storage.MAX_RECORDING_HOURS} hours "
               f"({storage.size(storage.MAX_RECORDING_BYTES)}).")
    for name, used in report.households:
        click.echo(f"{name}: {storage.size(used)} of {storage.size(report.share)}.")
    for warning in report.warnings:
        click.echo(f"Warning: {warning}")
