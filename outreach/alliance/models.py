"""The alliance (联盟): other schools' outreach departments, what we share with them, and what
they sent us. Our own signing key is not here: it is a file (outreach.alliance.keys)."""

import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outreach.locking import Versioned
from outreach.models import Member, TimeStampedModel


class EntryKind(models.TextChoices):
    BLACKLIST = "blacklist", _("黑名单")
    COOPERATION = "cooperation", _("合作记录")


class Category(models.TextChoices):
    FRAUD = "fraud", _("诈骗")
    PYRAMID = "pyramid", _("传销")
    FEE_CHARGING = "fee_charging", _("收费兼职")
    BREACH = "breach", _("违约")
    OTHER = "other", _("其他")


class Via(models.TextChoices):
    FILE = "file", _("上传文件")
    FEED = "feed", _("订阅拉取")


class Peer(TimeStampedModel):
    """Another school's outreach department, registered by our minister with its public key."""

    name = models.CharField(_("部门名称"), max_length=100, help_text=_("例如：某某大学学生会外联部"))
    school = models.CharField(_("学校"), max_length=100)
    public_key = models.CharField(
        _("公钥"), max_length=60, unique=True, help_text=_("对方联盟页面上显示的公钥(44个字符)")
    )
    feed_url = models.URLField(_("订阅地址"), blank=True, help_text=_("可选：对方的 HTTPS 订阅地址"))
    is_active = models.BooleanField(_("启用"), default=True)
    last_bundle_at = models.DateTimeField(_("最近一次数据包的签发时间"), null=True, blank=True)
    last_received_at = models.DateTimeField(_("最近一次收到数据包"), null=True, blank=True)
    last_pulled_at = models.DateTimeField(_("最近一次拉取"), null=True, blank=True)
    last_pull_error = models.CharField(_("最近一次拉取的错误"), max_length=300, blank=True)
    created_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("alliance:peer-edit", args=[self.pk])


class SharedEntry(Versioned, TimeStampedModel):
    """What this department tells the alliance about one merchant. Only these columns leave
    the department; each change bumps `version`, a retraction is a last version."""

    uid = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=EntryKind.choices)
    merchant = models.ForeignKey(
        "sponsors.Merchant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alliance_shares",
        verbose_name=_("商家"),
    )
    name = models.CharField(_("商家名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    category = models.CharField(_("原因"), max_length=20, choices=Category.choices, blank=True)
    listed_on = models.DateField(_("日期"))
    note = models.CharField(_("给联盟的说明"), max_length=300, blank=True)
    summary = models.CharField(_("合作情况"), max_length=300, blank=True)
    retracted_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    created_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("分享人"))

    class Meta:
        verbose_name = _("分享的条目")
        verbose_name_plural = _("分享的条目")
        ordering = ["-listed_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class ReceivedEntry(TimeStampedModel):
    """An entry a peer sent us: kept at the newest version we saw; a retraction keeps the row
    (without its details) so an older bundle imported later cannot bring it back."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="entries", verbose_name=_("来源"))
    uid = models.UUIDField(_("编号"))
    version = models.PositiveIntegerField(_("版本"))
    kind = models.CharField(_("类型"), max_length=20, choices=EntryKind.choices)
    name = models.CharField(_("商家名称"), max_length=100, blank=True)
    name_key = models.CharField(_("规范化名称"), max_length=100, blank=True, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True, db_index=True)
    category = models.CharField(_("原因"), max_length=20, choices=Category.choices, blank=True)
    listed_on = models.DateField(_("日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    summary = models.CharField(_("合作情况"), max_length=300, blank=True)
    retracted = models.BooleanField(_("已撤回"), default=False)

    class Meta:
        verbose_name = _("收到的条目")
        verbose_name_plural = _("收到的条目")
        ordering = ["-listed_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["peer", "uid"], name="alliance_received_once_per_peer")]

    def __str__(self) -> str:
        return self.name or str(self.uid)


class BundleReceipt(models.Model):
    """One bundle accepted from a peer: what it changed. The same file twice is one receipt."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("来源"))
    digest = models.CharField(_("摘要"), max_length=64)
    issued_at = models.DateTimeField(_("签发时间"))
    received_at = models.DateTimeField(_("收到时间"), auto_now_add=True)
    via = models.CharField(_("方式"), max_length=10, choices=Via.choices)
    entries = models.PositiveIntegerField(_("条目数"), default=0)
    added = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    retracted = models.PositiveIntegerField(_("撤回"), default=0)
    received_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("导入人")
    )

    class Meta:
        verbose_name = _("收到的数据包")
        verbose_name_plural = _("收到的数据包")
        ordering = ["-received_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["peer", "digest"], name="alliance_bundle_once")]

    def __str__(self) -> str:
        return f"{self.peer} {self.issued_at:%Y-%m-%d}"


class Adoption(models.Model):
    """A peer's entry our minister adopted: the merchant was blacklisted here because of it."""

    entry = models.ForeignKey(ReceivedEntry, on_delete=models.CASCADE, related_name="adoptions")
    merchant = models.ForeignKey("sponsors.Merchant", on_delete=models.CASCADE, related_name="alliance_adoptions")
    adopted_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    adopted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("采纳记录")
        verbose_name_plural = _("采纳记录")
        constraints = [models.UniqueConstraint(fields=["entry", "merchant"], name="alliance_adopt_once")]

    def __str__(self) -> str:
        return f"{self.entry} → {self.merchant}"
