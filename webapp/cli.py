"""`ask-twice`: the Flask app's commands under one name (`ask-twice backup`,
`ask-twice doctor`...); alone, it starts Ask Twice and opens it in the browser."""

import os

import click
from flask.cli import FlaskGroup


def _create_app():
    from webapp import create_app

    return create_app()


def _use_data_folder(_ctx, _param, value):
    if value:  # before the app is made: webapp/paths.py reads it
        os.environ["ASK_TWICE_DATA"] = value


@click.group(cls=FlaskGroup, create_app=_create_app, load_dotenv=False,
             set_debug_flag=False, add_version_option=False, invoke_without_command=True)
@click.option("--data", metavar="FOLDER", is_eager=True, expose_value=False,
              callback=_use_data_folder, help="Keep the data in FOLDER (ASK_TWICE_DATA).")
@click.option("--no-browser", is_flag=True, help="Start without opening the browser.")
@click.pass_context
def main(ctx, no_browser):
    """Ask Twice. Alone, `ask-twice` starts it and opens it in this computer's browser."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(ctx.command.get_command(ctx, "serve"), no_browser=no_browser)


# A family has no use for Flask's --app, --env-file and --debug: this command is one app.
main.params = [param for param in main.params if param.name not in ("app", "env_file", "debug")]
