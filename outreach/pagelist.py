"""The app's page list: every URL pattern of the project and how to fill its arguments.

One list, used by everything that must see every page: the URL walker (every URL as every
role, outreach/tests/test_url_walk.py), the browser checks (accessibility, phone layout) and
the benchmark. A new view is in it by construction: `routes()` reads the resolver, and a
pattern with arguments that FILLERS cannot fill is reported by `urls_for()`, so the walker's
test fails until the view gets its line here.

A filler takes a data set `w`: any object with the attributes the fillers read (w.merchant,
w.signed, ...). The tests build one with factories (outreach/tests/world.py); the benchmark
picks the same attributes from its seeded database.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# URL names a visitor without an account may read. Everything else is private.
PUBLIC = {
    "healthz",
    "set_language",
    "javascript-catalog",  # the static translation catalogue for the front end
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "jobs:public-list",
    "jobs:public-posting",
    "jobs:apply",
    "jobs:notice-pdf",
    "jobs:application-status",
    "jobs:application-edit",  # the holder of the status link corrects their application
    "events:merchant-link",
    "events:merchant-link-contract-pdf",
    "events:merchant-link-report-pdf",
    "events:merchant-link-confirm",  # the sponsor accepts a benefit on its signed link
    "events:merchant-link-object",
    "admin:login",
    "alliance:feed",  # our signed bundle for peers to pull; 404 unless ALLIANCE_FEED_PUBLISH
}

# What any signed-in account may use, in the department or not: its own password.
ACCOUNT_PAGES = {"password_change", "password_change_done"}

# URL names in the list that are not pages a person reads: a file, a fragment, an action.
# The browser checks (accessibility, phone layout) leave them out.
NOT_PAGES = {"healthz", "javascript-catalog", "media-file", "logout"}


# URL name -> the arguments to walk it with: a dict, or a list of dicts to walk it several
# times (e.g. a draft and a signed contract); the key "?" adds a query string. A new view
# with arguments needs one line here; one without is walked as it is.
FILLERS: dict[str, Callable[[SimpleNamespace], dict | list[dict]]] = {
    "password_reset_confirm": lambda w: [
        {"uidb64": w.reset_uid, "token": w.reset_token},
        {"uidb64": w.reset_uid, "token": "set-password"},
    ],
    "media-file": lambda w: [{"path": w.visit_photo.image.name}, {"path": w.signed.signed_scan.name}],
    # department
    "outreach:member-detail": lambda w: [{"pk": w.officer.pk}, {"pk": w.officer.pk, "?": f"semester={w.semester.pk}"}],
    "outreach:member-edit": lambda w: {"pk": w.officer.pk},
    "outreach:candidate-detail": lambda w: {"pk": w.candidate.pk},
    "outreach:candidate-interview": lambda w: {"pk": w.candidate.pk},
    "outreach:candidate-accept": lambda w: {"pk": w.candidate.pk},
    "outreach:candidate-reject": lambda w: {"pk": w.candidate.pk},
    "outreach:training-detail": lambda w: {"pk": w.training.pk},
    "outreach:meeting-detail": lambda w: [{"pk": w.meeting.pk}, {"pk": w.meeting.pk, "?": f"visit={w.visit.pk}"}],
    "outreach:training-list": lambda w: [{}, {"?": f"semester={w.semester.pk}"}, {"?": "semester=999999"}],
    "outreach:meeting-list": lambda w: [{}, {"?": f"semester={w.semester.pk}"}],
    "outreach:score-ranking": lambda w: [{}, {"?": f"semester={w.semester.pk}"}],
    "outreach:score-rules": lambda w: [{}, {"?": f"edit={w.score_rule.pk}"}],
    "outreach:experience-list": lambda w: [{}, {"?": "q=预算&tag=赞助&page=x"}],
    "outreach:meeting-share-create": lambda w: {"pk": w.meeting.pk},
    "outreach:assignment-detail": lambda w: {"pk": w.assignment.pk},
    "outreach:submission-review": lambda w: {"pk": w.submission.pk},
    "outreach:score-breakdown": lambda w: [{"pk": w.officer.pk}, {"pk": w.minister.pk}],
    # sponsors
    "sponsors:merchant-list": lambda w: [{}, {"?": "q=测试&stage=contacted&sort=-last_visit&not_visited_days=x"}],
    "sponsors:export": lambda w: [{}, {"?": "stage=contacted"}],
    # A bench world seeded before exports were kept has none.
    "sponsors:export-download": lambda w: [{"pk": w.merchant_export.pk}] if hasattr(w, "merchant_export") else [],
    "sponsors:merchant-duplicates": lambda w: [{}, {"?": f"name={w.merchant.name}&phone=027-87654321"}],
    "sponsors:merchant-search": lambda w: [{}, {"?": "q=测试"}],
    "sponsors:board": lambda w: [{}, {"?": "mine=1"}],
    "sponsors:followups": lambda w: [{}, {"?": f"member={w.vice_minister.pk}"}],
    "sponsors:visit-create": lambda w: [{}, {"?": f"merchant={w.merchant.pk}"}],
    "sponsors:merchant-detail": lambda w: [{"pk": w.merchant.pk}, {"pk": w.other_merchant.pk}],
    "sponsors:merchant-edit": lambda w: [{"pk": w.merchant.pk}, {"pk": w.other_merchant.pk}],
    "sponsors:merchant-stage": lambda w: {"pk": w.merchant.pk},
    "sponsors:merchant-vetting": lambda w: {"pk": w.merchant.pk},
    "sponsors:contact-create": lambda w: [{"pk": w.merchant.pk}, {"pk": w.other_merchant.pk}],
    "sponsors:followup-create": lambda w: {"pk": w.merchant.pk},
    "sponsors:contact-edit": lambda w: [{"pk": w.contact.pk}, {"pk": w.other_contact.pk}],
    "sponsors:contact-delete": lambda w: [{"pk": w.contact.pk}, {"pk": w.other_contact.pk}],
    "sponsors:visit-detail": lambda w: {"pk": w.visit.pk},
    "sponsors:visit-edit": lambda w: [{"pk": w.visit.pk}, {"pk": w.other_visit.pk}],
    "sponsors:followup-done": lambda w: [{"pk": w.followup.pk}, {"pk": w.other_followup.pk}],
    # events
    "events:event-list": lambda w: [{}, {"?": "status=planning"}],
    "events:event-detail": lambda w: {"pk": w.event.pk},
    "events:event-proposals": lambda w: [{"pk": w.event.pk}, {"pk": w.event.pk, "?": "page=2"}],
    "events:event-search": lambda w: [{}, {"?": "q=排球"}],
    "events:event-edit": lambda w: {"pk": w.event.pk},
    "events:benefit-create": lambda w: {"pk": w.event.pk},
    "events:proposal-create": lambda w: [{"pk": w.event.pk}, {"pk": w.event.pk, "?": f"merchant={w.merchant.pk}"}],
    "events:contract-create": lambda w: {"pk": w.event.pk},
    "events:material-create": lambda w: {"pk": w.event.pk},
    "events:benefit-agree": lambda w: {"pk": w.pending_approval.pk},
    "events:material-returned": lambda w: {"pk": w.material.pk},
    "events:proposal-detail": lambda w: {"pk": w.proposal.pk},
    "events:proposal-pdf": lambda w: {"pk": w.proposal.pk},
    "events:package-create": lambda w: {"pk": w.proposal.pk},
    "events:proposal-status": lambda w: {"pk": w.proposal.pk},
    "events:proposal-contract": lambda w: {"pk": w.proposal.pk},
    "events:contract-detail": lambda w: [{"pk": w.draft.pk}, {"pk": w.signed.pk}],
    "events:contract-edit": lambda w: [{"pk": w.draft.pk}, {"pk": w.submitted.pk}, {"pk": w.signed.pk}],
    "events:contract-pdf": lambda w: {"pk": w.signed.pk},
    "events:fulfilment-report-pdf": lambda w: {"pk": w.signed.pk},
    "events:clause-create": lambda w: [{"pk": w.draft.pk}, {"pk": w.signed.pk}],
    "events:in-kind-create": lambda w: [{"pk": w.draft.pk}, {"pk": w.signed.pk}],
    "events:contract-submit": lambda w: {"pk": w.draft.pk},
    "events:contract-approve": lambda w: {"pk": w.submitted.pk},
    "events:contract-signoff": lambda w: {"pk": w.submitted.pk},
    "events:contract-return": lambda w: {"pk": w.submitted.pk},
    "events:contract-sign": lambda w: [{"pk": w.approved.pk}, {"pk": w.signed.pk}],
    "events:contract-terminate": lambda w: {"pk": w.signed.pk},
    "events:contract-keep": lambda w: {"pk": w.signed.pk},
    "events:contract-scan": lambda w: {"pk": w.signed.pk},
    "events:amendment-create": lambda w: {"pk": w.signed.pk},
    "events:payment-create": lambda w: {"pk": w.signed.pk},
    "events:link-create": lambda w: {"pk": w.signed.pk},
    "events:amendment-pdf": lambda w: {"pk": w.amendment.pk},
    "events:payment-receive": lambda w: {"pk": w.payment.pk},
    "events:link-revoke": lambda w: {"pk": w.link.pk},
    "events:deliverable-complete": lambda w: [{"pk": w.deliverable.pk}, {"pk": w.done_deliverable.pk}],
    "events:deliverable-assign": lambda w: {"pk": w.deliverable.pk},
    "events:deliverable-verify": lambda w: {"pk": w.done_deliverable.pk},
    "events:deliverable-reopen": lambda w: {"pk": w.done_deliverable.pk},
    "events:evidence-file": lambda w: {"pk": w.evidence.pk},
    "events:merchant-link": lambda w: [{"token": w.link_token}, {"token": "forged"}],
    "events:merchant-link-contract-pdf": lambda w: {"token": w.link_token},
    "events:merchant-link-report-pdf": lambda w: {"token": w.link_token},
    "events:merchant-link-confirm": lambda w: [
        {"token": w.link_token, "pk": w.done_deliverable.pk},
        {"token": "forged", "pk": w.done_deliverable.pk},
    ],
    "events:merchant-link-object": lambda w: [
        {"token": w.link_token, "pk": w.done_deliverable.pk},
        {"token": "forged", "pk": w.done_deliverable.pk},
    ],
    "events:objection-resolve": lambda w: {"pk": w.done_deliverable.pk},
    "events:contract-report-sent": lambda w: {"pk": w.signed.pk},
    "events:contract-receipt": lambda w: {"pk": w.signed.pk},
    # jobs
    "jobs:posting-detail": lambda w: {"pk": w.posting.pk},
    "jobs:posting-edit": lambda w: {"pk": w.posting.pk},
    "jobs:posting-status": lambda w: {"pk": w.posting.pk},
    "jobs:screening": lambda w: [{"pk": w.posting.pk}, {"pk": w.posting.pk, "?": "show=all"}],
    "jobs:send-to-interview": lambda w: {"pk": w.posting.pk},
    "jobs:rating-create": lambda w: {"pk": w.posting.pk},
    "jobs:interview-export": lambda w: {"pk": w.posting.pk},
    "jobs:application-screen": lambda w: {"pk": w.application.pk},
    "jobs:application-outcome": lambda w: {"pk": w.application.pk},
    "jobs:public-posting": lambda w: [{"pk": w.posting.pk}, {"pk": w.draft_posting.pk}],
    "jobs:apply": lambda w: {"pk": w.posting.pk},
    "jobs:notice-pdf": lambda w: {"pk": w.posting.pk},
    "jobs:application-status": lambda w: [{"token": w.application_token}, {"token": "forged"}],
    "jobs:application-edit": lambda w: [{"token": w.application_token}, {"token": "forged"}],
    "jobs:application-revoke-link": lambda w: {"pk": w.application.pk},
    # alliance
    "alliance:peer-edit": lambda w: {"pk": w.peer.pk},
    "alliance:peer-pull": lambda w: {"pk": w.peer.pk},
    "alliance:share": lambda w: [{"kind": "blacklist"}, {"kind": "cooperation"}],
    "alliance:shared-retract": lambda w: {"pk": w.shared_entry.pk},
    "alliance:adopt": lambda w: {"pk": w.received_entry.pk},
    # notifications: each role's own, and the others' (404)
    "notification-open": lambda w: [{"pk": n.pk} for n in w.notifications],
    "notification-resend": lambda w: {"pk": w.notifications[0].pk},
}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "events:contract-edit"; "" when the pattern has none
    route: str  # the whole route, for messages
    arguments: tuple[str, ...]
    admin: bool = False  # inside Django's admin site


def routes(urlconf=None) -> Iterator[Route]:
    """Every URL pattern of the urlconf, with its namespaced name and argument names."""

    def walk(patterns, prefix: str, namespace: str, arguments: tuple[str, ...]):
        for pattern in patterns:
            regex = pattern.pattern.regex
            named = tuple(regex.groupindex)
            here = arguments + (named if len(named) == regex.groups else (f"group {regex.groups}",))
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, route, inner, here)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else ""
                yield Route(name, route, here, admin=namespace.startswith("admin:"))

    yield from walk(get_resolver(urlconf).url_patterns, "/", "", ())


def urls_for(route: Route, world, urlconf=None) -> list[str]:
    """The URLs to request for `route` with the data set `world`. Raises `Unfillable` when the
    pattern takes arguments that FILLERS does not know."""
    filler = FILLERS.get(route.name)
    if filler is None:
        if route.arguments:
            raise Unfillable(
                f"{route.name} ({route.route}): the walker cannot fill {', '.join(route.arguments)}. "
                f'Add a line to FILLERS in outreach/pagelist.py, e.g. "{route.name}": '
                "lambda w: {" + ", ".join(f'"{a}": w.something.pk' for a in route.arguments) + "},"
            )
        return [reverse(route.name, urlconf=urlconf)]
    fills = filler(world)
    urls = []
    for kwargs in fills if isinstance(fills, list) else [fills]:
        kwargs = dict(kwargs)
        query = kwargs.pop("?", "")
        url = reverse(route.name, kwargs=kwargs, urlconf=urlconf)
        urls.append(f"{url}?{query}" if query else url)
    return urls


class Unfillable(LookupError):
    pass


def pages(world, urlconf=None) -> list[tuple[Route, str]]:
    """Every named URL of the apps (not Django's admin) filled with `world`: the page list.
    Which of them are pages for whom is the caller's to find out (a GET as the role that
    answers 200 with HTML); actions that only take POST answer 405 and drop out."""
    found = []
    for route in routes(urlconf):
        if route.admin or not route.name:
            continue
        found.extend((route, url) for url in urls_for(route, world, urlconf))
    return found
