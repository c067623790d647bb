"""`manage.py bench` end to end on a tiny scale (no gunicorn: it cannot see the test's
transaction; no import): it seeds once, measures, and writes results.json with real counts."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outreach.department.bench import world as bench_world
from outreach.management.commands import bench

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_world, "WORLD_FILE", tmp_path / "world.json")
    monkeypatch.setattr(bench, "RESULTS", tmp_path / "results.json")
    monkeypatch.setattr(bench.settings, "BASE_DIR", tmp_path)
    return tmp_path


def test_bench_seeds_measures_and_writes_its_results(files):
    call_command("bench", scale=0.002, repeat=1, only="/sponsors/", no_load=True, no_import=True)
    results = json.loads((files / "results-scale0.002.json").read_text())
    assert results["counts"]["merchants"] > 30
    pages = {row["name"]: row for row in results["pages"]}
    assert pages["sponsors:merchant-list"]["queries"] > 0
    assert results["merchant_list"]["queries"] > 0 and results["merchant_list"]["admin_queries"] > 0
    assert results["reminders"]["follow-ups"]["sent"] > 0
    assert 0 < results["reminders"]["follow-ups"]["queries"] < 20


def test_a_larger_scale_is_set_beside_the_scale_1_results(files):
    call_command("bench", scale=0.002, repeat=1, only="/sponsors/board", no_load=True, no_import=True)
    first = json.loads((files / "results-scale0.002.json").read_text())
    for row in first["pages"]:  # as if scale 1 had answered in a tenth of the time
        row["median_ms"] = row["median_ms"] / 10
    (files / "results.json").write_text(json.dumps(first))
    call_command("bench", scale=0.002, repeat=1, only="/sponsors/board", no_load=True, no_import=True)
    again = json.loads((files / "results-scale0.002.json").read_text())
    assert again["scale_1"]["pages"] == len(again["pages"]) > 0
    assert all(row["vs_scale_1"] > 2 for row in again["pages"])  # each one "more than 2×"


def test_queries_are_counted_past_the_9000_django_keeps():
    """CaptureQueriesContext reads connection.queries, which keeps the last 9,000: past that
    every count read 0, and the bench reported 0 queries for the scans that came after."""
    with CaptureQueriesContext(connection), connection.cursor() as cursor:  # the pages measured before
        for _ in range(9100):
            cursor.execute("SELECT 1")
    with CaptureQueriesContext(connection) as captured, bench.count_queries() as counted, connection.cursor() as cur:
        for _ in range(3):
            cur.execute("SELECT 1")
    assert counted.count == 3
    assert len(captured) == 0  # what the bench used to report
