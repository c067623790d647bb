import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sponsors.models import Merchant, Visit
from sponsors.widgets import search_picker

from ..contributions import METRICS
from ..locking import VersionedForm
from ..models import (
    Assignment,
    AttendanceStatus,
    Candidate,
    DepartmentProfile,
    Direction,
    ExperienceShare,
    GroupChat,
    Meeting,
    Member,
    ReminderRule,
    ScoreRule,
    Semester,
    Team,
    TrainingSession,
)
from ..roles import Role
from ..uploads import DOCUMENT, UploadField

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SemesterForm(forms.ModelForm):
    class Meta:
        model = Semester
        fields = ["name", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "direction", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class MemberEditForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    team = forms.ModelChoiceField(label=_("小组"), queryset=Team.objects.all(), required=False)
    direction = forms.ChoiceField(label=_("方向"), choices=[("", "—")] + list(Direction.choices), required=False)
    is_active = forms.BooleanField(label=_("在任"), required=False)


class CandidateForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = ["name", "student_number", "class_major", "mobile", "email", "direction", "motivation"]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 3}),
            # A phone's digit keyboard, not its letters.
            "student_number": forms.TextInput(attrs={"inputmode": "numeric"}),
            "mobile": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }


class InterviewForm(forms.ModelForm):
    class Meta:
        model = Candidate
        fields = [
            "interview_at",
            "interviewers",
            "score_communication",
            "score_initiative",
            "score_teamwork",
            "interview_notes",
        ]
        widgets = {
            "interview_at": DATETIME,
            "interviewers": forms.CheckboxSelectMultiple,
            "interview_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = Member.objects.active().order_by("display_name")
        for name in ("score_communication", "score_initiative", "score_teamwork"):
            self.fields[name].widget.attrs.update({"min": 0, "max": 10})
            self.fields[name].help_text = _("0–10 分")


class AcceptForm(forms.Form):
    username = forms.SlugField(label=_("用户名"), max_length=150)
    password = forms.CharField(
        label=_("初始密码"),
        required=False,
        min_length=8,
        help_text=_("留空则自动生成，只显示一次。"),
    )
    team = forms.ModelChoiceField(label=_("小组"), queryset=Team.objects.all(), required=False)


class TrainingSessionForm(forms.ModelForm):
    materials = UploadField(label=_("培训材料"), accept=DOCUMENT, required=False)

    class Meta:
        model = TrainingSession
        fields = ["title", "date", "kind", "place", "speaker", "description", "materials"]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["title", "date", "place", "minutes"]
        widgets = {"date": DATE, "minutes": forms.Textarea(attrs={"rows": 4})}


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 6}), required=False)


class AttendanceForm(forms.Form):
    """One status choice per member: field "m<id>"."""

    def __init__(self, *args, rows: list[tuple[Member, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        # Translated once for the table's hundred rows (each row's <select> lists them).
        self.status_choices = [("", "—")] + [(value, str(label)) for value, label in AttendanceStatus.choices]
        for member, status in rows:
            self.fields[f"m{member.pk}"] = forms.ChoiceField(
                label=member.display_name, choices=self.status_choices, required=False, initial=status
            )

    def statuses(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if value}

    def bound_rows(self):
        """(member, bound field, its current value) for each row of the table."""
        rows = []
        for member, _status in self.rows:
            field = self[f"m{member.pk}"]
            rows.append((member, field, field.value()))
        return rows


class ExperienceShareForm(forms.ModelForm):
    class Meta:
        model = ExperienceShare
        fields = ["member", "topic", "what_happened", "lesson", "merchant", "tags"]
        widgets = {
            "what_happened": forms.Textarea(attrs={"rows": 3}),
            "lesson": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, member_choices=None, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["member"].queryset = member_choices if member_choices is not None else Member.objects.active()
        self.fields["merchant"].queryset = Merchant.objects.all()
        search_picker(self.fields["merchant"])

        # Shares are told at the weekly meeting about recent visits; older ones clutter the list.
        since = timezone.now() - datetime.timedelta(days=180)
        self.fields["visit"] = forms.ModelChoiceField(
            label=_("相关拜访"),
            queryset=Visit.objects.filter(visited_at__gte=since).select_related("merchant").order_by("-visited_at"),
            required=False,
        )
        search_picker(self.fields["visit"], "sponsors:visit-search")


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["title", "description", "due_date", "max_score"]
        widgets = {"due_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class SubmissionForm(forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    file = UploadField(label=_("附件"), accept=DOCUMENT, required=False)


class ReviewForm(forms.Form):
    score = forms.IntegerField(label=_("得分"), min_value=0)
    comment = forms.CharField(label=_("评语"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


def metric_choices():
    # The label alone: the code is the program's name for it, not the reader's.
    return [(code, metric.label) for code, metric in sorted(METRICS.items(), key=lambda item: str(item[1].label))]


class ScoreRuleForm(forms.ModelForm):
    class Meta:
        model = ScoreRule
        fields = ["metric", "points", "active", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = metric_choices()
        current = self.initial.get("metric") or (self.instance.metric if self.instance.pk else "")
        if current and current not in METRICS:
            choices.append((current, _("%(code)s（未注册）") % {"code": current}))
        self.fields["metric"] = forms.ChoiceField(label=_("指标"), choices=choices)


class ScoreAdjustmentForm(forms.Form):
    member = forms.ModelChoiceField(label=_("部员"), queryset=Member.objects.none())
    points = forms.DecimalField(label=_("加减分"), max_digits=6, decimal_places=2)
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members if members is not None else Member.objects.active()


class HandoverForm(forms.Form):
    from_member = forms.ModelChoiceField(label=_("离任部员"), queryset=Member.objects.none())
    to_member = forms.ModelChoiceField(label=_("接手人"), queryset=Member.objects.none())
    confirm = forms.BooleanField(label=_("我确认：交接后离任部员的账号将停用"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = Member.objects.active().order_by("display_name")
        self.fields["from_member"].queryset = active
        self.fields["to_member"].queryset = active

    def clean(self):
        data = super().clean()
        if data.get("from_member") and data.get("from_member") == data.get("to_member"):
            raise forms.ValidationError(_("交接双方不能是同一个人。"))
        return data


# --- Reminder settings (the minister's page)


class ReminderRuleForm(forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = [
            "active",
            "days",
            "repeat_days",
            "to_responsible",
            "to_ministers",
            "to_vice_ministers",
            "direction",
            "email",
            "group_chat",
        ]
        # The page lays these out by hand (Bootstrap's classes here): thirteen cards of nine
        # fields through crispy-forms' field template took 60 ms of rendering.
        widgets = {
            "days": forms.NumberInput(attrs={"min": 0, "max": 90, "class": "form-control"}),
            "repeat_days": forms.NumberInput(attrs={"min": 0, "max": 30, "class": "form-control"}),
            "direction": forms.Select(attrs={"class": "form-select"}),
            **{
                name: forms.CheckboxInput(attrs={"class": "form-check-input"})
                for name in ("active", "to_responsible", "to_ministers", "to_vice_ministers", "email", "group_chat")
            },
        }

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:  # Bootstrap shows a field's error after an .is-invalid input
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    @property
    def counts(self):
        return [self["days"], self["repeat_days"]]

    @property
    def recipients(self):
        return [self[name] for name in ("active", "to_responsible", "to_ministers", "to_vice_ministers")]

    @property
    def channels(self):
        return [self["email"], self["group_chat"]]

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days > 90:
            raise forms.ValidationError(_("天数不能超过 90。"))
        return days


class GroupChatForm(forms.ModelForm):
    webhook_url = forms.URLField(
        label=_("机器人 Webhook 地址"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("在群设置中添加“群机器人”后复制的地址；只发送文字，不含个人手机号。"),
    )

    class Meta:
        model = GroupChat
        fields = ["active", "platform", "webhook_url"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("active") and not cleaned.get("webhook_url"):
            self.add_error("webhook_url", _("启用工作群前请填写机器人 Webhook 地址。"))
        return cleaned


class SemesterSummaryForm(forms.Form):
    """The minister's foreword and closing words of the semester work summary."""

    foreword = forms.CharField(
        label=_("前言"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )
    closing = forms.CharField(
        label=_("结束语"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )


class DepartmentProfileForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = DepartmentProfile
        fields = [
            "party_name",
            "party_authority",
            "party_address",
            "department_name",
            "contact_name",
            "contact_phone",
            "contact_email",
            "payee_name",
            "payee_bank",
            "payee_account",
            "receipt_terms",
            "cancellation_terms",
            "force_majeure_terms",
            "dispute_terms",
        ]
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in ("receipt_terms", "cancellation_terms", "force_majeure_terms", "dispute_terms")
            },
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "payee_account": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def clean_payee_account(self):
        # Bank account numbers are copied from a card or a letter: spaces and full-width digits.
        value = self.cleaned_data["payee_account"]
        value = value.translate({0xFF10 + i: ord("0") + i for i in range(10)}).replace(" ", "").replace("-", "")
        if value and not value.isdigit():
            raise forms.ValidationError(_("账号只能包含数字。"))
        return value
