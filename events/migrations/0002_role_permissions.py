from django.db import migrations

from outreach.roles import grant_permissions

MODELS = [
    "event",
    "benefit",
    "benefitapproval",
    "proposal",
    "proposalpackage",
    "contract",
    "contractinkind",
    "clause",
    "amendment",
    "deliverable",
    "evidence",
    "payment",
    "material",
    "merchantlink",
]
VIEW = [f"events.view_{model}" for model in MODELS]
WRITE = [f"events.{action}_{model}" for model in MODELS for action in ("add", "change")]


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        {
            "officer": VIEW + WRITE,
            "vice_minister": VIEW + WRITE,
            "minister": VIEW + WRITE + ["events.delete_event", "events.delete_material"],
            "advisor": VIEW,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("outreach", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
