from decimal import Decimal

import pytest
from django.core.management import call_command

from outreach import contributions
from outreach.contributions import Metric
from outreach.department import scoring
from outreach.department.queries import members_for_scoring
from outreach.department.services import score_adjustment_create, score_rule_save, semester_current
from outreach.models import AttendanceStatus, ScoreRule
from outreach.tests.department_factories import (
    MeetingAttendanceFactory,
    SemesterFactory,
    TrainingAttendanceFactory,
)

pytestmark = pytest.mark.django_db


def test_score_rules_are_seeded_with_the_issue_examples():
    rules = dict(ScoreRule.objects.values_list("metric", "points"))
    assert rules["visit"] == 1
    assert rules["contract_signed"] == 5
    assert rules["deliverable_verified"] == 2
    assert rules["training_absent"] == -2


def test_breakdown_adds_up_to_the_total_for_every_member_in_the_demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    semester = semester_current()
    cards = scoring.score_cards(semester, members_for_scoring())
    assert len(cards) == 8
    assert any(card.total != 0 for card in cards)
    for card in cards:
        from_lines = sum((line.points for line in card.lines), Decimal("0"))
        from_adjustments = sum((a.points for a in card.adjustments), Decimal("0"))
        assert from_lines + from_adjustments == card.total, card.member
        for line in card.lines:
            expected = line.points_per_unit * line.count if line.registered else 0
            assert line.points == expected
    # Ranked: totals never go up down the list.
    totals = [card.total for card in cards]
    assert totals == sorted(totals, reverse=True)


def test_changing_a_rule_changes_the_scores(officer):
    semester = SemesterFactory()
    TrainingAttendanceFactory(member=officer, status=AttendanceStatus.ABSENT)
    TrainingAttendanceFactory(member=officer, status=AttendanceStatus.ABSENT)
    assert scoring.score_cards(semester, [officer])[0].total == Decimal("-4")

    score_rule_save(
        rule=ScoreRule.objects.get(metric="training_absent"), metric="training_absent", points=Decimal("-3")
    )
    assert scoring.score_cards(semester, [officer])[0].total == Decimal("-6")

    rule = ScoreRule.objects.get(metric="training_absent")
    score_rule_save(rule=rule, metric="training_absent", points=rule.points, active=False)
    assert scoring.score_cards(semester, [officer])[0].total == 0


def test_a_rule_whose_metric_is_not_registered_scores_zero_and_says_so(officer):
    semester = SemesterFactory()
    ScoreRule.objects.create(metric="not_installed_yet", points=Decimal("10"))
    card = scoring.score_cards(semester, [officer])[0]
    line = next(line for line in card.lines if line.metric == "not_installed_yet")
    assert not line.registered
    assert line.points == 0


def test_a_metric_registered_by_another_app_counts(officer, monkeypatch):
    semester = SemesterFactory()
    monkeypatch.setitem(contributions.METRICS, "visit", Metric("visit", "拜访", lambda start, end: {officer.pk: 3}))
    line = next(line for line in scoring.score_cards(semester, [officer])[0].lines if line.metric == "visit")
    assert (line.count, line.points) == (3, Decimal("3"))


def test_manual_adjustments_count_with_their_reason(officer, minister):
    semester = SemesterFactory()
    score_adjustment_create(semester=semester, member=officer, points=Decimal("2.5"), reason="拉到冠名", by=minister)
    card = scoring.score_cards(semester, [officer])[0]
    assert card.total == Decimal("2.5")
    assert card.adjustments[0].reason == "拉到冠名"
    assert card.adjustments[0].created_by == minister


def test_adjustment_without_reason_is_refused(officer, minister):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        score_adjustment_create(
            semester=SemesterFactory(), member=officer, points=Decimal("1"), reason=" ", by=minister
        )


def test_attendance_outside_the_semester_does_not_count(officer):
    semester = SemesterFactory()
    TrainingAttendanceFactory(
        member=officer, status=AttendanceStatus.ABSENT, session__date=semester.start_date.replace(year=2000)
    )
    MeetingAttendanceFactory(member=officer, status=AttendanceStatus.ABSENT)
    assert scoring.score_cards(semester, [officer])[0].total == Decimal("-1")


def test_ranking_query_count_does_not_grow_with_members(django_assert_max_num_queries):
    from outreach.tests.factories import MemberFactory

    semester = SemesterFactory()
    for member in MemberFactory.create_batch(30):
        TrainingAttendanceFactory(member=member)
        MeetingAttendanceFactory(member=member, status=AttendanceStatus.ABSENT)
    with django_assert_max_num_queries(len(ScoreRule.objects.all()) + 3):
        cards = scoring.score_cards(semester, members_for_scoring())
    assert len(cards) == 30


def test_the_counts_come_from_the_cache_until_the_record_changes(officer, django_assert_max_num_queries):
    from sponsors.tests.factories import VisitFactory

    semester = SemesterFactory()
    TrainingAttendanceFactory(member=officer, status=AttendanceStatus.ABSENT)
    assert scoring.score_cards(semester, [officer])[0].total == Decimal("-2")
    with django_assert_max_num_queries(2):  # the rules and the adjustments; no metric query
        assert scoring.score_cards(semester, [officer])[0].total == Decimal("-2")
    VisitFactory(members=[officer])
    assert scoring.score_cards(semester, [officer])[0].total == Decimal("-1")
