"""Reading the published marts and running the Great Expectations suite on them.

Every table of the `marts` schema is read (read-only) from the DuckDB file into pandas, only
the columns some check needs; one GX suite per table (GX 1.x, ephemeral context, pandas
datasource), built from the naming conventions in `_rules`; the outcomes in `_results`, the
reports written by `_report`.
"""

from __future__ import annotations

import datetime as _dt
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from revops_kpis.checks.gx import distinct_samples, exception_message, gx_context, observed_int, plan_index, run_suite
from revops_kpis.mart_checks import _rules
from revops_kpis.mart_checks._report import write_reports
from revops_kpis.mart_checks._results import MartCheckOutcome, MartValidation, TableValidation

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import pandas as pd

SAMPLE_VALUES = 5  # failing values shown per expectation
IN_SPINE_COLUMN = "_grain_key_in_spine"


class MartCheckError(RuntimeError):
    """The DuckDB file or its marts schema cannot be read: nothing was checked."""


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------
def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(connection: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables where table_schema = ? order by table_name", [schema]
    ).fetchall()
    return [row[0] for row in rows]


def _columns(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = connection.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [row[0] for row in rows]


def _scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> tuple[int | None, str | None]:
    """(value, None), or (None, why) when the source tables are not there."""
    import duckdb

    try:
        return int(connection.execute(sql).fetchall()[0][0]), None
    except duckdb.Error as exc:
        return None, str(exc).splitlines()[0][:200]


def _spine(connection: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame | None, str | None]:
    import duckdb

    try:
        return connection.execute(_rules.SPINE_SQL).df(), None
    except duckdb.Error as exc:
        return None, str(exc).splitlines()[0][:200]


# --------------------------------------------------------------------------------------------
# The suite of one table
# --------------------------------------------------------------------------------------------
def _plan(
    table: str,
    columns: list[str],
    frame: pd.DataFrame,
    connection: duckdb.DuckDBPyConnection,
    spine: pd.DataFrame | None,
    spine_problem: str | None,
    notes: list[str],
) -> list[tuple[Any, str, str | None, Any]]:
    """(GX expectation, label, column, expected value) for one table; adds the in-spine
    indicator column to `frame` for KPI tables."""
    import great_expectations as gx

    expect = gx.expectations
    plan: list[tuple[Any, str, str | None, Any]] = []

    # row counts
    if table in _rules.ROW_COUNT_RULES:
        what, sql = _rules.ROW_COUNT_RULES[table]
        expected, problem = _scalar(connection, sql)
        if expected is None:
            notes.append(f"row count not checked ({what}): {problem}")
        else:
            plan.append((expect.ExpectTableRowCountToEqual(value=expected), f"rows = {what}", None, expected))
    elif _rules.is_grain_table(columns):
        dimensions = [column for column in _rules.GRAIN_DIMENSIONS if column in columns]
        if not dimensions:
            expected, problem = _scalar(connection, _rules.REPS_X_PERIODS_SQL)
            if expected is None:
                notes.append(f"row count not checked (reps x periods): {problem}")
            else:
                plan.append((
                    expect.ExpectTableRowCountToEqual(value=expected),
                    "rows = (reps + teams + company) x fiscal periods", None, expected,
                ))
        else:
            notes.append(
                f"split by {', '.join(dimensions)}: its (grain, period) rows are checked against the spine, "
                "not counted"
            )
    else:
        notes.append("no row-count rule (add one to mart_checks._rules.ROW_COUNT_RULES)")

    if _rules.is_grain_table(columns):
        if spine is None:
            notes.append(f"grain keys not checked against the spine: {spine_problem}")
        else:
            key = list(_rules.GRAIN_KEY)
            merged = frame[key].merge(spine.drop_duplicates().assign(**{IN_SPINE_COLUMN: True}), how="left", on=key)
            frame[IN_SPINE_COLUMN] = merged[IN_SPINE_COLUMN].fillna(False).astype(bool).to_numpy()
            plan.append((
                expect.ExpectColumnValuesToBeInSet(column=IN_SPINE_COLUMN, value_set=[True]),
                "every (grain, grain_id, period_grain, period_start) is a rep, team or company period of the spine",
                IN_SPINE_COLUMN, None,
            ))

    # keys
    key, key_source = _rules.table_key(table, columns)
    for column in key:
        plan.append((expect.ExpectColumnValuesToNotBeNull(column=column), f"key column not null ({key_source})",
                     column, None))
    if len(key) == 1:
        plan.append((expect.ExpectColumnValuesToBeUnique(column=key[0]), f"key unique ({key_source})", key[0], None))
    elif key:
        plan.append((
            expect.ExpectCompoundColumnsToBeUnique(column_list=list(key)),
            f"key ({', '.join(key)}) unique ({key_source})", None, None,
        ))
    else:
        notes.append("no key known: uniqueness not checked")

    # values, by column name
    for column in columns:
        rule = _rules.column_rule(column)
        if rule is None:
            if column.lower() in _rules.SIGNED_AMOUNTS:
                notes.append(f"{column} not bounded: {_rules.SIGNED_AMOUNTS[column.lower()]}")
            continue
        plan.append((
            expect.ExpectColumnValuesToBeBetween(column=column, min_value=rule.min_value, max_value=rule.max_value),
            rule.label, column, None,
        ))
    return plan


def _to_outcome(table: str, result: Any, label: str, expected: Any) -> MartCheckOutcome:
    config = result.expectation_config
    details = dict(result.result or {})
    unexpected = details.get("unexpected_count")
    element_count = details.get("element_count")
    column = config.kwargs.get("column")
    if column is None and config.kwargs.get("column_list"):
        column = ", ".join(config.kwargs["column_list"])
    return MartCheckOutcome(
        table=table,
        check=label,
        expectation_type=config.type,
        column=column,
        success=bool(result.success),
        element_count=None if element_count is None else int(element_count),
        unexpected_count=None if unexpected is None else int(unexpected),
        observed_value=observed_int(details),
        expected_value=expected,
        sample_values=distinct_samples(details.get("partial_unexpected_list"), 40)[:SAMPLE_VALUES],
        exception=exception_message(result),
    )


def validate_marts(
    duckdb_path: str | Path,
    report_dir: str | Path,
    schema: str = "marts",
    progress: Callable[[str], None] | None = None,
) -> MartValidation:
    """Checks every table of `schema` in the DuckDB file with Great Expectations; writes
    `mart_checks.md` and `mart_checks.json` to `report_dir`. Raises MartCheckError when the
    file is missing or the schema holds no table."""
    import duckdb

    say = progress or (lambda _message: None)
    started = time.perf_counter()
    path = Path(duckdb_path)
    if not path.is_file():
        raise MartCheckError(f"{path}: no such DuckDB file; build the project first (revops-kpis run, or dbt build)")
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise MartCheckError(f"{path}: cannot be opened read-only ({exc})") from None

    context = gx_context()
    datasource = context.data_sources.add_pandas("marts")
    validations: list[TableValidation] = []
    try:
        tables = _tables(connection, schema)
        if not tables:
            raise MartCheckError(f"{path}: the schema '{schema}' holds no table; build the marts first")
        spine, spine_problem = _spine(connection)
        for table in tables:
            t0 = time.perf_counter()
            columns = _columns(connection, schema, table)
            key, key_source = _rules.table_key(table, columns)
            grain = list(_rules.GRAIN_KEY) if _rules.is_grain_table(columns) else []
            needed = [
                column for column in columns
                if column in key or column in grain or _rules.column_rule(column) is not None
            ] or columns[:1]
            frame = connection.execute(
                f"select {', '.join(_quote(column) for column in needed)} from {_quote(schema)}.{_quote(table)}"
            ).df()
            notes: list[str] = []
            plan = _plan(table, columns, frame, connection, spine, spine_problem, notes)
            results = run_suite(
                context, datasource, table, f"{table}_all", f"mart_{table}", frame,
                [expectation for expectation, _label, _column, _expected in plan],
                {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_VALUES},
            )
            outcomes = []
            for result in results:
                _expectation, label, _column, expected = plan[plan_index(result) or 0]
                outcomes.append(_to_outcome(table, result, label, expected))
            validation = TableValidation(
                table=table,
                row_count=len(frame),
                key=key,
                key_source=key_source,
                notes=notes,
                outcomes=outcomes,
                seconds=time.perf_counter() - t0,
            )
            validations.append(validation)
            failed = validation.failed
            say(
                f"{table}: {len(frame):,} rows, {len(outcomes) - len(failed)}/{len(outcomes)} expectations passed"
                + ("" if not failed else " - FAILED: "
                   + ", ".join(f"{o.column or '(table)'} ({o.check})" for o in failed))
            )
    finally:
        connection.close()

    result = MartValidation(
        duckdb_path=path.resolve(),
        report_dir=Path(report_dir),
        schema=schema,
        tables=validations,
        seconds=time.perf_counter() - started,
        generated_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    )
    write_reports(result)
    return result
