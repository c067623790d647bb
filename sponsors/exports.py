"""The merchant export as a background job, for lists too long to write inside a request.

A filtered list of more than ``settings.MERCHANT_EXPORT_BACKGROUND_ROWS`` merchants is written
by a worker: the request keeps a row (``MerchantExport``) with the list's query string and
queues the task at once; the worker claims the row, runs the same filter again as that member,
writes the .xlsx under ``private/`` and notifies them with a link that only they (and the
minister) can open. Each file is kept ``MERCHANT_EXPORT_KEEP_DAYS`` days: the download refuses
an older one and a nightly task deletes it.

When the broker does not take the task the row is deleted again and the request says so:
there is never a row that no worker will write (no outbox here: the member is waiting for the
file, and a clear "try again" is better than a file that turns up an hour later).
"""

import logging
import tempfile
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from outreach import roles
from outreach.messages import Message
from outreach.models import Member
from outreach.services import notify

from . import excel
from .filters import MerchantFilter
from .models import MerchantExport

logger = logging.getLogger(__name__)


class ExportNotQueued(Exception):
    """The broker did not take the export's task; nothing was left behind."""


def export_in_background(row_count: int) -> bool:
    return row_count > settings.MERCHANT_EXPORT_BACKGROUND_ROWS


def kept_since(now: datetime | None = None) -> datetime:
    """Exports made before this are expired."""
    return (now or timezone.now()) - timedelta(days=settings.MERCHANT_EXPORT_KEEP_DAYS)


def is_expired(export: MerchantExport) -> bool:
    return export.created_at < kept_since()


# The task's own limits (a department's ten years take seconds; ten times that, a minute).
TASK_SOFT_TIME_LIMIT = 540
TASK_TIME_LIMIT = 600


def _lease() -> timedelta:
    # As long as a task may run: a claim older than this belongs to a worker that died.
    return timedelta(seconds=TASK_TIME_LIMIT)


def merchant_export_request(*, member: Member, query: str) -> MerchantExport:
    """Queue the export of the list `query` (a query string) for `member`, or raise
    ExportNotQueued. Asking again for the same list while it is being written queues nothing.

    Called outside a transaction (the view is): the row is committed before a worker looks
    for it.
    """
    from outreach.tasks import BROKER_ERRORS

    from .tasks import write_merchant_export

    pending = MerchantExport.objects.filter(
        requested_by=member, query=query, finished_at=None, created_at__gte=timezone.now() - _lease()
    ).first()
    if pending is not None:
        return pending
    export = MerchantExport.objects.create(requested_by=member, query=query)
    try:
        write_merchant_export.apply_async(args=[export.pk], retry=False)
    except BROKER_ERRORS as exc:
        logger.warning("The broker did not take merchant export %s: %s", export.pk, exc)
        export.delete()
        raise ExportNotQueued from exc
    return export


def _claim(export_id: int) -> bool:
    now = timezone.now()
    return (
        MerchantExport.objects.filter(pk=export_id, finished_at=None)
        .filter(Q(started_at=None) | Q(started_at__lt=now - _lease()))
        .update(started_at=now)
        == 1
    )


def _may_export(member: Member) -> bool:
    """Still in the department when the worker gets to it (a member may leave meanwhile)."""
    return member.is_active and member.user.is_active and roles.is_member(member.user)


def merchant_export_write(*, export_id: int) -> bool:
    """Claim the export, write its file and notify the member; True when this call wrote it.

    A second run (the broker delivers again) finds the row claimed or finished and does
    nothing. A failure is kept on the row and the member is told, never left waiting.
    """
    if not _claim(export_id):
        return False
    export = MerchantExport.objects.select_related("requested_by__user").get(pk=export_id)
    member = export.requested_by
    if not _may_export(member):
        export.delete()
        return False
    try:
        merchants = MerchantFilter(QueryDict(export.query) or None).qs
        with tempfile.TemporaryFile() as handle:
            export.row_count = excel.write_export(merchants, handle)
            handle.seek(0)
            name = f"merchants-{timezone.localdate():%Y%m%d}-{uuid.uuid4().hex[:8]}.xlsx"
            export.file.save(name, File(handle), save=False)
    except Exception as exc:  # the member must hear of it, whatever it was (a time limit too)
        logger.exception("Merchant export %s failed", export_id)
        export.finished_at = timezone.now()
        export.error = f"{type(exc).__name__}: {exc}"[:1000]
        export.save(update_fields=["finished_at", "error", "updated_at"])
        notify(
            recipient=member,
            key=f"merchant-export:{export.pk}",
            title=Message(gettext_noop("商家导出失败，请重新导出，或缩小筛选范围后再试。")),
            url=_list_url(export),
            email=False,
        )
        return False
    export.finished_at = timezone.now()
    export.save(update_fields=["row_count", "file", "finished_at", "updated_at"])
    notify(
        recipient=member,
        key=f"merchant-export:{export.pk}",
        title=Message(gettext_noop("商家导出已完成：%(count)d 家商家"), count=export.row_count),
        body=Message(
            gettext_noop("点击下载 Excel 文件；文件保留 %(days)d 天。"), days=settings.MERCHANT_EXPORT_KEEP_DAYS
        ),
        url=export.get_absolute_url(),
    )
    return True


def _list_url(export: MerchantExport) -> str:
    url = reverse("sponsors:merchant-list")
    return f"{url}?{export.query}" if export.query else url


def merchant_exports_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the exports older than MERCHANT_EXPORT_KEEP_DAYS and their files; how many."""
    expired = list(MerchantExport.objects.filter(created_at__lt=kept_since(now)))
    for export in expired:
        if export.file:
            export.file.delete(save=False)
    MerchantExport.objects.filter(pk__in=[export.pk for export in expired]).delete()
    return len(expired)
