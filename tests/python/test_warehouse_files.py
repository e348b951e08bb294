"""What BI tools read, on a build of the demo export: the DuckDB file opens in DuckDB 1.x (the
versions BI tools embed; .venv-duckdb1 from scripts/setup_duckdb1.sh) with every public table
and row; `revops-kpis export-parquet` writes every public table as Parquet; `dbt docs generate`
works and documents every column of every public table and every metric."""

from __future__ import annotations

import json
import subprocess

import duckdb
import pytest

from conftest import DEMO
from dbt_helpers import query
from revops_kpis.cli import main
from revops_kpis.dbt_project import run_dbt
from revops_kpis.export_spec import PROJECT_ROOT

READ_COUNTS = """
import duckdb, json, sys
connection = duckdb.connect(sys.argv[1], read_only=True)
tables = connection.execute(
    "select table_schema, table_name from information_schema.tables where table_schema in ('marts', 'semantic')"
).fetchall()
counts = {f"{schema}.{name}": connection.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]
          for schema, name in tables}
print(json.dumps({"version": duckdb.__version__, "counts": counts}))
"""


@pytest.fixture(scope="module")
def demo_build(bi_build):
    return bi_build


def _counts(duckdb_path, schemas=("marts", "semantic")) -> dict[str, int]:
    in_list = ", ".join(f"'{schema}'" for schema in schemas)
    tables = query(duckdb_path, f"select table_schema, table_name from information_schema.tables "
                                f"where table_schema in ({in_list})")
    return {f"{schema}.{name}": query(duckdb_path, f'select count(*) from "{schema}"."{name}"')[0][0]
            for schema, name in tables}


def test_duckdb_1x_reads_every_public_table(demo_build):
    duckdb_path, _ = demo_build
    subprocess.run([str(PROJECT_ROOT / "scripts" / "setup_duckdb1.sh")], check=True, capture_output=True)
    reader = subprocess.run(
        [str(PROJECT_ROOT / ".venv-duckdb1" / "bin" / "python"), "-c", READ_COUNTS, str(duckdb_path)],
        check=True, capture_output=True, text=True,
    )
    result = json.loads(reader.stdout)
    assert result["version"].startswith("1.")
    expected = _counts(duckdb_path)
    assert {"marts.dim_opportunities", "marts.rpt_kpi_tier3_levers", "semantic.metricflow_time_spine"} \
        <= expected.keys()
    assert result["counts"] == expected
    # the demo's opportunity rows less its bad ones, as the generator's manifest counts them
    # (its 2 rows in a custom stage are not bad: they stay)
    generated = json.loads((DEMO / "_manifest.json").read_text())
    bad = sum(generated["bad_rows"]["Opportunity"].values())
    assert generated["custom_stage_rows"]["Opportunity"] == 2
    assert expected["marts.dim_opportunities"] == generated["rows"]["Opportunity"] - bad == 601


def test_export_parquet_writes_every_public_table(demo_build, tmp_path, capsys):
    duckdb_path, _ = demo_build
    assert main(["export-parquet", "--duckdb", str(duckdb_path), "--out", str(tmp_path / "parquet")]) == 0
    expected = _counts(duckdb_path, schemas=("marts",))
    files = sorted(path.name for path in (tmp_path / "parquet").iterdir())
    assert files == sorted(f"{name.split('.')[1]}.parquet" for name in expected)
    with duckdb.connect() as connection:
        for name, rows in expected.items():
            path = tmp_path / "parquet" / f"{name.split('.')[1]}.parquet"
            assert connection.execute(f"select count(*) from '{path}'").fetchall()[0][0] == rows, name
        # types survive: amounts stay decimals, dates stay dates
        opportunities = tmp_path / "parquet" / "dim_opportunities.parquet"
        types = dict(connection.execute(
            f"select column_name, column_type from (describe select * from '{opportunities}')"
        ).fetchall())
    assert types["amount"] == "DECIMAL(18,2)" and types["closed_date"] == "DATE"
    assert "marts.dim_opportunities: 601 rows" in capsys.readouterr().out


def test_export_parquet_without_a_build_says_so(tmp_path, capsys):
    assert main(["export-parquet", "--duckdb", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "out")]) == 2
    assert "no build" in capsys.readouterr().err


def test_docs_generate_documents_every_public_column_and_metric(demo_build):
    duckdb_path, work = demo_build
    run_dbt(["docs", "generate"], export_path=DEMO, duckdb_path=duckdb_path, target_path=work / "target", quiet=True)
    catalog = json.loads((work / "target" / "catalog.json").read_text())
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    public = {node_id: node for node_id, node in catalog["nodes"].items() if node["metadata"]["schema"] == "marts"}
    assert len(public) == len(_counts(duckdb_path, schemas=("marts",)))
    undocumented = []
    for node_id, node in public.items():
        documented = manifest["nodes"][node_id]["columns"]
        for column in node["columns"]:
            if not documented.get(column, {}).get("description", "").strip():
                undocumented.append(f"{node_id}.{column}")
        if not manifest["nodes"][node_id]["description"].strip():
            undocumented.append(node_id)
    assert undocumented == []
    for kind in ("semantic_models", "metrics"):
        assert manifest[kind]
        assert [name for name, item in manifest[kind].items() if not (item.get("description") or "").strip()] == []
