"""SQLite, with one change: ``flush`` (used by ``manage.py flush`` and transactional tests)
lifts the ledger's append-only triggers while it empties every table, and puts them back.

SQLite has no TRUNCATE, so emptying the database is a DELETE that the triggers refuse, as they
should for any other DELETE. PostgreSQL needs no such backend: its flush is a TRUNCATE, which the
row triggers do not see.
"""

from django.db.backends.sqlite3 import base, operations

from retos.ledger.triggers import SQLITE_CREATE, SQLITE_DROP


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if "ledger_event" not in tables:
            return statements
        return [*SQLITE_DROP, *statements, *SQLITE_CREATE]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
