from django.db import migrations

from outreach.roles import grant_permissions

MODELS = ["contact", "visit", "visitphoto", "followup", "stagechange"]
VIEW = [f"sponsors.view_{model}" for model in MODELS]
WRITE = [f"sponsors.{action}_{model}" for model in MODELS for action in ("add", "change")]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        {
            "officer": VIEW + WRITE,
            "vice_minister": VIEW + WRITE + ["sponsors.delete_contact", "sponsors.delete_visitphoto"],
            "minister": VIEW
            + WRITE
            + ["sponsors.delete_contact", "sponsors.delete_visitphoto", "sponsors.delete_visit"],
            "advisor": VIEW,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sponsors", "0003_contacts_visits_followups"),
        ("outreach", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
