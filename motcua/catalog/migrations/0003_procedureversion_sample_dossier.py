"""The sample filled dossier of a procedure (hồ sơ mẫu, DOMAIN.md §3.2 `sample_dossier`): a file or a link.

SQLite adds a NOT NULL column by rebuilding the table, which drops the triggers of 0002 that keep a
procedure's versions from overlapping; they are created again after the change (and after its reversal).
"""

from importlib import import_module

from django.db import migrations, models

NO_OVERLAP = import_module("motcua.catalog.migrations.0002_procedureversion_no_overlap")


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in NO_OVERLAP.SQLITE_FORWARD:
        schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_procedureversion_no_overlap"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.AddField(
            model_name="procedureversion",
            name="sample_dossier",
            field=models.FileField(
                blank=True,
                help_text="Hồ sơ mẫu đã điền sẵn.",
                upload_to="catalog/samples/",
                verbose_name="hồ sơ mẫu (tệp)",
            ),
        ),
        migrations.AddField(
            model_name="procedureversion",
            name="sample_dossier_url",
            field=models.URLField(
                blank=True,
                help_text="Ví dụ video hướng dẫn hoặc hồ sơ mẫu trên Cổng DVCQG.",
                verbose_name="hồ sơ mẫu (đường dẫn)",
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
