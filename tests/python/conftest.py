"""Fixtures shared by test modules."""

from __future__ import annotations

import pytest

from dbt_helpers import build
from revops_kpis.export_spec import PROJECT_ROOT

DEMO = PROJECT_ROOT / "data" / "demo_export"
MODELS_ONLY = ["--exclude", "resource_type:test", "resource_type:unit_test"]
# a fiscal year starting in February and periods cut in New York time: fiscal quarters are not
# calendar quarters and reporting dates are not UTC dates
BI_BUILD_VARS = {"fiscal_year_start_month": 2, "reporting_timezone": "America/New_York", "week_start_day": "sunday"}


@pytest.fixture(scope="session")
def bi_build(tmp_path_factory):
    """The demo export built once (models only, BI_BUILD_VARS) for what BI tools read: the
    semantic layer, the DuckDB file, Parquet files, the docs. Returns (DuckDB file, work folder
    holding the build's `target`)."""
    work = tmp_path_factory.mktemp("bi_build")
    return build(DEMO, work, extra_vars=BI_BUILD_VARS, selection=MODELS_ONLY), work
