"""Fixtures shared by test modules, and the isolation of parallel test workers."""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path

import pytest

from dbt_helpers import build
from revops_kpis.dbt_project import MANIFEST_CACHE_ENV
from revops_kpis.export_spec import PROJECT_ROOT

DEMO = PROJECT_ROOT / "data" / "demo_export"
HUBSPOT_DEMO = PROJECT_ROOT / "data" / "demo_export_hubspot"
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


def _run_folder(tmp_path_factory) -> Path:
    """A folder of this test run that every pytest-xdist worker shares (the parent of the
    workers' own temporary folders), or the run's temporary folder without xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def hubspot_demo_build(tmp_path_factory):
    """The HubSpot demo export (data/demo_export_hubspot) built once per test run (models only,
    `crm_source: hubspot`, the project's other vars): the twin test (test_crm_twin.py) compares
    its marts with the Salesforce demo's, test_hubspot_bi.py reads it with the dashboard, the
    summary and MetricFlow. The first worker that needs it builds it under a file lock; the
    others wait and reuse it. Returns (DuckDB file, work folder holding the build's `target`)."""
    work = _run_folder(tmp_path_factory) / "hubspot_demo_build"
    work.mkdir(parents=True, exist_ok=True)
    done = work / "built"
    with (work / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                build(HUBSPOT_DEMO, work, extra_vars={"crm_source": "hubspot"}, selection=MODELS_ONLY)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return work / "warehouse.duckdb", work


@pytest.fixture(scope="session", autouse=True)
def shared_dbt_parses(tmp_path_factory):
    """The test run parses the project once per set of vars and settings and every build
    reuses that parse (revops_kpis.dbt_project.MANIFEST_CACHE_ENV), in every worker and in the
    command lines the tests start: a full parse costs about 25 s, and the suite runs a few
    hundred dbt commands, each in its own target folder (so dbt's own partial parsing, which
    also starts over for every new DuckDB file, cannot help)."""
    folder = _run_folder(tmp_path_factory) / "dbt_manifests"
    folder.mkdir(parents=True, exist_ok=True)
    saved = os.environ.get(MANIFEST_CACHE_ENV)
    os.environ[MANIFEST_CACHE_ENV] = str(folder)
    yield folder
    if saved is None:
        os.environ.pop(MANIFEST_CACHE_ENV, None)
    else:
        os.environ[MANIFEST_CACHE_ENV] = saved


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
