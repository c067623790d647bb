"""The printed contract: who signs (the union under the school's authority), the department as
contact, seal boxes, the sponsor's obligations, the standard terms, the payee account, the state
it is in (watermark, approvals) and the benefit annex; in Chinese with the embedded font, and a
complete English variant."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from events import services
from events.tests.factories import EventFactory, MerchantFactory, make_contract, make_signed_contract
from events.tests.test_pdf import flat, pdf_text
from outreach.models import DepartmentProfile
from sponsors.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def profile():
    return DepartmentProfile.objects.create(
        pk=1,
        party_name="华中示范大学学生会",
        party_authority="共青团华中示范大学委员会",
        party_address="武汉市洪山区珞喻路 152 号学生活动中心 305 室",
        department_name="校学生会外联部",
        contact_name="林晓峰",
        contact_phone="13912345678",
        payee_name="华中示范大学",
        payee_bank="中国工商银行武汉珞喻路支行",
        payee_account="3202001234567890123",
    )


def contract_pdf(client, contract, tmp_path, **params) -> str:
    response = client.get(reverse("events:contract-pdf", args=[contract.pk]), params)
    assert response["Content-Type"] == "application/pdf"
    text, fonts = pdf_text(tmp_path, response.content)
    return flat(text), fonts


def test_contract_prints_the_contracting_party_terms_and_annex(client_for, officer, profile, tmp_path, poppler):
    merchant = MerchantFactory(name="李宁专卖店(光谷店)", address="光谷步行街 8 号")
    ContactFactory(merchant=merchant, name="周店长", mobile="13800001111", is_primary=True)
    contract = make_contract(
        owner=officer,
        merchant=merchant,
        cash=Decimal("3000"),
        clauses=3,
        instalments=[("2000", date(2026, 5, 1)), ("1000", None)],
    )
    services.contract_update(
        contract=contract,
        sponsor_materials="LOGO 矢量源文件、运动饮料样品 50 瓶",
        sponsor_materials_due=date(2026, 4, 28),
    )
    text, fonts = contract_pdf(client_for(officer), contract, tmp_path)

    # 甲方 is the union under the school's authority; the department is only the contact.
    assert "甲方(受赞助方)华中示范大学学生会" in text
    assert "盖章单位：共青团华中示范大学委员会" in text
    assert "甲方联系部门校学生会外联部(联系人：林晓峰，电话：13912345678)" in text
    assert "由共青团华中示范大学委员会盖章" in text
    assert text.count("(盖章处)") == 2
    # each side's contact, also for notices
    assert "联系人：周店长，电话：13800001111" in text
    assert "第十条通知" in text
    # payee account
    assert "户名华中示范大学" in text and "开户行中国工商银行武汉珞喻路支行" in text
    assert "账号3202001234567890123" in text
    # the sponsor's obligations with their date
    assert "乙方应于2026-04-28前向甲方提供：LOGO矢量源文件、运动饮料样品50瓶。" in text
    assert "与甲方核查时乙方说明的经营范围和宣传内容一致" in text
    # cancellation, force majeure, receipts, disputes
    assert "第七条活动取消或延期" in text and "退还乙方已付款项中尚未落实的权益所对应的部分" in text
    assert "第八条不可抗力" in text
    assert "不能开具增值税发票" in text and "学校财务处开具收款收据" in text
    assert "第十一条争议解决" in text and "人民法院" in text
    # the instalment tied to acceptance
    assert "全部权益经乙方验收合格后七日内" in text
    # the annex lists every benefit, which is the acceptance list
    annex = text[text.index("附件：权益清单(验收清单)") :]
    for clause in contract.clauses.all():
        assert flat(clause.text) in annex
    assert annex.count("□确认□异议") == 3
    assert any("CJK" in line and " yes " in line for line in fonts.splitlines())  # embedded


def test_draft_and_submitted_contracts_carry_a_watermark(client_for, officer, profile, tmp_path, poppler):
    contract = make_contract(owner=officer, clauses=1)
    client = client_for(officer)
    text, _fonts = contract_pdf(client, contract, tmp_path)
    assert "草稿" in text and "本合同尚未经部长审批，不得签署。" in text
    services.contract_submit(contract=contract, member=officer)
    text, _fonts = contract_pdf(client, contract, tmp_path)
    assert "待审批" in text and "草稿" not in text


def test_approved_contract_prints_who_approved_it_and_when(
    client_for, officer, minister, advisor, profile, tmp_path, poppler, settings
):
    settings.CONTRACT_ADVISOR_SIGNOFF_ABOVE = 1000
    contract = make_signed_contract(owner=officer, minister=minister, advisor=advisor, cash=Decimal("5000"))
    contract.refresh_from_db()
    text, _fonts = contract_pdf(client_for(officer), contract, tmp_path)
    assert "草稿" not in text and "待审批" not in text
    approved = contract.approved_at.astimezone().strftime("%Y-%m-%d")
    assert f"部长审批：{flat(minister.display_name)}，{approved}" in text
    assert f"指导老师签批：{flat(advisor.display_name)}" in text


def test_amendment_pdf_names_the_contract_and_its_number(client_for, officer, minister, profile, tmp_path, poppler):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    services.amendment_create(contract=contract, text="横幅位置改为南侧围栏。", created_by=officer)
    second = services.amendment_create(contract=contract, text="增加一次舞台口播。", created_by=officer)
    response = client_for(officer).get(reverse("events:amendment-pdf", args=[second.pk]))
    text = flat(pdf_text(tmp_path, response.content)[0])
    assert f"原合同编号：{contract.number}·补充协议2" in text
    assert f"对编号为{contract.number}的赞助合同作如下补充和变更(补充协议第2号)" in text
    assert "华中示范大学学生会" in text


def test_english_variant_is_complete(client_for, officer, profile, tmp_path, poppler):
    for name in ("party_name", "party_authority", "party_address", "payee_name", "payee_bank", "contact_name"):
        setattr(profile, name, f"Example {name}")
    profile.department_name = "Outreach Department"
    profile.save()
    merchant = MerchantFactory(name="Li Ning Store", address="8 Optics Valley Walk")
    contract = make_contract(
        owner=officer,
        merchant=merchant,
        event=EventFactory(title="Volleyball Cup", venue="East court"),
        clauses=2,
        instalments=[("3000", None)],
    )
    services.contract_update(
        contract=contract,
        breach_terms="Each side makes good what it failed to deliver.",
        sponsor_contact="Mr Zhou",
        sponsor_materials="logo files",
        sponsor_materials_due=date(2026, 4, 28),
        acceptance_days=7,
    )
    contract.clauses.update(placement="north fence of the volleyball court")  # the data in English too
    text, _fonts = contract_pdf(client_for(officer), contract, tmp_path, lang="en")
    untranslated = CJK.findall(text)
    assert untranslated == [], f"Chinese left in the English contract: {''.join(untranslated)}"
    for heading in ("sponsorshipcontract", "forcemajeure", "receipts", "notices", "disputes", "annex", "seal"):
        assert heading in text.lower()
    assert "Page1of" in text
    assert "Exampleparty_name" in text and "Exampleparty_authority" in text


def test_demo_department_has_a_profile_and_its_contract_prints_it(settings, client_for, tmp_path, poppler):
    from django.core.management import call_command

    from events.models import Acceptance, Contract

    settings.DEBUG = True
    call_command("seed_demo")
    contract = Contract.objects.get(event__title="互联网知识竞赛")
    minister = contract.approved_by
    assert DepartmentProfile.current().is_complete
    text, _fonts = contract_pdf(client_for(minister), contract, tmp_path)
    assert "甲方(受赞助方)华中示范大学学生会" in text and "共青团华中示范大学委员会" in text
    assert "账号3202002109024567812" in text
    # the demo sponsor answered on its link: two confirmed, one objection waiting
    assert sorted(contract.deliverables.values_list("acceptance", flat=True)) == sorted(
        [Acceptance.CONFIRMED, Acceptance.CONFIRMED, Acceptance.OBJECTED]
    )
    page = client_for(minister).get(reverse("outreach:department-profile")).content.decode()
    assert "共青团华中示范大学委员会" in page


def test_a_clause_is_punctuated_in_the_readers_language():
    from django.utils import translation

    from events.models import BenefitKind, clause_text

    parts = {"kind": BenefitKind.BANNER, "quantity": 2, "size": "4m × 0.8m", "placement": "北门"}
    parts.update(starts_on=date(2026, 4, 28), ends_on=None, specifics="雨天顺延")
    with translation.override("zh-hans"):
        assert clause_text(**parts).endswith("，位置：北门，日期：2026-04-28；雨天顺延。")
    with translation.override("en"):
        english = clause_text(**parts)
    assert "，" not in english and "；" not in english and not english.endswith("。")
    assert english.endswith(", place: 北门, date: 2026-04-28; 雨天顺延."), english
