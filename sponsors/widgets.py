"""A search-as-you-type picker for a choice over a big table (merchants, visits).

A `<select>` of every merchant grows with the record (19,600 `<option>`s at ten years); this
widget renders a hidden input holding the chosen pk and a search box that asks a small
endpoint (htmx) for a few matches. The field stays a `ModelChoiceField`: the posted pk is
validated against its queryset on the server as before. The behaviour (pick, change) is in
static/js/app.js, driven by the data- attributes below (the CSP allows no inline script).

The search box names a form that does not exist (`form="…_detached"`): htmx still sends what
is typed to the endpoint, but the enclosing form never submits it, so a picker in a GET filter
form does not add a second `q` to the list's own search.
"""

from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class SearchPicker(forms.Widget):
    """`url_name` answers `?q=` (plus `params`) with buttons carrying data-id and data-name,
    at most a few of them (sponsors/_merchant_search.html, sponsors/_visit_search.html)."""

    def __init__(
        self, url_name: str = "sponsors:merchant-search", *, params: dict | None = None, placeholder=None, attrs=None
    ):
        super().__init__(attrs)
        self.url_name = url_name
        self.params = params or {}
        self.placeholder = placeholder or _("输入名称、联系人或电话的一部分")

    # A row the form already read (e.g. the visit a form is prefilled from): when it is the
    # chosen one, its label needs no query.
    known = None

    def chosen(self, value):
        """The chosen row for the label, one query; None when nothing (valid) is chosen."""
        if value in (None, ""):
            return None
        if self.known is not None and str(self.known.pk) == str(value):
            return self.known
        queryset = getattr(getattr(self, "choices", None), "queryset", None)
        if queryset is None:
            return None
        try:
            return queryset.filter(pk=value).first()
        except (TypeError, ValueError):
            return None

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        field_id = attrs.pop("id", f"id_{name}")
        chosen = self.chosen(value)
        field = getattr(getattr(self, "choices", None), "field", None)
        label = (field.label_from_instance(chosen) if field else str(chosen)) if chosen else ""
        search_box = self.search_box(field_id, attrs)
        return format_html(
            '<div class="search-picker" data-picker>'
            '<input type="hidden" name="{name}" value="{value}" id="{id}_value" data-picker-value>'
            '<div class="alert alert-primary py-2 mb-1 d-flex justify-content-between align-items-center{chosen_hidden}"'
            " data-picker-chosen>"
            '<strong class="text-break" data-picker-label>{label}</strong>'
            '<button type="button" class="btn btn-sm btn-link" data-picker-clear>{change}</button></div>'
            '<div class="{search_hidden}" data-picker-search>{search_box}</div></div>',
            name=name,
            value=chosen.pk if chosen else "",
            id=field_id,
            chosen_hidden="" if chosen else " d-none",
            label=label,
            change=_("换一个"),
            search_hidden="d-none" if chosen else "",
            search_box=search_box,
        )

    def search_box(self, field_id: str, attrs: dict) -> str:
        """The search input asking the endpoint as one types, and the box its results go in.
        It belongs to no form (`form=` a detached id), so its `q` is never submitted."""
        url = reverse(self.url_name)
        if self.params:
            url = f"{url}?{urlencode(self.params)}"
        css = " ".join(part for part in ["form-control", attrs.pop("class", "").replace("form-select", "")] if part)
        return format_html(
            '<input type="search" id="{id}" class="{css}" autocomplete="off" placeholder="{placeholder}"'
            ' aria-controls="{id}_results" hx-get="{url}" hx-params="q" name="q" form="{id}_detached"'
            ' hx-trigger="input changed delay:250ms, search" hx-target="#{id}_results" hx-sync="this:replace">'
            '<div id="{id}_results" class="list-group mt-1" aria-live="polite" data-picker-results></div>',
            id=field_id,
            css=css,
            placeholder=self.placeholder,
            url=url,
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data


def search_picker(field: forms.ModelChoiceField, url_name: str = "sponsors:merchant-search", **params) -> None:
    """Show `field` (its queryset already set) as a SearchPicker asking `url_name` with `params`."""
    field.widget = SearchPicker(url_name, params=params)
    field.widget.choices = field.choices
    field.widget.is_required = field.required


class SearchPickerMultiple(SearchPicker):
    """The picker for a `ModelMultipleChoiceField`: each chosen row is a chip holding a hidden
    input (name=pk) with a button to remove it; a result picked from the search adds a chip
    (static/js/app.js, `data-picker-multiple`). Only the chosen rows are rendered, one query."""

    def chosen_rows(self, value) -> list:
        values = value if isinstance(value, list | tuple) else [value] if value not in (None, "") else []
        pks = [int(pk) for pk in values if str(pk).isdigit()]
        queryset = getattr(getattr(self, "choices", None), "queryset", None)
        if not pks or queryset is None:
            return []
        return list(queryset.filter(pk__in=pks).order_by("name" if hasattr(queryset.model, "name") else "pk"))

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        field_id = attrs.pop("id", f"id_{name}")
        field = getattr(getattr(self, "choices", None), "field", None)
        chip = (
            '<span class="badge text-bg-primary d-inline-flex align-items-center gap-1 fs-6 fw-normal"'
            ' data-picker-chip><input type="hidden" name="{name}" value="{pk}"><span class="text-break">{label}</span>'
            '<button type="button" class="btn-close btn-close-white btn-sm" aria-label="{remove}"'
            " data-picker-remove></button></span>"
        )
        chips = format_html_join(
            "",
            chip,
            (
                {
                    "name": name,
                    "pk": row.pk,
                    "label": field.label_from_instance(row) if field else str(row),
                    "remove": _("移除 %(name)s") % {"name": row},
                }
                for row in self.chosen_rows(value)
            ),
        )
        return format_html(
            '<div class="search-picker" data-picker-multiple data-name="{name}" data-remove-label="{remove}">'
            '<div class="d-flex flex-wrap gap-1 mb-1" data-picker-chips>{chips}</div>{search_box}</div>',
            name=name,
            remove=_("移除"),
            chips=chips,
            search_box=self.search_box(field_id, attrs),
        )

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # no chip posted is "none chosen", as with a <select multiple>


def search_picker_multiple(
    field: forms.ModelMultipleChoiceField, url_name: str = "sponsors:merchant-search", **params
) -> None:
    """Show `field` (its queryset already set) as a SearchPickerMultiple asking `url_name`."""
    field.widget = SearchPickerMultiple(url_name, params=params)
    field.widget.choices = field.choices
    field.widget.is_required = field.required
