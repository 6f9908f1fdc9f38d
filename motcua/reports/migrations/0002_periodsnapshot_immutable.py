"""Snapshots of closed periods are immutable (DOMAIN.md V-3): triggers refuse every UPDATE and DELETE.

A correction is a new version (reports.snapshots.period_restate), never an edit. TRUNCATE stays possible
for an operator emptying a database (and for test databases being flushed); it is not row DML.
"""

from django.db import migrations

PG_FORWARD = [
    """CREATE FUNCTION reports_periodsnapshot_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION USING
           MESSAGE = 'periodsnapshot_immutable: ' || TG_OP || ' refused, a closed period is restated by a new version',
           ERRCODE = 'integrity_constraint_violation';
       END
       $$""",
    """CREATE TRIGGER periodsnapshot_immutable BEFORE UPDATE OR DELETE ON reports_periodsnapshot
       FOR EACH ROW EXECUTE FUNCTION reports_periodsnapshot_immutable()""",
]
PG_BACKWARD = [
    "DROP TRIGGER periodsnapshot_immutable ON reports_periodsnapshot",
    "DROP FUNCTION reports_periodsnapshot_immutable()",
]

SQLITE_FORWARD = [
    """CREATE TRIGGER periodsnapshot_immutable_update BEFORE UPDATE ON reports_periodsnapshot
       BEGIN SELECT RAISE(ABORT, 'periodsnapshot_immutable: UPDATE refused'); END""",
    """CREATE TRIGGER periodsnapshot_immutable_delete BEFORE DELETE ON reports_periodsnapshot
       BEGIN SELECT RAISE(ABORT, 'periodsnapshot_immutable: DELETE refused'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER periodsnapshot_immutable_update",
    "DROP TRIGGER periodsnapshot_immutable_delete",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_period_snapshot")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
