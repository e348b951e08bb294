"""Two DuckDB builds of the project compared relation by relation (scripts/compare_builds.py,
and the package integration test, which compares a host project's schemas with the
standalone build's).

For a pair of schemas: every table or view in one only is a difference; for those in both,
the columns (names, types, order) must be equal and the rows equal as multisets (`except all`
both ways).
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def relations(connection, catalog: str, schema: str) -> set[str]:
    return {
        row[0]
        for row in connection.execute(
            "select table_name from information_schema.tables where table_catalog = ? and table_schema = ?",
            [catalog, schema],
        ).fetchall()
    }


def columns(connection, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    return connection.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()


def compare_schema(connection, before: tuple[str, str], after: tuple[str, str]) -> tuple[int, list[str]]:
    """(relations compared, differences) of schema `before` (catalog, schema) against `after`."""
    (before_catalog, before_schema), (after_catalog, after_schema) = before, after
    in_before = relations(connection, before_catalog, before_schema)
    in_after = relations(connection, after_catalog, after_schema)
    differences = [f"only before: {before_schema}.{table}" for table in sorted(in_before - in_after)]
    differences += [f"only after: {after_schema}.{table}" for table in sorted(in_after - in_before)]
    compared = 0
    for table in sorted(in_before & in_after):
        compared += 1
        left = columns(connection, before_catalog, before_schema, table)
        right = columns(connection, after_catalog, after_schema, table)
        if left != right:
            differences.append(f"columns differ: {before_schema}.{table}: {sorted(set(left) ^ set(right))}")
            continue
        a = f'"{before_catalog}"."{before_schema}"."{table}"'
        b = f'"{after_catalog}"."{after_schema}"."{table}"'
        counts = [
            connection.execute(f"select count(*) from (select * from {x} except all select * from {y})").fetchone()[0]
            for x, y in ((a, b), (b, a))
        ]
        if any(counts):
            differences.append(f"rows differ: {before_schema}.{table}: {counts[0]} only before, {counts[1]} only after")
    return compared, differences


def compare_builds(
    before: Path | str, after: Path | str, schemas: list[tuple[str, str]]
) -> tuple[int, list[str]]:
    """Compares the schema pairs (schema in `before`, schema in `after`) of two DuckDB files."""
    connection = duckdb.connect()
    connection.execute(f"attach '{before}' as before_build (read_only)")
    connection.execute(f"attach '{after}' as after_build (read_only)")
    compared, differences = 0, []
    try:
        for before_schema, after_schema in schemas:
            count, found = compare_schema(connection, ("before_build", before_schema), ("after_build", after_schema))
            compared += count
            differences += found
    finally:
        connection.close()
    return compared, differences
