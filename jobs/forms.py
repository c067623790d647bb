from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.locking import VersionedForm
from outreach.phones import normalize_mobile
from sponsors.models import Merchant

from .models import Application, EmployerRating, Outcome, Posting, Season


class PostingForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Posting
        fields = [
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
        ]
        widgets = {
            "work_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "work_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "interview_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "criteria": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only vetted, never blacklisted employers; the service checks again.
        self.fields["merchant"].queryset = Merchant.objects.eligible_for_business().verified().order_by("name")
        self.helper = FormHelper()
        self.helper.form_tag = False


class ApplicationForm(forms.ModelForm):
    """The public application. `website` is a honeypot: people never see it, bots fill it."""

    website = forms.CharField(required=False, label=_("网站"))

    class Meta:
        model = Application
        fields = [
            "name",
            "student_number",
            "class_major",
            "mobile",
            "gender",
            "availability",
            "note",
            "consent",
            "share_mobile",
        ]
        widgets = {
            "availability": forms.Textarea(attrs={"rows": 2, "placeholder": _("例如：5月1日至3日全天")}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "mobile": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "student_number": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        error_messages = {
            "name": {"required": _("请填写姓名。")},
            "student_number": {"required": _("请填写学号。")},
            "class_major": {"required": _("请填写班级/专业。")},
            "mobile": {"required": _("请填写手机号。")},
            "availability": {"required": _("请填写可工作时间。")},
        }

    def __init__(self, *args, posting: Posting, **kwargs):
        super().__init__(*args, **kwargs)
        self.posting = posting
        if posting.asks_gender:
            self.fields["gender"].required = True
            self.fields["gender"].error_messages["required"] = _("该岗位的用人要求与性别有关，请选择性别。")
        else:
            del self.fields["gender"]
        self.fields["consent"].required = True
        self.fields["consent"].error_messages["required"] = _("请勾选同意向用人单位提供报名信息，否则无法报名。")
        self.fields["share_mobile"].help_text = _("不勾选时，用人单位通过外联部联系您。")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        visible = [name for name in self.fields if name != "website"]
        self.helper.layout = Layout(*visible, Div("website", css_class="jobs-hp", aria_hidden="true"))

    def clean_mobile(self) -> str:
        return normalize_mobile(self.cleaned_data["mobile"])

    def clean_student_number(self) -> str:
        value = self.cleaned_data["student_number"].strip()
        if not value.isdigit() or not 6 <= len(value) <= 20:
            raise forms.ValidationError(_("学号应为6到20位数字。"))
        return value

    def validate_unique(self):
        # A second submission for the same student number updates the first (the service).
        pass

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class ScreeningForm(forms.Form):
    """The ticked criteria are read as a plain list: the service keeps those the posting
    still has, so a criterion edited while a screener had the page open does not block them."""

    note = forms.CharField(label=_("初试备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.ChoiceField(label=_("初试结果"), choices=[("passed", _("通过")), ("failed", _("不通过"))])


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("复试结果"), choices=Outcome.choices)
    worked = forms.NullBooleanField(
        label=_("到岗情况"),
        required=False,
        widget=forms.Select(choices=[("unknown", _("尚未开始")), ("true", _("已到岗工作")), ("false", _("未到岗"))]),
    )
    feedback = forms.CharField(label=_("用人单位反馈"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(forms.ModelForm):
    class Meta:
        model = EmployerRating
        fields = ["score", "comment"]
        widgets = {
            "score": forms.Select(choices=[(n, "★" * n) for n in range(5, 0, -1)]),
            "comment": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SeasonForm(forms.ModelForm):
    class Meta:
        model = Season
        fields = ["outreach_month", "outreach_day", "work_month", "work_day", "note"]
        widgets = {name: forms.NumberInput(attrs={"class": "form-control form-control-sm"}) for name in fields[:4]}
        widgets["note"] = forms.TextInput(attrs={"class": "form-control form-control-sm"})


SeasonFormSet = forms.modelformset_factory(Season, form=SeasonForm, extra=0)
