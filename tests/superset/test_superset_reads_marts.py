"""Apache Superset reads the marts: through its REST API (Flask test client, headless) it logs in,
adds the warehouse as a duckdb-engine database, creates a dataset on rpt_kpi_tier2_diagnostics
and fetches chart data, whose values must match the mart read directly with DuckDB.

Runs in .venv-superset (scripts/test_superset.sh sets it up), never in the main environment:
Superset pins SQLAlchemy 1.4 and an older pandas. Needs SUPERSET_CONFIG_PATH, SUPERSET_HOME
(a migrated metadata database with the admin user below) and REVOPS_DUCKDB_PATH.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from pathlib import Path

import duckdb
import pytest

WAREHOUSE = Path(os.environ["REVOPS_DUCKDB_PATH"]).resolve()
ADMIN = {"username": "admin", "password": os.environ.get("SUPERSET_TEST_ADMIN_PASSWORD", "admin")}
TABLE = "rpt_kpi_tier2_diagnostics"


def _mart(sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(WAREHOUSE), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


@pytest.fixture(scope="module")
def client():
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        yield app.test_client()


@pytest.fixture(scope="module")
def headers(client):
    """Logs in through the login form (a session cookie, as in the browser: API writes record the
    logged-in user as owner, which a bearer token alone does not set up)."""
    response = client.post("/login/", data=ADMIN)
    assert response.status_code in (200, 302), response.get_data(as_text=True)
    me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json["result"]["username"] == ADMIN["username"], me.get_data(as_text=True)
    return {}


@pytest.fixture(scope="module")
def database_id(client, headers):
    response = client.post("/api/v1/database/", headers=headers, json={
        "database_name": f"revops_kpis_{uuid.uuid4().hex[:8]}",
        "sqlalchemy_uri": f"duckdb:///{WAREHOUSE}",
        "extra": json.dumps({"engine_params": {"connect_args": {"read_only": True}}}),
        "expose_in_sqllab": True,
    })
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


@pytest.fixture(scope="module")
def dataset_id(client, headers, database_id):
    response = client.post("/api/v1/dataset/", headers=headers, json={
        "database": database_id, "schema": "marts", "table_name": TABLE,
    })
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def _chart_data(client, headers, dataset_id, query: dict) -> list[dict]:
    response = client.post("/api/v1/chart/data", headers=headers, json={
        "datasource": {"id": dataset_id, "type": "table"},
        "queries": [{"row_limit": 10000, **query}],
        "result_format": "json",
        "result_type": "full",
    })
    assert response.status_code == 200, response.get_data(as_text=True)
    result = response.json["result"][0]
    assert not result.get("error"), result
    return result["data"]


def _same(left, right) -> bool:
    if left is None or right is None:
        return left is None and right is None
    return math.isclose(float(left), float(right), rel_tol=1e-9, abs_tol=1e-9)


def test_superset_reads_the_columns_of_the_mart(client, headers, dataset_id):
    response = client.get(f"/api/v1/dataset/{dataset_id}", headers=headers)
    assert response.status_code == 200
    columns = {column["column_name"] for column in response.json["result"]["columns"]}
    expected = {row[0] for row in _mart(
        "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ?",
        [TABLE],
    )}
    assert columns == expected


def test_raw_rows_of_chart_data_match_the_mart(client, headers, dataset_id):
    """A table chart of the company's quarters: every value as the mart holds it."""
    rows = _chart_data(client, headers, dataset_id, {
        "columns": ["period_start", "won_count", "lost_count", "won_amount", "win_rate", "quota_attainment_rate"],
        "filters": [
            {"col": "grain", "op": "==", "val": "company"},
            {"col": "period_grain", "op": "==", "val": "quarter"},
        ],
        "orderby": [["period_start", True]],
    })
    expected = _mart(
        f"""
        select won_count, lost_count, won_amount, win_rate, quota_attainment_rate
        from marts.{TABLE} where grain = 'company' and period_grain = 'quarter' order by period_start
        """
    )
    assert len(rows) == len(expected) > 4
    for row, (won, lost, won_amount, win_rate, attainment) in zip(rows, expected):
        assert (row["won_count"], row["lost_count"]) == (won, lost)
        assert _same(row["won_amount"], won_amount)
        assert _same(row["win_rate"], win_rate)
        assert _same(row["quota_attainment_rate"], attainment)


def test_a_rollup_from_rep_rows_matches_the_company_rows(client, headers, dataset_id):
    """An aggregate chart as a BI user builds it: sums of the rep rows per quarter, and the win
    rate from the summed numerator and denominator, equal the mart's company rows (the marts ship
    numerators and denominators so that a BI tool never averages ratios)."""
    rows = _chart_data(client, headers, dataset_id, {
        "columns": ["period_start"],
        "metrics": [
            {"expressionType": "SQL", "sqlExpression": "sum(won_count)", "label": "won"},
            {"expressionType": "SQL", "sqlExpression": "sum(closed_count)", "label": "closed"},
            {"expressionType": "SQL", "sqlExpression": "sum(won_amount)", "label": "won_amount"},
            {"expressionType": "SQL",
             "sqlExpression": "sum(won_count) * 1.0 / nullif(sum(closed_count), 0)", "label": "win_rate"},
        ],
        "filters": [
            {"col": "grain", "op": "==", "val": "rep"},
            {"col": "period_grain", "op": "==", "val": "quarter"},
        ],
        "orderby": [["period_start", True]],
    })
    company = _mart(
        f"""
        select won_count, closed_count, won_amount, win_rate
        from marts.{TABLE} where grain = 'company' and period_grain = 'quarter' order by period_start
        """
    )
    assert len(rows) == len(company)
    assert sum(row["won"] for row in rows) > 0
    for row, (won, closed, won_amount, win_rate) in zip(rows, company):
        assert (row["won"], row["closed"]) == (won, closed)
        assert _same(row["won_amount"], won_amount)
        # the BI tool divides the sums at full precision; the mart publishes rates to 6 places
        assert _same(None if row["win_rate"] is None else round(row["win_rate"], 6), win_rate)
