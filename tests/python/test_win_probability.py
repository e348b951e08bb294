"""The win-probability fit: an L2-penalised logistic regression whose coefficient table is
scored later in SQL. Checked against known effects, an independent optimiser, the SQL scoring
formula (numpy and DuckDB), edge cases, and the table contract of the dbt model's entry point."""

from __future__ import annotations

import time
import tracemalloc
import warnings

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from revops_kpis.win_probability import (
    FittedLogit,
    fit_logistic_regression,
    fit_win_probability,
    predict_proba,
)

EXPECTED_SCHEMA = pa.schema(
    [
        ("term", pa.string()),
        ("coefficient", pa.float64()),
        ("feature_mean", pa.float64()),
        ("feature_scale", pa.float64()),
        ("method", pa.string()),
        ("training_rows", pa.int64()),
        ("closed_deals", pa.int64()),
        ("won_deals", pa.int64()),
        ("min_closed_deals", pa.int64()),
        ("l2_penalty", pa.float64()),
        ("converged", pa.bool_()),
        ("iterations", pa.int64()),
        ("note", pa.string()),
    ]
)
METADATA_COLUMNS = ["method", "training_rows", "closed_deals", "won_deals", "min_closed_deals",
                    "l2_penalty", "converged", "iterations", "note"]


# --------------------------------------------------------------------------------------------
# independent re-implementations (deliberately not sharing code with the module)


def penalized_objective(X, y, l2, intercept, coefficients, weights=None):
    """sum_i w_i [log(1 + exp(z_i)) - y_i z_i] + 0.5 l2 ||b||^2, standardised with np.mean/np.std."""
    w = np.ones(len(y)) if weights is None else weights
    mean = np.average(X, axis=0, weights=w)
    std = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=w))
    z = intercept + ((X - mean) / std) @ coefficients
    return float(w @ (np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * coefficients @ coefficients)


def sql_formula_numpy(intercept, terms, coefficients, means, scales, columns):
    """The SQL scoring formula, term by term: z = intercept + sum c * ((x - m) / s)."""
    z = np.full(len(next(iter(columns.values()))), intercept)
    for term, c, m, s in zip(terms, coefficients, means, scales):
        z = z + c * ((columns[term] - m) / s)
    with np.errstate(over="ignore"):  # exp(-z) = inf -> p = 0, as DuckDB does
        return 1.0 / (1.0 + np.exp(-z))


def synthetic(n, seed, intercept, betas, means, sds, binary=()):
    """Features with the given means and sds (columns in `binary` are Bernoulli(mean)), labels
    drawn from the logit model with the given ORIGINAL-unit coefficients."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, len(betas)))
    for j, (m, s) in enumerate(zip(means, sds)):
        X[:, j] = (rng.random(n) < m).astype(float) if j in binary else rng.normal(m, s, n)
    z = intercept + X @ np.asarray(betas)
    y = rng.random(n) < 1.0 / (1.0 + np.exp(-z))
    return X, y


def to_original_units(model: FittedLogit):
    beta = model.coefficients / model.scales
    return model.intercept - float(np.sum(model.coefficients * model.means / model.scales)), beta


# --------------------------------------------------------------------------------------------
# fit_logistic_regression


def test_recovers_known_effects_within_a_few_standard_errors():
    true_intercept, true_betas = -0.5, np.array([1.2, -0.8, 0.0, 0.3])
    X, y = synthetic(200_000, seed=20250101, intercept=true_intercept, betas=true_betas,
                     means=[0.2, 1.0, 50.0, 0.3], sds=[1.5, 0.5, 20.0, None], binary=(3,))
    model = fit_logistic_regression(X, y, l2=1e-3)
    assert model.converged and model.training_rows == 200_000
    intercept, betas = to_original_units(model)

    # Standard errors from the Fisher information at the true parameters, in original units:
    # I = X1' diag(p (1 - p)) X1 with X1 = [1, X]; SE = sqrt(diag(I^-1)).
    X1 = np.column_stack([np.ones(len(X)), X])
    p = 1.0 / (1.0 + np.exp(-(X1 @ np.r_[true_intercept, true_betas])))
    fisher = X1.T @ (X1 * (p * (1.0 - p))[:, None])
    se = np.sqrt(np.diag(np.linalg.inv(fisher)))
    errors = np.r_[intercept, betas] - np.r_[true_intercept, true_betas]
    # The MLE is asymptotically normal with these SEs; 4 SE leaves a two-sided false-alarm
    # rate of ~6e-5 per parameter (the seed is fixed anyway). l2 = 1e-3 shifts a coefficient by
    # about l2 * b / (n * var * p(1-p)) ~ 1e-8: nothing next to SEs of ~1e-2.
    assert np.all(np.abs(errors) < 4 * se), (errors, se)
    assert se.max() < 0.05  # the check has teeth: all effects pinned to a few hundredths
    # and the means/scales are the population mean and std of each column
    np.testing.assert_allclose(model.means, X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(model.scales, X.std(axis=0), rtol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_agrees_with_scipy_on_the_same_penalised_objective(weighted):
    optimize = pytest.importorskip("scipy.optimize")
    X, y = synthetic(3_000, seed=7, intercept=0.4, betas=[0.9, -0.6, 0.2, 0.0, 1.5],
                     means=[10.0, -3.0, 0.0, 100.0, 0.2], sds=[3.0, 0.2, 1.0, 40.0, None], binary=(4,))
    weights = np.random.default_rng(3).uniform(0.2, 3.0, len(y)) if weighted else None
    l2 = 25.0  # large enough to move the estimates well away from the unpenalised MLE
    model = fit_logistic_regression(X, y, l2=l2, weights=weights)

    w = np.ones(len(y)) if weights is None else weights
    mean = np.average(X, axis=0, weights=w)
    std = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=w))
    Z = np.column_stack([np.ones(len(y)), (X - mean) / std])
    yf = y.astype(float)

    def objective(theta):
        z = Z @ theta
        return w @ (np.logaddexp(0.0, z) - yf * z) + 0.5 * l2 * theta[1:] @ theta[1:]

    def gradient(theta):
        p = 1.0 / (1.0 + np.exp(-(Z @ theta)))
        return Z.T @ (w * (p - yf)) + l2 * np.r_[0.0, theta[1:]]

    reference = optimize.minimize(objective, np.zeros(Z.shape[1]), jac=gradient, method="BFGS",
                                  options={"gtol": 1e-10, "maxiter": 10_000})
    np.testing.assert_allclose(model.intercept, reference.x[0], atol=1e-6)
    np.testing.assert_allclose(model.coefficients, reference.x[1:], atol=1e-6)
    np.testing.assert_allclose(model.means, mean, rtol=1e-12)
    np.testing.assert_allclose(model.scales, std, rtol=1e-12)
    # and the penalty really is in play: the unpenalised fit is clearly different
    unpenalised = fit_logistic_regression(X, y, l2=0.0, weights=weights)
    assert np.max(np.abs(unpenalised.coefficients - model.coefficients)) > 1e-2
    ours = penalized_objective(X, yf, l2, model.intercept, model.coefficients, weights)
    assert ours <= reference.fun + 1e-9


def test_integer_weights_are_frequency_weights():
    X, y = synthetic(2_000, seed=11, intercept=-0.2, betas=[0.7, -1.1], means=[1.0, 5.0], sds=[2.0, 3.0])
    counts = np.random.default_rng(5).integers(0, 4, len(y))
    weighted = fit_logistic_regression(X, y, l2=2.0, weights=counts)
    duplicated = fit_logistic_regression(np.repeat(X, counts, axis=0), np.repeat(y, counts), l2=2.0)
    np.testing.assert_allclose(weighted.coefficients, duplicated.coefficients, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(weighted.intercept, duplicated.intercept, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(weighted.means, duplicated.means, rtol=1e-12)
    np.testing.assert_allclose(weighted.scales, duplicated.scales, rtol=1e-12)


def test_perfect_separation_gives_finite_coefficients_and_probabilities_inside_0_1():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1.0, 1.0, (400, 2))
    y = x[:, 0] + 0.5 * x[:, 1] > 0  # a hyperplane separates the classes exactly
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or invalid-value warnings anywhere
        model = fit_logistic_regression(x, y, l2=1.0)
        p = predict_proba(model, x)
    assert model.converged
    assert np.all(np.isfinite(model.coefficients)) and np.isfinite(model.intercept)
    assert np.all((p > 0.0) & (p < 1.0))
    assert np.mean((p > 0.5) == y) > 0.97  # the penalty keeps it finite, not useless
    # a smaller penalty lets the coefficients grow (towards the separating direction)
    looser = fit_logistic_regression(x, y, l2=0.01)
    assert looser.converged and np.linalg.norm(looser.coefficients) > 3 * np.linalg.norm(model.coefficients)
    # the unpenalised problem has no optimum: it stops unconverged, still finite
    unpenalised = fit_logistic_regression(x, y, l2=0.0, max_iter=30)
    assert not unpenalised.converged
    assert np.all(np.isfinite(unpenalised.coefficients))


def test_objective_never_increases_along_the_iterations():
    # a hard start: separated data with a tiny penalty, where full Newton steps overshoot
    rng = np.random.default_rng(2)
    x = rng.normal(0.0, 1.0, (300, 3))
    y = x @ np.array([3.0, -2.0, 1.0]) + 0.3 * rng.normal(size=300) > 0
    values = []
    for max_iter in range(0, 25):
        model = fit_logistic_regression(x, y, l2=0.05, max_iter=max_iter)
        values.append(penalized_objective(x, y.astype(float), 0.05, model.intercept, model.coefficients))
    assert all(b <= a + 1e-12 * abs(a) for a, b in zip(values, values[1:])), values
    assert values[-1] < values[0]
    assert fit_logistic_regression(x, y, l2=0.05).converged


def test_constant_column_gets_zero_coefficient_and_unit_scale():
    X, y = synthetic(5_000, seed=4, intercept=0.1, betas=[0.8, -0.4], means=[0.0, 2.0], sds=[1.0, 0.7])
    with_constant = np.column_stack([X[:, 0], np.full(len(y), 0.1), X[:, 1]])  # 0.1: inexact in binary
    model = fit_logistic_regression(with_constant, y, l2=1.0)
    reference = fit_logistic_regression(X, y, l2=1.0)
    assert model.coefficients[1] == 0.0
    assert model.scales[1] == 1.0 and model.means[1] == 0.1
    np.testing.assert_allclose(model.coefficients[[0, 2]], reference.coefficients, rtol=1e-10)
    np.testing.assert_allclose(model.intercept, reference.intercept, rtol=1e-10)
    np.testing.assert_allclose(predict_proba(model, with_constant), predict_proba(reference, X), rtol=1e-10)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_raises_naming_the_column(bad):
    X, y = synthetic(100, seed=0, intercept=0.0, betas=[1.0, 1.0, 1.0], means=[0, 0, 0], sds=[1, 1, 1])
    X[37, 2] = bad
    with pytest.raises(ValueError, match="column 2"):
        fit_logistic_regression(X, y)


def test_bad_labels_and_single_class_raise():
    X = np.arange(10.0).reshape(-1, 1)
    with pytest.raises(ValueError, match="0/1"):
        fit_logistic_regression(X, np.r_[np.zeros(5), np.full(5, 2.0)])
    with pytest.raises(ValueError, match="single class"):
        fit_logistic_regression(X, np.ones(10, dtype=bool))


def test_larger_l2_shrinks_coefficients_but_not_the_intercept():
    X, y = synthetic(4_000, seed=9, intercept=-1.0, betas=[1.0, -0.5, 0.25], means=[0, 3, -2], sds=[1, 2, 0.5])
    norms = []
    for l2 in [0.0, 1.0, 100.0, 1e4, 1e8]:
        model = fit_logistic_regression(X, y, l2=l2)
        assert model.converged and model.l2 == l2
        norms.append(float(np.linalg.norm(model.coefficients)))
    assert all(b < a for a, b in zip(norms, norms[1:])), norms
    assert norms[-1] < 1e-4 * norms[0]
    # with the coefficients shrunk to ~0, the unpenalised intercept is the log-odds of y
    rate = y.mean()
    np.testing.assert_allclose(model.intercept, np.log(rate / (1 - rate)), atol=1e-4)


def test_predict_proba_is_stable_for_extreme_scores():
    model = FittedLogit(intercept=0.0, coefficients=np.array([1.0]), means=np.array([0.0]),
                        scales=np.array([1.0]), l2=1.0, iterations=0, converged=True, training_rows=0)
    x = np.array([[-1e6], [-800.0], [-30.0], [0.0], [30.0], [800.0], [1e6]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = predict_proba(model, x)
    assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))
    assert p[0] == 0.0 and p[-1] == 1.0 and p[3] == 0.5
    np.testing.assert_allclose(p[2], 1.0 / (1.0 + np.exp(30.0)), rtol=1e-15)


# --------------------------------------------------------------------------------------------
# the SQL scoring formula reproduces predict_proba

FEATURES = ["stage_progress", "log_days_in_stage", "log_amount", "is_commit"]


def deal_moments(n_deals, seed, won_share=0.35, moments=(3, 12)):
    """A training table like the SQL upstream builds: several moments per closed deal."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(moments[0], moments[1], n_deals)
    deal = np.repeat(np.arange(n_deals), counts)
    won = rng.random(n_deals) < won_share
    n = len(deal)
    progress = np.clip(rng.beta(2, 3, n) + 0.25 * won[deal], 0.0, 1.0)
    return pa.table({
        "opportunity_id": pa.array([f"006{d:015d}" for d in deal]),
        "stage_progress": progress,
        "log_days_in_stage": np.log1p(rng.exponential(20.0, n)) - 0.3 * won[deal],
        "log_amount": rng.normal(10.0, 1.2, n),
        "is_commit": pa.array((rng.random(n) < 0.2 + 0.3 * won[deal]).tolist(), pa.bool_()),
        "is_won": pa.array(won[deal].tolist(), pa.bool_()),
    })


def feature_matrix(table, features=FEATURES):
    return np.column_stack([np.asarray(table[f].to_numpy(zero_copy_only=False), dtype=float) for f in features])


# The scoring template, as the dbt model should use it: the features unpivoted to one row per
# (moment, term), joined to the coefficient table, summed, and the intercept added.
SCORING_SQL = """
with features_long as (
    unpivot features on {feature_list} into name term value x
),
intercept as (
    select coefficient from coefficients where term = 'intercept'
)
select f.row_id,
       1.0 / (1.0 + exp(-(any_value(i.coefficient)
                         + sum(c.coefficient * ((f.x - c.feature_mean) / c.feature_scale))))) as p
from features_long f
join coefficients c on c.term = f.term
cross join intercept i
group by f.row_id
order by f.row_id
"""


def test_sql_formula_reproduces_predict_proba_in_numpy_and_duckdb():
    training = deal_moments(300, seed=12)
    coefficients = fit_win_probability(training, FEATURES, min_closed_deals=50, l2=1.0)
    assert coefficients["method"][0].as_py() == "logistic_regression"
    model = fit_logistic_regression(feature_matrix(training), training["is_won"].to_numpy(zero_copy_only=False), l2=1.0)

    # scoring data: fresh moments, plus rows far out so that |z| is huge in both directions
    scoring = deal_moments(100, seed=13)
    X = feature_matrix(scoring)
    X = np.vstack([X, [[1.0, -50.0, 10.0, 1.0], [0.0, 1e5, 10.0, 0.0], [1.0, -5000.0, 50.0, 1.0]]])
    expected = predict_proba(model, X)
    assert expected.min() == 0.0 and expected.max() == 1.0  # the extreme rows are extreme

    rows = coefficients.to_pylist()
    assert [r["term"] for r in rows] == ["intercept", *FEATURES]
    columns = {f: X[:, j] for j, f in enumerate(FEATURES)}
    numpy_sql = sql_formula_numpy(rows[0]["coefficient"], FEATURES, [r["coefficient"] for r in rows[1:]],
                                  [r["feature_mean"] for r in rows[1:]], [r["feature_scale"] for r in rows[1:]],
                                  columns)
    # same operations in the same order: identical to the last bit
    np.testing.assert_array_equal(numpy_sql, expected)

    features = pa.table({"row_id": np.arange(len(X)), **columns})
    with duckdb.connect() as connection:
        connection.register("features", features)
        connection.register("coefficients", coefficients)
        result = connection.execute(SCORING_SQL.format(feature_list=", ".join(FEATURES))).fetchall()
    assert [r[0] for r in result] == list(range(len(X)))
    duck = np.array([r[1] for r in result])
    # DuckDB's sum() may add the terms in another order: agreement to rounding
    np.testing.assert_allclose(duck, expected, rtol=1e-12, atol=1e-300)
    assert np.all((duck == 0.0) == (expected == 0.0)) and np.all((duck == 1.0) == (expected == 1.0))


# --------------------------------------------------------------------------------------------
# fit_win_probability: the dbt model's entry point


def test_fitted_table_has_the_contract_columns_and_values():
    table = deal_moments(200, seed=21)
    result = fit_win_probability(table, FEATURES)
    assert result.schema.equals(EXPECTED_SCHEMA)
    assert result.column_names == [f.name for f in EXPECTED_SCHEMA]
    rows = result.to_pylist()
    assert [r["term"] for r in rows] == ["intercept", *FEATURES]

    won = table["is_won"].to_numpy(zero_copy_only=False)
    deal_ids = np.asarray(table["opportunity_id"].to_pylist())
    won_deals = len(set(deal_ids[won]))
    first = rows[0]
    assert first["method"] == "logistic_regression"
    assert first["training_rows"] == table.num_rows
    assert first["closed_deals"] == 200
    assert first["won_deals"] == won_deals
    assert first["min_closed_deals"] == 50 and first["l2_penalty"] == 1.0
    assert first["converged"] is True and 0 < first["iterations"] < 100
    assert first["note"] == (f"Fitted on {table.num_rows:,} interactions of 200 closed deals ({won_deals} won; "
                             "closed deals with interactions, held-out deals left out).")
    for column in METADATA_COLUMNS:  # repeated on every row
        assert len(set(result[column].to_pylist())) == 1, column
    assert first["feature_mean"] == 0.0 and first["feature_scale"] == 1.0

    # the same numbers as fitting the matrix directly (the boolean column read as 0/1)
    model = fit_logistic_regression(feature_matrix(table), won, l2=1.0)
    assert [r["coefficient"] for r in rows] == [model.intercept, *model.coefficients.tolist()]
    assert [r["feature_mean"] for r in rows[1:]] == model.means.tolist()
    assert [r["feature_scale"] for r in rows[1:]] == model.scales.tolist()
    # the signal built into the data is found
    coefficient = {r["term"]: r["coefficient"] for r in rows}
    assert coefficient["stage_progress"] > 0 and coefficient["is_commit"] > 0
    assert coefficient["log_days_in_stage"] < 0


def test_fallback_when_there_are_too_few_closed_deals():
    table = deal_moments(12, seed=5, won_share=0.5)
    result = fit_win_probability(table, FEATURES, min_closed_deals=50)
    assert result.schema.equals(EXPECTED_SCHEMA)
    assert result.num_rows == 1
    row = result.to_pylist()[0]
    assert row["term"] == "intercept" and row["coefficient"] is None
    assert row["method"] == "stage_win_rate"
    assert row["converged"] is None and row["iterations"] is None
    assert row["closed_deals"] == 12 and row["training_rows"] == table.num_rows
    assert row["min_closed_deals"] == 50
    # it says what it counts: closed deals with interactions outside the hold-out, not every closed deal
    assert row["note"] == ("Only 12 closed deals to learn from (closed deals with interactions, held-out deals "
                           "left out; fewer than 50): probabilities are historical stage win rates.")
    # the threshold is inclusive on the fitting side
    assert fit_win_probability(table, FEATURES, min_closed_deals=12)["method"][0].as_py() == "logistic_regression"


def test_fallback_when_every_deal_has_the_same_outcome():
    table = deal_moments(80, seed=6, won_share=1.0)
    result = fit_win_probability(table, FEATURES)
    assert result.schema.equals(EXPECTED_SCHEMA)
    assert result.num_rows == 1
    row = result.to_pylist()[0]
    assert row["method"] == "stage_win_rate" and row["coefficient"] is None
    assert row["closed_deals"] == 80 and row["won_deals"] == 80
    assert "80" in row["note"] and "won" in row["note"]
    lost = deal_moments(80, seed=6, won_share=0.0)
    assert fit_win_probability(lost, FEATURES).to_pylist()[0]["won_deals"] == 0
    assert fit_win_probability(lost, FEATURES).to_pylist()[0]["method"] == "stage_win_rate"


def test_empty_table_gives_the_fallback():
    empty = deal_moments(10, seed=1).slice(0, 0)
    result = fit_win_probability(empty, FEATURES)
    assert result.schema.equals(EXPECTED_SCHEMA)
    row = result.to_pylist()[0]
    assert result.num_rows == 1 and row["method"] == "stage_win_rate"
    assert row["training_rows"] == 0 and row["closed_deals"] == 0 and row["won_deals"] == 0
    assert "50" in row["note"]


def test_deterministic_and_independent_of_arrow_chunking():
    table = deal_moments(150, seed=31)
    first = fit_win_probability(table, FEATURES)
    second = fit_win_probability(table, FEATURES)
    assert first.equals(second)
    rechunked = pa.Table.from_batches(table.to_batches(max_chunksize=97))
    assert rechunked["log_amount"].num_chunks > 1
    assert fit_win_probability(rechunked, FEATURES).equals(first)


def test_accepts_what_duckdb_hands_a_python_model():
    table = deal_moments(70, seed=17)
    expected = fit_win_probability(table, FEATURES)
    with duckdb.connect() as connection:
        connection.register("moments", table)
        relation = connection.sql("select * from moments")
        assert fit_win_probability(relation.arrow(), FEATURES).equals(expected)  # a RecordBatchReader
        assert fit_win_probability(relation, FEATURES).equals(expected)
        # DuckDB computes features as DOUBLE, DECIMAL or INTEGER and flags as BOOLEAN: all accepted
        typed = connection.sql(
            "select opportunity_id, is_won, stage_progress::decimal(18, 15) as stage_progress, "
            "log_days_in_stage, log_amount, is_commit::integer as is_commit from moments"
        ).arrow()
        result = fit_win_probability(typed, FEATURES)
    np.testing.assert_allclose(result["coefficient"].to_numpy(), expected["coefficient"].to_numpy(), rtol=1e-9)


def test_intercept_only_and_all_constant_features():
    table = deal_moments(60, seed=18)
    rate = np.mean(table["is_won"].to_numpy(zero_copy_only=False))
    only = fit_win_probability(table, [])
    assert only["term"].to_pylist() == ["intercept"]
    np.testing.assert_allclose(only["coefficient"][0].as_py(), np.log(rate / (1 - rate)), rtol=1e-12)
    flat = table.append_column("log_calls_14d", pa.array(np.zeros(table.num_rows)))
    result = fit_win_probability(flat, ["log_calls_14d"]).to_pylist()
    assert result[1]["coefficient"] == 0.0 and result[1]["feature_scale"] == 1.0
    assert result[1]["feature_mean"] == 0.0 and result[0]["coefficient"] == only["coefficient"][0].as_py()


def test_null_feature_raises_naming_the_column():
    table = deal_moments(60, seed=8)
    amounts = table["log_amount"].to_pylist()
    amounts[3] = None
    table = table.set_column(table.column_names.index("log_amount"), "log_amount", pa.array(amounts, pa.float64()))
    with pytest.raises(ValueError, match="log_amount"):
        fit_win_probability(table, FEATURES)
    with pytest.raises(ValueError, match="missing"):
        fit_win_probability(deal_moments(60, seed=8), [*FEATURES, "log_calls_14d"])


# --------------------------------------------------------------------------------------------
# speed and memory at scale


def test_speed_smoke_2m_rows_12_features(capsys):
    rng = np.random.default_rng(99)
    n, k = 2_000_000, 12
    X = rng.standard_normal((n, k))
    X *= rng.uniform(0.5, 3.0, k)
    X += rng.uniform(-2.0, 5.0, k)
    true = rng.normal(0.0, 0.5, k)
    z = -0.3 + ((X - X.mean(axis=0)) / X.std(axis=0)) @ true
    y = rng.random(n) < 1.0 / (1.0 + np.exp(-z))
    del z

    tracemalloc.start()
    try:
        started = time.perf_counter()
        model = fit_logistic_regression(X, y, l2=1.0)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    with capsys.disabled():
        print(f"\nfit_logistic_regression: {n:,} x {k} in {elapsed:.2f} s "
              f"({model.iterations} Newton steps, peak extra memory {peak / 2**20:.0f} MiB, "
              f"X is {X.nbytes / 2**20:.0f} MiB)")
    assert model.converged
    assert peak < 0.5 * X.nbytes  # block-wise: far less than one extra copy of X
    # with 2M rows every standardised coefficient is pinned to ~0.005
    assert np.max(np.abs(model.coefficients - true)) < 0.02
