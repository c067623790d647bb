from django.db import migrations, models


class Migration(migrations.Migration):
    """emailed_at was stamped when a worker claimed the mail, before sending it. The claim now
    has its own column (with a lease), and sent_at is stamped after the mail went out; rows
    already stamped were sent by the old code (or lost with no way to tell), so they keep it."""

    dependencies = [
        ("outreach", "0004_score_rules_and_permissions"),
    ]

    operations = [
        migrations.RenameField(model_name="notification", old_name="emailed_at", new_name="sent_at"),
        migrations.AddField(
            model_name="notification",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="认领时间"),
        ),
        migrations.AddField(
            model_name="notification",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="发送次数"),
        ),
        migrations.AddField(
            model_name="notification",
            name="last_error",
            field=models.TextField(blank=True, verbose_name="最近的错误"),
        ),
    ]
