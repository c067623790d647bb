from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from outreach.locking import Versioned
from outreach.models import Member, TimeStampedModel
from outreach.phones import validate_mobile
from outreach.text import in_language
from sponsors.models import Merchant


class SeasonKind(models.TextChoices):
    MAY_DAY = "may_day", _("五一")
    SUMMER = "summer", _("暑假")
    NATIONAL_DAY = "national_day", _("国庆")
    WINTER = "winter", _("寒假")
    WEEKEND = "weekend", _("周末")
    OTHER = "other", _("其他")


class Season(TimeStampedModel):
    """A holiday season for part-time jobs, with the day the department's outreach for it
    should start (the summer's jobs are found in June, not in July). Seeded by a data
    migration and editable in the admin."""

    kind = models.CharField(_("季节"), max_length=20, choices=SeasonKind.choices, unique=True)
    outreach_month = models.PositiveSmallIntegerField(
        _("外联开始月"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    outreach_day = models.PositiveSmallIntegerField(
        _("外联开始日"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    work_month = models.PositiveSmallIntegerField(
        _("用工开始月"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    work_day = models.PositiveSmallIntegerField(
        _("用工开始日"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    note_en = models.CharField(_("英文说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("兼职季节")
        verbose_name_plural = _("兼职季节")
        ordering = ["outreach_month", "outreach_day"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def shown_note(self) -> str:
        return in_language(self.note, self.note_en)

    def clean(self) -> None:
        if (self.outreach_month is None) != (self.outreach_day is None):
            raise ValidationError(_("外联开始的月和日要么都填，要么都不填。"))


class PayUnit(models.TextChoices):
    HOUR = "hour", _("每小时")
    DAY = "day", _("每天")
    PIECE = "piece", _("每件")


class PostingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("招募中")
    CLOSED = "closed", _("已截止")
    FILLED = "filled", _("已招满")


class PostingQuerySet(models.QuerySet):
    def with_funnel(self, *figures: str):
        """Counts for the placement funnel, in the same query: one correlated count per figure
        (on the posting's index), so a page of 25 postings counts only their applications and
        never groups the whole applications table. Every figure (n_applied, n_screened, ...),
        or only those named ("applied", "sent"): each one reads the posting's applications again."""
        from outreach.listing import count_of

        of_posting = Application.objects.filter(posting=OuterRef("pk"))
        funnel = {
            "applied": of_posting,
            "screened": of_posting.exclude(screening=Screening.PENDING),
            "passed": of_posting.filter(screening=Screening.PASSED),
            "sent": of_posting.filter(sent_at__isnull=False),
            "hired": of_posting.filter(outcome=Outcome.HIRED),
            "completed": of_posting.filter(worked=True),
        }
        return self.annotate(
            **{
                f"n_{figure}": count_of(counted)
                for figure, counted in funnel.items()
                if not figures or figure in figures
            }
        )

    def public(self):
        """Open and still taking applications: what the public list shows."""
        from django.utils import timezone

        return self.filter(status=PostingStatus.OPEN, deadline__gte=timezone.localdate()).exclude(
            merchant__vetting_status="blacklisted"
        )

    def visible_to_public(self):
        """Open postings, and closed or filled ones (which say so); never drafts."""
        return self.exclude(status=PostingStatus.DRAFT)


class Posting(Versioned, TimeStampedModel):
    """A part-time job (兼职岗位) offered by a vetted merchant."""

    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="job_postings", verbose_name=_("用人单位")
    )
    title = models.CharField(_("岗位名称"), max_length=100)
    season = models.CharField(_("季节"), max_length=20, choices=SeasonKind.choices)
    description = models.TextField(_("工作内容"), blank=True)
    work_start = models.DateField(_("工作开始日期"))
    work_end = models.DateField(_("工作结束日期"))
    place = models.CharField(_("工作地点"), max_length=200)
    pay_amount = models.DecimalField(
        _("报酬"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    pay_unit = models.CharField(_("计酬单位"), max_length=10, choices=PayUnit.choices, default=PayUnit.DAY)
    headcount = models.PositiveSmallIntegerField(_("招聘人数"), validators=[MinValueValidator(1)])
    criteria = models.TextField(
        _("用人要求"), blank=True, help_text=_("每行一条，初试时逐条勾选，例如：三天全勤、身高160cm以上、普通话标准。")
    )
    asks_gender = models.BooleanField(
        _("需要填写性别"), default=False, help_text=_("仅当用人单位的要求与性别有关时勾选。")
    )
    charges_no_fee = models.BooleanField(
        _("不向学生收取任何费用"), default=True, help_text=_("要求学生交押金或费用的单位应在商家核查中拉黑。")
    )
    deadline = models.DateField(_("报名截止日期"))
    interview_at = models.DateTimeField(_("复试时间"), null=True, blank=True)
    interview_place = models.CharField(_("复试地点"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PostingStatus.choices, default=PostingStatus.DRAFT)
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("创建人")
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    history = HistoricalRecords()
    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("兼职岗位")
        verbose_name_plural = _("兼职岗位")
        ordering = ["-work_start", "-pk"]
        # The posting list's page in its order: 25 postings, then their merchants by key
        # (without it every posting was joined to the merchant table before the sort).
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["work_start", "id"], name="posting_work_start"),
        ]

    def __str__(self) -> str:
        return f"{self.merchant.name} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:posting-detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("jobs:public-posting", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.work_start and self.work_end and self.work_end < self.work_start:
            errors["work_end"] = _("结束日期不能早于开始日期。")
        if self.deadline and self.work_end and self.deadline > self.work_end:
            errors["deadline"] = _("报名截止日期不能晚于工作结束日期。")
        if not self.charges_no_fee:
            errors["charges_no_fee"] = _("向学生收取押金或费用的兼职不能发布；请在商家核查中将该商家拉黑。")
        if errors:
            raise ValidationError(errors)

    @property
    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.criteria.splitlines() if line.strip()]

    @property
    def interview_limit(self) -> int:
        from django.conf import settings

        return int(self.headcount * settings.JOBS_INTERVIEW_FACTOR)


def admission_rate(hired: int, sent: int) -> float | None:
    """Hired ÷ sent to interview; None before anyone was sent."""
    return hired / sent if sent else None


class Gender(models.TextChoices):
    FEMALE = "female", _("女")
    MALE = "male", _("男")


class Screening(models.TextChoices):
    PENDING = "pending", _("待初试")
    PASSED = "passed", _("初试通过")
    FAILED = "failed", _("初试未通过")


class Outcome(models.TextChoices):
    PENDING = "pending", _("待复试结果")
    HIRED = "hired", _("已录用")
    NOT_HIRED = "not_hired", _("未录用")


# A student's status link works until this many days after the posting's work ends: long
# enough to see the outcome and the employer's feedback, not a key that works for years.
STATUS_LINK_DAYS_AFTER_WORK = 30


class ApplicationQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(sent_at__isnull=False)


class Application(Versioned, TimeStampedModel):
    """A student's application to a posting, made on the public page without an account."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="applications", verbose_name=_("岗位"))
    name = models.CharField(_("姓名"), max_length=50)
    student_number = models.CharField(_("学号"), max_length=20)
    class_major = models.CharField(_("班级/专业"), max_length=100)
    mobile = models.CharField(_("手机号"), max_length=20, validators=[validate_mobile])
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices, blank=True)
    availability = models.TextField(_("可工作时间"))
    note = models.TextField(_("补充说明"), blank=True)
    consent = models.BooleanField(_("同意向用人单位提供报名信息"), default=False)
    share_mobile = models.BooleanField(_("同意向用人单位提供手机号"), default=False)

    screening = models.CharField(_("初试"), max_length=10, choices=Screening.choices, default=Screening.PENDING)
    criteria_met = models.JSONField(_("符合的要求"), default=list, blank=True)
    screening_note = models.TextField(_("初试备注"), blank=True)
    screened_by = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screened_applications",
        verbose_name=_("初试人"),
    )
    screened_at = models.DateTimeField(_("初试时间"), null=True, blank=True)

    sent_at = models.DateTimeField(_("推荐复试时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("推荐人")
    )
    outcome = models.CharField(_("复试结果"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    worked = models.BooleanField(_("已到岗工作"), null=True, blank=True)
    employer_feedback = models.TextField(_("用人单位反馈"), blank=True)
    # Part of the signed status link: revoking bumps it, so every link given out before stops working.
    status_link_generation = models.PositiveIntegerField(_("进度链接版本"), default=0, editable=False)
    status_link_revoked_at = models.DateTimeField(_("进度链接撤销时间"), null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "student_number"], name="application_once_per_student")
        ]
        # The applications list, newest first: a page read from the index, not a sort of every row.
        indexes = [models.Index(fields=["created_at", "id"], name="application_created")]

    def __str__(self) -> str:
        return f"{self.name}({self.student_number})"

    @property
    def status_link_expires_on(self) -> date:
        """The last day the student's status link works."""
        return self.posting.work_end + timedelta(days=STATUS_LINK_DAYS_AFTER_WORK)

    def status_link_is_live(self, generation: int, today: date) -> bool:
        return generation == self.status_link_generation and today <= self.status_link_expires_on

    @property
    def stage_label(self) -> str:
        """Where the application stands, as the student sees it."""
        if self.worked is True:
            return _("已完成工作")
        if self.outcome == Outcome.HIRED:
            return _("已录用")
        if self.outcome == Outcome.NOT_HIRED:
            return _("复试未录用")
        if self.sent_at:
            return _("已推荐参加用人单位复试")
        if self.screening == Screening.PASSED:
            return _("初试通过，等待安排复试")
        if self.screening == Screening.FAILED:
            return _("初试未通过")
        return _("已报名，等待初试")


class EmployerRating(TimeStampedModel):
    """The department's rating of an employer after a posting (kept on the merchant)."""

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="employer_ratings", verbose_name=_("用人单位")
    )
    posting = models.ForeignKey(
        Posting, on_delete=models.SET_NULL, null=True, blank=True, related_name="ratings", verbose_name=_("岗位")
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("评价人"))
    score = models.PositiveSmallIntegerField(_("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("评价"), blank=True)

    class Meta:
        verbose_name = _("用人单位评价")
        verbose_name_plural = _("用人单位评价")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.merchant.name} {self.score}/5"

    @property
    def stars(self) -> str:
        return "★" * self.score
