"""English works: every Chinese message has an English translation.

CI also runs `make messages` and fails if the catalogue changes, so a new string cannot
slip in untranslated."""

import re
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True)
def _department_language_afterwards():
    """A request with the English cookie leaves English active in this thread: later tests
    expect the department's language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _entries():
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n")[1:]:
        match = re.search(r'^msgid "(.*)"\nmsgstr "(.*)"$', block, re.M)
        if match:
            yield block, match[1], match[2]


def test_every_message_has_an_english_translation():
    missing = [msgid for _block, msgid, msgstr in _entries() if not msgstr]
    assert not missing, missing[:20]


def test_no_translation_is_a_fuzzy_guess():
    fuzzy = [msgid for block, msgid, _msgstr in _entries() if "#, fuzzy" in block]
    assert not fuzzy, fuzzy[:20]


def test_placeholders_survive_translation():
    for _block, msgid, msgstr in _entries():
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(re.findall(r"%\(\w+\)[sd]", msgstr)), msgid


# --- What the database holds: stored notifications and seeded vocabularies (issue 13, item 10)

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _msgids(data) -> list[str]:
    """Every msgid of a stored message (outreach.messages), its parameters' included."""
    if isinstance(data, dict) and "t" in data:
        return [data["t"], *(msgid for value in (data.get("p") or {}).values() for msgid in _msgids(value))]
    if isinstance(data, dict) and "j" in data:
        return [msgid for part in data["j"] for msgid in _msgids(part)]
    if isinstance(data, dict):
        return [msgid for value in data.values() for msgid in _msgids(value)]
    if isinstance(data, list):
        return [msgid for item in data for msgid in _msgids(item)]
    return []


def _run_every_scan(today):
    from django.utils import timezone

    from events import services as events
    from jobs import services as jobs
    from outreach import digests
    from outreach.department import services as department
    from sponsors import services as sponsors

    for day in (today, today + timedelta(days=1), today + timedelta(days=12)):
        now = timezone.make_aware(datetime.combine(day, time(9)))
        sponsors.followup_reminders_send(today=day)
        events.fulfilment_reminders_send(today=day)
        events.payment_reminders_send(today=day)
        events.contract_approval_reminders_send(now=now)
        jobs.posting_closing_reminders_send(today=day)
        jobs.screening_reminders_send(now=now)
        jobs.season_outreach_reminders_send(today=day)
        department.assignment_reminders_send(today=day)
        department.gathering_reminders_send(today=day)
        digests.daily_digests_send(today=day)
        digests.weekly_digest_send(today=day)


@pytest.mark.django_db
def test_every_stored_notification_keeps_its_message_and_each_msgid_has_english(
    officer, vice_minister, minister, advisor, settings
):
    """Notifications were stored as rendered Chinese; now each keeps its kind and its
    message (msgids and parameters), and every msgid of every kind the scans and the
    services write has an English translation."""
    from django.utils import timezone

    from outreach.department import services as department
    from outreach.models import Notification
    from outreach.tests.world import build_world

    settings.QUIET_HOURS = "off"
    world = build_world(officer=officer, vice_minister=vice_minister, minister=minister, advisor=advisor)
    legacy = {notification.pk for notification in world.notifications}
    department.assignment_create(
        title="写一份活动策划", due_date=timezone.localdate() + timedelta(days=1), created_by=minister
    )
    # The signed contract's instalment falls due today, so the payment scan has one to tell.
    world.payment.__class__.objects.filter(pk=world.payment.pk).update(due_on=timezone.localdate())
    _run_every_scan(timezone.localdate())
    written = Notification.objects.exclude(pk__in=legacy)
    kinds = set(written.values_list("kind", flat=True))
    assert {"contract-submitted", "contract-approved", "assignment", "followup-due", "payment-due"} <= kinds, kinds
    assert len(kinds) >= 8, kinds
    untranslated = set()
    with translation.override("en"):
        for notification in written:
            assert notification.message.get("title"), (notification.kind, notification.title)
            assert notification.kind == notification.key.split(":")[0]
            for msgid in _msgids(notification.message):
                english = translation.gettext(msgid)
                if english == msgid or CJK.search(english):
                    untranslated.add(msgid)
    assert not untranslated, sorted(untranslated)


@pytest.mark.django_db
def test_a_notification_is_shown_in_the_readers_language_and_an_old_one_as_it_was_written(
    client_for, officer, settings
):
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.html import escape

    from outreach.tests.factories import NotificationFactory
    from sponsors import services
    from sponsors.tests.factories import FollowUpFactory

    followup = FollowUpFactory(owner=officer, merchant__name="康师傅武汉分公司", due_on=timezone.localdate())
    assert services.followup_reminders_send() == 1
    old = NotificationFactory(recipient=officer, title="跟进提醒：周黑鸭", body="")
    client = client_for(officer)
    chinese = client.get(reverse("notification-list")).content.decode()
    day = followup.due_on
    assert "今天要跟进：康师傅武汉分公司" in chinese and f"截止：{day.year}年{day.month}月{day.day}日。" in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("notification-list")).content.decode()
    with translation.override("en"):
        title = translation.gettext("今天要跟进：%(merchant)s") % {"merchant": "康师傅武汉分公司"}
        due = translation.gettext("截止：%(date)s。完成后请在商家页标记“已完成”。") % {
            "date": f"{day.day} {day:%b} {day.year}"  # the date as English writes it: 22 Dec 2026
        }
    assert escape(title) in english and escape(due) in english
    assert "今天要跟进" not in english and "截止：" not in english
    assert old.title in english  # written before messages were kept: shown as it was written


@pytest.mark.django_db
def test_a_stored_date_and_list_are_written_as_the_readers_language_writes_them(officer):
    """A notification keeps a date as a date and a list as a list: each reader sees the
    date in their language's format and the items joined with their language's separator.
    One stored before dates were kept (an ISO text) still reads as it was written."""
    from datetime import date

    from outreach.messages import ListOf, Message, join_list
    from outreach.services import notify

    notification = notify(
        recipient=officer,
        key="test:dates-and-lists",
        title=Message(
            translation.gettext_noop("例会提醒：%(title)s（%(date)s）"), title="例会", date=date(2026, 12, 22)
        ),
        body=Message(translation.gettext_noop("修改了 %(fields)s"), fields=ListOf(["区域", "电话"])),
    )
    notification.refresh_from_db()
    assert notification.title == "例会提醒：例会（2026年12月22日）"  # the e-mail's, in the department's language
    assert notification.shown_title == "例会提醒：例会（2026年12月22日）"
    assert notification.shown_body == "修改了 区域、电话"
    with translation.override("en"):
        assert notification.shown_title.endswith("(22 Dec 2026)") and not CJK.search(
            notification.shown_title.replace("例会", "")
        )
        assert notification.shown_body == "Changed 区域, 电话"
        assert join_list(["Name", "Phone", "District"]) == "Name, Phone, District"
    with translation.override("zh-hans"):
        assert join_list(["名称", "电话"]) == "名称、电话"

    notification.message = {
        "title": {"t": "例会提醒：%(title)s（%(date)s）", "p": {"title": "例会", "date": "2026-12-22"}}
    }
    notification.save()
    with translation.override("en"):
        assert notification.shown_title.endswith("(2026-12-22)")  # stored as text before: shown as it was


@pytest.mark.django_db
def test_a_merchants_changes_list_the_fields_as_the_page_language_lists_them(client_for, officer, settings):

    from sponsors import services
    from sponsors.models import Merchant
    from sponsors.tests.factories import MerchantFactory

    merchant = MerchantFactory(owner=officer)
    services.merchant_update(merchant=merchant, by=officer, district="洪山区", phone="027-87654321")
    labels = [Merchant._meta.get_field(name).verbose_name for name in ("district", "phone")]
    client = client_for(officer)
    chinese = client.get(merchant.get_absolute_url()).content.decode()
    assert f"修改了 {labels[0]}、{labels[1]}" in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(merchant.get_absolute_url()).content.decode()
    with translation.override("en"):
        assert f"Changed {labels[0]}, {labels[1]}" in english
        assert "、" not in english


@pytest.mark.django_db
def test_seeded_vocabularies_have_english_and_english_pages_show_it(client_for, minister, settings):
    from django.urls import reverse

    from jobs.models import Season
    from outreach.models import ScoreRule
    from sponsors.models import Industry

    industries = list(Industry.objects.all())
    assert industries and all(industry.name_en and not CJK.search(industry.name_en) for industry in industries)
    seasons = [season for season in Season.objects.all() if season.note]
    assert seasons and all(season.note_en and not CJK.search(season.note_en) for season in seasons)
    # Chinese notes the migration seeded use full-width punctuation.
    assert all(":" not in season.note and "," not in season.note for season in seasons)
    rules = list(ScoreRule.objects.all())
    assert rules and all(rule.note_en and not CJK.search(rule.note_en) for rule in rules)

    client = client_for(minister)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    merchant_form = client.get(reverse("sponsors:merchant-create")).content.decode()
    assert ">Food<" in merchant_form and ">食品<" not in merchant_form
    scores = client.get(reverse("outreach:score-rules")).content.decode()
    assert "Each merchant visit +1" in scores and "每次拜访商家" not in scores
    assert "(visit)" not in scores
    with translation.override("en"):
        assert f">{translation.gettext('拜访')}<" in scores


@pytest.mark.django_db
def test_dates_follow_the_language(client, settings):
    from datetime import date

    from django.urls import reverse

    from jobs.tests.factories import PostingFactory

    today = date.today()
    start = date(today.year + 1, 12, 22)
    posting = PostingFactory(work_start=start, work_end=start + timedelta(days=2), deadline=today + timedelta(days=30))
    notice = client.get(posting.get_public_url()).content.decode()
    assert f"{start.year}年12月22日" in notice
    listing = client.get(reverse("jobs:public-list")).content.decode()
    assert "12月22日" in listing
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    notice = client.get(posting.get_public_url()).content.decode()
    assert f"22 Dec {start.year}" in notice and "12月22日" not in notice
    listing = client.get(reverse("jobs:public-list")).content.decode()
    assert "22 Dec" in listing and "12月22日" not in listing
