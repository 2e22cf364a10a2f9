"""Rewrite the protocol doc's tables from the declarations: `python -m webapp.wire`."""

from webapp.wire.tables import DOC, rewritten

DOC.write_text(rewritten(DOC.read_text()))
print(f"Wrote the tables of {DOC.name}.")
