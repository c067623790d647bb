from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .phones import normalize_mobile, validate_mobile
from .roles import Role


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Direction(models.TextChoices):
    ENTERPRISE = "enterprise", _("校企")
    INTER_SCHOOL = "inter_school", _("校际")


class Team(TimeStampedModel):
    """A group (小组) of officers inside the department."""

    name = models.CharField(_("小组名称"), max_length=50, unique=True)
    direction = models.CharField(_("方向"), max_length=20, choices=Direction.choices, blank=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("小组")
        verbose_name_plural = _("小组")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
        return self.filter(read_at__isnull=True)


class Notification(TimeStampedModel):
    """A message to one member, shown in the app and (optionally) e-mailed.

    ``key`` names what the notification is about (e.g. "followup-due:42:2026-05-05"):
    it is unique per recipient, so the same reminder is never created, nor sent, twice.
    """

    recipient = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("收件人")
    )
    key = models.CharField(_("标识"), max_length=200)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_requested = models.BooleanField(_("发送邮件"), default=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]

    def __str__(self) -> str:
        return self.title
