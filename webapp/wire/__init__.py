"""What phones and the home computer exchange, each kind declared once.

`entities` names each kind of row a phone keeps a copy of; `ops` each write a
phone may send. The sync endpoints (api/sync.py), the change log and the
protocol's tables in docs/sync-protocol.md all come from these declarations,
by their wire names (never table names, which may change under them).
"""
