import http.server
import subprocess
import threading
from decimal import Decimal

import pytest
from django.urls import reverse

from events import services
from events.models import Tier
from events.tests.factories import (
    BenefitFactory,
    MerchantFactory,
    ProposalFactory,
    make_contract,
    make_signed_contract,
    png_upload,
)

pytestmark = pytest.mark.django_db


def pdf_text(tmp_path, pdf: bytes) -> tuple[str, str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    )
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return text.stdout, fonts.stdout


def flat(text: str) -> str:
    return "".join(text.split())


def test_contract_pdf_has_merchant_amounts_and_every_clause(client_for, officer, tmp_path, poppler):
    merchant = MerchantFactory(name="李宁专卖店(光谷店)")
    contract = make_contract(owner=officer, merchant=merchant, cash=Decimal("3000"), clauses=3)
    response = client_for(officer).get(reverse("events:contract-pdf", args=[contract.pk]))
    assert response["Content-Type"] == "application/pdf"
    text, fonts = pdf_text(tmp_path, response.content)
    text = flat(text)
    assert "李宁专卖店(光谷店)" in text
    assert "¥3,000.00" in text
    assert "人民币叁仟元整" in text
    assert contract.number in text
    for clause in contract.clauses.all():
        assert flat(clause.text) in text
    assert "CJK" in fonts
    assert "第1页/共" in text


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_markup_in_merchant_name_prints_as_text_and_fetches_nothing(client_for, officer, tmp_path, poppler):
    server = http.server.HTTPServer(("127.0.0.1", 0), _CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    name = f'<script>alert(1)</script><img src="http://127.0.0.1:{server.server_port}/x.png">康师傅'
    contract = make_contract(owner=officer, merchant=MerchantFactory(name=name, address=name), clauses=1)
    client = client_for(officer)
    try:
        contract_pdf = client.get(reverse("events:contract-pdf", args=[contract.pk])).content
        client.get(reverse("events:fulfilment-report-pdf", args=[contract.pk]))
    finally:
        server.shutdown()
    text, _fonts = pdf_text(tmp_path, contract_pdf)
    assert flat(name) in flat(text)
    assert _CountingHandler.hits == 0


def test_proposal_pdf_lists_packages_and_benefits(client_for, officer, tmp_path, poppler):
    proposal = ProposalFactory(contact=officer)
    banner = BenefitFactory(event=proposal.event)
    services.proposal_package_add(proposal=proposal, tier=Tier.NAMING, price=Decimal("5000"), benefits=[banner])
    response = client_for(officer).get(reverse("events:proposal-pdf", args=[proposal.pk]))
    text = flat(pdf_text(tmp_path, response.content)[0])
    assert proposal.event.title in text
    assert "冠名" in text and "¥5,000.00" in text
    assert flat(banner.text) in text
    assert officer.display_name in text


def test_fulfilment_report_lists_clauses_with_their_photos(client_for, officer, minister, tmp_path, poppler):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=2)
    done = contract.deliverables.first()
    services.deliverable_complete(deliverable=done, member=officer, note="北侧围栏已挂", images=[png_upload()])
    response = client_for(officer).get(reverse("events:fulfilment-report-pdf", args=[contract.pk]))
    text = flat(pdf_text(tmp_path, response.content)[0])
    for clause in contract.clauses.all():
        assert flat(clause.text) in text
    assert "北侧围栏已挂" in text
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) >= 3  # two header lines and the photo


def test_amendment_has_its_own_pdf(client_for, officer, minister, tmp_path, poppler):
    contract = make_signed_contract(owner=officer, minister=minister, clauses=1)
    amendment = services.amendment_create(contract=contract, text="横幅位置改为南侧围栏。", created_by=officer)
    response = client_for(officer).get(reverse("events:amendment-pdf", args=[amendment.pk]))
    text = flat(pdf_text(tmp_path, response.content)[0])
    assert "补充协议1" in text and contract.number in text and "横幅位置改为南侧围栏。" in text


def test_contract_prints_in_chinese_for_a_reader_who_chose_english(client_for, officer, settings, tmp_path, poppler):
    contract = make_contract(owner=officer, clauses=1)
    client = client_for(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("events:contract-detail", args=[contract.pk])).content.decode()
    assert "Benefit clauses" in page
    text = flat(pdf_text(tmp_path, client.get(reverse("events:contract-pdf", args=[contract.pk])).content)[0])
    assert "赞助合同书" in text and "横幅2条" in text
