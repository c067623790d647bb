import re
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from outreach.dates import validate_plausible_date
from outreach.locking import Versioned
from outreach.models import Member, TimeStampedModel
from outreach.phones import normalize_mobile, validate_mobile, validate_phone
from outreach.text import in_language

from .validators import validate_credit_code


class Industry(TimeStampedModel):
    """A managed list (食品, 餐饮, 服饰, ...), seeded by a data migration."""

    name = models.CharField(_("行业"), max_length=50, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=50, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return in_language(self.name, self.name_en)


class MerchantKind(models.TextChoices):
    SHOP = "shop", _("商店")
    COMPANY = "company", _("企业")
    EDUCATION = "education", _("教育培训机构")
    STUDENT_ORG = "student_org", _("兄弟院校学生组织")
    PUBLIC_BODY = "public_body", _("公共机构")


class Stage(models.TextChoices):
    PROSPECT = "prospect", _("潜在")
    CONTACTED = "contacted", _("已接触")
    NEGOTIATING = "negotiating", _("洽谈中")
    SIGNED = "signed", _("已签约")
    PARTNER = "partner", _("长期合作")
    LOST = "lost", _("已流失")


# The pipeline in order; 已流失 stands outside it.
PIPELINE = (Stage.PROSPECT, Stage.CONTACTED, Stage.NEGOTIATING, Stage.SIGNED, Stage.PARTNER)

# A merchant that stepped back this many times is marked 商家反复不定 on its page.
WAVERING_STEPS_BACK = 2


def is_step_back(from_stage: str, to_stage: str) -> bool:
    """A move that needs a reason: back to an earlier stage, or to 已流失 (a merchant that
    backs out). A first stage, a forward move and a return from 已流失 need none."""
    if not from_stage or from_stage == to_stage:
        return False
    if to_stage == Stage.LOST:
        return True
    if from_stage == Stage.LOST:
        return False
    return PIPELINE.index(to_stage) < PIPELINE.index(from_stage)


class VettingStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("未核查")
    VERIFIED = "verified", _("已核查")
    BLACKLISTED = "blacklisted", _("黑名单")


class BlacklistReason(models.TextChoices):
    FRAUD = "fraud", _("诈骗")
    PYRAMID = "pyramid", _("传销")
    UNSAFE = "unsafe", _("产品不安全或虚假宣传")
    FEE_CHARGING = "fee_charging", _("向学生收费的兼职")
    OTHER = "other", _("其他")


class Tag(TimeStampedModel):
    name = models.CharField(_("标签"), max_length=30, unique=True)

    # The separators people type between tags: "五一，兼职、球赛", "五一, 兼职".
    SEPARATORS = re.compile(r"[,，、;；]")

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def names_from(cls, text: str) -> list[str]:
        """Tag names typed in one field or spreadsheet cell, in order, without duplicates."""
        names = (name.strip() for name in cls.SEPARATORS.split(text or ""))
        return list(dict.fromkeys(name for name in names if name))


class MerchantQuerySet(models.QuerySet):
    def eligible_for_business(self):
        """Merchants that may get a proposal, a contract or a job posting: never a
        blacklisted one. Every picker in every app starts from this."""
        return self.exclude(vetting_status=VettingStatus.BLACKLISTED)

    def verified(self):
        return self.filter(vetting_status=VettingStatus.VERIFIED)

    def suggested_for_industries(self, industries):
        """Verified merchants of these industries, long-term partners first, then signed
        ones, then the rest; blacklisted never."""
        stage_rank = Case(
            When(stage=Stage.PARTNER, then=Value(0)),
            When(stage=Stage.SIGNED, then=Value(1)),
            When(stage=Stage.NEGOTIATING, then=Value(2)),
            When(stage=Stage.CONTACTED, then=Value(3)),
            When(stage=Stage.PROSPECT, then=Value(4)),
            default=Value(5),
            output_field=IntegerField(),
        )
        return (
            self.verified()
            .filter(industry__in=industries)
            .exclude(stage=Stage.LOST)
            .select_related("industry", "owner")
            .annotate(stage_rank=stage_rank)
            .order_by("stage_rank", "name")
        )


class Merchant(Versioned, TimeStampedModel):
    """A shop, company, institution, brother school's organisation or public body (商家/单位)."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=MerchantKind.choices, default=MerchantKind.SHOP)
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, null=True, blank=True, related_name="merchants", verbose_name=_("行业")
    )
    district = models.CharField(_("区域"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True, validators=[validate_phone])
    website = models.URLField(_("网站"), blank=True)
    owner = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_merchants",
        verbose_name=_("负责人"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="merchants", verbose_name=_("标签"))
    notes = models.TextField(_("备注"), blank=True)
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.PROSPECT)

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code])
    vetting_status = models.CharField(
        _("资质核查"), max_length=20, choices=VettingStatus.choices, default=VettingStatus.UNVERIFIED
    )
    vetted_by = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vetted_merchants",
        verbose_name=_("核查人"),
    )
    vetted_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    vetting_note = models.TextField(_("核查说明"), blank=True)
    blacklist_reason = models.CharField(_("拉黑原因"), max_length=20, choices=BlacklistReason.choices, blank=True)

    history = HistoricalRecords(m2m_fields=[tags])
    objects = MerchantQuerySet.as_manager()

    class Meta:
        verbose_name = _("商家")
        verbose_name_plural = _("商家")
        ordering = ["name"]
        indexes = [
            # A board column: a stage's most recently active merchants, read in order (20 rows,
            # not the whole table sorted); it serves the filters by stage as well.
            models.Index(fields=["stage", "-updated_at", "id"], name="merchant_board_column"),
            models.Index(fields=["vetting_status"]),
            # The list's order (name, then pk for a stable page): a page of 25 without a sort.
            models.Index(fields=["name", "id"], name="merchant_name_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(vetting_status="blacklisted") | ~models.Q(blacklist_reason=""),
                name="merchant_blacklist_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sponsors:merchant-detail", args=[self.pk])

    @property
    def is_blacklisted(self) -> bool:
        return self.vetting_status == VettingStatus.BLACKLISTED


# --- Contacts, visits, follow-ups, stage history


class Contact(TimeStampedModel):
    """A person at a merchant (联系人); at most one per merchant is the primary."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("商家"))
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    mobile = models.CharField(_("手机号"), max_length=20, blank=True, validators=[validate_mobile])
    wechat = models.CharField(_("微信号"), max_length=50, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    is_primary = models.BooleanField(_("主要联系人"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant"], condition=models.Q(is_primary=True), name="contact_one_primary_per_merchant"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.mobile:
            self.mobile = normalize_mobile(self.mobile)


class VisitMethod(models.TextChoices):
    IN_PERSON = "in_person", _("上门拜访")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    OTHER = "other", _("其他")


class VisitPurpose(models.TextChoices):
    SPONSORSHIP = "sponsorship", _("赞助")
    JOBS = "jobs", _("兼职")
    INTER_SCHOOL = "inter_school", _("校际合作")
    OTHER = "other", _("其他")


class VisitOutcome(models.TextChoices):
    INTERESTED = "interested", _("有意向")
    UNDECIDED = "undecided", _("待定")
    DECLINED = "declined", _("拒绝")
    AGREED = "agreed", _("同意")
    NO_ANSWER = "no_answer", _("未联系上")


# A check-in further than this from the stated visit is marked on the visit page (not refused:
# a phone's clock, a late save or a poor fix happen to honest officers too).
CHECK_IN_MAX_MINUTES = 30
CHECK_IN_MAX_METRES = 500


class VisitQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("merchant", "created_by").prefetch_related("members", "photos")


class Visit(TimeStampedModel):
    """One visit, call or WeChat conversation with a merchant (拜访记录)."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="visits", verbose_name=_("商家"))
    visited_at = models.DateTimeField(_("拜访时间"), validators=[validate_plausible_date])
    members = models.ManyToManyField(Member, related_name="visits", verbose_name=_("拜访人"))
    method = models.CharField(_("方式"), max_length=20, choices=VisitMethod.choices, default=VisitMethod.IN_PERSON)
    purpose = models.CharField(_("目的"), max_length=20, choices=VisitPurpose.choices, default=VisitPurpose.SPONSORSHIP)
    outcome = models.CharField(_("结果"), max_length=20, choices=VisitOutcome.choices, default=VisitOutcome.UNDECIDED)
    notes = models.TextField(_("记录"), blank=True)
    lesson = models.TextField(_("经验"), blank=True, help_text=_("值得分享给其他部员的经验"))
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    location_accuracy = models.PositiveIntegerField(_("定位精度(米)"), null=True, blank=True)
    # 定位打卡: the server's clock when the position arrived, apart from the visit time the
    # officer may edit; how far it was from the merchant's earlier check-ins.
    checked_in_at = models.DateTimeField(_("打卡时间"), null=True, blank=True)
    check_in_distance = models.PositiveIntegerField(_("距以往打卡位置(米)"), null=True, blank=True)
    # The form's one-time key: a double tap or a resend after a lost answer finds this visit
    # instead of logging a second one.
    idempotency_key = models.UUIDField(_("提交编号"), null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="visits_logged", verbose_name=_("记录人")
    )

    history = HistoricalRecords(m2m_fields=[members])
    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("拜访记录")
        verbose_name_plural = _("拜访记录")
        ordering = ["-visited_at"]
        indexes = [
            models.Index(fields=["visited_at"]),
            # A merchant's last visit (the list) and its newest visits (the timeline).
            models.Index(fields=["merchant", "visited_at"], name="visit_merchant_visited_at"),
        ]

    def __str__(self) -> str:
        return f"{self.merchant} {self.visited_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("sponsors:visit-detail", args=[self.pk])

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def check_in_minutes_off(self) -> int | None:
        """Minutes between the check-in stamp and the stated visit time."""
        if self.checked_in_at is None:
            return None
        return round(abs((self.checked_in_at - self.visited_at).total_seconds()) / 60)

    @property
    def check_in_far_in_time(self) -> bool:
        minutes = self.check_in_minutes_off
        return minutes is not None and minutes > CHECK_IN_MAX_MINUTES

    @property
    def check_in_far_in_space(self) -> bool:
        return self.check_in_distance is not None and self.check_in_distance > CHECK_IN_MAX_METRES


def visit_photo_path(instance: "VisitPhoto", filename: str) -> str:
    return f"sponsors/visits/{instance.visit_id}/{filename}"


class VisitPhoto(TimeStampedModel):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("拜访记录"))
    image = models.ImageField(_("照片"), upload_to=visit_photo_path)
    # A small copy made by the server for lists and printed documents.
    thumbnail = models.ImageField(_("缩略图"), upload_to=visit_photo_path, blank=True)
    caption = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("拜访照片")
        verbose_name_plural = _("拜访照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name

    @property
    def thumbnail_or_image(self):
        return self.thumbnail or self.image


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def done(self):
        return self.filter(done_at__isnull=False)

    def for_member(self, member: Member):
        return self.filter(owner=member)

    def with_related(self):
        return self.select_related("merchant", "owner", "visit", "done_by")


class FollowUp(Versioned, TimeStampedModel):
    """A next step (下一步) with a due date and an owner; open until someone marks it done."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="followups", verbose_name=_("商家"))
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="followups", verbose_name=_("拜访记录")
    )
    description = models.CharField(_("下一步"), max_length=200)
    due_on = models.DateField(_("截止日期"), validators=[validate_plausible_date])
    owner = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="followups", verbose_name=_("负责人"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups_done",
        verbose_name=_("完成人"),
    )

    history = HistoricalRecords()
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("跟进事项")
        verbose_name_plural = _("跟进事项")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_at", "due_on"])]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return self.merchant.get_absolute_url()

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class StageChange(models.Model):
    """One move of a merchant along the pipeline: who, when and why (never edited)."""

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("商家")
    )
    from_stage = models.CharField(_("原阶段"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=20, choices=Stage.choices)
    changed_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="stage_changes", verbose_name=_("操作人")
    )
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merchant}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"

    @property
    def is_step_back(self) -> bool:
        return is_step_back(self.from_stage, self.to_stage)


def _export_path(instance: "MerchantExport", filename: str) -> str:
    # Under private/: outreach.views.media_file never serves it; only the export's own view does.
    return f"private/exports/{timezone.localdate():%Y/%m}/{filename}"


class MerchantExportQuerySet(models.QuerySet):
    def ready(self) -> "MerchantExportQuerySet":
        return self.filter(finished_at__isnull=False, row_count__isnull=False).exclude(file="")


class MerchantExport(TimeStampedModel):
    """A merchant list export too big to write inside a request (sponsors.exports): a worker
    writes it with the filters the member chose, then tells them where to download it."""

    requested_by = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="merchant_exports", verbose_name=_("导出人")
    )
    # The list's query string: the worker runs the same filter again.
    query = models.TextField(_("筛选条件"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("商家数"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to=_export_path, blank=True, max_length=200)
    error = models.TextField(_("错误"), blank=True)

    objects = MerchantExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("商家导出")
        verbose_name_plural = _("商家导出")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.requested_by} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("sponsors:export-download", args=[self.pk])
