from django.db import migrations

from outreach.roles import grant_permissions

INDUSTRIES = ["食品", "餐饮", "服饰", "家电", "教育培训", "互联网", "书籍文具", "生活用品", "运动", "其他"]

VIEW = [
    "sponsors.view_merchant",
    "sponsors.view_industry",
    "sponsors.view_tag",
]
WRITE = ["sponsors.add_merchant", "sponsors.change_merchant", "sponsors.add_tag"]


def seed(apps, schema_editor):
    Industry = apps.get_model("sponsors", "Industry")
    for order, name in enumerate(INDUSTRIES):
        Industry.objects.get_or_create(name=name, defaults={"sort_order": order * 10})
    grant_permissions(
        apps,
        {
            "officer": VIEW + WRITE,
            "vice_minister": VIEW + WRITE + ["sponsors.add_industry", "sponsors.change_industry"],
            "minister": VIEW
            + WRITE
            + ["sponsors.add_industry", "sponsors.change_industry", "sponsors.delete_merchant"],
            "advisor": VIEW,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sponsors", "0001_initial"),
        ("outreach", "0002_roles"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
