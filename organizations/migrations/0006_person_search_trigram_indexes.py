"""PostgreSQL only: trigram indexes for searching people by part of a name, phone or e-mail.

The admin searches with ``icontains``, which Django writes on PostgreSQL as
``UPPER("column"::text) LIKE UPPER('%word%')``: no B-tree index can serve a pattern that starts
with ``%``, so every search read all 150,000 people. A GIN index with pg_trgm's operator class on
that very expression can: the searches of people, participations and attendance marks
(``config.admin_search.SearchesRelatedByKeyMixin``) look people up through these indexes.
SQLite has no such index; nothing is done there.

pg_trgm ships with PostgreSQL (contrib) and is a trusted extension since PostgreSQL 13: the owner
of the database (as in docs/deployment.md and CI) may create it. Elsewhere, a superuser runs
``CREATE EXTENSION pg_trgm;`` in the database once, then ``migrate`` goes through.
"""

from django.db import migrations

# The columns of organizations_person that the admin searches with icontains.
COLUMNS = ["last_name", "first_name", "phone", "email"]


def index_name(column):
    return f"organizations_person_{column}_trgm"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        # Serves UPPER("column"::text) LIKE UPPER('%…%'): the admin's search of people
        # (PersonAdmin) and, through person_id, of participations and attendance marks.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index_name(column))} ON {quote('organizations_person')} "
            f"USING gin ((UPPER({quote(column)}::text)) gin_trgm_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other indexes or queries may have come to use it.
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index_name(column))}")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0005_person_name_order_index")]

    operations = [migrations.RunPython(forward, backward)]
