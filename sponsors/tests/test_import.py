import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from sponsors.models import Contact, Merchant, Stage, StageChange

from .factories import IndustryFactory, MerchantFactory

pytestmark = pytest.mark.django_db

HEADERS = ["商家名称", "类型", "行业", "区域", "联系电话", "负责人", "阶段", "标签", "联系人", "手机", "备注"]


def xlsx(rows, headers=HEADERS) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("商家名单.xlsx", buffer.getvalue())


@pytest.fixture
def sheet(officer):
    IndustryFactory(name="食品")
    IndustryFactory(name="运动")
    MerchantFactory(name="李宁专卖店", phone="13800138000", stage=Stage.CONTACTED)
    return xlsx(
        [
            [
                "康师傅武汉分公司",
                "企业",
                "食品",
                "东西湖",
                "027-87654321",
                officer.display_name,
                "洽谈中",
                "五一，兼职",
                "马经理",
                "139 7110 0002",
                "老客户",
            ],
            ["李宁专卖店", "商店", "运动", "光谷", "13800138000", "", "", "球赛", "", "", "电话相同,应更新"],
            ["", "商店", "运动", "", "", "", "", "", "", "", "没有名称"],
            ["坏电话小店", "商店", "食品", "", "12345", "", "", "", "", "", ""],
            ["未知行业店", "商店", "航天", "", "", "", "", "", "", "", ""],
            ["未知负责人店", "商店", "食品", "", "", "不存在的人", "", "", "", "", ""],
            ["晨光文具", "商店", "", "校园周边", 13971100010, "", "已签约", "", "", "", "Excel 把电话存成了数字"],
        ]
    )


def test_preview_writes_nothing_and_says_why_per_row(client_for, minister, sheet):
    response = client_for(minister).post(reverse("sponsors:import"), {"file": sheet})
    assert response.status_code == 200
    plan = {row.line: row for row in response.context["plan"]}
    assert [plan[line].action for line in sorted(plan)] == [
        "create",
        "update",
        "reject",
        "reject",
        "reject",
        "reject",
        "create",
    ]
    assert "名称为空" in plan[4].errors[0]
    assert "不是有效号码" in plan[5].errors[0]
    assert "不在行业列表中" in plan[6].errors[0]
    assert "不是在任部员" in plan[7].errors[0]
    assert Merchant.objects.count() == 1


def test_confirm_imports_exactly_the_good_rows(client_for, minister, officer, sheet):
    client = client_for(minister)
    response = client.post(reverse("sponsors:import"), {"file": sheet})
    token = response.context["token"]
    response = client.post(reverse("sponsors:import-confirm"), {"token": token})
    assert response.status_code == 302
    assert sorted(Merchant.objects.values_list("name", flat=True)) == ["康师傅武汉分公司", "晨光文具", "李宁专卖店"]
    kang = Merchant.objects.get(name="康师傅武汉分公司")
    assert (kang.phone, kang.owner, kang.stage, kang.industry.name) == (
        "02787654321",
        officer,
        Stage.NEGOTIATING,
        "食品",
    )
    assert sorted(tag.name for tag in kang.tags.all()) == ["五一", "兼职"]
    assert Contact.objects.get(merchant=kang).mobile == "13971100002"
    assert Merchant.objects.get(name="晨光文具").phone == "13971100010"
    assert Merchant.objects.get(name="李宁专卖店").tags.filter(name="球赛").exists()
    assert StageChange.objects.filter(merchant=kang, to_stage=Stage.NEGOTIATING).exists()
    # The token is used up: a second confirm does nothing.
    client.post(reverse("sponsors:import-confirm"), {"token": token})
    assert Merchant.objects.count() == 3


def test_confirm_with_a_wrong_token_writes_nothing(client_for, minister, sheet):
    client = client_for(minister)
    client.post(reverse("sponsors:import"), {"file": sheet})
    client.post(reverse("sponsors:import-confirm"), {"token": "guessed"})
    assert Merchant.objects.count() == 1


def _error_for(client, upload) -> str:
    response = client.post(reverse("sponsors:import"), {"file": upload})
    assert response.status_code == 200 and response.context["plan"] is None
    return " ".join(response.context["form"].errors["file"])


def test_bad_files_get_a_clear_message_and_write_nothing(client_for, minister):
    client = client_for(minister)
    assert "只支持 .xlsx 和 .csv" in _error_for(client, SimpleUploadedFile("名单.pdf", b"%PDF-1.4"))
    assert "可能已损坏" in _error_for(client, SimpleUploadedFile("名单.xlsx", b"PK\x03\x04 broken zip"))
    assert "缺少必需的列：名称" in _error_for(client, xlsx([["康师傅"]], headers=["公司"]))
    too_many = xlsx([[f"商家{n}"] for n in range(2001)], headers=["名称"])
    assert "最多导入 2000 行" in _error_for(client, too_many)
    broken = SimpleUploadedFile("名单.csv", "名称\n康师傅\n".encode("utf-16"))
    assert "编码" in _error_for(client, broken)
    assert Merchant.objects.count() == 0


def test_gbk_csv_from_old_excel_is_read(client_for, minister):
    upload = SimpleUploadedFile("名单.csv", "名称,区域\n周黑鸭,街道口\n".encode("gbk"))
    client = client_for(minister)
    response = client.post(reverse("sponsors:import"), {"file": upload})
    assert [row.name for row in response.context["plan"]] == ["周黑鸭"]
    client.post(reverse("sponsors:import-confirm"), {"token": response.context["token"]})
    assert Merchant.objects.get().district == "街道口"


def test_export_reads_back_through_import(client_for, minister):
    MerchantFactory(name="康师傅武汉分公司", phone="02787654321")
    client = client_for(minister)
    content = client.get(reverse("sponsors:export")).content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "名称" and rows[1][0] == "康师傅武汉分公司"
    response = client.post(reverse("sponsors:import"), {"file": SimpleUploadedFile("导出.xlsx", content)})
    assert [row.action for row in response.context["plan"]] == ["update"]


def test_export_follows_the_filter(client_for, officer):
    MerchantFactory(name="已签约的", stage=Stage.SIGNED)
    MerchantFactory(name="潜在的")
    content = client_for(officer).get(reverse("sponsors:export"), {"stage": "signed"}).content
    names = [row[0] for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True)]
    assert names == ["已签约的"]


def test_export_writes_formula_like_text_as_text(client_for, minister):
    MerchantFactory(name='=HYPERLINK("http://evil.example","点我")', address="@SUM(1+1)", notes="-1+2")
    content = client_for(minister).get(reverse("sponsors:export")).content
    sheet = load_workbook(io.BytesIO(content)).active
    row = {header.value: cell for header, cell in zip(sheet[1], sheet[2], strict=True)}
    assert row["名称"].value == '\'=HYPERLINK("http://evil.example","点我")'
    assert row["地址"].value == "'@SUM(1+1)"
    assert row["备注"].value == "'-1+2"
    assert {row[name].data_type for name in ("名称", "地址", "备注")} == {"s"}


def _workbook_bytes(build) -> bytes:
    workbook = Workbook()
    build(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_that_unpacks_too_big_is_refused_before_it_is_read(client_for, minister):
    import zipfile

    plain = _workbook_bytes(lambda sheet: (sheet.append(["名称"]), sheet.append(["康师傅"])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            bomb.writestr(member, source.read(member))
        with bomb.open("xl/media/image1.png", "w") as padding:  # 60 MB of zeros, a few KB packed
            for _ in range(60):
                padding.write(bytes(1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    message = _error_for(client_for(minister), SimpleUploadedFile("名单.xlsx", buffer.getvalue()))
    assert "解压后超过 50 MB" in message
    assert Merchant.objects.count() == 0


def test_xlsx_whose_sheet_declares_too_many_rows_or_columns_is_refused(client_for, minister):
    client = client_for(minister)

    def tall(sheet):
        sheet.append(["名称"])
        sheet["A1048576"] = "康师傅"

    def wide(sheet):
        sheet.append(["名称"])
        sheet["XFD2"] = "x"

    tall_message = _error_for(client, SimpleUploadedFile("名单.xlsx", _workbook_bytes(tall)))
    assert "使用范围到第 1048576 行" in tall_message and "最多导入 2000 行" in tall_message
    assert "使用范围有 16384 列" in _error_for(client, SimpleUploadedFile("名单.xlsx", _workbook_bytes(wide)))
    assert Merchant.objects.count() == 0


def test_xlsx_with_formatted_empty_rows_below_the_data_still_imports(client_for, minister):
    from openpyxl.styles import Font

    def formatted(sheet):
        sheet.append(["名称"])
        sheet.append(["康师傅"])
        sheet["A3000"].font = Font(bold=True)

    response = client_for(minister).post(
        reverse("sponsors:import"), {"file": SimpleUploadedFile("名单.xlsx", _workbook_bytes(formatted))}
    )
    assert [row.name for row in response.context["plan"]] == ["康师傅"]


def test_a_row_the_models_refuse_is_skipped_with_its_reasons_and_the_others_imported(client_for, minister):
    """A row whose values pass the sheet's own checks but not the model's (too long a
    district, not a web address, too long a tag or contact name) used to make the confirm
    answer 500 and import nothing. The preview now rejects it with the reasons, and the
    confirm imports the valid rows and lists the skipped one."""
    client = client_for(minister)
    upload = xlsx(
        [
            ["好邻居便利店", "商店", "", "光谷", "", "", "", "", "", "", ""],
            ["很长区域的店", "商店", "", "区" * 60, "", "", "", "", "", "", ""],
            ["长标签的店", "商店", "", "", "", "", "", "签" * 31, "", "", ""],
            ["长联系人的店", "商店", "", "", "", "", "", "", "人" * 51, "", ""],
            ["坏网址的店", "商店", "", "", "", "", "", "", "", "", "", "not a web address"],
        ],
        headers=[*HEADERS, "网站"],
    )
    response = client.post(reverse("sponsors:import"), {"file": upload})
    plan = {row.name: row for row in response.context["plan"]}
    assert plan["好邻居便利店"].action == "create"
    for name in ("很长区域的店", "长标签的店", "长联系人的店", "坏网址的店"):
        assert plan[name].action == "reject", name
    assert plan["很长区域的店"].errors[0].startswith("区域：")
    assert "超过30个字" in plan["长标签的店"].errors[0]
    assert plan["长联系人的店"].errors[0].startswith("联系人姓名：")
    assert plan["坏网址的店"].errors[0].startswith("网站：")

    response = client.post(reverse("sponsors:import-confirm"), {"token": response.context["token"]}, follow=True)
    assert response.status_code == 200
    assert list(Merchant.objects.values_list("name", flat=True)) == ["好邻居便利店"]
    page = response.content.decode()
    assert "新建 1 家，更新 0 家，跳过 4 行" in page
    assert "第 3 行“很长区域的店”未导入：区域：" in page


def test_a_row_that_fails_while_being_written_is_skipped_alone(minister, monkeypatch):
    """Data can change between the preview and the confirm: a row the services refuse is
    undone alone and reported, never a 500."""
    from django.core.exceptions import ValidationError

    from sponsors import excel, services

    real_clean = services._clean_merchant

    def clean(merchant, **checks):
        if merchant.name == "刚被拉黑的店":
            raise ValidationError({"name": "该商家刚被拉黑。"})
        return real_clean(merchant, **checks)

    monkeypatch.setattr(services, "_clean_merchant", clean)
    rows = [{"line": 2, "name": "好邻居便利店"}, {"line": 3, "name": "刚被拉黑的店"}]
    result = excel.import_rows(rows=rows, by=minister)
    assert result.counts == {"create": 1, "update": 0, "reject": 1}
    assert [(row.line, row.errors) for row in result.rejected] == [(3, ["名称：该商家刚被拉黑。"])]
    assert list(Merchant.objects.values_list("name", flat=True)) == ["好邻居便利店"]


def test_preview_rejects_a_website_the_model_refuses_and_confirm_never_answers_500(client_for, minister):
    client = client_for(minister)
    upload = xlsx(
        [["坏网址的店", "", "", "", "", "", "", "", "", "", "", "bad url with spaces"]], headers=[*HEADERS, "网站"]
    )
    response = client.post(reverse("sponsors:import"), {"file": upload})
    (row,) = response.context["plan"]
    assert row.action == "reject" and row.errors[0].startswith("网站：")
    response = client.post(reverse("sponsors:import-confirm"), {"token": response.context["token"]})
    assert response.status_code == 302
    assert Merchant.objects.count() == 0


def test_a_similar_name_is_flagged_as_a_possible_duplicate_and_skipped_unless_decided(client_for, minister):
    branch = MerchantFactory(name="李宁专卖店（光谷店）")
    client = client_for(minister)
    response = client.post(reverse("sponsors:import"), {"file": xlsx([["李宁专卖店"], ["周黑鸭"]], headers=["名称"])})
    plan = {row.name: row for row in response.context["plan"]}
    assert plan["李宁专卖店"].action == "review"
    assert [other.pk for other in plan["李宁专卖店"].candidates] == [branch.pk]
    page = response.content.decode()
    assert "名称与已有商家“李宁专卖店（光谷店）”相似" in page and 'name="resolve-2"' in page
    response = client.post(reverse("sponsors:import-confirm"), {"token": response.context["token"]}, follow=True)
    assert sorted(Merchant.objects.values_list("name", flat=True)) == ["周黑鸭", "李宁专卖店（光谷店）"]
    assert "可能与已有商家重复，未选择处理方式" in response.content.decode()


def test_a_possible_duplicate_is_created_or_merged_as_the_member_decides(client_for, minister):
    branch = MerchantFactory(name="李宁专卖店(光谷店)", district="")
    client = client_for(minister)
    sheet = [["李宁专卖店", "光谷"], ["李宁专卖店（街道口店）", "街道口"]]
    response = client.post(reverse("sponsors:import"), {"file": xlsx(sheet, headers=["名称", "区域"])})
    assert [row.action for row in response.context["plan"]] == ["review", "review"]
    client.post(
        reverse("sponsors:import-confirm"),
        {"token": response.context["token"], "resolve-2": f"update-{branch.pk}", "resolve-3": "create"},
    )
    branch.refresh_from_db()
    assert (branch.name, branch.district) == ("李宁专卖店(光谷店)", "光谷")
    assert sorted(Merchant.objects.values_list("name", flat=True)) == ["李宁专卖店(光谷店)", "李宁专卖店（街道口店）"]


def test_a_phone_of_a_merchant_under_another_name_is_a_conflict_never_a_silent_rename(client_for, minister):
    shop = MerchantFactory(name="晨光文具", phone="13971100010")
    client = client_for(minister)
    response = client.post(
        reverse("sponsors:import"), {"file": xlsx([["得力办公", "13971100010"]], headers=["名称", "电话"])}
    )
    (row,) = response.context["plan"]
    assert row.action == "review" and row.phone_conflict
    assert "电话与已有商家“晨光文具”相同" in response.content.decode()
    client.post(reverse("sponsors:import-confirm"), {"token": response.context["token"]})
    shop.refresh_from_db()
    assert shop.name == "晨光文具" and Merchant.objects.count() == 1
    # Deciding it is the same shop updates it and still keeps its name.
    response = client.post(
        reverse("sponsors:import"),
        {"file": xlsx([["得力办公", "13971100010", "校门口"]], headers=["名称", "电话", "区域"])},
    )
    client.post(
        reverse("sponsors:import-confirm"), {"token": response.context["token"], "resolve-2": f"update-{shop.pk}"}
    )
    shop.refresh_from_db()
    assert (shop.name, shop.district) == ("晨光文具", "校门口")
    assert Merchant.objects.count() == 1


def test_the_merchant_form_and_the_import_share_one_duplicate_check(client_for, minister):
    from sponsors import queries

    MerchantFactory(name="李宁专卖店(光谷店)")
    assert [m.name for m in queries.merchant_duplicates(name="李宁专卖店")] == ["李宁专卖店(光谷店)"]
    assert [
        [m.name for m in found] for found in queries.merchant_duplicates_for([("李宁专卖店", ""), ("周黑鸭", "")])
    ] == [
        ["李宁专卖店(光谷店)"],
        [],
    ]


def _rows(brand: str, count: int, first_phone: int) -> list[dict]:
    """Rows as read from a file: new merchants, one an existing name, one like an existing one."""
    rows = [
        {"line": n + 2, "name": f"{brand}第{n}分店", "phone": f"027{first_phone + n:08d}", "address": f"珞喻路{n}号"}
        for n in range(count)
    ]
    rows[0]["name"] = "李宁专卖店"  # updates the existing one
    rows[1]["name"] = "李宁专卖店（光谷店）"  # probably the same one: for the member to decide
    return rows


def test_the_preview_and_the_confirm_take_the_same_queries_for_four_times_the_rows(
    minister, django_assert_max_num_queries
):
    """An import of 2,000 rows looked each name up on its own (and read every merchant): 2,000
    queries before anything was written, over a minute on a department's 20,000 merchants;
    and then wrote each new merchant on its own, a dozen queries each. Now the preview is a
    fixed number of queries and so is the confirm for the new merchants (an existing one
    that is updated takes a few: here one of each file)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sponsors import excel

    MerchantFactory(name="李宁专卖店", phone="13800138000")
    for n in range(30):
        MerchantFactory(name=f"光谷{n}号复印店")
    previews, confirms = [], []
    for brand, count in (("晨光文具", 10), ("蜜雪冰城", 40)):
        rows = _rows(brand, count, first_phone=60000000 + 1000 * count)
        with django_assert_max_num_queries(16), CaptureQueriesContext(connection) as preview:
            plan = excel.plan_import(rows)
        assert [planned.action for planned in plan[:2]] == ["update", "review"]
        with django_assert_max_num_queries(50), CaptureQueriesContext(connection) as confirm:
            result = excel.import_rows(rows=rows, by=minister)
        assert result.counts == {"create": count - 2, "update": 1, "reject": 1}
        previews.append(len(preview))
        confirms.append(len(confirm))
    assert previews[0] == previews[1]
    assert confirms[0] == confirms[1]


def test_imported_merchants_have_the_records_of_merchants_entered_one_by_one(minister, officer):
    """Written together, each new merchant still has its creation (with its tags) in the
    change history as by the member who imported, its stage move with the import's reason,
    its contact as the primary one with a history, and the record's generation moves on (the
    dashboard's cached figures are not served after an import)."""
    from outreach import datachange
    from sponsors import excel
    from sponsors.queries import merchant_changes, stage_entries

    before = datachange.generation()
    rows = [
        {"line": 2, "name": "珞喻路老乡鸡", "stage": "洽谈中", "tags": "五一，兼职", "contact_name": "马经理"},
        {"line": 3, "name": "光谷书城", "owner": officer.display_name, "contact_mobile": "139 7110 0002"},
    ]
    result = excel.import_rows(rows=rows, by=minister)
    assert result.counts == {"create": 2, "update": 0, "reject": 0}
    chicken = Merchant.objects.get(name="珞喻路老乡鸡")
    (created,) = chicken.history.all()
    assert (created.history_type, created.history_user, created.stage) == ("+", minister.user, Stage.NEGOTIATING)
    assert sorted(tag.tag.name for tag in created.tags.all()) == ["五一", "兼职"]
    assert merchant_changes(chicken)[0]["what"] == "创建"
    (move,) = StageChange.objects.filter(merchant=chicken)
    assert (move.from_stage, move.to_stage, move.reason, move.changed_by) == (
        Stage.PROSPECT,
        Stage.NEGOTIATING,
        "从表格导入",
        minister,
    )
    assert [entry.title for entry in stage_entries(chicken)] == ["阶段：潜在 → 洽谈中"]
    contact = Contact.objects.get(merchant=chicken)
    assert contact.is_primary and contact.history.get().history_user == minister.user
    books = Merchant.objects.get(name="光谷书城")
    assert (books.owner, books.stage, books.contacts.count(), books.tags.count()) == (officer, Stage.PROSPECT, 0, 0)
    assert datachange.generation() != before


def test_an_import_that_fails_midway_writes_nothing(minister, monkeypatch):
    """One transaction: a failure after the merchants are inserted undoes them too."""
    from sponsors import excel, services

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.StageChange.objects, "bulk_create", fail)
    rows = [{"line": 2, "name": "珞喻路老乡鸡", "stage": "洽谈中"}, {"line": 3, "name": "光谷书城"}]
    with pytest.raises(RuntimeError):
        excel.import_rows(rows=rows, by=minister)
    assert Merchant.objects.count() == 0 and Contact.objects.count() == 0


def test_the_name_index_finds_exactly_the_names_that_look_alike():
    """The import's duplicate check reads every name once and indexes it; it must find what
    comparing the key with every name would (contained either way, 80% alike by difflib,
    a character met twice), no more and no fewer."""
    from sponsors.queries import _keys_look_alike, _name_key, _NameIndex

    names = [
        "李宁专卖店（光谷店）",
        "李宁专卖店光谷二店",
        "李宁",
        "光谷书城",
        "光谷书城文具店",
        "武汉光谷书城",
        "谷书",
        "小蜜蜂文印店",
        "小蜜蜂文具店",
        "大蜜蜂文印社",
        "珞喻路老乡鸡",
        "鲁磨路老乡鸡",
        "老乡鸡",
        "哈哈哈哈文印",
        "哈哈哈文印店",
        "康师傅珞喻路旗舰店1633",
        "康师傅珞喻路旗舰店1634",
        "康师傅珞喻路旗舰店11633",
        "a",
        "ab",
        "ktv",
    ]
    keys = [(pk, _name_key(name)) for pk, name in enumerate(names, start=1)]
    index = _NameIndex(keys)
    for name in [*names, "李宁专卖店", "光谷书", "哈哈哈哈文印店", "康师傅珞喻路旗舰店", "b", "KTV", "周黑鸭"]:
        key = _name_key(name)
        assert index.look_alike(key) == {pk for pk, other in keys if _keys_look_alike(key, other)}, name
