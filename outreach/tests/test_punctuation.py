"""Chinese text uses full-width punctuation; a label's colon follows the language (issue 13, item 9)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from events import services
from events.models import Tier
from events.tests.factories import BenefitFactory, ProposalFactory
from events.tests.test_pdf import flat, pdf_text

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture(autouse=True)
def _department_language_afterwards():
    """A request with the English cookie leaves English active in this thread: later tests
    expect the department's language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


# An ASCII colon right after a value, a tag or an element: "{{ label }}:{{ value }}", "</strong>:".
ASCII_COLON_AFTER_MARKUP = re.compile(r"(\}\}|%\}|</\w+>):(?=\s*($|[<{]))", re.M)


def test_no_template_puts_an_ascii_colon_after_a_label():
    found = [
        f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, match.start()) + 1}"
        for path in TEMPLATES.rglob("*.html")
        for text in [path.read_text(encoding="utf-8")]
        for match in ASCII_COLON_AFTER_MARKUP.finditer(text)
    ]
    assert not found, found


def test_the_colon_follows_the_language():
    template = Template("{{ label }}{% colon %}{{ value }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"label": "冠名", "value": "¥8,000.00"})) == "冠名：¥8,000.00"
    with translation.override("en"):
        assert template.render(Context({"label": "Title sponsor", "value": "¥8,000.00"})) == "Title sponsor: ¥8,000.00"


def test_proposal_pdf_prints_a_package_with_a_full_width_colon(client_for, officer, tmp_path, poppler):
    proposal = ProposalFactory(contact=officer)
    banner = BenefitFactory(event=proposal.event)
    services.proposal_package_add(proposal=proposal, tier=Tier.NAMING, price=Decimal("8000"), benefits=[banner])
    response = client_for(officer).get(reverse("events:proposal-pdf", args=[proposal.pk]))
    text = flat(pdf_text(tmp_path, response.content)[0])
    assert "冠名：¥8,000.00" in text
    assert "冠名:" not in text


def test_job_seasons_show_their_date_after_a_colon_of_the_language(client_for, officer):
    client = client_for(officer)
    page = client.get(reverse("jobs:posting-list")).content.decode()
    assert re.search(r"<strong>五一</strong>：\s*\d+月\d+日 开始联系商家", page), "season line"
    assert "五一促销员：三月起联系商家。" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("jobs:posting-list")).content.decode()
    assert re.search(r"<strong>May Day</strong>: ", page)
    assert "May Day promoters: contact merchants from March." in page


def test_a_handover_notification_lists_what_moved_with_the_languages_colon(minister, officer, vice_minister):
    from outreach.department.services import handover_run
    from sponsors.tests.factories import MerchantFactory

    MerchantFactory(owner=officer)
    handover_run(from_member=officer, to_member=vice_minister, by=minister)
    notification = vice_minister.notifications.get()
    assert "负责的商家：1" in notification.body and ": " not in notification.body
    with translation.override("en"):
        assert f"{translation.gettext('负责的商家')}: 1" in notification.shown_body
