"""Dossiers carry whether the statistics counters hold them as they are (issue 4 item 8, ADR 0005)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0003_dossierfile_onetimecode"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="counted",
            field=models.BooleanField(default=False, verbose_name="đã tổng hợp vào bộ đếm"),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(condition=models.Q(("counted", False)), fields=["id"], name="dossier_not_counted"),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("delivered_at__isnull", False)), fields=["delivered_at"], name="dossier_delivered_at"
            ),
        ),
    ]
