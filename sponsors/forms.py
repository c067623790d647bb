import uuid
from collections.abc import Iterable

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach import roles
from outreach.locking import VersionedForm
from outreach.models import Member
from outreach.phones import normalize_mobile, normalize_phone
from outreach.uploads import PHOTO, MultipleUploadField

from .models import (
    BlacklistReason,
    Contact,
    Industry,
    Merchant,
    Stage,
    Tag,
    VettingStatus,
    VisitMethod,
    VisitOutcome,
    VisitPurpose,
)
from .validators import normalize_credit_code

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _CrispyMixin:
    def _crispy(self) -> None:
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def writers_first(member: Member | None, *, also: Iterable[int] = ()):
    """Who can go on a visit or own a merchant or a next step: active members who can write
    (never the advisor), the one filling in the form first; `also` keeps these members
    listed whatever they are now (who went on a visit being edited)."""
    can_write = Q(is_active=True, user__is_active=True, user__groups__name__in=roles.WRITERS)
    writers = Member.objects.filter(can_write | Q(pk__in=list(also))).distinct()
    if member is None:
        return writers.order_by("display_name")
    return writers.annotate(
        is_me=Case(When(pk=member.pk, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("is_me", "display_name")


PHONE_INPUT = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})


class MerchantForm(_CrispyMixin, VersionedForm, forms.ModelForm):
    website = forms.URLField(label=_("网站"), required=False, assume_scheme="https")
    tag_names = forms.CharField(
        label=_("标签"), required=False, help_text=_("多个标签用逗号分隔，例如：运动， 五一促销")
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("我已核对，这不是重复的商家"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Merchant
        fields = [
            "name",
            "kind",
            "industry",
            "district",
            "address",
            "phone",
            "website",
            "owner",
            "credit_code",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "phone": PHONE_INPUT}

    def __init__(self, *args, member: Member | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # A merchant still owned by someone who left keeps showing its owner.
        owner = [self.instance.owner_id] if self.instance.pk and self.instance.owner_id else []
        self.fields["owner"].queryset = writers_first(member, also=owner)
        self.fields["industry"].queryset = Industry.objects.all()
        if self.instance.pk:
            self.fields["tag_names"].initial = "，".join(tag.name for tag in self.instance.tags.all())
        self._crispy()

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_credit_code(self) -> str:
        return normalize_credit_code(self.cleaned_data["credit_code"])

    def clean_tag_names(self) -> list[str]:
        names = Tag.names_from(self.cleaned_data["tag_names"])
        if any(len(name) > 30 for name in names):
            raise forms.ValidationError(_("每个标签不超过30个字。"))
        return names


class VettingForm(_CrispyMixin, VersionedForm, forms.Form):
    vetting_status = forms.ChoiceField(label=_("资质核查"), choices=VettingStatus.choices)
    blacklist_reason = forms.ChoiceField(
        label=_("拉黑原因"), choices=[("", "—")] + BlacklistReason.choices, required=False
    )
    vetting_note = forms.CharField(label=_("核查说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=24, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._crispy()

    def clean_credit_code(self) -> str:
        return normalize_credit_code(self.cleaned_data["credit_code"])

    def clean(self):
        data = super().clean()
        if data.get("vetting_status") == VettingStatus.BLACKLISTED and not data.get("blacklist_reason"):
            self.add_error("blacklist_reason", _("拉黑必须选择原因。"))
        return data


class StageForm(_CrispyMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_("新阶段"), choices=Stage.choices)
    reason = forms.CharField(
        label=_("原因"), max_length=300, required=False, help_text=_("退回较早的阶段或标记为已流失时必填")
    )
    # The stage the page showed: a move from a stale page is refused, not applied.
    from_stage = forms.ChoiceField(choices=Stage.choices, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._crispy()


class ContactForm(_CrispyMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "mobile", "wechat", "email", "is_primary"]
        widgets = {"mobile": PHONE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._crispy()

    def clean_mobile(self) -> str:
        return normalize_mobile(self.cleaned_data["mobile"])


class VisitForm(_CrispyMixin, forms.Form):
    merchant = forms.ModelChoiceField(
        label=_("商家"),
        queryset=Merchant.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("请先搜索并选择商家。")},
    )
    visited_at = forms.DateTimeField(label=_("拜访时间"), widget=DATETIME)
    members = forms.ModelMultipleChoiceField(
        label=_("拜访人"), queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    method = forms.ChoiceField(label=_("方式"), choices=VisitMethod.choices, initial=VisitMethod.IN_PERSON)
    purpose = forms.ChoiceField(label=_("目的"), choices=VisitPurpose.choices, initial=VisitPurpose.SPONSORSHIP)
    outcome = forms.ChoiceField(label=_("结果"), choices=VisitOutcome.choices, initial=VisitOutcome.UNDECIDED)
    notes = forms.CharField(label=_("记录"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lesson = forms.CharField(
        label=_("经验"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("值得分享给其他部员的经验"),
    )
    new_stage = forms.ChoiceField(label=_("阶段变为"), choices=[("", _("不变"))] + Stage.choices, required=False)
    stage_reason = forms.CharField(label=_("阶段变化原因"), max_length=300, required=False)
    # Inside the "下一步" fieldset: the labels do not repeat its legend.
    next_step = forms.CharField(label=_("要做什么"), max_length=200, required=False)
    due_on = forms.DateField(label=_("截止日期"), widget=DATE, required=False)
    followup_owner = forms.ModelChoiceField(label=_("负责人"), queryset=Member.objects.none(), required=False)
    photos = MultipleUploadField(label=_("照片"), accept=PHOTO, required=False, help_text=_("门店照片、意向书等"))
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput)
    location_accuracy = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    # Made when the form is shown: the same form sent twice logs one visit.
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        # The one filling in the form went on the visit, nearly always: show them first.
        self.fields["members"].queryset = writers_first(member)
        self.fields["followup_owner"].queryset = writers_first(member)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())
            self.initial.setdefault("visited_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("members", [member.pk])
            self.initial.setdefault("followup_owner", member.pk)
        self._crispy()

    def clean(self):
        data = super().clean()
        if data.get("next_step") and not data.get("due_on"):
            self.add_error("due_on", _("请填写下一步的截止日期。"))
        if data.get("due_on") and not data.get("next_step"):
            self.add_error("next_step", _("请写明下一步要做什么。"))
        return data


class VisitEditForm(_CrispyMixin, forms.Form):
    visited_at = forms.DateTimeField(label=_("拜访时间"), widget=DATETIME)
    members = forms.ModelMultipleChoiceField(
        label=_("拜访人"), queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    method = forms.ChoiceField(label=_("方式"), choices=VisitMethod.choices)
    purpose = forms.ChoiceField(label=_("目的"), choices=VisitPurpose.choices)
    outcome = forms.ChoiceField(label=_("结果"), choices=VisitOutcome.choices)
    notes = forms.CharField(label=_("记录"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lesson = forms.CharField(label=_("经验"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    photos = MultipleUploadField(label=_("添加照片"), accept=PHOTO, required=False)

    def __init__(self, *args, member: Member | None = None, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Who went stays listed, even if they left since.
        went = [m.pk for m in visit.members.all()] if visit is not None else []
        self.fields["members"].queryset = writers_first(member, also=went)
        self._crispy()


class FollowUpForm(_CrispyMixin, forms.Form):
    description = forms.CharField(label=_("下一步"), max_length=200)
    due_on = forms.DateField(label=_("截止日期"), widget=DATE)
    owner = forms.ModelChoiceField(label=_("负责人"), queryset=Member.objects.none())

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = writers_first(member)
        self.initial.setdefault("owner", member.pk)
        self._crispy()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 或 CSV 文件"), help_text=_("支持 .xlsx 和 .csv，每次最多 2000 行。"))
