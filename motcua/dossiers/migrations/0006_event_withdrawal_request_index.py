"""The withdrawal requests are found by dossier from a small partial index (issue 4: the statistics' raw reads)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_appointment_covering_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossierevent",
            index=models.Index(
                condition=models.Q(("type", "withdrawal_requested")),
                fields=["dossier", "seq", "at"],
                name="event_withdrawal_request",
            ),
        ),
    ]
