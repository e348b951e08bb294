"""The project installed as a dbt package in someone else's project, as an analytics engineer
with Salesforce already in a warehouse installs it: a fresh dbt project in a temporary folder
with `packages.yml` `local:` this checkout (`dbt deps` works offline), the demo export loaded as
a loader lands it (revops_kpis.warehouse_load) into the schema `salesforce_fivetran`, one table
under another name than Fivetran's (revops_salesforce_opportunity_identifier), and a model of the
host's own named like one of the package's (dim_accounts) in the host's `marts` schema.

The host's build (models only, the vars of the shared demo build `bi_build`) must put the
package's layers in `<target schema>_revops_<layer>`, leave the host's model alone, and make
every mart and semantic view equal to the standalone build's (conftest.bi_build), table by table.

Marked `package`: `pytest -m package` runs it alone, `-m "not package"` skips it (about two
minutes for the host's build, plus the shared demo build when no other test has made it).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml
from dbt.cli.main import dbtRunner

from conftest import BI_BUILD_VARS, DEMO, MODELS_ONLY
from revops_kpis.build_compare import compare_builds
from revops_kpis.dbt_project import release_duckdb
from revops_kpis.export_spec import PROJECT_ROOT
from revops_kpis.warehouse_load import load_export

pytestmark = pytest.mark.package

RAW_SCHEMA = "salesforce_fivetran"
TARGET_SCHEMA = "analytics"
HOST_VARS = {
    **BI_BUILD_VARS,
    "revops_salesforce_schema": RAW_SCHEMA,
    "revops_salesforce_opportunity_identifier": "sf_opportunity",
}


def _dbt(host: Path, args: list[str]):
    """Runs dbt in the host project (its own profiles.yml and target folder), from its folder."""
    cwd = os.getcwd()
    saved = {key: os.environ.get(key) for key in ("DBT_TARGET_PATH", "DBT_LOG_PATH")}
    os.environ.update({"DBT_TARGET_PATH": str(host / "target"), "DBT_LOG_PATH": str(host / "logs")})
    os.chdir(host)
    try:
        result = dbtRunner().invoke([*args, "--project-dir", str(host), "--profiles-dir", str(host), "--quiet"])
    finally:
        release_duckdb()  # dbt-duckdb holds the file open in this process otherwise
        os.chdir(cwd)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert result.success, f"dbt {' '.join(args)} failed in the host project: {result.exception or result.result}"
    return result


@pytest.fixture(scope="module")
def host_build(tmp_path_factory) -> Path:
    host = tmp_path_factory.mktemp("host_project")
    warehouse = host / "warehouse.duckdb"
    (host / "dbt_project.yml").write_text(yaml.safe_dump({
        "name": "host_analytics",
        "version": "1.0.0",
        "config-version": 2,
        "profile": "host_analytics",
        # a one-argument ref in the package resolves in the package first (dbt's behaviour
        # flag; the README says so)
        "flags": {"require_ref_prefers_node_package_to_root": True, "send_anonymous_usage_stats": False},
        "models": {"host_analytics": {"+schema": "marts"}},
        "vars": {"revops_kpis": HOST_VARS},
    }))
    (host / "packages.yml").write_text(yaml.safe_dump({"packages": [{"local": str(PROJECT_ROOT)}]}))
    (host / "profiles.yml").write_text(yaml.safe_dump({"host_analytics": {"target": "dev", "outputs": {"dev": {
        "type": "duckdb",
        "path": str(warehouse),
        "schema": TARGET_SCHEMA,
        "threads": 1,
        # the package's Python models import revops_kpis from the package's folder
        "module_paths": [str(PROJECT_ROOT)],
    }}}}))
    (host / "models").mkdir()
    (host / "models" / "dim_accounts.sql").write_text("select 'host' as account_id\n")

    load_export(DEMO, "duckdb", RAW_SCHEMA, duckdb_path=warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"alter table {RAW_SCHEMA}.opportunity rename to sf_opportunity")

    _dbt(host, ["deps"])
    _dbt(host, ["build", *MODELS_ONLY])
    return warehouse


def test_the_package_lands_in_its_own_schemas_beside_the_hosts(host_build):
    with duckdb.connect(str(host_build), read_only=True) as connection:
        schemas = {row[0] for row in connection.execute(
            "select distinct table_schema from information_schema.tables").fetchall()}
        host_accounts = connection.execute(f"select account_id from {TARGET_SCHEMA}_marts.dim_accounts").fetchall()
    assert {f"{TARGET_SCHEMA}_revops_{layer}" for layer in ("staging", "intermediate", "marts", "semantic", "seeds")} <= schemas
    assert host_accounts == [("host",)]
    assert not schemas & {"staging", "intermediate", "marts", "semantic", "seeds"}


def test_the_package_reads_the_warehouse_tables_named_by_the_vars(host_build):
    manifest = json.loads((host_build.parent / "target" / "manifest.json").read_text())
    source = manifest["sources"]["source.revops_kpis.salesforce.opportunity"]
    assert (source["schema"], source["identifier"]) == (RAW_SCHEMA, "sf_opportunity")


def test_every_mart_equals_the_standalone_build(host_build, bi_build):
    standalone, _ = bi_build
    compared, differences = compare_builds(
        standalone, host_build,
        [("marts", f"{TARGET_SCHEMA}_revops_marts"), ("semantic", f"{TARGET_SCHEMA}_revops_semantic")],
    )
    assert differences == []
    with duckdb.connect(str(standalone), read_only=True) as connection:
        marts = connection.execute(
            "select count(*) from information_schema.tables where table_schema in ('marts', 'semantic')").fetchone()[0]
    assert compared == marts > 30


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(PROJECT_ROOT), *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not (PROJECT_ROOT / ".git").exists(), reason="not a git checkout: nothing to install with git:")
def test_a_git_install_of_a_pinned_revision_holds_every_model(tmp_path):
    """`packages.yml` `git:` with a pinned revision, as a user installs a release: dbt clones the
    repository (here this checkout, by a file:// URL: the same git clone dbt runs for https) at
    that commit, and the installed package's models are the commit's model files, every one."""
    revision = _git("rev-parse", "HEAD").strip()
    committed = {
        Path(path).stem for path in _git("ls-tree", "-r", "--name-only", revision, "models").splitlines()
        if path.endswith((".sql", ".py"))
    }
    host = tmp_path / "host_project"
    host.mkdir()
    (host / "dbt_project.yml").write_text(yaml.safe_dump({
        "name": "host_analytics", "version": "1.0.0", "config-version": 2, "profile": "host_analytics",
        "flags": {"send_anonymous_usage_stats": False},
    }))
    (host / "profiles.yml").write_text(yaml.safe_dump({"host_analytics": {"target": "dev", "outputs": {"dev": {
        "type": "duckdb", "path": str(host / "warehouse.duckdb"), "schema": TARGET_SCHEMA, "threads": 1,
    }}}}))
    (host / "packages.yml").write_text(yaml.safe_dump(
        {"packages": [{"git": PROJECT_ROOT.resolve().as_uri(), "revision": revision}]}))

    _dbt(host, ["deps"])
    lock = yaml.safe_load((host / "package-lock.yml").read_text())
    assert [(package["name"], package["revision"]) for package in lock["packages"]] == [("revops_kpis", revision)]
    _dbt(host, ["parse"])
    manifest = json.loads((host / "target" / "manifest.json").read_text())
    installed = {
        node["name"]
        for node in [*manifest["nodes"].values(), *(n for nodes in manifest["disabled"].values() for n in nodes)]
        if node["resource_type"] == "model" and node["package_name"] == "revops_kpis"
    }
    assert installed == committed and len(installed) > 150
