from django.db import migrations

from outreach.roles import grant_permissions

# kind, outreach starts (month, day), work starts (month, day), note
SEASONS = [
    ("may_day", (3, 1), (5, 1), "五一促销员:三月起联系商家。"),
    ("summer", (6, 1), (7, 10), "暑期工:六月起联系商家。"),
    ("national_day", (8, 20), (10, 1), "国庆促销员:开学前联系商家。"),
    ("winter", (11, 20), (1, 15), "寒假工:十一月下旬起联系商家。"),
    ("weekend", (None, None), (None, None), "周末兼职,全年都有。"),
    ("other", (None, None), (None, None), ""),
]

VIEW = ["jobs.view_posting", "jobs.view_application", "jobs.view_season", "jobs.view_employerrating"]
OFFICER = VIEW + ["jobs.change_application", "jobs.add_employerrating"]
LEADER = OFFICER + ["jobs.add_posting", "jobs.change_posting", "jobs.change_season"]


def seed(apps, schema_editor):
    Season = apps.get_model("jobs", "Season")
    for kind, (om, od), (wm, wd), note in SEASONS:
        Season.objects.get_or_create(
            kind=kind,
            defaults={"outreach_month": om, "outreach_day": od, "work_month": wm, "work_day": wd, "note": note},
        )
    grant_permissions(
        apps,
        {"officer": OFFICER, "vice_minister": LEADER, "minister": LEADER + ["jobs.delete_posting"], "advisor": VIEW},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("outreach", "0002_roles"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
