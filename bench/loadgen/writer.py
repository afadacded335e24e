"""Fast bulk writes for the load generator: executemany on SQLite, COPY on PostgreSQL.

Rows are plain tuples of str, int, bool or None (dates and timestamps already formatted), in
the column order of `Table.columns`, so no model instance is ever built.
"""

import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, models, transaction

SQLITE_LOAD_PRAGMAS = {
    "synchronous": "OFF",
    "journal_mode": "MEMORY",
    "cache_size": "-400000",  # ~400 MB
    "temp_store": "MEMORY",
    # The generated rows reference only rows written before them; checking every foreign key
    # of millions of rows would double the load time.
    "foreign_keys": "OFF",
}


@dataclass(frozen=True)
class Table:
    model: type[models.Model] | None
    name: str
    columns: tuple[str, ...]


def table_of(model: type[models.Model], *, with_id: bool = True) -> Table:
    """The table of `model`; generated rows give every concrete column, in the model's order.

    Without `with_id` the database numbers the rows (in insert order, so still predictably):
    for tables nothing else refers to. A model that gains a column makes the rows one value
    short and the insert fail loudly.
    """
    fields = model._meta.concrete_fields
    columns = tuple(f.column for f in fields if with_id or not f.primary_key)
    return Table(model, model._meta.db_table, columns)


class Writer:
    """Insert row tuples into tables of the default database, vendor-appropriately."""

    def __init__(self):
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.models: set[type[models.Model]] = set()

    def timestamp(self, day: str, hour: int, minute: int) -> str:
        """A UTC timestamp in the text form each vendor stores (SQLite: naive UTC)."""
        text = f"{day} {hour:02d}:{minute:02d}:00"
        return text if self.vendor == "sqlite" else text + "+00"

    def write(self, table: Table, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        began = time.monotonic()
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in table.columns)
        if self.vendor == "postgresql":
            self._copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN", rows)
        else:
            marks = ", ".join("?" * len(table.columns))
            sql = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})"
            connection.connection.executemany(sql, rows)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        self.seconds[table.name] = self.seconds.get(table.name, 0) + time.monotonic() - began
        if table.model is not None:
            self.models.add(table.model)

    def _copy(self, sql: str, rows: Iterable[tuple]) -> None:
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    @contextmanager
    def load_settings(self, tables: Sequence[Table] = (), stream=None):
        """Trade durability for speed while loading, and restore everything after.

        The secondary indexes of `tables` are dropped during the load and rebuilt at the end:
        one sorted build is several times faster than millions of B-tree inserts. They are
        rebuilt even when the load is interrupted. SQLite also gets fast PRAGMAs; PostgreSQL
        skips the foreign-key triggers when the role may (superuser): the generated rows only
        reference rows written before them. Inside a caller's transaction (tests) nothing is
        changed.
        """
        if connection.in_atomic_block:
            yield
            return
        restore = self._sqlite_pragmas() if self.vendor == "sqlite" else self._pg_session()
        indexes = self._drop_indexes([table.name for table in tables])
        try:
            yield
        finally:
            if stream and indexes:
                stream.write(f"Reconstruction de {len(indexes)} index…\n")
                stream.flush()
            with connection.cursor() as cursor:
                for sql in indexes:
                    cursor.execute(sql)
                for sql in restore:
                    cursor.execute(sql)

    def _sqlite_pragmas(self) -> list[str]:
        raw = connection.connection
        saved = {name: raw.execute(f"PRAGMA {name}").fetchone()[0] for name in SQLITE_LOAD_PRAGMAS}
        for name, value in SQLITE_LOAD_PRAGMAS.items():
            raw.execute(f"PRAGMA {name} = {value}")
        return [f"PRAGMA {name} = {value}" for name, value in saved.items()]

    def _pg_session(self) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                return []
            cursor.execute("SET session_replication_role = replica")
        return ["SET session_replication_role = DEFAULT"]

    def _drop_indexes(self, tables: list[str]) -> list[str]:
        """Drop the indexes that back no constraint; return the statements that rebuild them."""
        if self.vendor == "sqlite":
            marks = ", ".join("?" * len(tables))
            found = connection.connection.execute(
                "SELECT name, sql FROM sqlite_master "
                f"WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
                tables,
            ).fetchall()
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes "
                    "WHERE schemaname = current_schema() AND tablename = ANY(%s) "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                    [tables],
                )
                found = cursor.fetchall()
        with connection.cursor() as cursor:
            for name, _ in found:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return [sql for _, sql in found]

    def finish(self) -> None:
        """Move the id sequences past the explicit ids, then gather planner statistics."""
        if self.vendor == "postgresql":
            statements = connection.ops.sequence_reset_sql(
                no_style(), sorted(self.models, key=lambda m: m._meta.db_table)
            )
            with transaction.atomic(), connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit = 1000")  # sampled: seconds, not minutes
                cursor.execute("ANALYZE")
            else:
                # VACUUM as well: it sets the visibility map that autovacuum would have set on
                # a database that has lived, so that counts and index-only scans read no heap
                # (a freshly loaded table answers them row by row). VACUUM cannot run inside
                # a transaction (a test's): there, statistics only.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
