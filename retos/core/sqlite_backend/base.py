"""SQLite, with one change: ``flush`` (used by ``manage.py flush`` and transactional tests)
lifts the append-only triggers (the ledger's, the submitted scores', the OCDS releases', the
witnesses' observations') while it empties every table, and puts them back.

SQLite has no TRUNCATE, so emptying the database is a DELETE that the triggers refuse, as they
should for any other DELETE. PostgreSQL needs no such backend: its flush is a TRUNCATE, which the
row triggers do not see.
"""

from django.db.backends.sqlite3 import base, operations

from retos.evaluation import triggers as score_triggers
from retos.ledger import triggers as ledger_triggers
from retos.ocds import triggers as ocds_triggers
from retos.witness import triggers as observation_triggers

# table -> the module holding its SQLITE_DROP and SQLITE_CREATE statements
GUARDED_TABLES = {
    "ledger_event": ledger_triggers,
    "evaluation_score": score_triggers,
    "ocds_release": ocds_triggers,
    "witness_observation": observation_triggers,
}


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        guarded = [module for table, module in GUARDED_TABLES.items() if table in tables]
        drop = [sql for module in guarded for sql in module.SQLITE_DROP]
        create = [sql for module in guarded for sql in module.SQLITE_CREATE]
        return [*drop, *statements, *create]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
