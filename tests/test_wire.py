"""The wire declarations are the one source of the sync endpoints and the protocol doc."""

from api import sync
from webapp.wire.entities import ENTITIES
from webapp.wire.ops import OPS
from webapp.wire.tables import DOC, rewritten


def test_the_protocol_doc_shows_the_declared_ops_and_entities():
    text = DOC.read_text()
    assert rewritten(text) == text, "docs/sync-protocol.md is stale: run `python -m webapp.wire`"
    for name in [*OPS, *ENTITIES]:
        assert f"| `{name}` |" in text


def test_wire_names_are_not_table_names_where_they_differ():
    assert {name: e.model.__tablename__ for name, e in ENTITIES.items()
            if name != e.model.__tablename__} == {"question": "visit_question",
                                                   "consent": "consent_event"}


def test_push_applies_exactly_the_declared_ops():
    assert sync.OPS is OPS
    assert {op.entity.name for op in OPS.values()} <= set(ENTITIES)
