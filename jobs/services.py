from datetime import date, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from outreach.locking import StaleObjectError, save_changed
from outreach.messages import Lines, Message
from outreach.models import Member, ReminderKind
from outreach.phones import normalize_mobile
from outreach.reminders import Reminders, in_department_language, rule_for
from outreach.services import notifications_resolve
from sponsors.models import Merchant, VettingStatus

from .models import Application, EmployerRating, Outcome, Posting, PostingStatus, Screening

STATUS_TOKEN_SALT = "jobs.application-status"
# What the posting form edits; the status and who published it are the status buttons' business.
POSTING_FIELDS = (
    "merchant",
    "title",
    "season",
    "description",
    "work_start",
    "work_end",
    "place",
    "pay_amount",
    "pay_unit",
    "headcount",
    "criteria",
    "asks_gender",
    "charges_no_fee",
    "deadline",
    "interview_at",
    "interview_place",
)


def _check_employer(merchant: Merchant) -> None:
    # The picker already offers only these; a stale form or a crafted POST must not get past.
    if merchant.vetting_status == VettingStatus.BLACKLISTED:
        raise ValidationError({"merchant": _("该商家已被列入黑名单，不能发布兼职岗位。")})
    if merchant.vetting_status != VettingStatus.VERIFIED:
        raise ValidationError({"merchant": _("该商家尚未通过资质核查，核查通过后才能发布兼职岗位。")})


@transaction.atomic
def posting_save(*, posting: Posting, member: Member, expected_version: int | None = None) -> Posting:
    """Create or update a posting (from the form's unsaved instance). An update writes only
    the form's fields, and is refused when the posting is no longer at `expected_version`
    (the version the form was shown with; by default the one it was loaded at)."""
    _check_employer(Merchant.objects.select_for_update().get(pk=posting.merchant_id))
    if posting.pk is None:
        posting.created_by = member
        posting.full_clean()
        posting.save()
        return posting
    posting.full_clean()
    save_changed(
        posting,
        fields=POSTING_FIELDS,
        expected_version=posting.version if expected_version is None else expected_version,
    )
    return posting


@transaction.atomic
def posting_set_status(
    *, posting: Posting, status: str, member: Member, expected_version: int | None = None
) -> Posting:
    """Publish, close or mark filled: only from the status the page showed (and at its
    version, when given), so a stale page never reopens a closed posting."""
    PostingStatus(status)
    from_status = posting.status
    if status == PostingStatus.OPEN:
        _check_employer(posting.merchant)
        if posting.deadline < timezone.localdate():
            raise ValidationError(_("报名截止日期已过，请先修改截止日期再发布。"))
        posting.published_at = posting.published_at or timezone.now()
    posting.status = status
    posting.full_clean()
    save_changed(
        posting, fields=["status", "published_at"], expected_version=expected_version, where=Q(status=from_status)
    )
    if status != PostingStatus.OPEN:
        notifications_resolve(topic=f"posting:{posting.pk}:closing")
    return posting


def posting_refusal(posting: Posting) -> str:
    """Why this posting takes no applications now ("" when it does)."""
    if posting.status == PostingStatus.FILLED:
        return _("该岗位已招满，感谢关注。")
    # A merchant blacklisted after publishing (it asked the students for a deposit, say)
    # takes no more applications.
    closed = posting.status != PostingStatus.OPEN or posting.merchant.is_blacklisted
    if closed or posting.deadline < timezone.localdate():
        return _("该岗位已停止报名，感谢关注。")
    hired = posting.applications.filter(outcome=Outcome.HIRED).count()
    if hired >= posting.headcount:
        return _("该岗位已招满，感谢关注。")
    return ""


class AlreadyApplied(Exception):
    """This student number already has an application to the posting. The message says so
    and nothing more: not whose, not how to reach it."""

    def __init__(self):
        super().__init__(
            _(
                "该学号已报名过此岗位，本次提交未被接受，原报名没有任何改动。"
                "如果是您本人报名的，请用报名成功时页面上给出的进度链接查看或修改报名；"
                "链接遗失，或报名不是您本人提交的，请联系外联部。"
            )
        )


STUDENT_EDITABLE_FIELDS = ["name", "class_major", "mobile", "gender", "availability", "note", "share_mobile"]


def _student_values(posting: Posting, data: dict) -> dict:
    values = {field: data.get(field, "") for field in STUDENT_EDITABLE_FIELDS}
    values["mobile"] = normalize_mobile(values["mobile"])
    values["share_mobile"] = bool(values["share_mobile"])
    if not posting.asks_gender:
        values["gender"] = ""
    return values


@transaction.atomic
def application_submit(*, posting: Posting, data: dict) -> Application:
    """A student applies. A student number that already applied to this posting is refused
    (AlreadyApplied) and the existing application is left exactly as it was: whoever knows
    a classmate's student number must not be able to overwrite their application. The
    student changes their own application through the status link (application_update)."""
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    refusal = posting_refusal(posting)
    if refusal:
        raise ValidationError(refusal)
    if not data.get("consent"):
        raise ValidationError({"consent": _("请勾选同意向用人单位提供报名信息，否则无法报名。")})
    student_number = data["student_number"].strip()
    if posting.applications.filter(student_number=student_number).exists():
        raise AlreadyApplied
    application = Application(posting=posting, student_number=student_number, consent=True)
    for field, value in _student_values(posting, data).items():
        setattr(application, field, value)
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # a simultaneous first submission won the race
        raise AlreadyApplied from exc
    return application


@transaction.atomic
def application_update(*, application: Application, data: dict) -> Application:
    """The student (holder of the status link) corrects their application while it still
    waits for screening. A blank mobile keeps the one on file: the edit page never shows it."""
    application = Application.objects.select_for_update().select_related("posting").get(pk=application.pk)
    if application.screening != Screening.PENDING:
        raise ValidationError(_("您的报名已进入初试，不能再修改；如需更正请联系外联部。"))
    values = _student_values(application.posting, {**data, "mobile": data.get("mobile") or application.mobile})
    changed = [field for field, value in values.items() if getattr(application, field) != value]
    for field in changed:
        setattr(application, field, values[field])
    application.full_clean()
    if changed:
        # Bumps the version: a screener's page shown before the student's edit is refused.
        save_changed(application, fields=changed, expected_version=None, where=Q(screening=Screening.PENDING))
    return application


def application_status_token(application: Application) -> str:
    return signing.dumps([application.pk, application.status_link_generation], salt=STATUS_TOKEN_SALT)


def application_from_token(token: str) -> tuple[int, int] | None:
    """(application id, link generation) from a status link, or None when it is not ours."""
    try:
        payload = signing.loads(token, salt=STATUS_TOKEN_SALT)
    except signing.BadSignature:
        return None
    if isinstance(payload, int):  # links given out before links could be revoked
        return payload, 0
    if isinstance(payload, list) and len(payload) == 2 and all(isinstance(n, int) for n in payload):
        return payload[0], payload[1]
    return None


@transaction.atomic
def application_revoke_status_link(*, application: Application, member: Member) -> Application:
    """Staff make every status link of this application stop working (one was shared in a
    group chat, say). The student asks the department for help from then on."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    application.status_link_generation += 1
    application.status_link_revoked_at = timezone.now()
    application._history_user = member.user
    save_changed(application, fields=["status_link_generation", "status_link_revoked_at"], expected_version=None)
    return application


@transaction.atomic
def application_screen(
    *,
    application: Application,
    member: Member,
    passed: bool,
    criteria_met: list[str],
    note: str = "",
    expected_version: int | None = None,
) -> Application:
    """Record the screening; refused when the student changed the application (or another
    screener screened it) since the page was shown at `expected_version`, or once sent."""
    if application.sent_at:
        raise ValidationError(_("已推荐复试的报名不能再修改初试结果。"))
    known = application.posting.criteria_list
    application.criteria_met = [item for item in criteria_met if item in known]
    application.screening = Screening.PASSED if passed else Screening.FAILED
    application.screening_note = note
    application.screened_by = member
    application.screened_at = timezone.now()
    application.full_clean()
    save_changed(
        application,
        fields=["criteria_met", "screening", "screening_note", "screened_by", "screened_at"],
        expected_version=application.version if expected_version is None else expected_version,
        where=Q(sent_at__isnull=True),
    )
    if not _stale_pending(Application.objects.filter(posting=application.posting_id)).exists():
        notifications_resolve(topic=f"posting:{application.posting_id}:screening")
    return application


class NeedsConfirmation(Exception):
    """Sending these would exceed headcount × the interview factor."""

    def __init__(self, total: int, limit: int):
        self.total, self.limit = total, limit
        super().__init__(f"{total} > {limit}")


@transaction.atomic
def applications_send_to_interview(
    *, posting: Posting, applications: list[Application], member: Member, confirmed: bool = False
) -> int:
    """Send passed applicants to the employer's interview. Going past headcount × factor
    needs confirmed=True: every extra person the employer turns away lowers the
    admission rate and the employer's trust in the union."""
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    for application in applications:
        if application.posting_id != posting.pk or application.screening != Screening.PASSED:
            raise ValidationError(_("只有初试通过的同学才能推荐参加复试。"))
    new = [a for a in applications if a.sent_at is None]
    total = posting.applications.sent().count() + len(new)
    if total > posting.interview_limit and not confirmed:
        raise NeedsConfirmation(total, posting.interview_limit)
    now = timezone.now()
    for application in new:
        application.sent_at = now
        application.sent_by = member
        # Refused (and nobody sent) when it was screened again as failed meanwhile.
        save_changed(
            application,
            fields=["sent_at", "sent_by"],
            expected_version=None,
            where=Q(screening=Screening.PASSED, sent_at__isnull=True),
        )
    return len(new)


@transaction.atomic
def application_record_outcome(
    *,
    application: Application,
    outcome: str,
    worked: bool | None = None,
    feedback: str = "",
    expected_version: int | None = None,
) -> Application:
    Outcome(outcome)
    if not application.sent_at:
        raise ValidationError(_("只有推荐参加复试的同学才能记录复试结果。"))
    if worked is not None and outcome != Outcome.HIRED:
        raise ValidationError(_("未录用的同学不能记录到岗情况。"))
    application.outcome = outcome
    application.worked = worked
    application.employer_feedback = feedback
    application.full_clean()
    save_changed(
        application,
        fields=["outcome", "worked", "employer_feedback"],
        expected_version=application.version if expected_version is None else expected_version,
        where=Q(sent_at__isnull=False),
    )
    posting = application.posting
    if (
        posting.status == PostingStatus.OPEN
        and posting.applications.filter(outcome=Outcome.HIRED).count() >= posting.headcount
    ):
        posting.status = PostingStatus.FILLED
        try:
            save_changed(posting, fields=["status"], expected_version=None, where=Q(status=PostingStatus.OPEN))
        except StaleObjectError:
            posting.refresh_from_db()  # closed meanwhile: it stays closed
    return application


def employer_rating_create(
    *, merchant: Merchant, member: Member, score: int, comment: str = "", posting: Posting | None = None
) -> EmployerRating:
    rating = EmployerRating(merchant=merchant, posting=posting, member=member, score=score, comment=comment)
    rating.full_clean()
    rating.save()
    return rating


@transaction.atomic
def seasons_save(*, forms: list) -> int:
    """Save the edited season calendar (a validated formset's forms)."""
    saved = 0
    for form in forms:
        if form.has_changed():
            season = form.save(commit=False)
            if "note" in form.changed_data:
                season.note_en = ""  # the English said what the old note said
            season.full_clean()
            season.save()
            saved += 1
    return saved


# --- Reminders (run daily by jobs.tasks.send_jobs_reminders)


def _stale_pending(applications, now=None):
    """Applications waiting for screening longer than the rule's days."""
    days = rule_for(ReminderKind.SCREENING_WAITING).days
    now = now or timezone.now()
    return applications.filter(screening=Screening.PENDING, created_at__lte=now - timedelta(days=days))


@in_department_language
def posting_closing_reminders_send(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    rule = rule_for(ReminderKind.POSTING_CLOSING)
    batch = Reminders()
    postings = Posting.objects.filter(
        status=PostingStatus.OPEN, deadline__gte=today, deadline__lte=today + timedelta(days=rule.days)
    ).select_related("merchant", "created_by__user")
    for posting in postings.with_funnel():
        batch.add(
            rule,
            responsible=[posting.created_by],
            key=f"posting-closing:{posting.pk}:{posting.deadline.isoformat()}",
            topic=f"posting:{posting.pk}:closing",
            title=Message(
                gettext_noop("兼职报名将于 %(date)s 截止：%(title)s（%(merchant)s）"),
                {"date": posting.deadline, "title": posting.title, "merchant": posting.merchant},
            ),
            body=Message(
                gettext_noop("已报名 %(applied)d 人，招聘 %(headcount)d 人。人数不够请再宣传，或与用人单位商量延期。"),
                {"applied": posting.n_applied, "headcount": posting.headcount},
            ),
            url=posting.get_absolute_url(),
        )
    return batch.send()


@in_department_language
def screening_reminders_send(*, now=None) -> int:
    """Postings with applications waiting for screening too long: one reminder per posting
    (a newer one replaces the older while some still wait)."""
    now = now or timezone.now()
    rule = rule_for(ReminderKind.SCREENING_WAITING)
    batch = Reminders()
    stale = _stale_pending(Application.objects.exclude(posting__status=PostingStatus.DRAFT), now)
    oldest: dict[int, Application] = {}
    counts: dict[int, int] = {}
    for application in stale.select_related("posting__merchant", "posting__created_by__user").order_by("created_at"):
        oldest.setdefault(application.posting_id, application)
        counts[application.posting_id] = counts.get(application.posting_id, 0) + 1
    for posting_id, application in oldest.items():
        posting = application.posting
        batch.add(
            rule,
            responsible=[posting.created_by],
            key=f"screening-waiting:{posting_id}:{application.pk}",
            topic=f"posting:{posting_id}:screening",
            title=Message(
                gettext_noop("%(count)d 份报名等待初试：%(title)s（%(merchant)s）"),
                {"count": counts[posting_id], "title": posting.title, "merchant": posting.merchant},
            ),
            body=Message(
                gettext_noop(
                    "最早的一份是 %(name)s 于 %(date)s 报名的，已超过 %(days)d 天。请尽快初试，学生在等结果。"
                ),
                {
                    "name": application.name,
                    "date": timezone.localtime(application.created_at).date(),
                    "days": rule.days,
                },
            ),
            url=posting.get_absolute_url(),
        )
    return batch.send()


@in_department_language
def season_outreach_reminders_send(*, today: date | None = None) -> int:
    """A job season's outreach starts in the rule's days: the minister and the jobs group
    hear it, with last seasons' employers to call again."""
    from .queries import past_employers_to_contact, seasons_starting_within

    today = today or timezone.localdate()
    rule = rule_for(ReminderKind.SEASON_OUTREACH)
    batch = Reminders()
    starts = seasons_starting_within(rule.days, today)
    if not starts:
        return 0
    employers = list(past_employers_to_contact(today))
    if employers:
        lines = [
            Lines(
                "· ",
                Message(gettext_noop("%(name)s（%(phone)s）"), name=merchant.name, phone=merchant.phone)
                if merchant.phone
                else merchant.name,
                separator="",
            )
            for merchant in employers
        ]
        call_again = Lines(Message(gettext_noop("以往合作过的用人单位，可以先联系：")), *lines)
    else:
        call_again = Message(gettext_noop("还没有以往合作过的用人单位，请从商家库中挑选。"))
    for start in starts:
        batch.add(
            rule,
            key=f"season-outreach:{start.season.kind}:{start.outreach_starts_on.isoformat()}",
            topic=f"season:{start.season.kind}",
            title=Message(
                gettext_noop("%(season)s兼职外联将于 %(date)s 开始"),
                {"season": start.season, "date": start.outreach_starts_on},
            ),
            body=Lines(Message(gettext_noop("用人单位要提前联系，岗位才能赶在假期前发布。")), call_again),
            url=reverse("jobs:posting-list"),
        )
    return batch.send()
