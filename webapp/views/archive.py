"""Export everything (a button and `flask export`), `flask restore` and `flask backup`."""

import sys
import tempfile
from pathlib import Path

import click
from flask import Blueprint, render_template, send_file

from webapp.errors import DomainError
from webapp.extensions import db
from webapp.schemas import load
from webapp.schemas.forms import PassphraseSchema
from webapp.services import accounts, archive, backups, restore, upgrade

bp = Blueprint("archive", __name__, cli_group=None)  # commands: `flask --app webapp export`


@bp.get("/export")
def index():
    """Explain the export and offer the button."""
    return render_template("archive/index.html", allowed=archive.one_household())


@bp.post("/export")
def create():
    """Download one archive with every row, every attached file and a readable copy."""
    if not archive.one_household():  # it would hold the other families' data too
        return render_template("archive/index.html", allowed=False), 422
    buffer = tempfile.TemporaryFile()  # on disk, not in memory: attached files can be large
    archive.export_archive(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"ask-twice-{archive.stamp()}.zip", max_age=0)


@bp.cli.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the archive (default: ask-twice-<date>.zip here).")
def export_command(output):
    """Export every row and attached file to one zip archive, without sign-in secrets."""
    output = output or Path(f"ask-twice-{archive.stamp()}.zip")
    manifest = archive.export_archive(output)
    rows = sum(1 for name in manifest["members"] if name.startswith("data/"))
    files = sum(1 for name in manifest["members"] if name.startswith("files/"))
    click.echo(f"Exported {rows} tables and {files} files to {output}.")


@bp.cli.command("restore")
@click.argument("archive_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True,
              help="Restore an archive another install made without asking first.")
def restore_command(archive_path, yes):
    """Restore an export or backup into this fresh, empty install (refuses anything else)."""
    upgrade.make_tables_if_fresh()  # a new computer's data folder has no database yet
    try:
        try:
            counts, kind = restore.restore_archive(archive_path)
        except restore.NotVouchedFor as doubt:
            if not yes:
                click.confirm(f"{doubt.message}\nRestore it?", abort=True, err=True)
            counts, kind = restore.restore_archive(archive_path, trusted=True)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Restored {sum(counts.values())} rows in {len(counts)} tables "
               f"from {archive_path}.")
    if kind == archive.EXPORT:
        where = ("open Ask Twice on this computer to set the owner's passphrase"
                 if archive.one_household() else
                 "set each family owner's passphrase with flask --app webapp set-passphrase NAME")
        click.echo(f"An export keeps no passphrases or paired phones: {where}, then pair "
                   "each phone again.")


@bp.cli.command("set-passphrase")
@click.argument("name")
@click.password_option(prompt="Choose a passphrase", confirmation_prompt="Type it again")
def set_passphrase_command(name, password):
    """Set the passphrase of an owner restored from an export (it keeps none)."""
    owner = accounts.owner_without_passphrase(name)
    if owner is None:
        raise click.ClickException(f"No owner named {name} is waiting for a passphrase.")
    try:
        data = load(PassphraseSchema, {"passphrase": password, "passphrase_again": password})
        accounts.set_owner_passphrase(owner, **data)
    except DomainError as error:
        raise click.ClickException(" ".join(sum(error.errors.values(), [])) or error.message
                                   ) from None
    db.session.commit()
    click.echo(f"{owner.name} can sign in with the new passphrase.")


@bp.cli.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sqlite", "database_file", is_flag=True,
              help="Copy the SQLite database file instead (restore does not read it).")
@click.option("--archive", "_archive", is_flag=True, hidden=True)  # the default: old crontabs
def backup_command(target, database_file, _archive):
    """Back up every row and attached file to an archive that `restore` reads, safely while
    Ask Twice runs, for this user's eyes only (by default with the nightly backups)."""
    try:
        if database_file:
            target = target or upgrade.backups_folder() / f"ask-twice-{archive.stamp()}.sqlite"
            archive.backup_database(target)
        elif target:
            archive.export_archive(target, kind=archive.BACKUP)
        else:
            target = backups.make()
    except DomainError as error:
        raise click.ClickException(error.message) from None
    what = "the database" if database_file else "everything"
    click.echo(f"Backed up {what} to {target}.", file=sys.stdout)
