"""Trigram indexes for the admin's search by name, on PostgreSQL (nothing on SQLite).

The search matches part of a worker's last or first name, case aside: Django's `icontains`,
`UPPER(name::text) LIKE UPPER('%word%')`. No B-tree serves a pattern that starts with `%`;
a GIN index of the trigrams of `UPPER(name)` does (at 1 000 000 dossiers, 770 000 workers
are otherwise read for every search). pg_trgm is a trusted extension (PostgreSQL 13+): the
owner of the database may create it. A role that may not gets a notice (in French, as the
product's other messages) and no indexes: the search still answers, more slowly (README
« Production »).

The indexes are not in the models' state: SQLite has no equivalent, and the models describe
both databases.
"""

from django.db import DatabaseError, migrations, transaction

INDEXES = {"worker_last_name_trgm": "last_name", "worker_first_name_trgm": "first_name"}


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    table = apps.get_model("cases", "Worker")._meta.db_table
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        print(
            "\n  Extension pg_trgm indisponible (" + str(error).strip().splitlines()[0] + ") : "
            "la recherche par nom fonctionne sans ses index trigrammes, plus lentement. "
            "Créez l'extension en superutilisateur (CREATE EXTENSION pg_trgm), puis lancez "
            "`manage.py migrate cases 0008` et `manage.py migrate` pour les ajouter."
        )
        return
    with connection.cursor() as cursor:
        for name, column in INDEXES.items():
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f'USING gin (UPPER("{column}") gin_trgm_ops)'
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_dossier_list_index")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
