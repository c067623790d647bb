"""Optimistic locking for the rows two people edit at once (merchants, contracts, postings...).

Every write of a versioned row goes through `save_changed`: it claims the row at the version
the user loaded (and, for a status change, at the status it starts from), then saves only
the changed columns and the next version. The second of two concurrent saves finds no row at
its version and gets `StaleObjectError` instead of writing its stale copy over the first.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _("此记录已被他人修改，请刷新后重试")


class Versioned(models.Model):
    """Adds the version every save of the row increments."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class StaleObjectError(ValidationError):
    """Someone else saved the row (or moved it on) since this user loaded it.

    A ValidationError, so every view that shows a service's errors shows this one too."""

    def __init__(self, message=STALE_MESSAGE):
        super().__init__(message, code="stale")


def save_changed(
    instance: Versioned,
    *,
    fields: Iterable[str],
    expected_version: int | None,
    where: Q | None = None,
) -> None:
    """Save `fields` of `instance` (plus version and updated_at) if the row is still at
    `expected_version` (None: at any version) and matches `where`; else StaleObjectError.

    The claim is a SELECT ... FOR UPDATE of the row at that version: PostgreSQL waits for a
    concurrent writer and re-checks the condition on the row it left, so of two saves at
    one version only the first finds it. The row stays locked until the transaction ends,
    and the other columns are read back in the same query: the instance, and the history
    row django-simple-history makes from it on save, are the row as it now is, never a
    stale copy of what others changed meanwhile. (One UPDATE, not a claiming UPDATE and
    then the save: a second UPDATE of a row the transaction already changed re-checks its
    foreign keys and can deadlock with a transaction holding the parent row.)"""
    model = type(instance)
    fields = list(dict.fromkeys(fields))
    claim = model._base_manager.select_for_update()
    if expected_version is not None:
        claim = claim.filter(version=expected_version)
    if where is not None:
        claim = claim.filter(where)
    changed = {model._meta.get_field(name).attname for name in fields}
    others = [
        field.attname
        for field in model._meta.concrete_fields
        if not field.primary_key and field.attname not in changed and field.name != "updated_at"
    ]
    with transaction.atomic():
        try:
            instance.refresh_from_db(fields=others, from_queryset=claim)
        except model.DoesNotExist:
            raise StaleObjectError from None
        instance.version += 1
        instance.save(update_fields=[*fields, "version", "updated_at"])


def bump_version() -> dict:
    """For a queryset .update() that changes versioned rows: `qs.update(owner=x, **bump_version())`,
    so an edit form opened before it is refused rather than undoing it."""
    return {"version": F("version") + 1}


# --- Forms


class VersionedForm:
    """Form mixin: a hidden `version`, the version of the row when the form was shown."""

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk:
            version = instance.version
        self.initial.setdefault("version", version)

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


def posted_version(request) -> int | None:
    """The `version` a one-button form (approve, close...) was shown with, if any."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class Change:
    """A field someone else changed since the user loaded the form."""

    label: str
    loaded: str
    typed: str
    current: str


def _display(field: models.Field, value) -> str:
    if isinstance(value, models.Model):
        value = value.pk
    if value is None or value == "" or value == []:
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related if related is not None else value)
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(field, models.DecimalField):
        value = Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places))
    if isinstance(value, Decimal | int) or hasattr(value, "isoformat"):
        return str(formats.localize(value))
    return str(value)


def stale_changes(form: forms.BaseForm, instance: Versioned, *, expected_version: int | None) -> list[Change]:
    """What others changed in the form's fields since the user loaded version `expected_version`:
    each field's value then (from the row's history), the user's input and the value now.

    Also prepares the form to be shown again: the message on top, the user's input kept,
    and the current version, so saving again (having seen the changes) is deliberate."""
    model = type(instance)
    current = model._base_manager.get(pk=instance.pk)
    form.add_error(None, StaleObjectError())
    data = form.data.copy()
    data[form.add_prefix("version")] = str(current.version)
    form.data = data
    if expected_version is None:
        return []
    loaded = current.history.filter(version__lte=expected_version).order_by("-version", "-history_date", "-pk").first()
    if loaded is None:
        return []
    cleaned = getattr(form, "cleaned_data", {})
    names = {field.name: field for field in model._meta.concrete_fields}
    changes = []
    for name, form_field in form.fields.items():
        field = names.get(name)
        if field is None or name == "version":
            continue
        then, now = getattr(loaded, field.attname), getattr(current, field.attname)
        if then == now:
            continue
        typed = cleaned[name] if name in cleaned else form.data.get(form.add_prefix(name))
        changes.append(
            Change(
                label=str(form_field.label or field.verbose_name),
                loaded=_display(field, then),
                typed=_display(field, typed),
                current=_display(field, now),
            )
        )
    return changes


# --- Admin


class VersionedAdminForm(forms.ModelForm):
    """The admin's change form: refused, with the message, when the row changed since it was shown."""

    # Not `version`: the admin may not name a non-editable model field in its form.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the row, not the instance: the history page's "revert" form shows an old copy.
            rows = type(self.instance)._base_manager.filter(pk=self.instance.pk)
            self.initial["loaded_version"] = rows.values_list("version", flat=True).first()

    def clean(self):
        data = super().clean()
        version = data.get("loaded_version")
        if self.instance.pk and version is not None:
            rows = type(self.instance)._base_manager.filter(pk=self.instance.pk, version=version)
            if connection.in_atomic_block:  # the change view's transaction: hold the row until saved
                rows = rows.select_for_update()
            if not list(rows.values_list("pk", flat=True)):
                raise StaleObjectError
        return data


class VersionedAdmin:
    """ModelAdmin mixin (before SimpleHistoryAdmin): a change writes the form's fields with
    save_changed, at the version the form was shown with."""

    form = VersionedAdminForm

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        obj._history_user = request.user
        fields = [field.name for field in type(obj)._meta.concrete_fields if field.name in form.fields]
        save_changed(obj, fields=fields, expected_version=form.cleaned_data.get("loaded_version"))
        return None
