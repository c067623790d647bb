"""The weekly meeting, clicked through in a real browser: attendance, two experience shares,
the library search, and the ranking that follows the attendance rule."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import assert_no_horizontal_scroll
from outreach.roles import Role
from outreach.tests.department_factories import SemesterFactory
from outreach.tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def add_share(page, *, member, topic: str, lesson: str, tags: str):
    form = page.locator("#share-form")
    form.locator("select[name=member]").select_option(str(member.pk))
    form.locator("input[name=topic]").fill(topic)
    form.locator("textarea[name=lesson]").fill(lesson)
    form.locator("input[name=tags]").fill(tags)
    form.get_by_role("button", name="添加分享").click()
    page.wait_for_load_state()


def test_minister_records_a_meeting_and_the_ranking_follows_attendance(desktop_page, phone_page, live_server, log_in):
    SemesterFactory()
    minister = MemberFactory(role=Role.MINISTER, display_name="林晓峰")
    present = MemberFactory(role=Role.OFFICER, display_name="王浩然")
    absent = MemberFactory(role=Role.OFFICER, display_name="李雪")
    page = desktop_page

    log_in(page, minister)
    page.goto(live_server.url + reverse("outreach:meeting-list"))
    page.get_by_role("link", name="新建例会").click()
    page.fill("input[name=title]", "第十周例会")
    page.fill("input[name=date]", timezone.localdate().isoformat())
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "第十周例会"
    meeting_url = page.url

    page.fill("textarea[name=minutes]", "各组汇报本周拜访；讨论迎新晚会赞助。")
    page.select_option(f"select[name=m{minister.pk}]", "present")
    page.select_option(f"select[name=m{present.pk}]", "present")
    page.select_option(f"select[name=m{absent.pk}]", "absent")
    page.get_by_role("button", name="保存纪要与出勤").click()
    page.wait_for_load_state()
    assert "纪要与出勤已保存" in page.content()

    add_share(
        page,
        member=present,
        topic="服饰店谈赞助先问谁拍板",
        lesson="连锁服饰店的决定权在总部，先问清楚谁能拍板。",
        tags="服饰 赞助",
    )
    add_share(page, member=minister, topic="拜访前先电话预约", lesson="避开饭点和进货时间。", tags="拜访")
    assert page.locator("[data-testid=share]").count() == 2

    page.get_by_role("link", name="经验库").click()
    page.fill("input[name=q]", "服饰")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()
    shares = page.locator("[data-testid=share]")
    assert shares.count() == 1
    assert "服饰店谈赞助先问谁拍板" in shares.inner_text()

    page.get_by_role("link", name="评分").click()
    page.wait_for_load_state()
    # meeting_absent −1, experience_shared +1 (the seeded rules)
    assert page.locator("tr[data-member=李雪] [data-testid=total]").inner_text() == "-1"
    assert page.locator("tr[data-member=王浩然] [data-testid=total]").inner_text() == "1"
    rows = page.locator("[data-testid=ranking] tbody tr")
    assert rows.last.get_attribute("data-member") == "李雪"

    # The officer reads the ranking and the meeting on a phone.
    log_in(phone_page, absent)
    for url in [live_server.url + reverse("outreach:score-ranking"), meeting_url]:
        phone_page.goto(url)
        assert_no_horizontal_scroll(phone_page)
    phone_page.goto(live_server.url + reverse("outreach:score-breakdown", args=[absent.pk]))
    assert "例会缺席" in phone_page.content()
    assert_no_horizontal_scroll(phone_page)
