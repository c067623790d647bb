import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from outreach.spreadsheets import safe_row

from .models import Posting


def interview_list_xlsx(posting: Posting) -> bytes:
    """The people sent to the employer's interview, with only what each consented to share:
    the application's consent covers name, class, gender (when asked) and availability; the
    mobile only when the student ticked it. Student numbers and notes stay in the union."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("复试名单")
    header = [_("姓名"), _("班级/专业")]
    if posting.asks_gender:
        header.append(_("性别"))
    header += [_("手机号"), _("可工作时间")]
    sheet.append(safe_row([f"{posting.merchant.name} · {posting.title}"]))
    sheet.append(header)
    sheet["A1"].font = Font(bold=True)
    for application in posting.applications.sent().filter(consent=True).order_by("sent_at", "pk"):
        row = [application.name, application.class_major]
        if posting.asks_gender:
            row.append(application.get_gender_display())
        row += [
            application.mobile if application.share_mobile else _("未授权，请经外联部联系"),
            application.availability,
        ]
        sheet.append(safe_row(row))
    for column, width in zip("ABCDE", (12, 20, 8, 22, 30), strict=False):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
