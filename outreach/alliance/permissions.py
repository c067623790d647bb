"""Who may do what in the alliance: every member reads the page and the warnings; only the
minister registers peers, shares, exports, imports and adopts (what leaves the department,
and what comes in, is the minister's decision)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from outreach.permissions import require_member
from outreach.permissions import require_minister as _require_minister

from .models import Peer, ReceivedEntry, SharedEntry

__all__ = ["require_member", "require_minister", "get_peer_for_edit", "get_shared_for_edit", "get_entry_to_adopt"]


def require_minister(request: HttpRequest):
    return _require_minister(request, _("联盟的成员、分享、导入导出和采纳只能由部长操作。"))


def get_peer_for_edit(request: HttpRequest, pk: int) -> Peer:
    require_minister(request)
    return get_object_or_404(Peer, pk=pk)


def get_shared_for_edit(request: HttpRequest, pk: int) -> SharedEntry:
    require_minister(request)
    return get_object_or_404(SharedEntry, pk=pk)


def get_entry_to_adopt(request: HttpRequest, pk: int) -> ReceivedEntry:
    require_minister(request)
    return get_object_or_404(ReceivedEntry.objects.select_related("peer"), pk=pk, retracted=False)
