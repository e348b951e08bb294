"""Loading an export folder into a warehouse as a loader (Fivetran, Airbyte) would land it.

One table per export object, named after the object's source table in
`models/staging/salesforce/_salesforce__sources.yml` (`opportunity`, `opportunity_history`,
...), with the loader's snake_case column names (`StageName` -> `stage_name`,
`Loss_Reason__c` -> `loss_reason_c`: the headers' match keys do not change, so the dbt
landing matches them as it matches file headers), every column as text (a raw replica:
the parsing, the quarantine and the accounting stay in dbt) and
`_fivetran_deleted boolean default false`. Rows keep the file's order.

Only the contract's columns are loaded (and the Opportunity fields named with
--pass-through-column): a Lead file's names, emails and phones stay in the
file, as everywhere else in the project. Objects absent from the export get no table (a
table left by an earlier load is dropped), so dbt sees exactly what the folder holds. The
load is one transaction on PostgreSQL (COPY through psycopg2) and on DuckDB. On Spark each
object is one Parquet table written as a single file (so a scan reads it in file order) in
the local session's warehouse, through the same metastore as the profile's `spark` target.

    python -m revops_kpis.warehouse_load --export data/demo_export --target postgres --schema salesforce
    python -m revops_kpis.warehouse_load --export data/demo_export --target duckdb \\
        --duckdb-path target/warehouse.duckdb --schema salesforce
    python -m revops_kpis.warehouse_load --export data/demo_export --target spark --schema salesforce

PostgreSQL connection: the environment variables of the project's `postgres` profile
(REVOPS_PG_HOST, REVOPS_PG_PORT, REVOPS_PG_USER, REVOPS_PG_PASSWORD, REVOPS_PG_DATABASE).
Spark (in .venv-spark, which has pyspark): a local session with the settings of the profile's
`spark` target (spark_session_conf), under REVOPS_SPARK_DIR (default target/spark).
Then build with `dbt build --vars '{crm_source_mode: warehouse, revops_salesforce_schema: salesforce}'`.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import gzip
import io
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from revops_kpis.export_formats import allow_long_csv_fields
from revops_kpis.export_spec import ObjectSpec, load_spec, match_key

allow_long_csv_fields()

DELETED_COLUMN = "_fivetran_deleted"
DEFAULT_LOSS_REASON_FIELD = "Loss_Reason__c"
# file endings the dbt landing reads (macros/landing/salesforce_locate_export_file.sql)
FILE_ENDINGS = (".csv.gz", ".csv", ".parquet")
BATCH_ROWS = 50_000


class LoadError(Exception):
    """The export cannot be loaded as it is; the message names the file and the problem."""


def snake_case(header: str) -> str:
    """The loader's column name for a header: `StageName` -> `stage_name`,
    `CallDurationInSeconds` -> `call_duration_in_seconds`, `Loss_Reason__c` -> `loss_reason_c`.

    Only underscores, white space and case change, so `match_key` of the result is the
    header's (the dbt landing matches it as it matches the file header).
    """
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", header.strip())
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    # a leading underscore stays: `_fivetran_deleted` is the loader's own column
    name = re.sub(r"[\s_]+", "_", name).rstrip("_").lower()
    name = name or header.lower()
    if match_key(name) != match_key(header):  # pragma: no cover - guarded by construction
        raise AssertionError(f"snake_case({header!r}) = {name!r} changes the match key")
    return name


@dataclass(frozen=True)
class ObjectLoad:
    """One object's file and the columns loaded from it (header position -> column name)."""

    spec: ObjectSpec
    path: Path
    positions: tuple[int, ...]  # positions of the loaded columns in the file header
    columns: tuple[str, ...]  # their table column names (snake_case of the header)


def _object_files(export_dir: Path) -> dict[str, Path]:
    """object name (lower case) -> its file, as the landing macro finds it."""
    if not export_dir.is_dir():
        raise LoadError(f"The export folder '{export_dir}' does not exist.")
    found: dict[str, list[Path]] = {}
    for path in sorted(export_dir.iterdir()):
        lowered = path.name.lower()
        for ending in FILE_ENDINGS:
            if lowered.endswith(ending) and len(lowered) > len(ending):
                found.setdefault(lowered[: -len(ending)], []).append(path)
                break
    for stem, paths in found.items():
        if len(paths) > 1:
            raise LoadError(
                f"The export folder holds more than one file for {stem}: "
                + ", ".join(p.name for p in paths) + ". Keep one."
            )
    return {stem: paths[0] for stem, paths in found.items()}


def _open_text(path: Path, encoding: str):
    # utf-8-sig: a byte-order mark is not part of the first header
    encoding = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding=encoding, newline="")
    return path.open(encoding=encoding, newline="")


def _header(path: Path, encoding: str) -> list[str]:
    if path.name.lower().endswith(".parquet"):
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    with _open_text(path, encoding) as handle:
        return next(csv.reader(handle), [])


def _rows(load: ObjectLoad, encoding: str) -> Iterator[list[str | None]]:
    """The loaded columns of every data row, in file order, as text (None = empty)."""
    if load.path.name.lower().endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(load.path)
        names = [parquet.schema_arrow.names[i] for i in load.positions]
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=names):
            columns = [batch.column(i).cast(pa.string()).to_pylist() for i in range(len(names))]
            yield from (list(row) for row in zip(*columns))
        return
    with _open_text(load.path, encoding) as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for row in reader:
            if not row:
                continue  # a blank line, as DuckDB's reader skips it
            values = []
            for position in load.positions:
                value = row[position] if position < len(row) else ""
                values.append(value if value != "" else None)
            yield values


def plan_load(
    export_dir: Path | str,
    encoding: str = "utf-8",
    loss_reason_field: str = DEFAULT_LOSS_REASON_FIELD,
    pass_through_columns: Sequence[str] = (),
) -> tuple[list[ObjectLoad], list[ObjectSpec]]:
    """(objects found in the export with the columns to load, contract objects absent).

    pass_through_columns: Opportunity fields outside the contract loaded too (the field names
    of the dbt var revops_opportunity_pass_through_columns, e.g. Region__c)."""
    export_dir = Path(export_dir)
    files = _object_files(export_dir)
    dbt_vars = {"loss_reason_field": loss_reason_field}
    loads: list[ObjectLoad] = []
    absent: list[ObjectSpec] = []
    for spec in load_spec().values():
        path = files.get(spec.object_name.lower())
        if path is None:
            absent.append(spec)
            continue
        header = _header(path, encoding)
        wanted = set()
        for column in spec.columns:
            wanted.update(column.match_keys(dbt_vars))
        wanted.add(match_key(DELETED_COLUMN))
        if spec.object_name == "Opportunity":
            wanted.update(match_key(name) for name in pass_through_columns)
        positions: list[int] = []
        columns: list[str] = []
        for position, name in enumerate(header):
            if match_key(name) not in wanted:
                continue
            column = snake_case(name)
            if column in columns:
                continue  # two headers with one key: the first is loaded, as dbt reads files
            positions.append(position)
            columns.append(column)
        loads.append(ObjectLoad(spec, path, tuple(positions), tuple(columns)))
    return loads, absent


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _create_table_sql(schema: str, load: ObjectLoad, text_type: str) -> str:
    """Every loaded column as text, then the loader's deleted flag (an export that carries
    `_fivetran_deleted` itself loads into it)."""
    columns = [f"{_quote(c)} {text_type}" for c in load.columns if c != DELETED_COLUMN]
    columns.append(f"{DELETED_COLUMN} boolean default false")
    return f"create table {_quote(schema)}.{_quote(load.spec.name)} ({', '.join(columns)})"


def _batches(rows: Iterator[list], size: int = BATCH_ROWS) -> Iterator[list[list]]:
    batch: list[list] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def postgres_connection_parameters(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """psycopg2 connection parameters from the `postgres` profile's environment variables."""
    environ = os.environ if environ is None else environ
    return {
        "host": environ.get("REVOPS_PG_HOST", "127.0.0.1"),
        "port": int(environ.get("REVOPS_PG_PORT", "5432")),
        "user": environ.get("REVOPS_PG_USER", "revops"),
        "password": environ.get("REVOPS_PG_PASSWORD", ""),
        "dbname": environ.get("REVOPS_PG_DATABASE", "revops"),
    }


def _load_postgres(loads, absent, schema: str, encoding: str, connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"create schema if not exists {_quote(schema)}")
        for spec in absent:
            cursor.execute(f"drop table if exists {_quote(schema)}.{_quote(spec.name)}")
        for load in loads:
            table = f"{_quote(schema)}.{_quote(load.spec.name)}"
            cursor.execute(f"drop table if exists {table}")
            cursor.execute(_create_table_sql(schema, load, "text"))
            column_list = ", ".join(_quote(c) for c in load.columns)
            rows = 0
            for batch in _batches(_rows(load, encoding)):
                buffer = io.StringIO()
                writer = csv.writer(buffer, lineterminator="\n")
                # None -> an unquoted empty field, which COPY's csv format reads as null
                writer.writerows(batch)
                buffer.seek(0)
                cursor.copy_expert(f"copy {table} ({column_list}) from stdin with (format csv)", buffer)
                rows += len(batch)
            counts[load.spec.name] = rows
    return counts


def spark_session_conf(spark_dir: Path | str | None = None) -> dict[str, str]:
    """The settings of the profile's `spark` target (profiles.yml, server_side_parameters): the
    warehouse folder and the Derby metastore under `spark_dir` (REVOPS_SPARK_DIR, default
    target/spark, relative to the project root, where dbt runs). Keep the two in step."""
    from revops_kpis.export_spec import PROJECT_ROOT

    spark_dir = Path(spark_dir or os.environ.get("REVOPS_SPARK_DIR", "target/spark"))
    if not spark_dir.is_absolute():
        spark_dir = PROJECT_ROOT / spark_dir
    return {
        "spark.sql.warehouse.dir": f"{spark_dir}/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={spark_dir}/metastore_db;create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.stream.error.file={spark_dir}/derby.log",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "2",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # what dbt-spark sets on every session it opens
        "spark.sql.ansi.enabled": "false",
    }


def spark_session(spark_dir: Path | str | None = None):
    """A local Spark session (Hive catalog) as the profile's `spark` target opens it; dbt-spark's
    session mode reuses a session already open in the process."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master("local[*]").appName("revops_kpis").enableHiveSupport()
    for key, value in spark_session_conf(spark_dir).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _is_true(value: str | None) -> bool:
    # the loader's deleted flag as DuckDB and PostgreSQL cast it (null and anything else: false)
    return value is not None and value.strip().lower() in ("true", "t", "1", "yes", "y")


def _load_spark(loads, absent, schema: str, encoding: str, spark) -> dict[str, int]:
    from pyspark.sql.types import BooleanType, StringType, StructField, StructType

    counts: dict[str, int] = {}
    spark.sql(f"create database if not exists `{schema}`")
    for spec in absent:
        spark.sql(f"drop table if exists `{schema}`.`{spec.name}`")
    for load in loads:
        text_positions = [i for i, c in enumerate(load.columns) if c != DELETED_COLUMN]
        deleted_position = load.columns.index(DELETED_COLUMN) if DELETED_COLUMN in load.columns else None
        fields = [StructField(load.columns[i], StringType()) for i in text_positions]
        fields.append(StructField(DELETED_COLUMN, BooleanType(), False))
        rows = [
            tuple(row[i] for i in text_positions)
            + (_is_true(row[deleted_position]) if deleted_position is not None else False,)
            for row in _rows(load, encoding)
        ]
        table = f"`{schema}`.`{load.spec.name}`"
        spark.sql(f"drop table if exists {table}")
        # one partition, one file: a scan of the table reads the rows in file order
        frame = spark.createDataFrame(rows, StructType(fields)).coalesce(1)
        frame.write.format("parquet").mode("overwrite").saveAsTable(table)
        counts[load.spec.name] = len(rows)
    return counts


def _load_duckdb(loads, absent, schema: str, encoding: str, connection) -> dict[str, int]:
    import pyarrow as pa

    counts: dict[str, int] = {}
    connection.execute(f"create schema if not exists {_quote(schema)}")
    for spec in absent:
        connection.execute(f"drop table if exists {_quote(schema)}.{_quote(spec.name)}")
    for load in loads:
        table = f"{_quote(schema)}.{_quote(load.spec.name)}"
        connection.execute(f"drop table if exists {table}")
        connection.execute(_create_table_sql(schema, load, "varchar"))
        column_list = ", ".join(_quote(c) for c in load.columns)
        rows = 0
        casts = ", ".join(
            f"coalesce(cast(c{i} as boolean), false)" if c == DELETED_COLUMN else f"c{i}"
            for i, c in enumerate(load.columns)
        )
        for batch in _batches(_rows(load, encoding)):
            connection.register(
                "_warehouse_load_batch",
                pa.table({f"c{i}": pa.array([row[i] for row in batch], pa.string()) for i in range(len(load.columns))}),
            )
            connection.execute(f"insert into {table} ({column_list}) select {casts} from _warehouse_load_batch")
            connection.unregister("_warehouse_load_batch")
            rows += len(batch)
        counts[load.spec.name] = rows
    return counts


def load_export(
    export_dir: Path | str,
    target: str = "postgres",
    schema: str = "salesforce",
    *,
    duckdb_path: Path | str | None = None,
    connection=None,
    encoding: str = "utf-8",
    loss_reason_field: str = DEFAULT_LOSS_REASON_FIELD,
    pass_through_columns: Sequence[str] = (),
) -> dict[str, int]:
    """Loads every object of the export into `schema`; returns rows loaded per table.

    target 'postgres': `connection` (a psycopg2 connection, committed here) or one opened
    from the REVOPS_PG_* environment variables; target 'duckdb': the file `duckdb_path`;
    target 'spark': `connection` (a SparkSession) or spark_session() (not transactional).
    """
    loads, absent = plan_load(export_dir, encoding, loss_reason_field, pass_through_columns)
    if target == "postgres":
        import psycopg2

        own = connection is None
        connection = connection or psycopg2.connect(**postgres_connection_parameters())
        try:
            counts = _load_postgres(loads, absent, schema, encoding, connection)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            if own:
                connection.close()
        return counts
    if target == "duckdb":
        import duckdb

        if duckdb_path is None:
            raise LoadError("--target duckdb needs --duckdb-path")
        Path(duckdb_path).parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(duckdb_path)) as duck:
            duck.execute("begin transaction")
            try:
                counts = _load_duckdb(loads, absent, schema, encoding, duck)
                duck.execute("commit")
            except BaseException:
                duck.execute("rollback")
                raise
        return counts
    if target == "spark":
        return _load_spark(loads, absent, schema, encoding, connection or spark_session())
    raise LoadError(f"Unknown target {target!r}: postgres, duckdb or spark")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m revops_kpis.warehouse_load",
        description="Load an export folder into a warehouse schema as a loader would (text columns, "
        "snake_case names, _fivetran_deleted).",
    )
    parser.add_argument("--export", type=Path, required=True, help="the export folder")
    parser.add_argument("--target", choices=["postgres", "duckdb", "spark"], default="postgres")
    parser.add_argument("--schema", default="salesforce", help="schema to load into (default salesforce)")
    parser.add_argument("--duckdb-path", type=Path, help="DuckDB file (--target duckdb)")
    parser.add_argument("--encoding", default="utf-8", help="CSV encoding: utf-8 (default) or latin-1")
    parser.add_argument(
        "--loss-reason-field", default=DEFAULT_LOSS_REASON_FIELD,
        help="API name of the opportunity's loss-reason field (the dbt var loss_reason_field)",
    )
    parser.add_argument(
        "--pass-through-column", action="append", default=[], metavar="FIELD",
        help="an Opportunity field outside the contract to load too, e.g. Region__c (repeatable; "
        "the fields of the dbt var revops_opportunity_pass_through_columns)",
    )
    args = parser.parse_args(argv)
    try:
        counts = load_export(
            args.export, args.target, args.schema, duckdb_path=args.duckdb_path,
            encoding=args.encoding, loss_reason_field=args.loss_reason_field,
            pass_through_columns=args.pass_through_column,
        )
    except (LoadError, UnicodeDecodeError, OSError) as exc:
        print(f"warehouse_load: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a database error: say which, without a traceback
        print(f"warehouse_load: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    where = {"duckdb": args.duckdb_path, "spark": "Spark"}.get(args.target, "PostgreSQL")
    for table, rows in counts.items():
        print(f"{args.schema}.{table}: {rows} rows")
    print(f"Loaded {len(counts)} tables into {args.schema} ({where}). Build with: "
          f"dbt build --vars '{{crm_source_mode: warehouse, revops_salesforce_schema: {args.schema}}}'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
