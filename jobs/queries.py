import base64
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import date, timedelta

import qrcode
from django.core.cache import cache
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import get_language, gettext_noop

from outreach.days import day_bounds, day_start
from outreach.messages import Message
from outreach.pdf import render_pdf
from sponsors.models import Merchant

from .models import Application, EmployerRating, Outcome, Posting, PostingStatus, Season

logger = logging.getLogger(__name__)

# The notice PDF is cached under a key that changes with the posting and its employer; the
# timeout only bounds how long a changed template (a deploy) keeps the old layout.
NOTICE_PDF_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class SeasonStart:
    season: Season
    outreach_starts_on: date


def _next_date(month: int, day: int, today: date) -> date:
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:  # 29 Feb in a common year
            candidate = date(year, month, 28)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")


def season_calendar(today: date) -> list[SeasonStart]:
    """Every season with an outreach date, by the next day its outreach starts."""
    starts = [
        SeasonStart(season, _next_date(season.outreach_month, season.outreach_day, today))
        for season in Season.objects.filter(outreach_month__isnull=False, outreach_day__isnull=False)
    ]
    return sorted(starts, key=lambda start: start.outreach_starts_on)


def seasons_starting_within(days: int, today: date) -> list[SeasonStart]:
    """Seasons whose outreach starts between today and today + days (inclusive), soonest
    first: what the reminders warn the department about."""
    last = today + timedelta(days=days)
    return [start for start in season_calendar(today) if start.outreach_starts_on <= last]


def postings_for_list() -> QuerySet[Posting]:
    # The figures the list shows (jobs/posting_list.html); the posting page shows them all.
    funnel = Posting.objects.select_related("merchant").with_funnel("applied", "passed", "sent", "hired")
    return funnel.order_by("-work_start", "-pk")


def public_postings() -> QuerySet[Posting]:
    return Posting.objects.public().select_related("merchant").order_by("deadline", "pk")


def posting_for_detail(pk: int) -> Posting:
    ratings = EmployerRating.objects.select_related("member")
    return (
        Posting.objects.select_related("merchant", "created_by")
        .with_funnel()
        .prefetch_related(Prefetch("ratings", queryset=ratings))
        .get(pk=pk)
    )


def applications_for_posting(posting: Posting) -> QuerySet[Application]:
    return posting.applications.select_related("screened_by", "sent_by").order_by("created_at", "pk")


def past_employers_to_contact(today: date, limit: int = 10) -> QuerySet[Merchant]:
    """Employers of earlier seasons (still eligible) with no posting running now: the ones
    to call again before the coming season. Best admission rate and rating first.

    Everything is a correlated subquery on the postings' merchant index: the order reads each
    employer's latest past posting, and PostgreSQL counts the applications of the rows shown
    only. Grouping merchants joined to their postings and applications counted every past
    posting's applications before the page took ten."""
    from outreach.listing import count_of

    past = Posting.objects.filter(merchant=OuterRef("pk"), work_end__lt=today)
    of_past = Application.objects.filter(posting__merchant=OuterRef("pk"), posting__work_end__lt=today)
    return (
        Merchant.objects.eligible_for_business()
        .filter(Exists(past))
        .exclude(job_postings__status=PostingStatus.OPEN)
        .annotate(
            last_work_end=Subquery(past.order_by("-work_end").values("work_end")[:1]),
            n_postings=count_of(past),
            n_sent=count_of(of_past.filter(sent_at__isnull=False)),
            n_hired=count_of(of_past.filter(outcome=Outcome.HIRED)),
            avg_score=Subquery(
                EmployerRating.objects.filter(merchant=OuterRef("pk"))
                .values("merchant")
                .annotate(avg=Avg("score"))
                .values("avg")[:1]
            ),
        )
        .order_by("-last_work_end", "name")[:limit]
    )


def qr_data_uri(url: str) -> str:
    """A PNG QR code of the URL as a data: URI, for the page and the PDF alike."""
    image = qrcode.make(url, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def notice_pdf(posting: Posting, public_url: str) -> bytes:
    """The printable job notice. Anyone may ask for it, so it is rendered once per version
    of the posting (and language and address) and served from the cache; when the cache
    does not answer, it is rendered every time."""
    url_hash = hashlib.sha256(public_url.encode()).hexdigest()[:16]
    key = ":".join(
        [
            "jobs:notice-pdf",
            str(posting.pk),
            posting.updated_at.isoformat(),
            posting.merchant.updated_at.isoformat(),
            get_language() or "",
            url_hash,
        ]
    )
    try:
        pdf = cache.get(key)
    except Exception:  # the cache backend's own errors: Redis down, say
        logger.warning("Notice PDF cache did not answer; rendering posting %s", posting.pk)
        pdf = None
        key = None
    if pdf is not None:
        return pdf
    pdf = render_pdf(
        "jobs/pdf/notice.html", {"posting": posting, "public_url": public_url, "qr": qr_data_uri(public_url)}
    )
    if key is not None:
        try:
            cache.set(key, pdf, NOTICE_PDF_CACHE_SECONDS)
        except Exception:
            logger.warning("Notice PDF cache did not answer; posting %s not cached", posting.pk)
    return pdf


def timeline_entries(merchant: Merchant, limit: int | None = None) -> list:
    """The merchant page's timeline: its postings with their admission rates, and the
    department's ratings of it as an employer. Two queries whatever the history."""
    from django.utils.translation import gettext as _

    from sponsors.timeline import TimelineEntry

    from .models import admission_rate

    entries = []
    postings = Posting.objects.filter(merchant=merchant).with_funnel().order_by("-created_at", "-pk")
    for posting in postings[:limit] if limit is not None else postings:
        rate = admission_rate(posting.n_hired, posting.n_sent)
        rate_text = _("录取率 %(rate)s") % {"rate": f"{rate:.0%}"} if rate is not None else _("尚未推荐复试")
        entries.append(
            TimelineEntry(
                when=posting.published_at or posting.created_at,
                kind="posting",
                title=_("兼职岗位：%(title)s") % {"title": posting.title},
                url=posting.get_absolute_url(),
                detail=_("%(season)s，招 %(headcount)d 人；推荐复试 %(sent)d 人，录用 %(hired)d 人")
                % {
                    "season": posting.get_season_display(),
                    "headcount": posting.headcount,
                    "sent": posting.n_sent,
                    "hired": posting.n_hired,
                },
                badges=(posting.get_status_display(), rate_text),
            )
        )
    for rating in EmployerRating.objects.filter(merchant=merchant).select_related("member", "posting"):
        entries.append(
            TimelineEntry(
                when=rating.created_at,
                kind="employer-rating",
                title=_("用人单位评价：%(stars)s") % {"stars": "★" * rating.score},
                url=rating.posting.get_absolute_url() if rating.posting else "",
                detail=f"{rating.member.display_name}:{rating.comment}",
                badges=(f"{rating.score}/5",),
            )
        )
    return entries


def screened_per_member(start: date, end: date) -> dict[int, int]:
    """Applications screened by each member between start and end (screening dates)."""
    rows = (
        Application.objects.filter(
            screened_by__isnull=False,
            screened_at__gte=day_bounds(start, end)[0],
            screened_at__lt=day_bounds(start, end)[1],
        )
        .values("screened_by")
        .annotate(n=Count("pk"))
        .values_list("screened_by", "n")
    )
    return dict(rows)


# --- The digests' sections (registered in apps.py)


def digest_screenings(member, today: date):
    """Applications waiting for screening on the postings the member published."""

    from outreach.digests import DigestItem

    from .models import Screening

    postings = (
        Posting.objects.filter(created_by=member)
        .exclude(status=PostingStatus.DRAFT)
        .annotate(n_pending=Count("applications", filter=Q(applications__screening=Screening.PENDING)))
        .filter(n_pending__gt=0)
        .select_related("merchant")
    )
    return [
        DigestItem(
            Message(
                gettext_noop("%(title)s（%(merchant)s）：%(count)d 份报名待初试"),
                title=posting.title,
                merchant=posting.merchant.name,
                count=posting.n_pending,
            ),
            posting.get_absolute_url(),
        )
        for posting in postings
    ]


def digest_admission_rate(monday: date):
    """Hired / sent to interview, over the applications sent in the last 90 days."""

    from outreach.digests import DigestItem

    from .models import Application, admission_rate

    sent = Application.objects.sent().filter(sent_at__gte=day_start(monday - timedelta(days=90)))
    n_sent = sent.count()
    n_hired = sent.filter(outcome="hired").count()
    rate = admission_rate(n_hired, n_sent)
    if rate is None:
        return [DigestItem(Message(gettext_noop("近 90 天没有推荐复试的报名")))]
    return [
        DigestItem(
            Message(
                gettext_noop("近 90 天推荐复试 %(sent)d 人，录用 %(hired)d 人，录取率 %(rate)s"),
                sent=n_sent,
                hired=n_hired,
                rate=f"{rate:.0%}",
            )
        )
    ]


def applications_for_list() -> QuerySet[Application]:
    return Application.objects.select_related("posting", "posting__merchant", "screened_by")
