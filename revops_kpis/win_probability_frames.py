"""The win-probability model's input and output on each engine that runs dbt Python models.

`int_win_probability_model` receives the training moments as the engine's own relation: a
DuckDB relation under dbt-duckdb, a Spark DataFrame under dbt-databricks. `training_table`
turns either into the Arrow table `fit_win_probability` reads (sampled deterministically above
`max_training_rows`, ordered by the rows' key, TRAINING_ORDER), and `coefficient_frame` hands
the fitted table back in the form the engine writes (DuckDB: the Arrow table; Spark: a DataFrame with
the same columns and types). The fit itself is the same code on every engine.
"""

from __future__ import annotations

import pyarrow as pa

FEATURE_PREFIX = "feature_"
KEY_COLUMNS = ["interaction_id", "opportunity_id", "is_won"]
# The order of the training rows: by their unique key, so that the fit (whose floating-point
# sums follow the row order) gives the same coefficients to the last bit whatever order the
# engine scanned the rows in. interaction_id is unique (a data test of
# int_win_probability_features); opportunity_id only makes the order total should it not be.
TRAINING_ORDER = ["interaction_id", "opportunity_id"]
# Arrow types of the coefficient table -> Spark SQL types
SPARK_TYPES = {pa.string(): "string", pa.float64(): "double", pa.int64(): "bigint", pa.bool_(): "boolean"}


def is_spark_frame(relation) -> bool:
    """A Spark DataFrame (dbt-databricks) rather than a DuckDB relation (dbt-duckdb)."""
    return hasattr(relation, "sparkSession") and hasattr(relation, "selectExpr")


def feature_names(moments) -> list[str]:
    """The model's features: the feature_* columns, less the `_before` helper columns."""
    return [
        column[len(FEATURE_PREFIX):]
        for column in moments.columns
        if column.startswith(FEATURE_PREFIX) and not column.endswith("_before")
    ]


def training_table(moments, features: list[str], max_training_rows: int) -> pa.Table:
    """The training moments (closed deals, not held out) as an Arrow table: the key columns and
    each feature under its own name, ordered by their key (TRAINING_ORDER) whatever order the
    engine holds them in. Above `max_training_rows`, every k-th bucket of a hash of the
    interaction id (each engine's own hash)."""
    training = moments.filter("is_training and not is_holdout")
    projection = KEY_COLUMNS + [f"{FEATURE_PREFIX}{name} as {name}" for name in features]
    if is_spark_frame(training):
        training_rows = training.count()
        if training_rows > max_training_rows:
            step = -(-training_rows // max_training_rows)
            training = training.filter(f"pmod(hash(interaction_id), {step}) = 0")
        ordered = training.selectExpr(*projection).orderBy(*TRAINING_ORDER)
        if hasattr(ordered, "toArrow"):  # pyspark 4
            return ordered.toArrow()
        return pa.Table.from_pandas(ordered.toPandas(), preserve_index=False)
    training_rows = training.aggregate("count(*) as n").fetchall()[0][0]
    if training_rows > max_training_rows:
        step = -(-training_rows // max_training_rows)
        training = training.filter(f"hash(interaction_id) % {step} = 0")
    return training.project(", ".join(projection)).order(", ".join(TRAINING_ORDER)).to_arrow_table()


def coefficient_frame(table: pa.Table, moments, session):
    """The fitted table as the engine writes it: unchanged for DuckDB, a Spark DataFrame with
    the same columns and types on Spark (built from rows: no pandas needed)."""
    if not is_spark_frame(moments):
        return table
    schema = ", ".join(f"`{field.name}` {SPARK_TYPES[field.type]}" for field in table.schema)
    rows = [tuple(row[name] for name in table.column_names) for row in table.to_pylist()]
    return session.createDataFrame(rows, schema=schema)
