"""Fixtures shared by test modules, and the isolation of parallel test workers."""

from __future__ import annotations

import os
import tempfile

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


def _isolate_parallel_worker() -> None:
    """Under pytest-xdist (scripts/test.sh runs the suite on every core, one test file per
    worker), each worker gets its own dbt target and log folders: the CLI's runs build into the
    project's target/ otherwise (partial-parse state, compiled SQL, the export and mart check
    reports), and two runs there at once would overwrite each other's files. Everything else a
    test builds is in its own temporary folder already. Session fixtures (`bi_build`) are built
    once per worker that needs them."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    private = tempfile.mkdtemp(prefix=f"revops_kpis_{worker}_")
    os.environ["DBT_TARGET_PATH"] = os.path.join(private, "target")
    os.environ["DBT_LOG_PATH"] = os.path.join(private, "logs")


_isolate_parallel_worker()
