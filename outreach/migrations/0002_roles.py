"""The four roles as auth Groups, with the model permissions each needs.

Later apps grant their own models' permissions in their own data migrations with
outreach.roles.grant_permissions.
"""

from django.db import migrations

from outreach.roles import grant_permissions

ROLES = ["officer", "vice_minister", "minister", "advisor"]
READ = ["outreach.view_member", "outreach.view_team"]


def create_roles(apps, schema_editor):
    grant_permissions(
        apps,
        {
            "officer": READ,
            "vice_minister": READ,
            "minister": READ
            + [
                "outreach.add_member",
                "outreach.change_member",
                "outreach.add_team",
                "outreach.change_team",
                "outreach.delete_team",
            ],
            "advisor": READ,
        },
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
