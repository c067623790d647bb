from sponsors.models import BlacklistReason, VettingStatus
from sponsors.tests.factories import MerchantFactory

from .. import services
from ..models import ReceivedEntry
from .helpers import SignedBy, blacklist_entry


def alliance_world(*, minister, merchant):
    """A peer, an entry it sent that matches `merchant` by name, and one entry we share."""
    other = SignedBy()
    peer = services.peer_create(by=minister, name="江城大学外联部", school=other.school, public_key=other.public_key)
    services.bundle_import(data=other.bundle([blacklist_entry(name=merchant.name)]), by=minister)
    blacklisted = MerchantFactory(
        name="冒名招聘中介",
        vetting_status=VettingStatus.BLACKLISTED,
        blacklist_reason=BlacklistReason.FRAUD,
        vetting_note="收取押金后失联",
    )
    shared = services.shared_entry_create(by=minister, kind="blacklist", merchant=blacklisted, note="收取押金")
    return peer, shared, ReceivedEntry.objects.get(peer=peer)
