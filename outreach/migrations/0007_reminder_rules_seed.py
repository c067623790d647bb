from django.db import migrations

# The defaults as they were when the rules were introduced; the minister edits them on the
# reminder settings page (outreach.models.REMINDER_DEFAULTS holds the current defaults).
DEFAULTS = {
    "followup_due": {"days": 0, "email": False},
    "followup_overdue": {"repeat_days": 3, "email": False},
    "fulfilment": {"days": 2},
    "payment_due": {"days": 3, "to_ministers": True, "email": False},
    "payment_overdue": {"repeat_days": 3, "to_ministers": True, "group_chat": True},
    "contract_approval": {"days": 2},
    "posting_closing": {"days": 2},
    "screening_waiting": {"days": 2, "email": False},
    "season_outreach": {"days": 14, "to_responsible": False, "to_ministers": True, "direction": "enterprise"},
    "assignment_due": {"days": 2},
    "gathering": {"days": 1},
    "daily_digest": {},
    "weekly_digest": {"to_responsible": False, "to_ministers": True, "group_chat": True},
}


def seed(apps, schema_editor):
    ReminderRule = apps.get_model("outreach", "ReminderRule")
    for kind, values in DEFAULTS.items():
        ReminderRule.objects.get_or_create(kind=kind, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("outreach", "0006_reminders")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
