"""Install and remove the database triggers that make a table append-only (the ledger, the
OCDS releases, published observations) or freeze its rows once submitted (scores).

Each table's module (``<app>/triggers.py``) holds its statements per engine
(``SQLITE_CREATE``/``SQLITE_DROP``/``POSTGRESQL_CREATE``/``POSTGRESQL_DROP``); its migration
calls ``create`` and ``drop`` here, and SQLite's ``flush`` runs the same statements
(``retos.core.sqlite_backend``)."""

from __future__ import annotations


def _run(connection, statements) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create(connection, module) -> None:
    """Install ``module``'s triggers; an engine without them is refused (the guarantee would
    silently be missing)."""
    statements = {"sqlite": module.SQLITE_CREATE, "postgresql": module.POSTGRESQL_CREATE}.get(
        connection.vendor
    )
    if statements is None:
        raise RuntimeError(f"{module.__name__}: no triggers for {connection.vendor}")
    _run(connection, statements)


def drop(connection, module) -> None:
    statements = {"sqlite": module.SQLITE_DROP, "postgresql": module.POSTGRESQL_DROP}.get(
        connection.vendor, []
    )
    _run(connection, statements)
