"""Import the department's merchant spreadsheet (.xlsx or .csv, Chinese headers) and export
the list back to .xlsx.

Import runs in two steps: ``read_rows`` turns a file into plain rows (or a clear error),
``plan_import`` says per row what would happen; nothing is written until the member confirms
and ``import_rows`` writes every good row in one transaction and skips the others, saying
why (the same reasons as the preview).
"""

import copy
import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.functions import fromstring

from outreach.messages import join_list
from outreach.models import Member
from outreach.phones import normalize_mobile, normalize_phone
from outreach.spreadsheets import safe_row

from .models import Contact, Industry, Merchant, MerchantKind, Stage, Tag, VettingStatus
from .queries import merchant_duplicates_for, merchant_rows_for_export
from .services import (
    MerchantDraft,
    contact_save,
    merchant_add_tags,
    merchant_change_stage,
    merchant_update,
    merchants_create_many,
)
from .validators import normalize_credit_code, validate_credit_code

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip: 5 MB of upload can unpack to gigabytes, and a sheet that says it spans
# A1:XFD1048576 makes the reader pad every row to 16,384 cells. Both are checked from what the
# file declares before openpyxl reads it.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
MAX_SHEET_ROWS = 10 * MAX_ROWS  # the used range may include formatted but empty rows
MAX_SHEET_COLUMNS = 100

# Column name in the sheet -> field; the first name of each is what the export writes.
COLUMNS = {
    "name": ["名称", "商家名称", "单位名称", "商家", "店名"],
    "kind": ["类型", "商家类型"],
    "industry": ["行业"],
    "district": ["区域", "地区", "商圈"],
    "address": ["地址"],
    "phone": ["电话", "联系电话", "商家电话"],
    "website": ["网站", "网址"],
    "owner": ["负责人", "跟进人"],
    "stage": ["阶段", "合作阶段"],
    "tags": ["标签"],
    "credit_code": ["统一社会信用代码", "信用代码"],
    "contact_name": ["联系人"],
    "contact_title": ["职务", "联系人职务"],
    "contact_mobile": ["手机", "联系人手机", "手机号"],
    "contact_wechat": ["微信", "微信号"],
    "notes": ["备注"],
}
REQUIRED = ["name"]


class ImportFileError(Exception):
    """The whole file is unusable; the message says why, in Chinese."""


@dataclass
class PlannedRow:
    line: int
    values: dict
    action: str = "create"  # "create", "update", "review" (possible duplicate: the member decides) or "reject"
    errors: list[str] = field(default_factory=list)
    merchant: Merchant | None = None  # the merchant of the same name, if any
    # For "review": the existing merchants it may be (each with `same_phone`).
    candidates: list[Merchant] = field(default_factory=list)

    @property
    def phone_conflict(self) -> bool:
        """The phone belongs to a merchant of another name: importing must not rename it."""
        return any(candidate.same_phone for candidate in self.candidates)

    @property
    def name(self) -> str:
        return self.values.get("name", "")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number Excel stored as a number
    return str(value).strip()


_UNREADABLE_XLSX = gettext_lazy("无法读取这个 Excel 文件，它可能已损坏，或不是 .xlsx 格式(旧的 .xls 请另存为 .xlsx)。")
_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z0-9:$]+)\"")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _first_worksheet_path(archive: zipfile.ZipFile) -> str | None:
    """The zip member of the sheet openpyxl would give as worksheets[0], or None."""
    try:
        workbook = fromstring(archive.read("xl/workbook.xml"))
        relations = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, ValueError, SyntaxError):
        return None
    targets = {
        relation.get("Id"): relation.get("Target", "")
        for relation in relations.iter(f"{_NS_PACKAGE_REL}Relationship")
        if relation.get("Type", "").endswith("/worksheet")
    }
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"))
        if target:
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    return None


def _check_xlsx_size(content: bytes) -> None:
    """Refuse, before parsing, a workbook that unpacks too big or whose sheet is too large."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(_UNREADABLE_XLSX) from exc
    too_big = _("这个 Excel 文件解压后超过 %(max)d MB，不能导入；请只保留商家名单(删除图片和其他工作表)后再导入。") % {
        "max": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
    }
    if len(members) > MAX_ZIP_MEMBERS or sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(too_big)
    path = _first_worksheet_path(archive)
    if path is None:
        return  # openpyxl reports what is missing
    try:
        with archive.open(path) as sheet:
            head = sheet.read(64 * 1024)
    except (KeyError, zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(_UNREADABLE_XLSX) from exc
    match = _DIMENSION_RE.search(head)
    if not match:
        return  # no declared size: the row limit while reading still applies
    try:
        _min_col, _min_row, max_col, max_row = range_boundaries(match.group(1).decode("ascii").replace("$", ""))
    except (ValueError, TypeError):
        return
    if max_row and max_row > MAX_SHEET_ROWS:
        raise ImportFileError(
            _(
                "表格的使用范围到第 %(rows)d 行，超过了 %(max)d 行；每次最多导入 %(limit)d 行，请删除多余的行或拆分后再导入。"
            )
            % {"rows": max_row, "max": MAX_SHEET_ROWS, "limit": MAX_ROWS}
        )
    if max_col and max_col > MAX_SHEET_COLUMNS:
        raise ImportFileError(
            _("表格的使用范围有 %(columns)d 列，超过了 %(max)d 列；请删除多余的列后再导入。")
            % {"columns": max_col, "max": MAX_SHEET_COLUMNS}
        )


def _rows_from_xlsx(content: bytes) -> list[list[str]]:
    _check_xlsx_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_UNREADABLE_XLSX) from exc
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append([_cell(value) for value in row])
        if len(rows) > MAX_ROWS + 1:
            break
    workbook.close()
    return rows


def _rows_from_csv(content: bytes) -> list[list[str]]:
    # Excel on a Chinese Windows saves CSV as GBK; newer ones as UTF-8 with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("无法识别文件的编码，请用 Excel 另存为 “CSV UTF-8” 或 .xlsx 后再导入。"))
    if "\x00" in text:
        raise ImportFileError(_("文件内容无法识别，请确认是 CSV 文本文件。"))
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise ImportFileError(_("CSV 文件格式有误：%(error)s") % {"error": exc}) from exc


def read_rows(upload) -> list[dict]:
    """The file's data rows as {field: text} with their line numbers, or ImportFileError."""
    name = (upload.name or "").lower()
    if upload.size > MAX_BYTES:
        raise ImportFileError(_("文件太大(超过 5 MB)，请拆分后分批导入。"))
    content = upload.read()
    if name.endswith(".xlsx"):
        rows = _rows_from_xlsx(content)
    elif name.endswith(".csv"):
        rows = _rows_from_csv(content)
    else:
        raise ImportFileError(_("只支持 .xlsx 和 .csv 文件，请在 Excel 中另存为其中一种格式。"))
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise ImportFileError(_("文件是空的。"))
    header = rows[0]
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        for key, names in COLUMNS.items():
            if title in names and key not in positions:
                positions[key] = index
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in positions]
    if missing:
        raise ImportFileError(
            _("缺少必需的列：%(columns)s。第一行应是列名，例如：%(example)s。")
            % {"columns": join_list(missing), "example": join_list(names[0] for names in list(COLUMNS.values())[:6])}
        )
    data = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        data.append({"line": line, **{key: row[i] if i < len(row) else "" for key, i in positions.items()}})
    if len(data) > MAX_ROWS:
        raise ImportFileError(_("文件超过 %(max)d 行，每次最多导入 %(max)d 行，请拆分后分批导入。") % {"max": MAX_ROWS})
    if not data:
        raise ImportFileError(_("文件里只有列名，没有商家数据。"))
    return data


def _by_label(choices, text: str) -> str | None:
    for value, label in choices:
        if text in (str(label), value):
            return value
    return None


def plan_import(rows: list[dict]) -> list[PlannedRow]:
    """Say per row what importing would do; reads only."""
    industries = {industry.name: industry for industry in Industry.objects.all()}
    members = {member.display_name: member for member in Member.objects.active()}
    by_name = {
        merchant.name: merchant
        for merchant in Merchant.objects.filter(name__in={row.get("name", "") for row in rows if row.get("name")})
    }
    # The same matching as the merchant form: "李宁专卖店" beside "李宁专卖店（光谷店）", or
    # the phone of a merchant of another name, is for the member to decide, never silent.
    duplicates = merchant_duplicates_for([(row.get("name", ""), row.get("phone", "")) for row in rows])
    seen: dict[str, int] = {}
    plan = []
    for row, matches in zip(rows, duplicates, strict=True):
        values = {key: value for key, value in row.items() if key != "line"}
        planned = PlannedRow(line=row["line"], values=values)
        errors = planned.errors
        name = values.get("name", "")
        if not name:
            errors.append(_("名称为空"))
        elif len(name) > 100:
            errors.append(_("名称超过100个字"))
        elif name in seen:
            errors.append(_("与第 %(line)d 行重复") % {"line": seen[name]})
        else:
            seen[name] = planned.line
        if values.get("kind") and not _by_label(MerchantKind.choices, values["kind"]):
            errors.append(_("类型“%(value)s”不认识") % {"value": values["kind"]})
        if values.get("stage") and not _by_label(Stage.choices, values["stage"]):
            errors.append(_("阶段“%(value)s”不认识") % {"value": values["stage"]})
        if values.get("industry") and values["industry"] not in industries:
            errors.append(_("行业“%(value)s”不在行业列表中") % {"value": values["industry"]})
        if values.get("owner") and values["owner"] not in members:
            errors.append(_("负责人“%(value)s”不是在任部员") % {"value": values["owner"]})
        for key, normalize, label in (
            ("phone", normalize_phone, _("电话")),
            ("contact_mobile", normalize_mobile, _("手机")),
        ):
            try:
                normalized = normalize(values.get(key, ""))
            except ValidationError:
                errors.append(_("%(label)s“%(value)s”不是有效号码") % {"label": label, "value": values[key]})
            else:
                values[key] = normalized
        if values.get("credit_code"):
            values["credit_code"] = normalize_credit_code(values["credit_code"])
            try:
                validate_credit_code(values["credit_code"])
            except ValidationError as exc:
                errors.extend(exc.messages)
        if values.get("website") and not values["website"].startswith(("http://", "https://")):
            values["website"] = "https://" + values["website"]
        existing = by_name.get(name)
        if existing:
            # The merchant of this very name is updated; only another one with this phone is in doubt.
            matches = [match for match in matches if match.pk != existing.pk and match.same_phone]
        if not errors:
            errors.extend(_model_errors(values, industries, members, existing))
        planned.merchant = existing
        if errors:
            planned.action = "reject"
        elif matches:
            planned.action, planned.candidates = "review", matches
        elif existing:
            planned.action = "update"
        plan.append(planned)
    return plan


def _labelled(exc: ValidationError, model, template: str) -> list[str]:
    """A model's validation errors as "字段：原因", the way the preview lists them."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    messages = []
    for field_name, errors in exc.message_dict.items():
        try:
            label = str(model._meta.get_field(field_name).verbose_name)
        except FieldDoesNotExist:
            messages.extend(errors)
            continue
        messages.extend(template % {"field": label, "error": error} for error in errors)
    return messages


def _model_errors(values: dict, industries: dict, members: dict, existing: Merchant | None) -> list[str]:
    """What the models would refuse (too long, not a web address...): the same checks the
    services run when the row is written, so a row the preview accepts can be imported."""
    merchant = copy.copy(existing) if existing else Merchant()
    for key, value in _merchant_fields(values, industries, members).items():
        setattr(merchant, key, value)
    errors = []
    try:
        # Relations come from the lists loaded above: checking them again would cost a
        # query per row.
        relations = [f.name for f in Merchant._meta.fields if f.is_relation]
        merchant.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.extend(_labelled(exc, Merchant, _("%(field)s：%(error)s")))
    tag_field = Tag._meta.get_field("name")
    for tag in Tag.names_from(values.get("tags", "")):
        if len(tag) > tag_field.max_length:
            errors.append(_("标签“%(tag)s”超过%(max)d个字") % {"tag": tag, "max": tag_field.max_length})
    if values.get("contact_name"):
        contact = Contact(
            name=values["contact_name"],
            title=values.get("contact_title", ""),
            mobile=values.get("contact_mobile", ""),
            wechat=values.get("contact_wechat", ""),
        )
        try:
            contact.full_clean(exclude=["merchant"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors.extend(_labelled(exc, Contact, _("联系人%(field)s：%(error)s")))
    return errors


def _merchant_fields(values: dict, industries: dict, members: dict) -> dict:
    fields = {}
    for key in ("name", "district", "address", "phone", "website", "credit_code", "notes"):
        if values.get(key):
            fields[key] = values[key]
    if values.get("kind"):
        fields["kind"] = _by_label(MerchantKind.choices, values["kind"])
    if values.get("industry"):
        fields["industry"] = industries[values["industry"]]
    if values.get("owner"):
        fields["owner"] = members[values["owner"]]
    return fields


@dataclass
class ImportResult:
    counts: dict[str, int]
    rejected: list[PlannedRow]  # the rows not imported, with why


def _resolve(planned: PlannedRow, choice: str) -> None:
    """Apply the member's decision on a possible duplicate: a new merchant, or an update of
    the one they picked (which keeps its own name), else the row is skipped."""
    choices = {f"update-{merchant.pk}": merchant for merchant in [planned.merchant, *planned.candidates] if merchant}
    if choice == "create" and planned.merchant is None:
        planned.action = "create"
    elif choice in choices:
        planned.action, planned.merchant = "update", choices[choice]
    else:
        planned.action = "reject"
        planned.errors.append(_("可能与已有商家重复，未选择处理方式"))


@transaction.atomic
def import_rows(*, rows: list[dict], by: Member, resolutions: dict[int, str] | None = None) -> ImportResult:
    """Write the good rows and skip the others, saying why; the plan is made again on
    fresh data. `resolutions` ({line: "create" or "update-<pk>"}) settles the possible
    duplicates of the preview; one left open is skipped. A row that fails while being
    written (the data changed since the preview) is left out alone and reported with the
    rows the preview rejected; anything else that fails undoes the whole import.

    The new merchants are created together (merchants_create_many: a fixed number of
    statements per thousand); an existing one is updated on its own, as the merchant form
    does, at the version it was read at."""
    resolutions = resolutions or {}
    industries = {industry.name: industry for industry in Industry.objects.all()}
    members = {member.display_name: member for member in Member.objects.active()}
    plan = plan_import(rows)
    for planned in plan:
        if planned.action == "review":
            _resolve(planned, resolutions.get(planned.line, ""))
    creates = [planned for planned in plan if planned.action == "create"]
    drafts = [_draft(planned.values, industries, members) for planned in creates]
    for planned, created in zip(
        creates, merchants_create_many(drafts=drafts, by=by, stage_reason=_("从表格导入")), strict=True
    ):
        if isinstance(created, ValidationError):
            _reject(planned, created)
    for planned in plan:
        if planned.action == "update":
            try:
                with transaction.atomic():
                    _update_row(planned, by=by, industries=industries, members=members)
            except ValidationError as exc:
                _reject(planned, exc)
    counts = {"create": 0, "update": 0, "reject": 0}
    for planned in plan:
        counts[planned.action] += 1
    return ImportResult(counts=counts, rejected=[planned for planned in plan if planned.action == "reject"])


def _reject(planned: PlannedRow, exc: ValidationError) -> None:
    planned.action = "reject"
    planned.errors.extend(_labelled(exc, Merchant, _("%(field)s：%(error)s")))


def _draft(values: dict, industries: dict, members: dict) -> MerchantDraft:
    contact = None
    if values.get("contact_name"):
        contact = {
            "name": values["contact_name"],
            "title": values.get("contact_title", ""),
            "mobile": values.get("contact_mobile", ""),
            "wechat": values.get("contact_wechat", ""),
        }
    return MerchantDraft(
        fields=_merchant_fields(values, industries, members),
        tag_names=Tag.names_from(values.get("tags", "")),
        stage=_by_label(Stage.choices, values["stage"]) if values.get("stage") else Stage.PROSPECT,
        contact=contact,
    )


def _update_row(planned: PlannedRow, *, by: Member, industries: dict, members: dict) -> None:
    values = planned.values
    fields = _merchant_fields(values, industries, members)
    # An import adds tags; it never removes the ones the department gave by hand, and
    # never renames: the merchant picked for a row of another name keeps its own.
    fields.pop("name", None)
    merchant = merchant_update(merchant=planned.merchant, by=by, **fields)
    merchant_add_tags(merchant=merchant, tag_names=Tag.names_from(values.get("tags", "")))
    if values.get("stage"):
        stage = _by_label(Stage.choices, values["stage"])
        merchant_change_stage(merchant=merchant, to_stage=stage, by=by, reason=_("从表格导入"))
    if values.get("contact_name"):
        contact = merchant.contacts.filter(name=values["contact_name"]).first() or Contact(
            merchant=merchant, name=values["contact_name"]
        )
        contact.title = values.get("contact_title") or contact.title
        contact.mobile = values.get("contact_mobile") or contact.mobile
        contact.wechat = values.get("contact_wechat") or contact.wechat
        contact_save(contact=contact, by=by)


EXPORT_HEADERS = [
    "名称",
    "类型",
    "行业",
    "区域",
    "地址",
    "电话",
    "网站",
    "负责人",
    "阶段",
    "资质核查",
    "标签",
    "统一社会信用代码",
    "联系人",
    "手机",
    "最近拜访",
    "备注",
]


def export_workbook(merchants) -> bytes:
    """The merchants as an .xlsx whose headers the import reads back."""
    buffer = io.BytesIO()
    write_export(merchants, buffer)
    return buffer.getvalue()


def write_export(merchants, output) -> int:
    """Write the merchants' .xlsx into `output` (a binary file); returns how many rows.

    The rows come plain from the database (queries.merchant_rows_for_export) and the choice
    labels are looked up once, not per row; an empty cell is left out rather than written empty.
    """
    kinds = _labels(MerchantKind.choices)
    stages = _labels(Stage.choices)
    vetting = _labels(VettingStatus.choices)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("商家"))
    sheet.append(EXPORT_HEADERS)
    count = 0
    for row in merchant_rows_for_export(merchants):
        last_visit = row["last_visit_at"]
        values = safe_row(
            [
                row["name"],
                kinds.get(row["kind"], row["kind"]),
                row["industry__name"],
                row["district"],
                row["address"],
                row["phone"],
                row["website"],
                row["owner__display_name"],
                stages.get(row["stage"], row["stage"]),
                vetting.get(row["vetting_status"], row["vetting_status"]),
                ", ".join(row["tags"]),
                row["credit_code"],
                row["primary_contact__name"],
                row["primary_contact__mobile"],
                timezone.localtime(last_visit).strftime("%Y-%m-%d") if last_visit else None,
                row["notes"],
            ]
        )
        sheet.append([value or None for value in values])
        count += 1
    workbook.save(output)
    return count


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}
