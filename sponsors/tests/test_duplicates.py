"""The duplicate check in the database: the same answers as the name rule, from a trigram index
instead of every name read into Python."""

import importlib

import pytest
from django.db import connection

from sponsors import queries

from .factories import MerchantFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the kept name_key is PostgreSQL's")
migration = importlib.import_module("sponsors.migrations.0008_merchant_name_key_trigram")


def test_the_migration_normalises_names_with_the_rule_of_the_check():
    assert queries._BRANCH_RE.pattern == migration.BRANCH
    assert queries._NOISE_RE.pattern == migration.NOISE


@postgres_only
def test_the_kept_key_is_the_checks_key():
    names = ["李宁专卖店(光谷店)", "李宁 专卖店", "Uniqlo·优衣库（街道口）", "蜜雪冰城-鲁磨路店", "ABC.培训"]
    merchants = [MerchantFactory(name=name) for name in names]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name_key FROM sponsors_merchant WHERE id = ANY(%s)", [[m.pk for m in merchants]])
        kept = dict(cursor.fetchall())
    assert [kept[m.pk] for m in merchants] == [queries._name_key(name) for name in names]


@pytest.mark.parametrize(
    "typed,existing",
    [
        ("李宁专卖店", "李宁专卖店(光谷店)"),  # a branch in brackets
        ("李宁 专卖店", "李宁专卖店"),  # spaces and punctuation
        ("李宁", "李宁专卖店光谷店"),  # typed is part of a name
        ("武汉康师傅饮品有限公司光谷分公司", "康师傅饮品有限公司"),  # a name is part of the typed one
        ("李宁专营店", "李宁专卖店"),  # one character apart
    ],
)
def test_a_likely_duplicate_is_found_among_many_names(typed, existing):
    MerchantFactory.create_batch(40)
    found = MerchantFactory(name=existing)
    assert found in queries.merchant_duplicates(name=typed)


def test_unrelated_names_are_not_duplicates():
    MerchantFactory(name="蜜雪冰城")
    MerchantFactory.create_batch(10)
    assert queries.merchant_duplicates(name="新东方烹饪学校") == []


@postgres_only
def test_the_check_reads_only_the_likely_names(django_assert_max_num_queries):
    MerchantFactory.create_batch(60)
    MerchantFactory(name="学校门口复印店")
    with django_assert_max_num_queries(3) as captured:
        found = queries.merchant_duplicates(name="学校门口复印店")
    assert [m.name for m in found] == ["学校门口复印店"]
    assert "name_key" in captured.captured_queries[0]["sql"]
