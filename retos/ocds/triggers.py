"""The database itself refuses to change or remove a published OCDS release, whatever the
code does (the admin site, a shell, a bug)."""

import sys

from retos.core import append_only

SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS ocds_release_no_update BEFORE UPDATE ON ocds_release "
    "BEGIN SELECT RAISE(ABORT, 'OCDS releases are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS ocds_release_no_delete BEFORE DELETE ON ocds_release "
    "BEGIN SELECT RAISE(ABORT, 'OCDS releases are append-only'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS ocds_release_no_update",
    "DROP TRIGGER IF EXISTS ocds_release_no_delete",
]
POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION ocds_release_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'OCDS releases are append-only';
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS ocds_release_append_only ON ocds_release",
    "CREATE TRIGGER ocds_release_append_only BEFORE UPDATE OR DELETE ON ocds_release "
    "FOR EACH ROW EXECUTE FUNCTION ocds_release_append_only()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS ocds_release_append_only ON ocds_release",
    "DROP FUNCTION IF EXISTS ocds_release_append_only()",
]


def create(connection) -> None:
    append_only.create(connection, sys.modules[__name__])


def drop(connection) -> None:
    append_only.drop(connection, sys.modules[__name__])
