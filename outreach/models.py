from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .locking import Versioned
from .phones import normalize_mobile, validate_mobile, validate_phone
from .roles import Role
from .text import in_language


def _choice_labels(field) -> dict:
    """A field's {value: label}, made once per field (the labels stay lazy, so each reading
    is in the reader's language)."""
    labels = field.__dict__.get("_outreach_choice_labels")
    if labels is None:
        labels = field._outreach_choice_labels = {make_hashable(value): label for value, label in field.flatchoices}
    return labels


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        """get_stage_display() and its kind, as Django's, but without translating every label
        of the field's choices to find the one it shows (make_hashable hashes each lazy label):
        a list of 25 merchants spent more on its badges than on its query."""
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(make_hashable(value), value), strings_only=True)


class Direction(models.TextChoices):
    ENTERPRISE = "enterprise", _("校企")
    INTER_SCHOOL = "inter_school", _("校际")


class Team(TimeStampedModel):
    """A group (小组) of officers inside the department."""

    name = models.CharField(_("小组名称"), max_length=50, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=50, blank=True)
    direction = models.CharField(_("方向"), max_length=20, choices=Direction.choices, blank=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("小组")
        verbose_name_plural = _("小组")
        ordering = ["name"]

    def __str__(self) -> str:
        return in_language(self.name, self.name_en)


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def with_user(self):
        return self.select_related("user", "team")

    def with_role(self, *roles: str):
        return self.filter(user__groups__name__in=roles).distinct()


class Member(TimeStampedModel):
    """A person of the department: the profile of one user account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member", verbose_name=_("账号")
    )
    display_name = models.CharField(_("姓名"), max_length=50)
    student_number = models.CharField(_("学号"), max_length=20, blank=True)
    class_major = models.CharField(_("班级/专业"), max_length=100, blank=True)
    mobile = models.CharField(_("手机号"), max_length=20, blank=True, validators=[validate_mobile])
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("小组")
    )
    direction = models.CharField(_("方向"), max_length=20, choices=Direction.choices, blank=True)
    joined_on = models.DateField(_("加入日期"), default=timezone.localdate)
    is_active = models.BooleanField(_("在任"), default=True)
    # The language the member last chose with the switcher: their e-mails are written in it.
    # Empty: the department's language.
    language = models.CharField(_("语言"), max_length=10, choices=settings.LANGUAGES, blank=True)

    history = HistoricalRecords()
    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("部员")
        verbose_name_plural = _("部员")
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["student_number"],
                condition=~models.Q(student_number=""),
                name="member_student_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("outreach:member-detail", args=[self.pk])

    @property
    def reading_language(self) -> str:
        """The language this member reads what is sent to them in."""
        return self.language or settings.LANGUAGE_CODE

    def clean(self) -> None:
        if self.mobile:
            self.mobile = normalize_mobile(self.mobile)

    @property
    def role_label(self) -> str:
        from .roles import primary_role

        role = primary_role(self.user)
        return Role(role).label if role else ""


class NotificationQuerySet(models.QuerySet):
    def for_member(self, member: Member):
        return self.filter(recipient=member)

    def unread(self):
        """What still asks for attention: not read, and not dealt with (resolved)."""
        return self.filter(read_at__isnull=True, resolved_at__isnull=True)

    # --- Reminders (resolution and quiet hours)
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def about(self, topic: str):
        return self.filter(topic=topic)

    def email_allowed(self, now=None):
        """E-mails a sender may send now: not in quiet hours' wait, not already dealt with."""
        now = now or timezone.now()
        return self.filter(
            models.Q(deliver_after__isnull=True) | models.Q(deliver_after__lte=now), resolved_at__isnull=True
        )

    def undelivered(self):
        """E-mails asked for and not (yet) sent: the minister's list of what did not go out."""
        return self.filter(email_requested=True, sent_at__isnull=True, resolved_at__isnull=True)

    def due_for_email(self, now=None):
        """Unsent e-mails a sender may claim now: never claimed, or the last claim's lease has
        run out. The lease doubles with each attempt (backoff); after the last attempt the
        row waits for the minister's resend."""
        now = now or timezone.now()
        lease = timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
        expired = models.Q(claimed_at__isnull=True)
        for attempts in range(1, settings.NOTIFICATION_MAX_ATTEMPTS):
            expired |= models.Q(attempts=attempts, claimed_at__lt=now - lease * 2 ** (attempts - 1))
        # Quiet hours' wait and resolution (the thing was dealt with) hold the e-mail back too.
        return self.undelivered().email_allowed(now).filter(expired, attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS)

    def for_undelivered_list(self):
        return self.undelivered().select_related("recipient__user").order_by("created_at", "pk")


class Notification(TimeStampedModel):
    """A message to one member, shown in the app and (optionally) e-mailed.

    ``key`` names what the notification is about (e.g. "followup-due:42:2026-05-05"):
    it is unique per recipient, so the same reminder is never created, nor sent, twice.
    """

    recipient = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("收件人")
    )
    key = models.CharField(_("标识"), max_length=200)
    # What sort of notification it is ("followup-due", "contract-approved"; by default the
    # key's first part) and what it says as msgids with their parameters
    # (``outreach.messages``), so each reader sees it in their own language. ``title`` and
    # ``body`` keep it rendered in the department's language: for e-mail, the admin, and
    # the rows written before messages were kept.
    kind = models.CharField(_("类别"), max_length=100, blank=True, db_index=True)
    message = models.JSONField(_("消息"), default=dict, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_requested = models.BooleanField(_("发送邮件"), default=True)
    # Delivery (README, "Delivery guarantees"): a sender claims the row with a lease, sends,
    # then stamps sent_at; a claim whose lease ran out without sent_at is sent again.
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近的错误"), blank=True)
    # --- Reminders: what the notification is about (``topic``, e.g. "followup:42"), so dealing
    # with the thing resolves every notification about it; and when its e-mail may go out
    # (``deliver_after``: set when it was created in quiet hours).
    topic = models.CharField(_("事项"), max_length=200, blank=True, db_index=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    deliver_after = models.DateTimeField(_("邮件最早发送时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the active language (the reader's)."""
        from .messages import render_stored

        return render_stored(self.message.get("title") if self.message else None, self.title)

    @property
    def shown_body(self) -> str:
        from .messages import render_stored

        return render_stored(self.message.get("body") if self.message else None, self.body)

    @property
    def delivery_status(self) -> str:
        if self.sent_at:
            return _("已发送")
        if self.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            return _("已放弃，等待重发")
        if self.last_error:
            return _("等待重试")
        lease = timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
        if self.claimed_at and self.claimed_at > timezone.now() - lease:
            return _("正在发送")
        return _("等待重试") if self.attempts else _("等待发送")


# --- The department's own record (issue 6): semesters, recruitment, training, meetings,
# experience shares, assignments and scores.


class SemesterQuerySet(models.QuerySet):
    def for_date(self, day):
        return self.filter(start_date__lte=day, end_date__gte=day).order_by("-start_date").first()

    def current(self):
        """The semester today falls in; between terms, the one that ended last."""
        today = timezone.localdate()
        return self.for_date(today) or self.filter(start_date__lte=today).order_by("-start_date").first()


class Semester(TimeStampedModel):
    name = models.CharField(_("学期"), max_length=50, unique=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))

    objects = SemesterQuerySet.as_manager()

    class Meta:
        verbose_name = _("学期")
        verbose_name_plural = _("学期")
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})


class CandidateStatus(models.TextChoices):
    APPLIED = "applied", _("已报名")
    INTERVIEWED = "interviewed", _("已面试")
    ACCEPTED = "accepted", _("已录取")
    REJECTED = "rejected", _("未录取")


class Candidate(TimeStampedModel):
    """Someone who applied to join the department (招新)."""

    name = models.CharField(_("姓名"), max_length=50)
    student_number = models.CharField(_("学号"), max_length=20, blank=True)
    class_major = models.CharField(_("班级/专业"), max_length=100, blank=True)
    mobile = models.CharField(_("手机号"), max_length=20, blank=True, validators=[validate_mobile])
    email = models.EmailField(_("邮箱"), blank=True)
    direction = models.CharField(_("意向方向"), max_length=20, choices=Direction.choices, blank=True)
    motivation = models.TextField(_("自我介绍"), blank=True)
    interview_at = models.DateTimeField(_("面试时间"), null=True, blank=True)
    interviewers = models.ManyToManyField(Member, blank=True, related_name="interviews", verbose_name=_("面试官"))
    score_communication = models.PositiveSmallIntegerField(_("沟通表达"), null=True, blank=True)
    score_initiative = models.PositiveSmallIntegerField(_("主动性"), null=True, blank=True)
    score_teamwork = models.PositiveSmallIntegerField(_("团队合作"), null=True, blank=True)
    interview_notes = models.TextField(_("面试记录"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.APPLIED
    )
    decided_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("决定人")
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    member = models.OneToOneField(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="candidacy", verbose_name=_("部员账号")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("招新候选人")
        verbose_name_plural = _("招新候选人")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("outreach:candidate-detail", args=[self.pk])

    def clean(self) -> None:
        if self.mobile:
            self.mobile = normalize_mobile(self.mobile)

    @property
    def interview_total(self) -> int | None:
        scores = [self.score_communication, self.score_initiative, self.score_teamwork]
        if all(s is None for s in scores):
            return None
        return sum(s or 0 for s in scores)


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LATE = "late", _("迟到")
    EXCUSED = "excused", _("请假")
    ABSENT = "absent", _("缺席")


class TrainingKind(models.TextChoices):
    LECTURE = "lecture", _("讲座")
    PRACTICE = "practice", _("实操")
    FIELD_TRIP = "field_trip", _("跟随老部员外出")


class TrainingSession(TimeStampedModel):
    title = models.CharField(_("主题"), max_length=100)
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    speaker = models.CharField(_("主讲人"), max_length=50, blank=True)
    kind = models.CharField(_("形式"), max_length=20, choices=TrainingKind.choices, default=TrainingKind.LECTURE)
    description = models.TextField(_("内容"), blank=True)
    materials = models.FileField(_("培训材料"), upload_to="training/%Y/", blank=True)

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-date"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:training-detail", args=[self.pk])


class TrainingAttendance(TimeStampedModel):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("培训")
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="training_attendance")
    status = models.CharField(_("出勤"), max_length=20, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = _("培训出勤")
        verbose_name_plural = _("培训出勤")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="training_attendance_once")]

    def __str__(self) -> str:
        return f"{self.session} · {self.member}"


class Meeting(TimeStampedModel):
    """A regular department meeting (例会)."""

    title = models.CharField(_("标题"), max_length=100)
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)

    class Meta:
        verbose_name = _("例会")
        verbose_name_plural = _("例会")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:meeting-detail", args=[self.pk])


class MeetingAttendance(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("例会"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="meeting_attendance")
    status = models.CharField(_("出勤"), max_length=20, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = _("例会出勤")
        verbose_name_plural = _("例会出勤")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="meeting_attendance_once")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.member}"


class ExperienceShare(TimeStampedModel):
    """What a member learned and told the others (经验分享), kept as a searchable library."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="shares", verbose_name=_("例会")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="experience_shares", verbose_name=_("分享人")
    )
    topic = models.CharField(_("主题"), max_length=100)
    what_happened = models.TextField(_("经过"), blank=True)
    lesson = models.TextField(_("经验教训"))
    merchant = models.ForeignKey(
        "sponsors.Merchant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experience_shares",
        verbose_name=_("相关商家"),
    )
    visit = models.ForeignKey(
        "sponsors.Visit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experience_shares",
        verbose_name=_("相关拜访"),
    )
    tags = models.CharField(_("标签"), max_length=200, blank=True, help_text=_("用逗号或空格分隔，例如：服饰 赞助"))

    class Meta:
        verbose_name = _("经验分享")
        verbose_name_plural = _("经验分享")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.topic

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.replace(",", " ").replace("，", " ").split() if t]


class Assignment(TimeStampedModel):
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("要求"), blank=True)
    due_date = models.DateField(_("截止日期"))
    max_score = models.PositiveSmallIntegerField(_("满分"), default=100)
    created_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("布置人"))

    class Meta:
        verbose_name = _("作业")
        verbose_name_plural = _("作业")
        ordering = ["-due_date"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:assignment-detail", args=[self.pk])


class Submission(TimeStampedModel):
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("作业")
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("提交人"))
    text = models.TextField(_("内容"), blank=True)
    file = models.FileField(_("附件"), upload_to="assignments/%Y/", blank=True)
    submitted_on = models.DateField(_("提交日期"), default=timezone.localdate)
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    comment = models.TextField(_("评语"), blank=True)
    reviewed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("批阅人")
    )
    reviewed_at = models.DateTimeField(_("批阅时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("作业提交")
        verbose_name_plural = _("作业提交")
        ordering = ["member__display_name"]
        constraints = [models.UniqueConstraint(fields=["assignment", "member"], name="submission_once_per_member")]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.member}"


class ScoreRule(TimeStampedModel):
    """Points per unit of a registered metric (outreach.contributions.METRICS)."""

    metric = models.CharField(_("指标"), max_length=50, unique=True)
    points = models.DecimalField(_("每次分值"), max_digits=6, decimal_places=2)
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    note_en = models.CharField(_("英文说明"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评分规则")
        verbose_name_plural = _("评分规则")
        ordering = ["metric"]

    def __str__(self) -> str:
        return f"{self.metric} {self.points:+}"

    @property
    def shown_note(self) -> str:
        return in_language(self.note, self.note_en)


class ScoreAdjustment(TimeStampedModel):
    """A manual change of a member's score by the minister, always with a reason."""

    semester = models.ForeignKey(Semester, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("学期"))
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="score_adjustments", verbose_name=_("部员")
    )
    points = models.DecimalField(_("加减分"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("原因"), max_length=200)
    created_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("手动加减分")
        verbose_name_plural = _("手动加减分")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.member} {self.points:+} {self.reason}"


# --- Reminders: the rules the minister sets per kind, and the department's group chat.


class ReminderKind(models.TextChoices):
    FOLLOWUP_DUE = "followup_due", _("跟进事项到期")
    FOLLOWUP_OVERDUE = "followup_overdue", _("跟进事项逾期")
    FULFILMENT = "fulfilment", _("落实事项与物资归还")
    PAYMENT_DUE = "payment_due", _("款项即将到期")
    PAYMENT_OVERDUE = "payment_overdue", _("款项逾期未到账")
    CONTRACT_APPROVAL = "contract_approval", _("合同等待审批")
    POSTING_CLOSING = "posting_closing", _("兼职报名即将截止")
    SCREENING_WAITING = "screening_waiting", _("报名等待初试")
    SEASON_OUTREACH = "season_outreach", _("兼职季外联开始")
    ASSIGNMENT_DUE = "assignment_due", _("作业即将截止")
    GATHERING = "gathering", _("明天的培训与例会")
    DAILY_DIGEST = "daily_digest", _("每日摘要")
    WEEKLY_DIGEST = "weekly_digest", _("每周摘要")


class ReminderRuleQuerySet(models.QuerySet):
    def for_kind(self, kind: str) -> "ReminderRule":
        """The rule of a kind; a kind nobody has set yet gets its defaults."""
        rule = self.filter(kind=kind).first()
        if rule is None:
            rule, _created = self.get_or_create(kind=kind, defaults=REMINDER_DEFAULTS[ReminderKind(kind)])
        return rule

    def for_settings_page(self) -> list["ReminderRule"]:
        """Every kind's rule in the order of ReminderKind (kinds added since the seeding get defaults)."""
        order = {kind: index for index, kind in enumerate(ReminderKind.values)}
        rules = {rule.kind: rule for rule in self.all()}
        missing = [ReminderRule(kind=kind, **REMINDER_DEFAULTS[kind]) for kind in ReminderKind if kind not in rules]
        if missing:
            self.bulk_create(missing, ignore_conflicts=True)
            rules = {rule.kind: rule for rule in self.all()}
        return sorted(rules.values(), key=lambda rule: order.get(rule.kind, len(order)))


class ReminderRule(TimeStampedModel):
    """How one kind of reminder works: on or off, how many days, who hears it.

    ``days`` is "how many days ahead" for things coming due and "after how many days of
    waiting" for things waiting on someone; ``repeat_days`` is how often an overdue thing is
    brought up again (0: once)."""

    kind = models.CharField(_("提醒类型"), max_length=30, choices=ReminderKind.choices, unique=True)
    active = models.BooleanField(_("启用"), default=True)
    days = models.PositiveSmallIntegerField(_("天数"), default=0)
    repeat_days = models.PositiveSmallIntegerField(_("逾期后每隔几天再提醒"), default=0)
    to_responsible = models.BooleanField(_("提醒负责人"), default=True)
    to_ministers = models.BooleanField(_("提醒部长"), default=False)
    to_vice_ministers = models.BooleanField(_("提醒副部长"), default=False)
    direction = models.CharField(_("并提醒此方向的部员"), max_length=20, choices=Direction.choices, blank=True)
    email = models.BooleanField(_("发送邮件"), default=True)
    group_chat = models.BooleanField(_("同时发到工作群"), default=False)

    history = HistoricalRecords()
    objects = ReminderRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒规则")
        verbose_name_plural = _("提醒规则")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(ReminderKind(self.kind).label)

    def recipients(self, responsible=(), *, others: list[Member] | None = None) -> list[Member]:
        """Who hears this reminder: the responsible people and the roles the rule names, each once.
        `others`: the members the roles and direction name, when the caller has them already
        (`rule.recipients()` gives them)."""
        from .roles import Role

        people: dict[int, Member] = {}
        if self.to_responsible:
            for member in responsible:
                if member is not None and member.is_active:
                    people.setdefault(member.pk, member)
        if others is not None:
            for member in others:
                people.setdefault(member.pk, member)
            return list(people.values())
        roles = [
            role
            for role, wanted in ((Role.MINISTER, self.to_ministers), (Role.VICE_MINISTER, self.to_vice_ministers))
            if wanted
        ]
        wanted = models.Q(pk__in=[])
        if roles:
            wanted |= models.Q(user__groups__name__in=roles)
        if self.direction:
            wanted |= models.Q(direction=self.direction, user__groups__name__in=Role.values)
        extra = Member.objects.active().filter(wanted).distinct()
        for member in extra.select_related("user").order_by("pk"):
            people.setdefault(member.pk, member)
        return list(people.values())


# Sensible defaults, also what the data migration seeds: the minister edits them on a page.
REMINDER_DEFAULTS: dict[ReminderKind, dict] = {
    ReminderKind.FOLLOWUP_DUE: {"days": 0, "email": False},
    ReminderKind.FOLLOWUP_OVERDUE: {"repeat_days": 3, "email": False},
    ReminderKind.FULFILMENT: {"days": 2},
    ReminderKind.PAYMENT_DUE: {"days": 3, "to_ministers": True, "email": False},
    ReminderKind.PAYMENT_OVERDUE: {"repeat_days": 3, "to_ministers": True, "group_chat": True},
    ReminderKind.CONTRACT_APPROVAL: {"days": 2},
    ReminderKind.POSTING_CLOSING: {"days": 2},
    ReminderKind.SCREENING_WAITING: {"days": 2, "email": False},
    ReminderKind.SEASON_OUTREACH: {
        "days": 14,
        "to_responsible": False,
        "to_ministers": True,
        "direction": Direction.ENTERPRISE,
    },
    ReminderKind.ASSIGNMENT_DUE: {"days": 2},
    ReminderKind.GATHERING: {"days": 1},
    ReminderKind.DAILY_DIGEST: {},
    ReminderKind.WEEKLY_DIGEST: {"to_responsible": False, "to_ministers": True, "group_chat": True},
}


class ChatPlatform(models.TextChoices):
    WECOM = "wecom", _("企业微信")
    DINGTALK = "dingtalk", _("钉钉")
    FEISHU = "feishu", _("飞书")


class GroupChat(TimeStampedModel):
    """The department's work group robot (企业微信 / 钉钉 / 飞书): one row, off until set."""

    platform = models.CharField(_("平台"), max_length=20, choices=ChatPlatform.choices, default=ChatPlatform.WECOM)
    webhook_url = models.URLField(_("机器人 Webhook 地址"), max_length=500, blank=True)
    active = models.BooleanField(_("启用"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作群")
        verbose_name_plural = _("工作群")

    def __str__(self) -> str:
        return self.get_platform_display()

    @classmethod
    def current(cls) -> "GroupChat":
        return cls.objects.order_by("pk").first() or cls(pk=None)

    @property
    def enabled(self) -> bool:
        return self.active and bool(self.webhook_url)


class ChatMessage(TimeStampedModel):
    """A text for the group chat: the row is the promise, the task posts it (once per key)."""

    key = models.CharField(_("标识"), max_length=200, unique=True)
    text = models.TextField(_("内容"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近的错误"), blank=True)

    class Meta:
        verbose_name = _("工作群消息")
        verbose_name_plural = _("工作群消息")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key


class SemesterSummary(TimeStampedModel):
    """The minister's own words in a semester's work summary (学期工作总结); the rest of the
    summary is computed from the record every time it is shown."""

    semester = models.OneToOneField(
        Semester, on_delete=models.CASCADE, related_name="work_summary", verbose_name=_("学期")
    )
    foreword = models.TextField(_("前言"), blank=True)
    closing = models.TextField(_("结束语"), blank=True)
    updated_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("撰写人")
    )

    class Meta:
        verbose_name = _("学期工作总结")
        verbose_name_plural = _("学期工作总结")

    def __str__(self) -> str:
        return str(self.semester)

    def get_absolute_url(self) -> str:
        return reverse("outreach:semester-summary") + f"?semester={self.semester_id}"


class DepartmentProfile(Versioned, TimeStampedModel):
    """What every contract prints about the union's side: who signs and stamps, who to call,
    where the money goes, and the standard terms. One row, set by the minister.

    A standard term left empty prints the app's wording (in the document's language)."""

    party_name = models.CharField(
        _("甲方名称"), max_length=100, blank=True, help_text=_("签约的法律主体，如：某某大学学生会")
    )
    party_authority = models.CharField(
        _("盖章单位"), max_length=100, blank=True, help_text=_("在合同上盖章的单位，如：共青团某某大学委员会")
    )
    party_address = models.CharField(_("甲方地址"), max_length=200, blank=True)
    department_name = models.CharField(_("联系部门"), max_length=100, default=_("校学生会外联部"))
    contact_name = models.CharField(_("甲方联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[validate_phone])
    contact_email = models.EmailField(_("通知邮箱"), blank=True)
    payee_name = models.CharField(_("收款户名"), max_length=100, blank=True)
    payee_bank = models.CharField(_("开户行"), max_length=100, blank=True)
    payee_account = models.CharField(_("账号"), max_length=40, blank=True)
    receipt_terms = models.TextField(
        _("票据条款"), blank=True, help_text=_("留空则使用标准条款：由学校财务处开具收款收据。")
    )
    cancellation_terms = models.TextField(_("活动取消或延期条款"), blank=True, help_text=_("留空则使用标准条款。"))
    force_majeure_terms = models.TextField(_("不可抗力条款"), blank=True, help_text=_("留空则使用标准条款。"))
    dispute_terms = models.TextField(_("争议解决条款"), blank=True, help_text=_("留空则使用标准条款。"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("部门设置")
        verbose_name_plural = _("部门设置")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="department_profile_singleton")]

    def __str__(self) -> str:
        return self.party_name or str(self.department_name)

    def get_absolute_url(self) -> str:
        return reverse("outreach:department-profile")

    @classmethod
    def current(cls) -> "DepartmentProfile":
        """The saved profile, or an unsaved one with the defaults (nothing is written by reading)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def is_complete(self) -> bool:
        return all([self.party_name, self.party_authority, self.contact_name, self.contact_phone, self.payee_account])
