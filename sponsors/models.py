from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from outreach.models import Member, TimeStampedModel
from outreach.phones import validate_phone


class Industry(TimeStampedModel):
    """A managed list (食品, 餐饮, 服饰, ...), seeded by a data migration."""

    name = models.CharField(_("行业"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


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

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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


class Merchant(TimeStampedModel):
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

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
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
        indexes = [models.Index(fields=["stage"]), models.Index(fields=["vetting_status"])]
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
