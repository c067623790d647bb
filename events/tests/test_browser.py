"""The seed's volleyball story, clicked through in a real browser."""

import subprocess

import pytest
from django.urls import reverse

from conftest import assert_no_horizontal_scroll
from events.models import Contract, ContractStatus, DeliverableStatus
from events.tests.factories import MerchantFactory, png_bytes
from outreach.roles import Role
from outreach.tests.factories import MemberFactory
from sponsors.models import Industry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def switch_user(page, log_in, member):
    page.context.clear_cookies()
    log_in(page, member)


def add_benefit(page, *, kind: str, quantity: str, size: str, placement: str, departments: str):
    page.get_by_role("link", name="添加权益").click()
    page.select_option("select[name=kind]", kind)
    page.fill("input[name=quantity]", quantity)
    page.fill("input[name=size]", size)
    page.fill("input[name=placement]", placement)
    page.fill("input[name=starts_on]", "2026-05-05")
    page.fill("input[name=ends_on]", "2026-05-06")
    page.fill("input[name=departments]", departments)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()


def test_volleyball_story_from_event_to_fulfilment_report(desktop_page, live_server, log_in, tmp_path, poppler):
    page = desktop_page
    officer = MemberFactory(role=Role.OFFICER, display_name="王浩然")
    minister = MemberFactory(role=Role.MINISTER, display_name="林晓峰")
    sport = Industry.objects.get(name="运动")
    MerchantFactory(name="李宁专卖店(光谷店)", industry=sport)

    log_in(page, officer)
    page.goto(live_server.url + reverse("events:event-list"))
    page.get_by_role("link", name="新建活动").click()
    page.fill("input[name=title]", "校排球赛")
    page.select_option("select[name=kind]", "sports")
    page.fill("input[name=starts_on]", "2026-05-05")
    page.fill("input[name=ends_on]", "2026-05-06")
    page.fill("input[name=venue]", "东区排球场")
    page.fill("input[name=expected_audience]", "800")
    page.fill("input[name=sponsorship_target]", "5000")
    page.get_by_label("运动", exact=True).check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("校排球赛")

    add_benefit(
        page, kind="jersey", quantity="16", size="胸前 20cm × 8cm", placement="参赛队球衣胸前", departments="体育部"
    )
    add_benefit(page, kind="banner", quantity="2", size="4m × 0.8m", placement="排球场北侧围栏", departments="宣传部")
    assert page.get_by_text("待部门同意").count() == 2

    for department in ("体育部", "宣传部"):
        page.get_by_role("link", name=f"记录{department}同意").click()
        page.fill("input[name=agreed_contact]", f"{department}部长")
        page.get_by_role("button", name="记录同意").click()
        page.wait_for_load_state()
    assert page.get_by_text("已商定").count() == 2

    page.get_by_role("link", name="新建方案书").click()
    # The merchant is picked from a search (never a <select> of every merchant).
    page.fill("#id_merchant", "李宁")
    page.locator("[data-picker-results] button[data-name='李宁专卖店(光谷店)']").click()
    assert page.locator("[data-picker-label]").inner_text() == "李宁专卖店(光谷店)"
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="添加级别").click()
    page.select_option("select[name=tier]", "naming")
    page.fill("input[name=price]", "3000")
    for checkbox in page.locator("input[name=benefits]").all():
        checkbox.check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=package]").count() == 1

    page.get_by_role("link", name="生成合同").click()
    page.select_option("select[name=package]", index=1)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    clauses = page.locator("[data-testid=clause]").all_inner_texts()
    assert any("横幅 2 条" in text and "4m × 0.8m" in text and "排球场北侧围栏" in text for text in clauses), clauses
    assert any("球衣印制 16 套" in text for text in clauses), clauses
    contract_url = page.url
    # Not submittable until the payment plan adds up to the cash: the page says by how much.
    assert "相差 ¥3,000.00" in page.locator("[data-testid=payments-gap]").inner_text()
    page.get_by_role("link", name="添加付款计划").click()
    page.fill("input[name=amount]", "3000")
    page.fill("input[name=due_on]", "2030-05-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=payments-gap]").count() == 0
    page.get_by_role("button", name="提交审批").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=contract-status]").inner_text() == "待审批"

    switch_user(page, log_in, minister)
    page.goto(contract_url)
    page.get_by_role("button", name="部长审批通过").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=contract-status]").inner_text() == "已审批"

    switch_user(page, log_in, officer)
    page.goto(contract_url)
    page.get_by_role("link", name="上传签署件").click()
    page.fill("input[name=signed_on]", "2026-04-28")
    page.set_input_files(
        "input[name=scan]", files=[{"name": "signed.png", "mimeType": "image/png", "buffer": png_bytes("white")}]
    )
    page.get_by_role("button", name="上传并签署").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=contract-status]").inner_text() == "执行中"
    assert page.locator("[data-testid=deliverable]").count() == 2

    page.set_viewport_size({"width": 375, "height": 812})
    assert_no_horizontal_scroll(page)
    jersey = page.locator("[data-testid=deliverable]", has_text="球衣印制")
    jersey.get_by_role("link", name="上传凭证并完成").click()
    page.set_input_files(
        "input[name=photos]", files=[{"name": "jerseys.png", "mimeType": "image/png", "buffer": png_bytes("blue")}]
    )
    page.fill("textarea[name=note]", "16 套球衣已印好并发给各队")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="标记完成").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=deliverable]", has_text="球衣印制").locator("img").count() == 1

    switch_user(page, log_in, minister)
    page.goto(contract_url)
    page.locator("[data-testid=deliverable]", has_text="球衣印制").get_by_role("button", name="核实").click()
    page.wait_for_load_state()

    contract = Contract.objects.get()
    assert contract.status == ContractStatus.IN_FULFILMENT
    jersey_deliverable = contract.deliverables.get(clause__kind="jersey")
    assert jersey_deliverable.status == DeliverableStatus.VERIFIED
    assert jersey_deliverable.verified_by == minister

    response = page.request.get(live_server.url + reverse("events:fulfilment-report-pdf", args=[contract.pk]))
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.body())
    text = "".join(
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "".join(jersey_deliverable.clause.text.split()) in text
    assert "16套球衣已印好并发给各队" in text
