"""The database itself refuses to change or remove a submitted score, whatever the code does
(the admin site, a shell, a bug). Draft scores (``submitted_at`` empty) may change until the
expert submits them; the submission sets ``submitted_at`` on drafts only."""

import sys

from retos.core import append_only

SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS evaluation_score_no_update BEFORE UPDATE ON evaluation_score "
    "WHEN OLD.submitted_at IS NOT NULL "
    "BEGIN SELECT RAISE(ABORT, 'submitted scores are immutable'); END",
    "CREATE TRIGGER IF NOT EXISTS evaluation_score_no_delete BEFORE DELETE ON evaluation_score "
    "WHEN OLD.submitted_at IS NOT NULL "
    "BEGIN SELECT RAISE(ABORT, 'submitted scores are immutable'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS evaluation_score_no_update",
    "DROP TRIGGER IF EXISTS evaluation_score_no_delete",
]
POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION evaluation_score_immutable() RETURNS trigger AS $$
BEGIN
  IF OLD.submitted_at IS NOT NULL THEN
    RAISE EXCEPTION 'submitted scores are immutable';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS evaluation_score_immutable ON evaluation_score",
    "CREATE TRIGGER evaluation_score_immutable BEFORE UPDATE OR DELETE ON evaluation_score "
    "FOR EACH ROW EXECUTE FUNCTION evaluation_score_immutable()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS evaluation_score_immutable ON evaluation_score",
    "DROP FUNCTION IF EXISTS evaluation_score_immutable()",
]


def create(connection) -> None:
    append_only.create(connection, sys.modules[__name__])


def drop(connection) -> None:
    append_only.drop(connection, sys.modules[__name__])
