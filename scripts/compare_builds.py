"""Two DuckDB builds of the project compared table by table: the proof a refactor owes.

    .venv/bin/python scripts/compare_builds.py BEFORE.duckdb AFTER.duckdb [schemas]

schemas: comma-separated, default marts,semantic,intermediate. Every table and view of those
schemas in either build is listed when it exists in one only; for those in both, the columns
(names, types, order) must be equal and the rows equal as multisets (`except all` both ways).
Prints one line per difference and a count; exits 1 when anything differs.
"""

from __future__ import annotations

import sys

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


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    before, after = argv[0], argv[1]
    schemas = argv[2].split(",") if len(argv) == 3 else ["marts", "semantic", "intermediate"]
    connection = duckdb.connect()
    connection.execute(f"attach '{before}' as before_build (read_only)")
    connection.execute(f"attach '{after}' as after_build (read_only)")
    compared = differ = 0
    for schema in schemas:
        in_before = relations(connection, "before_build", schema)
        in_after = relations(connection, "after_build", schema)
        for table in sorted(in_before - in_after):
            print(f"only before: {schema}.{table}")
            differ += 1
        for table in sorted(in_after - in_before):
            print(f"only after: {schema}.{table}")
            differ += 1
        for table in sorted(in_before & in_after):
            compared += 1
            left = columns(connection, "before_build", schema, table)
            right = columns(connection, "after_build", schema, table)
            if left != right:
                print(f"columns differ: {schema}.{table}: {sorted(set(left) ^ set(right))}")
                differ += 1
                continue
            counts = [
                connection.execute(
                    f"select count(*) from (select * from {a}.{schema}.{table} except all "
                    f"select * from {b}.{schema}.{table})"
                ).fetchone()[0]
                for a, b in (("before_build", "after_build"), ("after_build", "before_build"))
            ]
            if any(counts):
                print(f"rows differ: {schema}.{table}: {counts[0]} only before, {counts[1]} only after")
                differ += 1
    print(f"{compared} relations compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
