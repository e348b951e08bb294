"""The win-probability model's input and output on each engine that runs dbt Python models.

`int_win_probability_model` receives the deal moments as the engine's own relation: a DuckDB
relation under dbt-duckdb, a Spark DataFrame under dbt-databricks. `training_table` turns
either into the Arrow table `fit_win_probability` reads (the fit rows sampled deterministically
above `max_training_rows`, ordered by the rows' key, TRAINING_ORDER), and `coefficient_frame`
hands the fitted table back in the form the engine writes (DuckDB: the Arrow table; Spark: a
DataFrame with the same columns and types). The fit itself is the same code on every engine.
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from revops_kpis.win_probability import Cutoff

FEATURE_PREFIX = "feature_"
KEY_COLUMNS = ["moment_id", "opportunity_id", "stage_name", "is_won", "is_holdout", "is_evaluation_moment"]
# The rows fit_win_probability reads: the moments of closed deals (their outcome is known),
# less the held-out deals' moments other than each one's evaluation moment.
TRAINING_FILTER = "is_training and (not is_holdout or is_evaluation_moment)"
# The fit rows (the rows sampled above max_training_rows; the held-out evaluation rows are kept).
FIT_FILTER = "is_training and not is_holdout"
# The order of the training rows: by their unique key, so that the fit (whose floating-point
# sums follow the row order) gives the same coefficients to the last bit whatever order the
# engine scanned the rows in. moment_id is unique (a data test of int_win_probability_moments);
# opportunity_id only makes the order total should it not be.
TRAINING_ORDER = ["moment_id", "opportunity_id"]
# Arrow types of the coefficient table -> Spark SQL types
SPARK_TYPES = {pa.string(): "string", pa.float64(): "double", pa.int64(): "bigint", pa.bool_(): "boolean",
               pa.timestamp("us"): "timestamp"}


def is_spark_frame(relation) -> bool:
    """A Spark DataFrame (dbt-databricks) rather than a DuckDB relation (dbt-duckdb)."""
    return hasattr(relation, "sparkSession") and hasattr(relation, "selectExpr")


def feature_names(moments) -> list[str]:
    """The model's features: the feature_* columns, prefix stripped, in the relation's order."""
    return [column[len(FEATURE_PREFIX):] for column in moments.columns if column.startswith(FEATURE_PREFIX)]


def cutoff_list(cutoffs) -> list[Cutoff]:
    """The cut-offs (int_win_probability_cutoffs: fitted_at, valid_to, is_current) of a DuckDB
    relation or a Spark DataFrame, in time order."""
    if is_spark_frame(cutoffs):
        rows = [(row["fitted_at"], row["valid_to"], row["is_current"]) for row in cutoffs.collect()]
    else:
        rows = cutoffs.project("fitted_at, valid_to, is_current").fetchall()
    return sorted((Cutoff(*row) for row in rows), key=lambda cutoff: cutoff.fitted_at)


def closed_by_filter(closed_by: datetime) -> str:
    """The SQL condition (DuckDB and Spark) on the moments: the deal closed at or before the cut-off."""
    return f"deal_closed_at <= cast('{closed_by:%Y-%m-%d %H:%M:%S.%f}' as timestamp)"


def training_table(moments, features: list[str], max_training_rows: int, evaluation=None,
                   closed_by: datetime | None = None) -> pa.Table:
    """The moments of closed deals as an Arrow table: the fit rows (deals not held out) and the
    held-out deals' evaluation moments (TRAINING_FILTER), with the key columns and each feature
    under its own name, ordered by their key (TRAINING_ORDER) whatever order the engine holds
    them in. Above `max_training_rows` fit rows, the fit rows in every k-th bucket of a hash of
    the moment id (each engine's own hash); the evaluation rows are all kept.

    The evaluation moments are the moments flagged `is_evaluation_moment`, or, when
    `evaluation` is given (a relation of the engine with a moment_id column, one row per
    held-out deal: int_win_probability_evaluation_moments), the held-out moments it names.

    With `closed_by` (a cut-off, naive UTC), only the moments of the deals closed at or before
    it (the moments' deal_closed_at): the fit at that cut-off, held-out deals and sampling
    restricted to them."""
    if closed_by is not None:
        moments = moments.filter(closed_by_filter(closed_by))
    if evaluation is not None:
        moments = _with_evaluation_flag(moments, evaluation)
    training = moments.filter(TRAINING_FILTER)
    projection = KEY_COLUMNS + [f"{FEATURE_PREFIX}{name} as {name}" for name in features]
    if is_spark_frame(training):
        fit_rows = training.filter(FIT_FILTER).count()
        if fit_rows > max_training_rows:
            step = -(-fit_rows // max_training_rows)
            training = training.filter(f"is_holdout or pmod(hash(moment_id), {step}) = 0")
        ordered = training.selectExpr(*projection).orderBy(*TRAINING_ORDER)
        if hasattr(ordered, "toArrow"):  # pyspark 4
            return ordered.toArrow()
        return pa.Table.from_pandas(ordered.toPandas(), preserve_index=False)
    fit_rows = training.filter(FIT_FILTER).aggregate("count(*) as n").fetchall()[0][0]
    if fit_rows > max_training_rows:
        step = -(-fit_rows // max_training_rows)
        training = training.filter(f"is_holdout or hash(moment_id) % {step} = 0")
    return training.project(", ".join(projection)).order(", ".join(TRAINING_ORDER)).to_arrow_table()


def _with_evaluation_flag(moments, evaluation):
    """The closed deals' moments with is_evaluation_moment: true for the held-out moments that
    `evaluation` names. Only the held-out moments are joined with it (the fit rows are many,
    the held-out deals' moments a fifth of them, the evaluation moments one per deal)."""
    columns = [column for column in moments.columns if column != "is_evaluation_moment"]
    if is_spark_frame(moments):
        fit = moments.filter(FIT_FILTER).selectExpr(*columns, "false as is_evaluation_moment")
        chosen = evaluation.selectExpr("moment_id as evaluation_moment_id")
        held_out = (moments.filter("is_training and is_holdout")
                    .join(chosen, moments["moment_id"] == chosen["evaluation_moment_id"])
                    .selectExpr(*columns, "true as is_evaluation_moment"))
        return fit.unionByName(held_out)
    quoted = ", ".join(f'"{column}"' for column in columns)
    fit = moments.filter(FIT_FILTER).project(f"{quoted}, false as is_evaluation_moment")
    chosen = evaluation.project("moment_id as evaluation_moment_id")
    held_out = (moments.filter("is_training and is_holdout")
                .join(chosen, "moment_id = evaluation_moment_id")
                .project(f"{quoted}, true as is_evaluation_moment"))
    return fit.union(held_out)


def coefficient_frame(table: pa.Table, moments, session):
    """The fitted table as the engine writes it: unchanged for DuckDB, a Spark DataFrame with
    the same columns and types on Spark (built from rows: no pandas needed)."""
    if not is_spark_frame(moments):
        return table
    schema = ", ".join(f"`{field.name}` {SPARK_TYPES[field.type]}" for field in table.schema)
    rows = [tuple(row[name] for name in table.column_names) for row in table.to_pylist()]
    return session.createDataFrame(rows, schema=schema)
