from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outreach import uploads
from outreach.locking import VersionedForm
from outreach.models import Member
from sponsors.models import Merchant, MerchantKind
from sponsors.widgets import search_picker, search_picker_multiple

from .models import (
    Benefit,
    BenefitApproval,
    Clause,
    Contract,
    ContractInKind,
    Deliverable,
    Event,
    Material,
    Payment,
    Proposal,
    ProposalPackage,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Form:
    """crispy renders the fields; templates put the form tag and buttons around them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


def _members():
    return Member.objects.active().order_by("display_name")


class EventForm(_Form, forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "status",
            "starts_on",
            "ends_on",
            "venue",
            "organisers",
            "expected_audience",
            "audience_description",
            "sponsorship_target",
            "industries",
            "co_organisers",
            "owner",
            "description",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "industries": forms.CheckboxSelectMultiple,
            "audience_description": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_organisers"].queryset = Merchant.objects.eligible_for_business().filter(
            kind=MerchantKind.STUDENT_ORG
        )
        # picked by search: never a <select> of every organisation in the CRM
        search_picker_multiple(self.fields["co_organisers"], scope="organisations")
        self.fields["owner"].queryset = _members()


class BenefitForm(_Form, forms.ModelForm):
    departments = forms.CharField(
        label=_("负责部门"),
        help_text=_("须同意落实此权益的部门，多个用顿号或逗号分隔，如：宣传部、体育部"),
    )

    class Meta:
        model = Benefit
        fields = ["kind", "quantity", "size", "placement", "starts_on", "ends_on", "specifics"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "specifics": forms.Textarea(attrs={"rows": 2})}

    def clean_departments(self) -> list[str]:
        raw = self.cleaned_data["departments"]
        for separator in "、,,;;":
            raw = raw.replace(separator, " ")
        departments = [name.strip() for name in raw.split() if name.strip()]
        if not departments:
            raise ValidationError(_("请填写负责落实此权益的部门。"))
        return departments


class AgreementForm(_Form, forms.ModelForm):
    class Meta:
        model = BenefitApproval
        fields = ["agreed_contact", "note"]


class ProposalForm(_Form, forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "merchant", "contact", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = Merchant.objects.eligible_for_business()
        search_picker(self.fields["merchant"], scope="business")
        self.fields["contact"].queryset = _members()


class PackageForm(_Form, forms.ModelForm):
    class Meta:
        model = ProposalPackage
        fields = ["tier", "name", "price", "in_kind", "benefits"]
        widgets = {"benefits": forms.CheckboxSelectMultiple}

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefits"].queryset = Benefit.objects.approved().filter(event=event)
        self.fields["benefits"].help_text = _("只列出各负责部门已同意的权益。")


class ContractFromPackageForm(_Form, forms.Form):
    package = forms.ModelChoiceField(label=_("赞助级别"), queryset=ProposalPackage.objects.none())
    merchant = forms.ModelChoiceField(label=_("赞助方"), queryset=Merchant.objects.none())

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].queryset = proposal.packages.all()
        self.fields["merchant"].queryset = Merchant.objects.eligible_for_business()
        search_picker(self.fields["merchant"], scope="business")
        if proposal.merchant_id:
            self.fields["merchant"].initial = proposal.merchant_id


class ContractForm(_Form, VersionedForm, forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "merchant",
            "cash_amount",
            "payment_terms",
            "breach_terms",
            "union_signatory",
            "merchant_signatory",
            "sponsor_contact",
            "sponsor_phone",
            "sponsor_materials",
            "sponsor_materials_due",
            "acceptance_days",
        ]
        widgets = {
            "sponsor_materials_due": DATE,
            "sponsor_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "payment_terms": forms.Textarea(attrs={"rows": 2}),
            "breach_terms": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = Merchant.objects.eligible_for_business()
        search_picker(self.fields["merchant"], scope="business")


class ClauseForm(_Form, forms.ModelForm):
    class Meta:
        model = Clause
        fields = ["benefit", "quantity", "size", "placement", "starts_on", "ends_on", "specifics"]
        # Radio buttons, not a <select>: a benefit's text runs to a sentence ("横幅 2 条，尺寸 4m ×
        # 0.8m，位置：…"), which a select cuts to its width; a radio's label wraps.
        widgets = {
            "benefit": forms.RadioSelect,
            "starts_on": DATE,
            "ends_on": DATE,
            "specifics": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"quantity": _("留空则按权益原有内容")}

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benefit"].queryset = Benefit.objects.approved().filter(event=event)
        for name in ("quantity",):
            self.fields[name].required = False


class InKindForm(_Form, forms.ModelForm):
    class Meta:
        model = ContractInKind
        fields = ["description", "quantity", "value"]


class SignForm(_Form, forms.Form):
    signed_on = forms.DateField(label=_("签署日期"), widget=DATE)
    scan = uploads.UploadField(label=_("签署扫描件"), accept=uploads.SCAN)


class TerminateForm(_Form, forms.Form):
    reason = forms.CharField(label=_("终止原因"), widget=forms.Textarea(attrs={"rows": 3}))


class AmendmentForm(_Form, forms.Form):
    text = forms.CharField(label=_("补充条款"), widget=forms.Textarea(attrs={"rows": 5}))


class CompleteForm(_Form, forms.Form):
    photos = uploads.MultipleUploadField(
        label=_("照片凭证"),
        accept=uploads.PHOTO,
        required=False,
        help_text=_("横幅挂上、海报贴好、球衣印好的照片；可选多张"),
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(_Form, forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["amount", "on_acceptance", "due_on", "note"]
        widgets = {"due_on": DATE}


class ReceiveForm(forms.Form):
    """The amount that actually arrived, and when (the contract page's inline form)."""

    received_amount = forms.DecimalField(label=_("实收金额(元)"), min_value=0.01, max_digits=12, decimal_places=2)
    received_on = forms.DateField(label=_("到账日期"), required=False, widget=DATE)


class BlacklistKeepForm(forms.Form):
    note = forms.CharField(label=_("保留说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(_Form, forms.Form):
    comment = forms.CharField(
        label=_("异议内容"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("请写明与合同不符之处，例如位置、数量或日期。"),
    )


class ResolveObjectionForm(_Form, forms.Form):
    note = forms.CharField(label=_("处理说明"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ReceiptForm(_Form, forms.Form):
    handed_on = forms.DateField(label=_("收据交付日期"), widget=DATE)
    note = forms.CharField(label=_("收据说明"), max_length=200, required=False)


class MaterialForm(_Form, forms.ModelForm):
    class Meta:
        model = Material
        fields = ["name", "quantity", "source", "merchant", "supplier", "cost", "responsible", "return_due"]
        widgets = {"return_due": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = Merchant.objects.eligible_for_business()
        search_picker(self.fields["merchant"], scope="business")
        self.fields["responsible"].queryset = _members()


class LinkForm(_Form, forms.Form):
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=180, initial=30)


class DeliverableAssignForm(_Form, forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = ["owner", "due_on"]
        widgets = {"due_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members()
