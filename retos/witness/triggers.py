"""The database itself refuses to change or remove a published observation, whatever the code
does (the admin site, a shell, a bug): a correction is a new observation that points at the
one it corrects. Used by migration 0002 and, on SQLite, by ``flush`` (which lifts them while
it empties the tables; see ``retos.core.sqlite_backend``)."""

import sys

from retos.core import append_only

SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS witness_observation_no_update "
    "BEFORE UPDATE ON witness_observation "
    "BEGIN SELECT RAISE(ABORT, 'published observations are immutable'); END",
    "CREATE TRIGGER IF NOT EXISTS witness_observation_no_delete "
    "BEFORE DELETE ON witness_observation "
    "BEGIN SELECT RAISE(ABORT, 'published observations are immutable'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS witness_observation_no_update",
    "DROP TRIGGER IF EXISTS witness_observation_no_delete",
]
POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION witness_observation_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'published observations are immutable';
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS witness_observation_immutable ON witness_observation",
    "CREATE TRIGGER witness_observation_immutable BEFORE UPDATE OR DELETE ON witness_observation "
    "FOR EACH ROW EXECUTE FUNCTION witness_observation_immutable()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS witness_observation_immutable ON witness_observation",
    "DROP FUNCTION IF EXISTS witness_observation_immutable()",
]


def create(connection) -> None:
    append_only.create(connection, sys.modules[__name__])


def drop(connection) -> None:
    append_only.drop(connection, sys.modules[__name__])
