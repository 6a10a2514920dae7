"""The database itself refuses to change or remove a ledger event, whatever the code does."""

import sys

from retos.core import append_only

SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS ledger_event_no_update BEFORE UPDATE ON ledger_event "
    "BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS ledger_event_no_delete BEFORE DELETE ON ledger_event "
    "BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS ledger_event_no_update",
    "DROP TRIGGER IF EXISTS ledger_event_no_delete",
]
POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION ledger_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ledger events are append-only';
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS ledger_event_append_only ON ledger_event",
    "CREATE TRIGGER ledger_event_append_only BEFORE UPDATE OR DELETE ON ledger_event "
    "FOR EACH ROW EXECUTE FUNCTION ledger_event_append_only()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS ledger_event_append_only ON ledger_event",
    "DROP FUNCTION IF EXISTS ledger_event_append_only()",
]


def create(connection) -> None:
    append_only.create(connection, sys.modules[__name__])


def drop(connection) -> None:
    append_only.drop(connection, sys.modules[__name__])
