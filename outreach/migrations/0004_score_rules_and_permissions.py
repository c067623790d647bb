from decimal import Decimal

from django.db import migrations

from outreach.roles import grant_permissions

# The examples of issue 6; the minister edits them on the rules page.
RULES = [
    ("visit", Decimal("1"), "每次拜访商家 +1"),
    ("contract_signed", Decimal("5"), "签下一份赞助合同 +5"),
    ("deliverable_verified", Decimal("2"), "一项宣传权益落实并核验 +2"),
    ("application_screened", Decimal("0.5"), "初试一份兼职报名 +0.5"),
    ("training_late", Decimal("-1"), "培训迟到 −1"),
    ("training_absent", Decimal("-2"), "培训无故缺席 −2"),
    ("meeting_absent", Decimal("-1"), "例会无故缺席 −1"),
    ("experience_shared", Decimal("1"), "例会上分享经验 +1"),
    ("assignment_score", Decimal("0.1"), "作业得分按 10% 计入"),
]

MODELS = [
    "semester",
    "candidate",
    "trainingsession",
    "trainingattendance",
    "meeting",
    "meetingattendance",
    "experienceshare",
    "assignment",
    "submission",
    "scorerule",
    "scoreadjustment",
]
VIEW = [f"outreach.view_{m}" for m in MODELS]
SHARED_WRITE = ["outreach.add_experienceshare", "outreach.change_experienceshare", "outreach.add_submission"]
LEADER_WRITE = [
    f"outreach.{action}_{m}"
    for m in ["trainingsession", "trainingattendance", "meeting", "meetingattendance", "candidate"]
    for action in ("add", "change")
]
MINISTER_WRITE = [f"outreach.{action}_{m}" for m in MODELS for action in ("add", "change", "delete")] + [
    "outreach.change_member"
]


def seed(apps, schema_editor):
    ScoreRule = apps.get_model("outreach", "ScoreRule")
    for metric, points, note in RULES:
        ScoreRule.objects.get_or_create(metric=metric, defaults={"points": points, "note": note})
    grant_permissions(
        apps,
        {
            "officer": VIEW + SHARED_WRITE,
            "vice_minister": VIEW + SHARED_WRITE + LEADER_WRITE,
            "minister": VIEW + MINISTER_WRITE,
            "advisor": VIEW,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("outreach", "0003_department")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
