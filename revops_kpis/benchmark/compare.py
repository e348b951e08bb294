"""Are two DuckDB warehouses the same? Row-for-row comparison of the public tables.

Used to check that an incremental run leaves exactly what a full refresh builds. A row
matches when a row on the other side has every other column equal and every floating
point column equal within a relative tolerance (sums of doubles may differ in their last
bits with the order a parallel aggregate adds them in); together with equal row counts,
a table is identical when every row on each side has a match on the other.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

PUBLIC_SCHEMA = "marts"
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}


def public_tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str = PUBLIC_SCHEMA) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_catalog = ? and table_schema = ? order by 1",
        [catalog, schema],
    ).fetchall()
    return [name for (name,) in rows]


def compare_warehouses(
    left: Path | str,
    right: Path | str,
    schema: str = PUBLIC_SCHEMA,
    tables: list[str] | None = None,
    tolerance: float = 1e-9,
) -> dict[str, dict]:
    """Per table: rows on each side and rows of each side without a match on the other.

    A table missing on one side is reported with `missing` set to that side."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    con.execute(f"attach '{Path(left)}' as lhs (read_only)")
    con.execute(f"attach '{Path(right)}' as rhs (read_only)")
    names = tables or sorted(set(public_tables(con, "lhs", schema)) | set(public_tables(con, "rhs", schema)))
    found_left = set(public_tables(con, "lhs", schema))
    found_right = set(public_tables(con, "rhs", schema))
    result: dict[str, dict] = {}
    for name in names:
        if name not in found_left or name not in found_right:
            result[name] = {"missing": "left" if name not in found_left else "right"}
            continue
        columns = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_catalog = 'lhs' and table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()
        exact = [column for column, data_type in columns if data_type not in FLOAT_TYPES]
        close = [column for column, data_type in columns if data_type in FLOAT_TYPES]
        conditions = [f'l."{c}" is not distinct from r."{c}"' for c in exact] + [
            f'(l."{c}" is not distinct from r."{c}" or abs(l."{c}" - r."{c}") <= {tolerance} * greatest(abs(l."{c}"), abs(r."{c}")))'
            for c in close]
        matched = " and ".join(conditions) or "true"
        (rows_left,) = con.execute(f"select count(*) from lhs.{schema}.{name}").fetchone()
        (rows_right,) = con.execute(f"select count(*) from rhs.{schema}.{name}").fetchone()
        (only_left,) = con.execute(
            f"select count(*) from lhs.{schema}.{name} as l where not exists "
            f"(select 1 from rhs.{schema}.{name} as r where {matched})").fetchone()
        (only_right,) = con.execute(
            f"select count(*) from rhs.{schema}.{name} as r where not exists "
            f"(select 1 from lhs.{schema}.{name} as l where {matched})").fetchone()
        result[name] = {"rows_left": rows_left, "rows_right": rows_right, "only_left": only_left, "only_right": only_right}
    con.close()
    return result


def differences(result: dict[str, dict]) -> dict[str, dict]:
    """The tables of a comparison that are not identical."""
    return {name: r for name, r in result.items()
            if r.get("missing") or r["only_left"] or r["only_right"] or r["rows_left"] != r["rows_right"]}
