from django import forms
from django.utils.translation import gettext_lazy as _

from sponsors.models import Merchant, Stage
from sponsors.widgets import search_picker

from .models import EntryKind, Peer, SharedEntry


class PeerForm(forms.ModelForm):
    feed_url = forms.URLField(
        label=_("订阅地址"), required=False, assume_scheme="https", help_text=_("可选：对方的 HTTPS 订阅地址")
    )

    class Meta:
        model = Peer
        fields = ["name", "school", "public_key", "feed_url", "is_active"]
        # Two lines, so the whole key shows on a phone (a one-line field cut it to its width).
        widgets = {
            "public_key": forms.Textarea(
                attrs={"rows": 2, "autocomplete": "off", "spellcheck": "false", "class": "font-monospace text-break"}
            )
        }


class BlacklistShareForm(forms.ModelForm):
    merchant = forms.ModelChoiceField(
        queryset=Merchant.objects.filter(vetting_status="blacklisted").order_by("name"), label=_("已拉黑的商家")
    )

    class Meta:
        model = SharedEntry
        fields = ["merchant", "category", "listed_on", "note"]
        widgets = {"listed_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"note": _("只写联盟需要知道的事实，不写联系人、学生或金额。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search_picker(self.fields["merchant"], scope="blacklisted")  # never a <select> of every one
        self.fields["category"].required = True
        self.fields["listed_on"].required = False


class CooperationShareForm(forms.ModelForm):
    merchant = forms.ModelChoiceField(
        queryset=Merchant.objects.filter(stage__in=[Stage.SIGNED, Stage.PARTNER])
        .exclude(vetting_status="blacklisted")
        .order_by("name"),
        label=_("已签约或长期合作的商家"),
    )

    class Meta:
        model = SharedEntry
        fields = ["merchant", "listed_on", "summary"]
        widgets = {"listed_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"summary": _("例如：2026年赞助两次活动，权益全部落实，按时付款。金额只在您愿意分享时写。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search_picker(self.fields["merchant"], scope="partners")  # never a <select> of every merchant
        self.fields["summary"].required = True
        self.fields["listed_on"].required = False


class BundleUploadForm(forms.Form):
    file = forms.FileField(label=_("联盟数据包(.json)"))


KIND_FORMS = {EntryKind.BLACKLIST: BlacklistShareForm, EntryKind.COOPERATION: CooperationShareForm}
