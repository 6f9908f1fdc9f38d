"""The appointment index covers what "about to be late" needs, so reports count it from the index alone (issue 4)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0004_dossier_counted"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dossier",
            name="appointment_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ngày hẹn trả"),
        ),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(
                fields=[
                    "appointment_at",
                    "accepted_at",
                    "processing_ended_at",
                    "state",
                    "supplement_count",
                    "receiving_unit",
                    "channel",
                    "procedure_version",
                    "id",
                ],
                name="dossier_appointment_covering",
            ),
        ),
    ]
