import re
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from outreach.locking import VersionedForm
from outreach.phones import normalize_mobile
from sponsors.models import Merchant
from sponsors.widgets import search_picker

from .models import Application, EmployerRating, Outcome, Posting, Season
from .services import POSTING_FIELDS


class PostingForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Posting
        fields = list(POSTING_FIELDS)
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
        search_picker(self.fields["merchant"], scope="employer")
        self.helper = FormHelper()
        self.helper.form_tag = False


# Free-text fields of the public form are TextFields; these bound what one submission may store.
TEXT_MAX_LENGTHS = {"availability": 300, "note": 500}
STUDENT_NUMBER_RE = re.compile(r"[0-9]{6,20}")


def _limit_text_fields(form: forms.BaseForm) -> None:
    for name, limit in TEXT_MAX_LENGTHS.items():
        field = form.fields[name]
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
        field.widget.attrs["maxlength"] = str(limit)


def _student_form_widgets() -> dict:
    return {
        "availability": forms.Textarea(attrs={"rows": 2, "placeholder": _("例如：5月1日至3日全天")}),
        "note": forms.Textarea(attrs={"rows": 2}),
        "mobile": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        "student_number": forms.TextInput(attrs={"inputmode": "numeric"}),
    }


STUDENT_FORM_ERRORS = {
    "name": {"required": _("请填写姓名。")},
    "student_number": {"required": _("请填写学号。")},
    "class_major": {"required": _("请填写班级/专业。")},
    "mobile": {"required": _("请填写手机号。")},
    "availability": {"required": _("请填写可工作时间。")},
}


def _set_gender_field(form: forms.BaseForm, posting: Posting) -> None:
    if posting.asks_gender:
        form.fields["gender"].required = True
        form.fields["gender"].error_messages["required"] = _("该岗位的用人要求与性别有关，请选择性别。")
    else:
        del form.fields["gender"]


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
        widgets = _student_form_widgets()
        error_messages = STUDENT_FORM_ERRORS

    def __init__(self, *args, posting: Posting, **kwargs):
        super().__init__(*args, **kwargs)
        self.posting = posting
        _set_gender_field(self, posting)
        _limit_text_fields(self)
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
        # Chinese input methods often type full-width digits (２０２５…): NFKC makes them ASCII.
        # Anything else that str.isdigit() would let through (Arabic-Indic digits, ①) is refused.
        value = unicodedata.normalize("NFKC", self.cleaned_data["student_number"]).strip()
        if not STUDENT_NUMBER_RE.fullmatch(value):
            raise forms.ValidationError(_("学号应为6到20位数字。"))
        return value

    def validate_unique(self):
        # A student number that already applied is refused by the service, with its own message.
        pass

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    @property
    def is_empty(self) -> bool:
        """Nothing filled in at all (a bot, or a form lost on the way)."""
        return not any(value.strip() for name, value in self.data.items() if name != "csrfmiddlewaretoken")


class ApplicationEditForm(forms.ModelForm):
    """The student corrects their application through the status link. The student number
    stays (it is who applied); the mobile on file is never shown, blank keeps it."""

    class Meta:
        model = Application
        fields = ["name", "class_major", "mobile", "gender", "availability", "note", "share_mobile"]
        widgets = _student_form_widgets()
        error_messages = STUDENT_FORM_ERRORS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_gender_field(self, self.instance.posting)
        _limit_text_fields(self)
        self.initial["mobile"] = ""
        mobile = self.fields["mobile"]
        mobile.required = False
        mobile.help_text = _("已登记的手机号尾号为 %(last4)s；不修改请留空。") % {"last4": self.instance.mobile[-4:]}
        self.fields["share_mobile"].help_text = _("不勾选时，用人单位通过外联部联系您。")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_mobile(self) -> str:
        return normalize_mobile(self.cleaned_data["mobile"])

    def _post_clean(self):
        # The service validates and saves (keeping the mobile on file when left blank).
        pass


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
