"""Reads of the alliance page."""

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import BundleReceipt, Peer, ReceivedEntry, SharedEntry


def peers_for_page() -> QuerySet[Peer]:
    latest = Prefetch(
        "receipts", queryset=BundleReceipt.objects.order_by("-received_at", "-pk"), to_attr="all_receipts"
    )
    return Peer.objects.annotate(active_entries=Count("entries", filter=Q(entries__retracted=False))).prefetch_related(
        latest
    )


def received_for_page() -> QuerySet[ReceivedEntry]:
    return ReceivedEntry.objects.filter(retracted=False).select_related("peer").order_by("-listed_on", "-pk")


def shared_for_page() -> QuerySet[SharedEntry]:
    return SharedEntry.objects.select_related("merchant", "created_by").order_by("retracted_at", "-listed_on", "-pk")
