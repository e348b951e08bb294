"""`as_of` is respected everywhere: building the demo export with the var as_of = X gives the
same public marts as building the export as it stood at X (the demo rewound to X by
revops_kpis.benchmark.rewind) with the same as_of. A row or value that differs is a place
where something recorded after X leaks into a past as-of: a deal closed later teaching the
win-probability model, an owner change made later, a lead or account created later.

X is mid-quarter (fiscal Q1 2026 of the default calendar), at midday, so the periods holding
it are cut short and timestamps on X's day fall on both sides.

Compared: every table of the marts schema (rpt_*, dim_*, fct_*, dq_*), row for row, doubles
within 1e-9 relative (revops_kpis.benchmark.compare). Left out, and only these: three columns
of rpt_data_quality that are documented as counts of the export file as a whole, not of a
moment (on the company rows of the periods holding the as-of time): quarantined_row_count
(the quarantine holds keys and reasons, no dates: the demo's bad rows dated after X are not in
the rewound file) and inferred_stage_row_count / inferred_stage_deal_count (rows of the file
in an inferred stage: the full file also holds the history rows written after X and every
deal's current stage). Both exports are built with models only (no data tests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from conftest import DEMO, MODELS_ONLY
from dbt_helpers import build
from revops_kpis.benchmark.compare import compare_warehouses, differences
from revops_kpis.benchmark.rewind import rewind_export

AS_OF = "2026-02-14 12:00:00"
# whole-export counts (see the module docstring): not a fact at the as-of time
EXPORT_WIDE_COLUMNS = {
    "rpt_data_quality": ["quarantined_row_count", "inferred_stage_row_count", "inferred_stage_deal_count"],
}


def _without_export_wide_columns(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for table, columns in EXPORT_WIDE_COLUMNS.items():
            for column in columns:
                con.execute(f"alter table marts.{table} drop column {column}")


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory) -> tuple[Path, Path]:
    """(the demo built with as_of = AS_OF, the demo rewound to AS_OF built with it)"""
    work = tmp_path_factory.mktemp("as_of_rewind")
    rewound = work / "rewound_export"
    rewind_export(DEMO, rewound, dt.datetime.fromisoformat(AS_OF))
    full = build(DEMO, work / "full", extra_vars={"as_of": AS_OF}, selection=MODELS_ONLY)
    past = build(rewound, work / "rewound", extra_vars={"as_of": AS_OF}, selection=MODELS_ONLY)
    for warehouse in (full, past):
        _without_export_wide_columns(warehouse)
    return full, past


def test_a_past_as_of_builds_the_marts_of_the_export_rewound_to_it(warehouses):
    full, past = warehouses
    compared = compare_warehouses(full, past, schema="marts")
    assert {name[:4] for name in compared} >= {"rpt_", "dim_", "fct_"}
    assert "dq_stage_progression" in compared
    assert differences(compared) == {}


def test_the_comparison_sees_the_future(warehouses):
    """The test can fail: the demo holds deals, leads and owner changes after X, and the
    rewound export does not (what a leak would carry into the marts)."""
    full, past = warehouses
    with duckdb.connect(str(full), read_only=True) as con:
        (later_leads,) = con.execute(
            "select count(*) from staging.stg_crm__leads where created_at > ?", [AS_OF]).fetchone()
        (later_owner_changes,) = con.execute(
            "select count(*) from staging.stg_crm__opportunity_field_history "
            "where lower(field_name) in ('owner', 'ownerid') and changed_at > ?", [AS_OF]).fetchone()
        (closed_later,) = con.execute(
            "select count(*) from staging.stg_crm__opportunities as o "
            "inner join intermediate.int_opportunity_outcomes as outcomes using (opportunity_id) "
            "where o.is_closed and not outcomes.is_closed").fetchone()
    assert later_leads > 0 and later_owner_changes > 0 and closed_later > 0
    with duckdb.connect(str(past), read_only=True) as con:
        (rewound_later_leads,) = con.execute(
            "select count(*) from staging.stg_crm__leads where created_at > ?", [AS_OF]).fetchone()
    assert rewound_later_leads == 0
