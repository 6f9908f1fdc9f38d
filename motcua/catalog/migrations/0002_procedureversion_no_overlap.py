"""Versions of one procedure may not overlap (DESIGN.md rule 3): exclusion constraint or trigger."""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE catalog_procedureversion ADD CONSTRAINT procedureversion_no_overlap
       EXCLUDE USING gist (
         procedure_id WITH =,
         daterange(COALESCE(valid_from, '-infinity'::date), COALESCE(valid_to, 'infinity'::date), '[]') WITH &&
       )""",
]
PG_BACKWARD = ["ALTER TABLE catalog_procedureversion DROP CONSTRAINT procedureversion_no_overlap"]

SQLITE_OVERLAP = """
    SELECT RAISE(ABORT, 'procedureversion_no_overlap')
    WHERE EXISTS (
      SELECT 1 FROM catalog_procedureversion other
      WHERE other.procedure_id = NEW.procedure_id AND other.id IS NOT NEW.id
        AND COALESCE(other.valid_from, '0001-01-01') <= COALESCE(NEW.valid_to, '9999-12-31')
        AND COALESCE(NEW.valid_from, '0001-01-01') <= COALESCE(other.valid_to, '9999-12-31')
    );
"""
SQLITE_FORWARD = [
    f"CREATE TRIGGER procedureversion_no_overlap_insert BEFORE INSERT ON catalog_procedureversion BEGIN {SQLITE_OVERLAP} END",
    f"CREATE TRIGGER procedureversion_no_overlap_update BEFORE UPDATE ON catalog_procedureversion BEGIN {SQLITE_OVERLAP} END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER procedureversion_no_overlap_insert",
    "DROP TRIGGER procedureversion_no_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
