"""Two people on one posting or application: a stale page never writes over the other's save."""

import datetime
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import Application, Outcome, Posting, PostingStatus, Screening
from jobs.services import application_record_outcome, application_screen, posting_save, posting_set_status
from outreach.tests.concurrency import run_at_once

from .factories import ApplicationFactory, PostingFactory

pytestmark = pytest.mark.django_db

STALE = "此记录已被他人修改，请刷新后重试"


def _posting_data(posting, **changes):
    today = timezone.localdate()
    data = {
        "merchant": posting.merchant_id,
        "title": posting.title,
        "season": posting.season,
        "work_start": today + datetime.timedelta(days=20),
        "work_end": today + datetime.timedelta(days=22),
        "place": posting.place,
        "pay_amount": "150",
        "pay_unit": "day",
        "headcount": posting.headcount,
        "criteria": posting.criteria,
        "charges_no_fee": "on",
        "deadline": today + datetime.timedelta(days=10),
        "version": posting.version,
    }
    data.update(changes)
    return data


def test_stale_posting_form_shows_the_message_and_what_changed(client_for, vice_minister, minister):
    posting = PostingFactory(headcount=4)
    client = client_for(vice_minister)
    shown = client.get(reverse("jobs:posting-edit", args=[posting.pk]))
    assert f'name="version" value="{posting.version}"' in shown.content.decode()
    other = Posting.objects.get(pk=posting.pk)
    other.headcount = 10
    posting_save(posting=other, member=minister)

    response = client.post(
        reverse("jobs:posting-edit", args=[posting.pk]), _posting_data(posting, title="五一促销员(加急)")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page
    assert [(c.label, c.loaded, c.typed, c.current) for c in response.context["stale_changes"]] == [
        ("招聘人数", "4", "4", "10")
    ]
    assert 'value="五一促销员(加急)"' in page
    row = Posting.objects.get(pk=posting.pk)
    assert (row.title, row.headcount) == ("五一促销员", 10)


def test_closing_a_posting_from_a_stale_copy_keeps_an_edit_made_meanwhile(vice_minister, minister):
    posting = PostingFactory(status=PostingStatus.OPEN)
    stale = Posting.objects.get(pk=posting.pk)
    posting.interview_place = "门店三楼会议室"
    posting_save(posting=posting, member=minister)
    posting_set_status(posting=stale, status=PostingStatus.CLOSED, member=vice_minister)
    row = Posting.objects.get(pk=posting.pk)
    assert (row.status, row.interview_place) == (PostingStatus.CLOSED, "门店三楼会议室")


def test_the_status_buttons_of_a_stale_page_are_refused(client_for, vice_minister, minister):
    posting = PostingFactory(status=PostingStatus.OPEN)
    shown_version = posting.version
    posting_set_status(posting=posting, status=PostingStatus.CLOSED, member=minister)
    response = client_for(vice_minister).post(
        reverse("jobs:posting-status", args=[posting.pk]), {"status": "closed", "version": shown_version}, follow=True
    )
    assert STALE in response.content.decode()


def test_screening_from_a_page_shown_before_another_screener_saved_is_refused(client_for, officer, vice_minister):
    application = ApplicationFactory()
    client = client_for(officer)
    page = client.get(reverse("jobs:screening", args=[application.posting_id])).content.decode()
    assert f'name="version" value="{application.version}"' in page
    application_screen(
        application=Application.objects.get(pk=application.pk),
        member=vice_minister,
        passed=False,
        criteria_met=[],
        note="三天不能全勤",
    )

    response = client.post(
        reverse("jobs:application-screen", args=[application.pk]),
        {"result": "passed", "criteria_met": ["三天全勤"], "version": application.version},
        follow=True,
    )
    assert STALE in response.content.decode()
    row = Application.objects.get(pk=application.pk)
    assert (row.screening, row.screening_note, row.screened_by) == (Screening.FAILED, "三天不能全勤", vice_minister)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_screeners_at_the_same_moment_never_silently_overwrite_each_other(postgres, officer, vice_minister):
    posting = PostingFactory()
    for attempt in range(10):
        application = ApplicationFactory(posting=posting)
        first, second = (Application.objects.get(pk=application.pk) for _ in range(2))
        outcome = run_at_once(
            passed=partial(
                application_screen, application=first, member=officer, passed=True, criteria_met=[], note="形象好"
            ),
            failed=partial(
                application_screen,
                application=second,
                member=vice_minister,
                passed=False,
                criteria_met=[],
                note="不全勤",
            ),
        )
        assert sorted(outcome.values()) == ["refused", "saved"], f"try {attempt}: {outcome}"
        row = Application.objects.get(pk=application.pk)
        winner = "passed" if outcome["passed"] == "saved" else "failed"
        assert (row.screening, row.version) == (winner, 2)


def test_a_stale_outcome_is_refused(client_for, vice_minister):
    application = ApplicationFactory(screening=Screening.PASSED, sent_at=timezone.now())
    shown_version = application.version
    application_record_outcome(application=application, outcome=Outcome.HIRED, feedback="积极主动")
    response = client_for(vice_minister).post(
        reverse("jobs:application-outcome", args=[application.pk]),
        {"outcome": "not_hired", "worked": "unknown", "feedback": "", "version": shown_version},
        follow=True,
    )
    assert STALE in response.content.decode()
    assert Application.objects.get(pk=application.pk).outcome == Outcome.HIRED
