from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from outreach.locking import Versioned
from outreach.models import Member, TimeStampedModel
from outreach.phones import validate_phone
from sponsors.models import Industry, Merchant

MONEY = {"max_digits": 12, "decimal_places": 2}


class EventKind(models.TextChoices):
    COMPETITION = "competition", _("竞赛")
    SPORTS = "sports", _("体育赛事")
    GALA = "gala", _("晚会")
    TRAINING = "training", _("培训班")
    EXHIBITION = "exhibition", _("展览")
    JOB_FAIR = "job_fair", _("招聘会")
    OTHER = "other", _("其他")


class EventStatus(models.TextChoices):
    PLANNING = "planning", _("筹备中")
    SEEKING = "seeking", _("招商中")
    RUNNING = "running", _("进行中")
    FINISHED = "finished", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class EventQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("owner").prefetch_related("industries").order_by("-starts_on", "title")


class Event(TimeStampedModel):
    title = models.CharField(_("活动名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind.choices, default=EventKind.OTHER)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    venue = models.CharField(_("地点"), max_length=100, blank=True)
    organisers = models.CharField(_("主办部门"), max_length=200, blank=True, help_text=_("如：校学生会外联部、体育部"))
    expected_audience = models.PositiveIntegerField(_("预计人数"), default=0)
    audience_description = models.TextField(_("受众说明"), blank=True)
    sponsorship_target = models.DecimalField(_("赞助目标(元)"), default=Decimal("0"), **MONEY)
    industries = models.ManyToManyField(Industry, blank=True, related_name="events", verbose_name=_("适合行业"))
    co_organisers = models.ManyToManyField(
        Merchant, blank=True, related_name="joint_events", verbose_name=_("联合主办(兄弟院校)")
    )
    status = models.CharField(_("状态"), max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNING)
    owner = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="events", verbose_name=_("负责人")
    )
    description = models.TextField(_("活动简介"), blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event-detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})


class BenefitKind(models.TextChoices):
    BANNER = "banner", _("横幅")
    POSTER = "poster", _("海报")
    JERSEY = "jersey", _("球衣印制")
    STAGE_MENTION = "stage_mention", _("舞台口播")
    BOOTH = "booth", _("展位")
    NAMING = "naming", _("冠名权")
    LEAFLET = "leaflet", _("传单")
    SOCIAL_POST = "social_post", _("新媒体推文")
    SAMPLING = "sampling", _("产品试用")
    OTHER = "other", _("其他")


UNITS = {
    BenefitKind.BANNER: _("条"),
    BenefitKind.POSTER: _("张"),
    BenefitKind.JERSEY: _("套"),
    BenefitKind.STAGE_MENTION: _("次"),
    BenefitKind.BOOTH: _("个"),
    BenefitKind.NAMING: _("项"),
    BenefitKind.LEAFLET: _("份"),
    BenefitKind.SOCIAL_POST: _("篇"),
    BenefitKind.SAMPLING: _("次"),
    BenefitKind.OTHER: _("项"),
}


class BenefitQuerySet(models.QuerySet):
    def approved(self):
        """Benefits every department that must deliver them has agreed to (内部商榷)."""
        return self.filter(approvals__isnull=False).exclude(approvals__agreed_at__isnull=True).distinct()


def clause_text(*, kind, quantity, size, placement, starts_on, ends_on, specifics) -> str:
    """A benefit written out concretely: what, how many, how big, where, on which dates.

    It says when a banner goes up, never how long it stays up: that is not the union's to promise.
    """
    parts = [f"{BenefitKind(kind).label} {quantity} {UNITS[BenefitKind(kind)]}"]
    if size:
        parts.append(_("尺寸 %(size)s") % {"size": size})
    if placement:
        parts.append(_("位置：%(place)s") % {"place": placement})
    if starts_on and ends_on and ends_on != starts_on:
        parts.append(_("日期：%(start)s 至 %(end)s") % {"start": starts_on.isoformat(), "end": ends_on.isoformat()})
    elif starts_on:
        parts.append(_("日期：%(date)s") % {"date": starts_on.isoformat()})
    # The punctuation is the language's: "，" and "。" in Chinese, ", " and "." in English.
    text = gettext("，").join(str(part) for part in parts)
    if specifics:
        text += gettext("；") + specifics
    return text + gettext("。")


class Benefit(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="benefits", verbose_name=_("活动"))
    kind = models.CharField(_("权益类型"), max_length=20, choices=BenefitKind.choices)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    size = models.CharField(_("尺寸"), max_length=50, blank=True, help_text=_("如：4m × 0.8m"))
    placement = models.CharField(_("位置"), max_length=100, blank=True)
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    specifics = models.TextField(_("具体说明"), blank=True)

    objects = BenefitQuerySet.as_manager()

    class Meta:
        verbose_name = _("宣传权益")
        verbose_name_plural = _("宣传权益")
        ordering = ["event", "kind", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return clause_text(
            kind=self.kind,
            quantity=self.quantity,
            size=self.size,
            placement=self.placement,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            specifics=self.specifics,
        )

    @property
    def is_approved(self) -> bool:
        """Uses prefetched approvals when there are any."""
        approvals = list(self.approvals.all())
        return bool(approvals) and all(approval.agreed_at for approval in approvals)


class BenefitApproval(TimeStampedModel):
    """A department that must deliver a benefit, and its recorded agreement."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("权益"))
    department = models.CharField(_("负责部门"), max_length=50, help_text=_("如：宣传部、体育部"))
    agreed_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    agreed_contact = models.CharField(_("对方同意人"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("记录人")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("部门商榷")
        verbose_name_plural = _("部门商榷")
        ordering = ["department"]
        constraints = [models.UniqueConstraint(fields=["benefit", "department"], name="benefit_department_once")]

    def __str__(self) -> str:
        return f"{self.department}: {self.benefit}"


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SENT = "sent", _("已发送")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已拒绝")


class Proposal(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("活动"))
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("致商家"),
    )
    title = models.CharField(_("标题"), max_length=100)
    status = models.CharField(_("状态"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    contact = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("联系人")
    )
    introduction = models.TextField(_("活动介绍"), blank=True)
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals", verbose_name=_("起草人")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("赞助方案书")
        verbose_name_plural = _("赞助方案书")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:proposal-detail", args=[self.pk])


class Tier(models.TextChoices):
    NAMING = "naming", _("冠名")
    CO_HOST = "co_host", _("协办")
    SPONSOR = "sponsor", _("赞助")
    IN_KIND = "in_kind", _("实物赞助")
    CUSTOM = "custom", _("自定义")


class ProposalPackage(TimeStampedModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="packages", verbose_name=_("方案书"))
    tier = models.CharField(_("级别"), max_length=20, choices=Tier.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("自定义级别的名称"))
    price = models.DecimalField(_("价格(元)"), null=True, blank=True, **MONEY)
    in_kind = models.CharField(_("实物内容"), max_length=200, blank=True)
    benefits = models.ManyToManyField(Benefit, blank=True, related_name="packages", verbose_name=_("权益"))

    class Meta:
        verbose_name = _("赞助级别")
        verbose_name_plural = _("赞助级别")
        ordering = ["proposal", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name or str(Tier(self.tier).label)


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已审批")
    SIGNED = "signed", _("已签署")
    IN_FULFILMENT = "in_fulfilment", _("执行中")
    FULFILLED = "fulfilled", _("已完成")
    TERMINATED = "terminated", _("已终止")


SIGNED_STATUSES = (ContractStatus.SIGNED, ContractStatus.IN_FULFILMENT, ContractStatus.FULFILLED)
UNSIGNED_STATUSES = (ContractStatus.DRAFT, ContractStatus.SUBMITTED, ContractStatus.APPROVED)
OPEN_PROPOSAL_STATUSES = (ProposalStatus.DRAFT, ProposalStatus.SENT)


class ContractCounter(models.Model):
    """The last contract number of a year; locked while a number is taken, so none repeats."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    last = models.PositiveIntegerField(_("已用编号"), default=0)

    class Meta:
        verbose_name = _("合同编号计数")
        verbose_name_plural = _("合同编号计数")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ContractQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(status__in=SIGNED_STATUSES)

    def for_detail(self):
        return self.select_related(
            "event", "merchant", "owner", "proposal", "approved_by", "advisor_signed_off_by", "signed_by"
        )


def private_upload(instance, filename: str) -> str:
    return f"private/events/{type(instance).__name__.lower()}/{timezone.localdate():%Y/%m}/{filename}"


class Contract(Versioned, TimeStampedModel):
    number = models.CharField(_("合同编号"), max_length=20, unique=True)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("活动"))
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("赞助方"))
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="contracts", verbose_name=_("方案书")
    )
    owner = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="contracts", verbose_name=_("起草人")
    )
    cash_amount = models.DecimalField(_("现金赞助(元)"), default=Decimal("0"), **MONEY)
    payment_terms = models.TextField(_("付款方式"), blank=True)
    breach_terms = models.TextField(
        _("违约责任"),
        blank=True,
        default=_(
            "任何一方未履行本合同约定的义务，应向对方说明情况并协商补救；"
            "甲方未能落实的宣传权益，按该项权益对应金额退还或以等值权益补足。"
        ),
    )
    sponsor_contact = models.CharField(
        _("乙方联系人"), max_length=50, blank=True, help_text=_("留空则使用商家的第一位联系人")
    )
    sponsor_phone = models.CharField(_("乙方联系电话"), max_length=30, blank=True, validators=[validate_phone])
    sponsor_materials = models.CharField(
        _("乙方提供的材料"), max_length=300, blank=True, help_text=_("如：LOGO 矢量源文件、产品样品 50 份")
    )
    sponsor_materials_due = models.DateField(_("材料提交截止日期"), null=True, blank=True)
    acceptance_days = models.PositiveSmallIntegerField(
        _("默认验收期限(天)"),
        null=True,
        blank=True,
        help_text=_("执行报告发出后这么多天内乙方未提出异议，视为验收合格；留空则须乙方逐项确认。"),
    )
    report_sent_at = models.DateTimeField(_("执行报告发送时间"), null=True, blank=True)
    receipt_handed_on = models.DateField(_("收据交付日期"), null=True, blank=True)
    receipt_note = models.CharField(_("收据说明"), max_length=200, blank=True, help_text=_("如：财务处收据编号"))
    union_signatory = models.CharField(_("甲方签字人"), max_length=50, blank=True)
    merchant_signatory = models.CharField(_("乙方签字人"), max_length=50, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    approved_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("部长审批")
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    advisor_signed_off_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("指导老师签批")
    )
    advisor_signed_off_at = models.DateTimeField(_("签批时间"), null=True, blank=True)
    signed_on = models.DateField(_("签署日期"), null=True, blank=True)
    signed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("上传人")
    )
    signed_scan = models.FileField(_("签署扫描件"), upload_to=private_upload, blank=True)
    termination_reason = models.TextField(_("终止原因"), blank=True)
    # A signed contract whose merchant was blacklisted afterwards: the minister kept it, and why.
    blacklist_note = models.TextField(_("黑名单后保留说明"), blank=True)
    blacklist_kept_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("决定保留")
    )
    blacklist_kept_at = models.DateTimeField(_("保留时间"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("赞助合同")
        verbose_name_plural = _("赞助合同")
        ordering = ["-created_at"]
        # The contract list's order: its page of 25 is read from the index, not found by
        # joining and sorting every contract (350 ms at 23,000 contracts).
        indexes = [models.Index(fields=["created_at", "id"], name="contract_list_order")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(termination_reason=""), name="contract_termination_needs_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.merchant}"

    def get_absolute_url(self) -> str:
        return reverse("events:contract-detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        """Only a draft changes: once submitted, what the approvers saw is what gets signed."""
        return self.status != ContractStatus.DRAFT

    @property
    def blacklist_state(self) -> str:
        """What the merchant's blacklisting means for this contract: "" (nothing), "blocked"
        (not yet signed: no submit, approval, signature or payment), "flagged" (signed: the
        minister must terminate or keep it) or "kept" (the minister kept it, with a note)."""
        merchant = self.merchant
        if not merchant.is_blacklisted or self.status in (ContractStatus.FULFILLED, ContractStatus.TERMINATED):
            return ""
        if self.status in UNSIGNED_STATUSES:
            return "blocked"
        if self.blacklist_kept_at and (merchant.vetted_at is None or self.blacklist_kept_at >= merchant.vetted_at):
            return "kept"
        return "flagged"


class ContractInKind(TimeStampedModel):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="in_kind_items", verbose_name=_("合同")
    )
    description = models.CharField(_("物品"), max_length=100)
    quantity = models.CharField(_("数量"), max_length=30, blank=True)
    value = models.DecimalField(_("折合价值(元)"), **MONEY)

    class Meta:
        verbose_name = _("实物赞助")
        verbose_name_plural = _("实物赞助")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


class Clause(TimeStampedModel):
    """One promised benefit, written into the contract concretely (copied, so later edits to
    the event's benefit never change what was signed)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="clauses", verbose_name=_("合同"))
    benefit = models.ForeignKey(Benefit, on_delete=models.PROTECT, related_name="clauses", verbose_name=_("权益"))
    kind = models.CharField(_("权益类型"), max_length=20, choices=BenefitKind.choices)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    size = models.CharField(_("尺寸"), max_length=50, blank=True)
    placement = models.CharField(_("位置"), max_length=100, blank=True)
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    specifics = models.TextField(_("具体说明"), blank=True)

    class Meta:
        verbose_name = _("合同条款")
        verbose_name_plural = _("合同条款")
        ordering = ["contract", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return clause_text(
            kind=self.kind,
            quantity=self.quantity,
            size=self.size,
            placement=self.placement,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            specifics=self.specifics,
        )


class Amendment(TimeStampedModel):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("合同"))
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("补充条款"))
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("起草人")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("补充协议")
        verbose_name_plural = _("补充协议")
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="amendment_number_once")]

    def __str__(self) -> str:
        return f"{self.contract.number}-{self.label}"

    @property
    def label(self) -> str:
        return _("补充协议 %(n)s") % {"n": self.number}


class DeliverableStatus(models.TextChoices):
    OPEN = "open", _("待落实")
    DONE = "done", _("已完成待核实")
    VERIFIED = "verified", _("已核实")


class DeliverableQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=DeliverableStatus.VERIFIED)

    def overdue(self, today=None):
        return self.filter(status=DeliverableStatus.OPEN, due_on__lt=today or timezone.localdate())


class Acceptance(models.TextChoices):
    PENDING = "pending", _("待验收")
    CONFIRMED = "confirmed", _("已确认验收")
    OBJECTED = "objected", _("有异议")


class Deliverable(TimeStampedModel):
    clause = models.OneToOneField(Clause, on_delete=models.CASCADE, related_name="deliverable", verbose_name=_("条款"))
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="deliverables", verbose_name=_("合同")
    )
    owner = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="deliverables", verbose_name=_("负责人"))
    due_on = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=DeliverableStatus.choices, default=DeliverableStatus.OPEN
    )
    note = models.TextField(_("落实说明"), blank=True)
    completed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("完成人")
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("核实人")
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    acceptance = models.CharField(
        _("赞助方验收"), max_length=20, choices=Acceptance.choices, default=Acceptance.PENDING
    )
    acceptance_comment = models.TextField(_("赞助方意见"), blank=True)
    acceptance_at = models.DateTimeField(_("验收答复时间"), null=True, blank=True)

    history = HistoricalRecords()
    objects = DeliverableQuerySet.as_manager()

    class Meta:
        verbose_name = _("落实事项")
        verbose_name_plural = _("落实事项")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on", "id"], name="deliverable_list_order")]  # the deliverable list's order

    def __str__(self) -> str:
        return str(self.clause)

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url() + f"#deliverable-{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status == DeliverableStatus.OPEN and self.due_on < timezone.localdate()

    @property
    def is_delivered(self) -> bool:
        """Done (with its photos) or verified: the sponsor may now confirm it or object."""
        return self.status != DeliverableStatus.OPEN


class Evidence(TimeStampedModel):
    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("落实事项")
    )
    image = models.ImageField(_("照片"), upload_to=private_upload)
    # The server's small copy for the fulfilment report (a PDF of twenty 10 MB photos helps nobody).
    thumbnail = models.ImageField(_("缩略图"), upload_to=private_upload, blank=True)
    uploaded_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("上传人")
    )

    class Meta:
        verbose_name = _("落实凭证")
        verbose_name_plural = _("落实凭证")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name

    def get_absolute_url(self) -> str:
        return reverse("events:evidence-file", args=[self.pk])


class Payment(TimeStampedModel):
    """An instalment: expected on a date, received (or not yet)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="payments", verbose_name=_("合同"))
    amount = models.DecimalField(_("金额(元)"), **MONEY)
    on_acceptance = models.BooleanField(
        _("验收后支付"),
        default=False,
        help_text=_("全部权益经赞助方确认验收(或按约定视为验收)时到期，不填应付日期。"),
    )
    due_on = models.DateField(_("应付日期"), null=True, blank=True)
    received_on = models.DateField(_("到账日期"), null=True, blank=True)
    received_amount = models.DecimalField(_("实收金额(元)"), null=True, blank=True, **MONEY)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("付款")
        verbose_name_plural = _("付款")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on", "id"], name="payment_list_order")]  # the payment list's order

    def __str__(self) -> str:
        return f"{self.contract.number} {self.amount}"

    @property
    def shortfall(self) -> Decimal:
        """How much less than the instalment arrived (0 when it all did, or nothing yet)."""
        if self.received_amount is None:
            return Decimal("0")
        return max(self.amount - self.received_amount, Decimal("0"))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.due_on is None and not self.on_acceptance:
            raise ValidationError({"due_on": _("请填写应付日期，或勾选“验收后支付”。")})


class MaterialSource(models.TextChoices):
    BOUGHT = "bought", _("购买")
    RENTED = "rented", _("租用")
    BORROWED = "borrowed", _("借用")


class Material(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials", verbose_name=_("活动"))
    name = models.CharField(_("物资"), max_length=100)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    source = models.CharField(_("来源"), max_length=20, choices=MaterialSource.choices)
    merchant = models.ForeignKey(
        Merchant, on_delete=models.SET_NULL, null=True, blank=True, related_name="materials", verbose_name=_("商家")
    )
    supplier = models.CharField(_("提供方"), max_length=100, blank=True, help_text=_("不是系统里的商家时填写"))
    cost = models.DecimalField(_("费用(元)"), default=Decimal("0"), **MONEY)
    responsible = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="materials", verbose_name=_("负责人")
    )
    return_due = models.DateField(_("归还日期"), null=True, blank=True)
    returned = models.BooleanField(_("已归还"), default=False)

    class Meta:
        verbose_name = _("物资")
        verbose_name_plural = _("物资")
        ordering = ["event", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.source != MaterialSource.BOUGHT and not self.return_due:
            raise ValidationError({"return_due": _("租用或借用的物资须填写归还日期。")})

    @property
    def provider(self) -> str:
        return str(self.merchant) if self.merchant_id else self.supplier


class MerchantLink(TimeStampedModel):
    """A link sent to a merchant (no account) to fetch its contract and fulfilment report.

    The URL carries a signed token naming this row; the row holds the expiry and can be revoked.
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="links", verbose_name=_("合同"))
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("创建人")
    )

    class Meta:
        verbose_name = _("商家链接")
        verbose_name_plural = _("商家链接")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.contract.number} → {self.expires_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AcceptanceAction(models.TextChoices):
    CONFIRMED = "confirmed", _("确认验收")
    OBJECTED = "objected", _("提出异议")
    RESOLVED = "resolved", _("处理异议")
    DEEMED = "deemed", _("视为验收")


class AcceptanceRecord(TimeStampedModel):
    """One step of the sponsor's acceptance: what the sponsor did on its link (with the address
    it came from), or how the department answered an objection. Never changed, only added."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="acceptance_records", verbose_name=_("合同")
    )
    deliverable = models.ForeignKey(
        Deliverable,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="acceptance_records",
        verbose_name=_("落实事项"),
    )
    action = models.CharField(_("操作"), max_length=20, choices=AcceptanceAction.choices)
    comment = models.TextField(_("意见"), blank=True)
    link = models.ForeignKey(
        MerchantLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("商家链接")
    )
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("处理人")
    )

    class Meta:
        verbose_name = _("验收记录")
        verbose_name_plural = _("验收记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.contract.number} {self.get_action_display()}"

    @property
    def by_sponsor(self) -> bool:
        return self.member_id is None and self.action != AcceptanceAction.DEEMED
