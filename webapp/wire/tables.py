"""The protocol doc's tables of ops and entities, written from the declarations.

`python -m webapp.wire` rewrites them in docs/sync-protocol.md; a test fails
when the doc and the declarations differ.
"""

import re
from pathlib import Path

from webapp.wire.entities import ENTITIES
from webapp.wire.ops import OPS

DOC = Path(__file__).resolve().parents[2] / "docs" / "sync-protocol.md"


def op_table():
    rows = [f"| `{op.name}` | `{op.entity.name}` | {', '.join(op.data_fields())} | "
            f"`{op.service.__module__.rsplit('.', 1)[-1]}.{op.service.__name__}` |"
            for op in OPS.values()]
    return "\n".join(["| op | entity | data | service |", "|---|---|---|---|", *rows])


def entity_table():
    rows = [f"| `{entity.name}` | {', '.join(entity.output.fields)} |"
            for entity in ENTITIES.values()]
    return "\n".join(["| entity | data |", "|---|---|", *rows])


def rewritten(text):
    """Return `text` with each generated table replaced by the declarations' own."""
    for name, table in (("ops", op_table()), ("entities", entity_table())):
        text = re.sub(rf"(<!-- {name}: .*? -->\n).*?(<!-- end {name} -->)",
                      lambda m, table=table: f"{m.group(1)}{table}\n{m.group(2)}", text,
                      flags=re.S)
    return text
