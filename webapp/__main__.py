"""`python -m webapp`: the same as `ask-twice` (the service starts it so)."""

from webapp.cli import main

main(prog_name="ask-twice")
