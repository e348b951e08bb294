"""Two builds of the same export give the same warehouse, value for value.

The demo export is built twice with the same vars (the session's `bi_build` and one more build
in its own folder) and every relation of the public schemas (the marts and the semantic layer,
listed from information_schema, not from a list kept here) is compared: the same columns with
the same types, and the same rows, in any order, with exact equality (no tolerance). Money is
decimal and every sum is exact, durations and rates are rounded at publication, and the
win-probability model is fitted on rows in a fixed order, so nothing may depend on the order
in which DuckDB's threads happen to scan, aggregate or sort (the build runs on more than one
DuckDB thread, checked here, so an order effect has the chance to show)."""

from __future__ import annotations

import duckdb
import pytest

from conftest import BI_BUILD_VARS, DEMO, MODELS_ONLY
from dbt_helpers import build
from revops_kpis.dbt_project import run_dbt

PUBLIC_SCHEMAS = ("marts", "semantic")
OTHER = "second_build"


@pytest.fixture(scope="module")
def two_builds(bi_build, tmp_path_factory):
    """(first DuckDB file, second DuckDB file, the second build's work folder)."""
    work = tmp_path_factory.mktemp("rebuild")
    second = build(DEMO, work, extra_vars=BI_BUILD_VARS, selection=MODELS_ONLY)
    return bi_build[0], second, work


@pytest.fixture(scope="module")
def connection(two_builds):
    first, second, _ = two_builds
    with duckdb.connect(str(first), read_only=True) as con:
        con.execute(f"attach '{second}' as {OTHER} (read_only)")
        yield con


def _catalog(con) -> str:
    return con.execute("select current_database()").fetchall()[0][0]


def _relations(con, catalog: str) -> list[tuple[str, str]]:
    return con.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_catalog = ? and table_schema in {PUBLIC_SCHEMAS} order by all",
        [catalog],
    ).fetchall()


def _columns(con, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()


def test_the_build_runs_duckdb_on_more_than_one_thread(two_builds):
    """An order effect (a floating-point sum added up in another order, a tie broken another
    way) can only show when DuckDB splits the work between threads."""
    _, second, work = two_builds
    result = run_dbt(
        ["show", "--inline", "select current_setting('threads') as duckdb_threads"],
        export_path=DEMO,
        duckdb_path=second,
        extra_vars=BI_BUILD_VARS,
        target_path=work / "target_show",
        quiet=True,
    )
    threads = int(result.result.results[0].agate_table.rows[0][0])
    assert threads > 1, f"the build ran DuckDB on {threads} thread(s): two builds cannot differ by order"


def test_both_builds_publish_the_same_relations(connection):
    first = _relations(connection, _catalog(connection))
    second = _relations(connection, OTHER)
    assert first == second
    # the public schemas hold the marts and the semantic models (a wrong schema name would
    # make the comparison below vacuous)
    assert {schema for schema, _ in first} == set(PUBLIC_SCHEMAS)
    assert len(first) >= 20


def test_money_is_published_as_decimal_with_two_places(connection):
    """Every money column of every public relation (`amount` in its name; not an
    amount-weighted rate such as win_rate_amount, nor a count or a percentile such as
    won_unknown_amount_count) is a decimal of cents: sums of it are exact."""
    catalog = _catalog(connection)
    money = connection.execute(
        "select table_schema || '.' || table_name || '.' || column_name, data_type "
        "from information_schema.columns where table_catalog = ? and table_schema in "
        f"{PUBLIC_SCHEMAS} and regexp_matches(column_name, '(^|_)amount(_|$)') "
        "and not regexp_matches(column_name, '(^|_)rate(_|$)|_count$|_percentile$')",
        [catalog],
    ).fetchall()
    assert len(money) >= 40
    assert [column for column, data_type in money if data_type != "DECIMAL(18,2)"] == []


def test_published_doubles_are_rounded_to_their_places(connection):
    """Durations, rates, shares and probabilities are published rounded (publish_round): 6
    decimal places, 4 for minutes. A double holding a rounded value is the double nearest
    to it, so rounding it again changes nothing."""
    catalog = _catalog(connection)
    doubles = connection.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        f"where table_catalog = ? and table_schema in {PUBLIC_SCHEMAS} and data_type = 'DOUBLE'",
        [catalog],
    ).fetchall()
    assert len(doubles) >= 60
    unrounded = []
    for schema, table, column in doubles:
        places = 4 if "minutes" in column.split("_") else 6
        count = connection.execute(
            f'select count(*) from {catalog}.{schema}.{table} '
            f'where "{column}" <> cast(cast("{column}" as decimal(38, {places})) as double)'
        ).fetchall()[0][0]
        if count:
            unrounded.append(f"{schema}.{table}.{column}: {count} values with more than {places} places")
    assert unrounded == []


def test_every_public_relation_is_identical_value_for_value(connection):
    catalog = _catalog(connection)
    differences = []
    for schema, table in _relations(connection, catalog):
        columns = _columns(connection, catalog, schema, table)
        other_columns = _columns(connection, OTHER, schema, table)
        if columns != other_columns:
            differences.append(f"{schema}.{table}: columns {columns} != {other_columns}")
            continue
        names = ", ".join(f'"{name}"' for name, _ in columns)
        first = f"select {names} from {catalog}.{schema}.{table}"
        second = f"select {names} from {OTHER}.{schema}.{table}"
        counts = connection.execute(
            f"select (select count(*) from ({first})), (select count(*) from ({second}))"
        ).fetchall()[0]
        # rows as multisets: a row of one build missing from the other, either way, exactly
        only_first = connection.execute(f"select * from ({first} except all {second}) limit 2").fetchall()
        only_second = connection.execute(f"select * from ({second} except all {first}) limit 2").fetchall()
        if counts[0] != counts[1] or only_first or only_second:
            differing = [
                name for name, _ in columns
                if connection.execute(
                    f'select count(*) from (select "{name}" from {catalog}.{schema}.{table} '
                    f'except all select "{name}" from {OTHER}.{schema}.{table})'
                ).fetchall()[0][0]
            ]
            differences.append(
                f"{schema}.{table}: {counts[0]} vs {counts[1]} rows; differing columns {differing}; "
                f"first build only {only_first}; second build only {only_second}"
            )
    assert not differences, "\n".join(differences)
