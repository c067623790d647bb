import re

import pytest
from playwright.sync_api import expect

from conftest import assert_no_horizontal_scroll
from jobs.models import Application

from .factories import PostingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_student_applies_on_a_phone_and_follows_the_application_to_hired(
    phone_page, desktop_page, live_server, log_in, officer, vice_minister
):
    posting = PostingFactory(title="五一促销员", merchant__name="李宁专卖店(光谷店)", headcount=2)

    # A student opens the shared notice on their phone and applies.
    student = phone_page
    student.goto(live_server.url + f"/jobs/open/{posting.pk}/")
    expect(student.get_by_role("heading", name=re.compile("五一促销员"))).to_be_visible()
    expect(student.get_by_alt_text("招聘启事二维码")).to_be_visible()
    assert_no_horizontal_scroll(student)
    student.get_by_role("link", name="我要报名").click()
    assert_no_horizontal_scroll(student)
    # The honeypot field is for bots: a student never sees it (styled from app.css, as the
    # policy refuses inline styles).
    honeypot = student.locator("#id_website").bounding_box()
    assert honeypot is None or honeypot["x"] + honeypot["width"] <= 0, honeypot
    student.get_by_label("姓名").fill("张小凡")
    student.get_by_label("学号").fill("2025030101")
    student.get_by_label("班级/专业").fill("人文2501班")
    student.get_by_role("textbox", name="手机号").fill("138 0013 8000")
    student.get_by_label("可工作时间").fill("5月1日至3日全天")
    student.get_by_label("同意向用人单位提供报名信息").check()
    student.get_by_role("button", name="提交报名").click()
    expect(student.get_by_text("报名成功")).to_be_visible()
    expect(student.get_by_test_id("application-stage")).to_have_text("已报名，等待初试")
    status_url = student.get_by_test_id("status-link").input_value()
    assert "/jobs/status/" in status_url
    assert_no_horizontal_scroll(student)
    application = Application.objects.get()

    # An officer screens the application as passed.
    staff = desktop_page
    log_in(staff, officer)
    staff.goto(live_server.url + f"/jobs/postings/{posting.pk}/screening/")
    card = staff.get_by_test_id(f"screen-{application.pk}")
    card.get_by_label("三天全勤").check()
    card.get_by_label("普通话标准").check()
    card.get_by_role("button", name="通过", exact=True).click()
    expect(staff.get_by_text("张小凡：初试通过")).to_be_visible()

    # The vice-minister sends them to the interview and records them hired.
    staff.context.clear_cookies()
    log_in(staff, vice_minister)
    staff.goto(live_server.url + f"/jobs/postings/{posting.pk}/")
    expect(staff.get_by_test_id("admission-rate")).to_contain_text("—")
    staff.get_by_label("推荐 张小凡").check()
    staff.get_by_role("button", name="推荐所选同学参加复试").click()
    expect(staff.get_by_text("已推荐 1 位同学参加复试")).to_be_visible()
    row = staff.get_by_test_id(f"application-{application.pk}")
    row.get_by_label("复试结果").select_option("hired")
    row.get_by_role("button", name="记录").click()
    expect(staff.get_by_text("已记录 张小凡 的复试结果")).to_be_visible()
    expect(staff.get_by_test_id("admission-rate")).to_contain_text("100%")

    # The student's status page shows it.
    student.goto(status_url)
    expect(student.get_by_test_id("application-stage")).to_have_text("已录用")
    expect(student.get_by_text("另一位")).to_have_count(0)
    assert_no_horizontal_scroll(student)
