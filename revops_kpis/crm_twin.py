"""Comparing the marts of two builds of one business written by two CRMs (Salesforce, HubSpot).

The generator renders one business as a Salesforce export and as a HubSpot export
(docs/hubspot_export.md); built with `crm_source: salesforce` and `crm_source: hubspot`, the
marts should agree except for ids. This module lines the two builds' marts up by grain and
reports, per table and column, how many rows differ.

Rows are matched on their grain columns (TABLES: the key of each mart) with ids left out:
rep and team rows are matched through `grain_name` (the rep's or team's name, which both
renderings share), never through `grain_id`. `company_only` keeps only the company rows of
the tables that have a `grain` column; a mart without `grain_name` (none of TABLES today) is
always compared on its company rows. Amounts (a column named with the word `amount`, not a
rate or ratio) are equal within `tolerance` (half a cent by default), every other number
within `number_tolerance` (1e-6: the marts publish rates, ratios and durations to 6 places),
both also relative 1e-9; texts, dates and booleans exactly; two nulls are equal.

    python -m revops_kpis.crm_twin /tmp/sf.duckdb /tmp/hs.duckdb [--all-grains]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field

import duckdb

# mart -> the columns that identify a row (ids excluded: they differ between the CRMs)
TABLES: dict[str, list[str]] = {
    "rpt_kpi_tier1_outcomes": ["grain", "grain_name", "period_grain", "period_start"],
    "rpt_kpi_tier2_diagnostics": ["grain", "grain_name", "period_grain", "period_start"],
    "rpt_kpi_tier3_levers": ["grain", "grain_name", "period_grain", "period_start"],
    "rpt_rep_scorecard": ["grain", "grain_name", "period_grain", "period_start"],
    "rpt_stage_conversion": ["grain", "grain_name", "period_grain", "period_start", "stage_name"],
    "rpt_time_in_stage": ["grain", "grain_name", "period_grain", "period_start", "stage_name"],
    "rpt_loss_reasons": ["grain", "grain_name", "period_grain", "period_start", "loss_reason"],
    "rpt_data_quality": ["grain", "grain_name", "period_grain", "period_start"],
    "rpt_pipeline_daily": ["grain", "grain_name", "pipeline_date", "stage_name", "forecast_category"],
    "rpt_pipeline_flow": ["grain", "grain_name", "period_grain", "period_start"],
    "rpt_forecast": ["grain", "grain_name", "period_grain", "period_start", "forecast_date", "forecast_method"],
}

# columns never compared: ids, names that carry ids, build bookkeeping
SKIPPED_COLUMNS = {"grain_id", "_build_fingerprint", "built_at", "dbt_updated_at"}
NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "DOUBLE", "FLOAT",
                 "REAL", "DECIMAL", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT")


@dataclass
class TableDiff:
    table: str
    keys: list[str]
    rows_a: int = 0
    rows_b: int = 0
    only_a: int = 0
    only_b: int = 0
    matched: int = 0
    duplicate_keys_a: int = 0
    duplicate_keys_b: int = 0
    columns: dict[str, int] = field(default_factory=dict)  # column -> matched rows differing
    only_a_stages: set = field(default_factory=set)  # stage_name of the rows only in a (staged marts)
    only_b_stages: set = field(default_factory=set)

    def differing_columns(self) -> dict[str, int]:
        return {c: n for c, n in self.columns.items() if n}


def _columns(con: duckdb.DuckDBPyConnection, db: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_catalog = ? and table_name = ? order by ordinal_position",
        [db, table],
    ).fetchall()


def _schema(con: duckdb.DuckDBPyConnection, db: str, table: str) -> str | None:
    row = con.execute(
        "select table_schema from information_schema.tables where table_catalog = ? and table_name = ?"
        " order by table_schema limit 1",
        [db, table],
    ).fetchone()
    return row[0] if row else None


def is_money(column: str) -> bool:
    """An amount in the corporate currency (published to the cent), not a rate or ratio of amounts."""
    words = column.split("_")
    return "amount" in words and not {"rate", "ratio"} & set(words)


def _is_id(name: str) -> bool:
    return name == "id" or name.endswith("_id") or name in SKIPPED_COLUMNS


def compare_table(con, table: str, keys: list[str], company_only: bool, tolerance: float,
                  number_tolerance: float = 1e-6) -> TableDiff | None:
    sa, sb = _schema(con, "a", table), _schema(con, "b", table)
    if sa is None or sb is None:
        return None
    cols_a = dict(_columns(con, "a", table))
    cols_b = dict(_columns(con, "b", table))
    common = [c for c in cols_a if c in cols_b and not _is_id(c)]
    keys = [k for k in keys if k in common]
    values = [c for c in common if c not in keys]
    # a mart without grain_name cannot match its rep and team rows (their ids differ): company only
    company_rows = company_only or "grain_name" not in cols_a
    where = "where grain = 'company'" if company_rows and "grain" in cols_a else ""
    rel_a, rel_b = f'a."{sa}"."{table}"', f'b."{sb}"."{table}"'
    diff = TableDiff(table, keys)
    diff.rows_a = con.execute(f"select count(*) from {rel_a} {where}").fetchone()[0]
    diff.rows_b = con.execute(f"select count(*) from {rel_b} {where}").fetchone()[0]
    klist = ", ".join(f'"{k}"' for k in keys)
    for side, rel in (("a", rel_a), ("b", rel_b)):
        dup = con.execute(
            f"select coalesce(sum(n - 1), 0) from (select count(*) as n from {rel} {where} group by {klist})"
        ).fetchone()[0]
        setattr(diff, f"duplicate_keys_{side}", int(dup))
    on = " and ".join(f'x."{k}" is not distinct from y."{k}"' for k in keys)
    # full outer join with presence flags
    sel_x = ", ".join(f'x."{c}" as "x.{c}"' for c in keys + values)
    sel_y = ", ".join(f'y."{c}" as "y.{c}"' for c in keys + values)
    checks = []
    for c in values:
        xa, yb = f'"x.{c}"', f'"y.{c}"'
        if cols_a[c].startswith(NUMERIC_TYPES) and cols_b[c].startswith(NUMERIC_TYPES):
            within = tolerance if is_money(c) else number_tolerance
            cond = f"({xa} is null) <> ({yb} is null) or abs({xa} - {yb}) > {within} + 1e-9 * abs({xa})"
        else:
            cond = f"cast({xa} as varchar) is distinct from cast({yb} as varchar)"
        checks.append(f"count(*) filter (where x_present and y_present and ({cond}))")
    ctes = f"""
        with x as (select *, true as _present from {rel_a} {where}),
             y as (select *, true as _present from {rel_b} {where}),
             joined as (
                 select {sel_x}, {sel_y},
                        coalesce(x._present, false) as x_present,
                        coalesce(y._present, false) as y_present
                 from x full join y on {on}
             )
    """
    sql = ctes + f"""
        select
            count(*) filter (where x_present and not y_present),
            count(*) filter (where y_present and not x_present),
            count(*) filter (where x_present and y_present)
            {''.join(', ' + c for c in checks)}
        from joined
    """
    row = con.execute(sql).fetchone()
    diff.only_a, diff.only_b, diff.matched = row[0], row[1], row[2]
    diff.columns = dict(zip(values, row[3:]))
    if "stage_name" in keys:
        for side, other, attr in (("x", "y", "only_a_stages"), ("y", "x", "only_b_stages")):
            stages = con.execute(
                ctes + f' select distinct "{side}.stage_name" from joined where {side}_present and not {other}_present'
            ).fetchall()
            setattr(diff, attr, {r[0] for r in stages})
    return diff


def differing_keys(con, table: str, keys: list[str], column: str, company_only: bool = True,
                   tolerance: float = 0.005, limit: int = 20) -> list[tuple]:
    """The keys and both values of the matched rows whose `column` differs (for investigation)."""
    sa, sb = _schema(con, "a", table), _schema(con, "b", table)
    where = "where grain = 'company'" if company_only else ""
    on = " and ".join(f'x."{k}" is not distinct from y."{k}"' for k in keys)
    klist = ", ".join(f'x."{k}"' for k in keys)
    return con.execute(
        f'select {klist}, x."{column}", y."{column}" from a."{sa}"."{table}" as x'
        f' join b."{sb}"."{table}" as y on {on}'
        f' where {where.replace("where ", "x.") if where else "true"}'
        f' and ((x."{column}" is null) <> (y."{column}" is null)'
        f' or try_cast(x."{column}" as double) is null and cast(x."{column}" as varchar) <> cast(y."{column}" as varchar)'
        f' or abs(try_cast(x."{column}" as double) - try_cast(y."{column}" as double)) > {tolerance})'
        f' order by {klist} limit {limit}'
    ).fetchall()


def connect(db_a: str, db_b: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"attach '{db_a}' as a (read_only)")
    con.execute(f"attach '{db_b}' as b (read_only)")
    return con


def compare(db_a: str, db_b: str, company_only: bool = True, tolerance: float = 0.005,
            tables: dict[str, list[str]] | None = None, number_tolerance: float = 1e-6) -> dict[str, TableDiff]:
    con = connect(db_a, db_b)
    out = {}
    for table, keys in (tables or TABLES).items():
        d = compare_table(con, table, list(keys), company_only, tolerance, number_tolerance)
        if d is not None:
            out[table] = d
    return out


def report(diffs: dict[str, TableDiff]) -> str:
    lines = []
    for d in diffs.values():
        lines.append(
            f"{d.table}: rows {d.rows_a} / {d.rows_b}, matched {d.matched}, only in a {d.only_a},"
            f" only in b {d.only_b}, duplicate keys {d.duplicate_keys_a} / {d.duplicate_keys_b}"
            f" (keys: {', '.join(d.keys)})"
        )
        for c, n in d.differing_columns().items():
            lines.append(f"    {c}: {n} of {d.matched} matched rows differ")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("db_a")
    p.add_argument("db_b")
    p.add_argument("--all-grains", action="store_true", help="rep and team rows too (matched by name)")
    p.add_argument("--tolerance", type=float, default=0.005, help="for amounts (default half a cent)")
    p.add_argument("--number-tolerance", type=float, default=1e-6, help="for every other number")
    args = p.parse_args(argv)
    print(report(compare(args.db_a, args.db_b, not args.all_grains, args.tolerance, number_tolerance=args.number_tolerance)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
