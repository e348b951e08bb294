"""The win-probability fit: an L2-penalised logistic regression whose coefficient table is
scored later in SQL. Checked against known effects, an independent optimiser, the SQL scoring
formula (numpy and DuckDB), edge cases, and the table contract of the dbt model's entry point;
the deal weights, the held-out scores (Brier, log loss), the stage-win-rate baseline and the
choice between the two worked out by hand; the training table read from a DuckDB relation."""

from __future__ import annotations

import math
import time
import tracemalloc
import warnings
from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from revops_kpis.win_probability import (
    MODEL_SCHEMA,
    OUTPUT_SCHEMA,
    Cutoff,
    FittedLogit,
    brier_score,
    deal_weights,
    fit_logistic_regression,
    fit_win_probability,
    fit_win_probability_at_cutoffs,
    log_loss,
    predict_proba,
    stage_win_rate_baseline,
)
from revops_kpis.win_probability_frames import feature_names, training_table

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
        ("holdout_deals", pa.int64()),
        ("brier_score", pa.float64()),
        ("brier_score_baseline", pa.float64()),
        ("log_loss", pa.float64()),
        ("log_loss_baseline", pa.float64()),
        ("is_fitted", pa.bool_()),
        ("note", pa.string()),
    ]
)
METADATA_COLUMNS = ["method", "training_rows", "closed_deals", "won_deals", "min_closed_deals",
                    "l2_penalty", "converged", "iterations", "holdout_deals", "brier_score",
                    "brier_score_baseline", "log_loss", "log_loss_baseline", "is_fitted", "note"]
SCORE_COLUMNS = ["brier_score", "brier_score_baseline", "log_loss", "log_loss_baseline"]
TRAINING_DEALS = "closed deals, held-out deals left out"


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


def deal_moments(n_deals, seed, won_share=0.35, moments=(3, 12), holdout_share=0.2):
    """A training table like training_table hands the fit: several moments per closed deal, the
    stage at each (three stages, by progress), about `holdout_share` of the deals held out, one
    evaluation moment per deal."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(moments[0], moments[1], n_deals)
    deal = np.repeat(np.arange(n_deals), counts)
    won = rng.random(n_deals) < won_share
    held_out = rng.random(n_deals) < holdout_share
    position = np.arange(len(deal)) - np.repeat(np.cumsum(counts) - counts, counts)
    evaluation_position = rng.integers(0, counts)
    n = len(deal)
    progress = np.clip(rng.beta(2, 3, n) + 0.25 * won[deal], 0.0, 1.0)
    stage = np.minimum((progress * 3).astype(int), 2) + 1
    return pa.table({
        "moment_id": pa.array([f"interaction:{d:06d}-{k:03d}" for d, k in zip(deal, position)]),
        "opportunity_id": pa.array([f"006{d:015d}" for d in deal]),
        "stage_name": pa.array([f"Stage {s}" for s in stage]),
        "stage_progress": progress,
        "log_days_in_stage": np.log1p(rng.exponential(20.0, n)) - 0.3 * won[deal],
        "log_amount": rng.normal(10.0, 1.2, n),
        "is_commit": pa.array((rng.random(n) < 0.2 + 0.3 * won[deal]).tolist(), pa.bool_()),
        "is_won": pa.array(won[deal].tolist(), pa.bool_()),
        "is_holdout": pa.array(held_out[deal].tolist(), pa.bool_()),
        "is_evaluation_moment": pa.array((position == evaluation_position[deal]).tolist(), pa.bool_()),
    })


def fit_rows(table):
    """The rows the model is fitted on: the deals not held out."""
    return table.filter(pc.invert(table["is_holdout"]))


def evaluation_rows(table):
    """The held-out deals' evaluation moments."""
    return table.filter(pc.and_(table["is_holdout"], table["is_evaluation_moment"]))


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
    fitted = fit_rows(training)
    model = fit_logistic_regression(feature_matrix(fitted), fitted["is_won"].to_numpy(zero_copy_only=False), l2=1.0,
                                    weights=deal_weights(fitted["opportunity_id"]))

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


def stage_rates_by_hand(fit):
    """Per stage, won share of the fit deals with a row in it (each deal once); all fit deals' share."""
    in_stage, outcome = {}, {}
    for deal, stage, won in zip(fit["opportunity_id"].to_pylist(), fit["stage_name"].to_pylist(),
                                fit["is_won"].to_pylist()):
        in_stage.setdefault(stage, {})[deal] = won
        outcome[deal] = won
    return ({stage: sum(deals.values()) / len(deals) for stage, deals in in_stage.items()},
            sum(outcome.values()) / len(outcome))


def test_fitted_table_has_the_contract_columns_and_values():
    table = deal_moments(250, seed=21)
    result = fit_win_probability(table, FEATURES)
    assert OUTPUT_SCHEMA.equals(EXPECTED_SCHEMA) and result.schema.equals(EXPECTED_SCHEMA)
    assert result.column_names == [f.name for f in EXPECTED_SCHEMA]
    rows = result.to_pylist()
    assert [r["term"] for r in rows] == ["intercept", *FEATURES]

    fit, held = fit_rows(table), evaluation_rows(table)
    won = fit["is_won"].to_numpy(zero_copy_only=False)
    deal_ids = np.asarray(fit["opportunity_id"].to_pylist())
    deals, won_deals = len(set(deal_ids)), len(set(deal_ids[won]))
    holdout_deals = len(set(held["opportunity_id"].to_pylist()))
    assert holdout_deals == held.num_rows > 30 and deals + holdout_deals == 250
    first = rows[0]
    assert first["method"] == "logistic_regression" and first["is_fitted"] is True
    assert first["training_rows"] == fit.num_rows
    assert first["closed_deals"] == deals and first["won_deals"] == won_deals
    assert first["holdout_deals"] == holdout_deals
    assert first["min_closed_deals"] == 50 and first["l2_penalty"] == 1.0
    assert first["converged"] is True and 0 < first["iterations"] < 100
    for column in METADATA_COLUMNS:  # repeated on every row
        assert len(set(result[column].to_pylist())) == 1, column
    assert first["feature_mean"] == 0.0 and first["feature_scale"] == 1.0

    # the same numbers as fitting the fit rows' matrix directly, each deal weighing the same
    # (the boolean column read as 0/1)
    model = fit_logistic_regression(feature_matrix(fit), won, l2=1.0, weights=deal_weights(fit["opportunity_id"]))
    assert [r["coefficient"] for r in rows] == [model.intercept, *model.coefficients.tolist()]
    assert [r["feature_mean"] for r in rows[1:]] == model.means.tolist()
    assert [r["feature_scale"] for r in rows[1:]] == model.scales.tolist()
    # the signal built into the data is found
    coefficient = {r["term"]: r["coefficient"] for r in rows}
    assert coefficient["stage_progress"] > 0 and coefficient["is_commit"] > 0
    assert coefficient["log_days_in_stage"] < 0

    # the held-out scores, recomputed independently on the evaluation moments
    y = np.asarray(held["is_won"].to_pylist(), dtype=float)
    p_model = predict_proba(model, feature_matrix(held))
    rates, overall = stage_rates_by_hand(fit)
    p_base = np.array([rates.get(stage, overall) for stage in held["stage_name"].to_pylist()])

    def loss(p):
        p = np.clip(p, 1e-15, 1 - 1e-15)
        return -sum(math.log(q) if outcome else math.log(1 - q) for q, outcome in zip(p, y)) / len(y)

    np.testing.assert_allclose(first["brier_score"], np.mean((p_model - y) ** 2), rtol=1e-12)
    np.testing.assert_allclose(first["brier_score_baseline"], np.mean((p_base - y) ** 2), rtol=1e-12)
    np.testing.assert_allclose(first["log_loss"], loss(p_model), rtol=1e-12)
    np.testing.assert_allclose(first["log_loss_baseline"], loss(p_base), rtol=1e-12)
    assert first["brier_score"] < first["brier_score_baseline"]
    assert first["note"] == (
        f"Fitted on {fit.num_rows:,} moments of {deals} closed deals ({won_deals} won; {TRAINING_DEALS}), "
        f"each deal weighing the same; on {holdout_deals} held-out deals the Brier score is "
        f"{first['brier_score']:.3f} against {first['brier_score_baseline']:.3f} for the stage win rates "
        f"(log loss {first['log_loss']:.3f} against {first['log_loss_baseline']:.3f}): probabilities come "
        "from the fitted model.")


def test_fallback_when_there_are_too_few_closed_deals():
    table = deal_moments(16, seed=5, won_share=0.5, holdout_share=0.25)
    fit_deals = len(set(fit_rows(table)["opportunity_id"].to_pylist()))
    holdout_deals = len(set(evaluation_rows(table)["opportunity_id"].to_pylist()))
    assert 0 < holdout_deals < 16 and fit_deals == 16 - holdout_deals
    result = fit_win_probability(table, FEATURES, min_closed_deals=50)
    assert result.schema.equals(EXPECTED_SCHEMA)
    assert result.num_rows == 1
    row = result.to_pylist()[0]
    assert row["term"] == "intercept" and row["coefficient"] is None
    assert row["method"] == "stage_win_rate" and row["is_fitted"] is False
    assert row["converged"] is None and row["iterations"] is None
    assert all(row[column] is None for column in SCORE_COLUMNS)
    # the fit deals are counted (held-out deals left out), and the held-out ones beside them
    assert row["closed_deals"] == fit_deals and row["training_rows"] == fit_rows(table).num_rows
    assert row["holdout_deals"] == holdout_deals
    assert row["min_closed_deals"] == 50
    assert row["note"] == (f"Only {fit_deals} closed deals to learn from (closed deals, held-out deals "
                           "left out; fewer than 50): probabilities are historical stage win rates.")
    # the threshold is inclusive on the fitting side
    at_threshold = fit_win_probability(table, FEATURES, min_closed_deals=fit_deals).to_pylist()[0]
    assert at_threshold["is_fitted"] is True and at_threshold["coefficient"] is not None


def test_fallback_when_every_deal_has_the_same_outcome():
    table = deal_moments(80, seed=6, won_share=1.0)
    fit_deals = len(set(fit_rows(table)["opportunity_id"].to_pylist()))
    result = fit_win_probability(table, FEATURES)
    assert result.schema.equals(EXPECTED_SCHEMA)
    assert result.num_rows == 1
    row = result.to_pylist()[0]
    assert row["method"] == "stage_win_rate" and row["coefficient"] is None and row["is_fitted"] is False
    assert row["closed_deals"] == fit_deals and row["won_deals"] == fit_deals
    assert row["note"] == (f"All {fit_deals} closed deals to learn from ({TRAINING_DEALS}) were won, none lost: "
                           "probabilities are historical stage win rates.")
    lost = deal_moments(80, seed=6, won_share=0.0)
    row = fit_win_probability(lost, FEATURES).to_pylist()[0]
    assert row["won_deals"] == 0 and row["method"] == "stage_win_rate" and row["is_fitted"] is False
    assert "none won" in row["note"]


def test_empty_table_gives_the_fallback():
    empty = deal_moments(10, seed=1).slice(0, 0)
    result = fit_win_probability(empty, FEATURES)
    assert result.schema.equals(EXPECTED_SCHEMA)
    row = result.to_pylist()[0]
    assert result.num_rows == 1 and row["method"] == "stage_win_rate" and row["is_fitted"] is False
    assert row["training_rows"] == 0 and row["closed_deals"] == 0 and row["won_deals"] == 0
    assert row["holdout_deals"] == 0
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
    table = deal_moments(90, seed=17)
    expected = fit_win_probability(table, FEATURES)
    with duckdb.connect() as connection:
        connection.register("moments", table)
        relation = connection.sql("select * from moments")
        assert fit_win_probability(relation.arrow(), FEATURES).equals(expected)  # a RecordBatchReader
        assert fit_win_probability(relation, FEATURES).equals(expected)
        # DuckDB computes features as DOUBLE, DECIMAL or INTEGER and flags as BOOLEAN: all accepted
        typed = connection.sql(
            "select moment_id, opportunity_id, stage_name, is_won, is_holdout, is_evaluation_moment, "
            "stage_progress::decimal(18, 15) as stage_progress, log_days_in_stage, log_amount, "
            "is_commit::integer as is_commit from moments"
        ).arrow()
        result = fit_win_probability(typed, FEATURES)
    np.testing.assert_allclose(result["coefficient"].to_numpy(), expected["coefficient"].to_numpy(), rtol=1e-9)


def test_intercept_only_and_all_constant_features():
    table = deal_moments(60, seed=18)
    fit = fit_rows(table)
    # each deal weighing the same, the intercept-only fit is the log-odds of the won share of DEALS
    outcome = dict(zip(fit["opportunity_id"].to_pylist(), fit["is_won"].to_pylist()))
    rate = sum(outcome.values()) / len(outcome)
    only = fit_win_probability(table, [], min_closed_deals=10)
    assert only["term"].to_pylist() == ["intercept"]
    np.testing.assert_allclose(only["coefficient"][0].as_py(), np.log(rate / (1 - rate)), rtol=1e-12)
    flat = table.append_column("log_calls_14d", pa.array(np.zeros(table.num_rows)))
    result = fit_win_probability(flat, ["log_calls_14d"], min_closed_deals=10).to_pylist()
    assert result[1]["coefficient"] == 0.0 and result[1]["feature_scale"] == 1.0
    assert result[1]["feature_mean"] == 0.0 and result[0]["coefficient"] == only["coefficient"][0].as_py()


def test_null_feature_raises_naming_the_column():
    table = deal_moments(60, seed=8)
    amounts = table["log_amount"].to_pylist()
    amounts[3] = None
    table = table.set_column(table.column_names.index("log_amount"), "log_amount", pa.array(amounts, pa.float64()))
    with pytest.raises(ValueError, match="log_amount"):
        fit_win_probability(table, FEATURES, min_closed_deals=10)
    with pytest.raises(ValueError, match="missing"):
        fit_win_probability(deal_moments(60, seed=8), [*FEATURES, "log_calls_14d"])
    with pytest.raises(ValueError, match="is_evaluation_moment"):
        fit_win_probability(deal_moments(60, seed=8).drop_columns(["is_evaluation_moment"]), FEATURES)


# --------------------------------------------------------------------------------------------
# deal weights


def test_deal_weights_give_every_deal_one_in_total():
    # deal a has 3 rows: 1/3 each; b and c one row each: 1
    weights = deal_weights(["a", "b", "a", "c", "a"])
    assert weights.tolist() == [1 / 3, 1.0, 1 / 3, 1.0, 1 / 3]
    chunked = pa.chunked_array([["a", "b"], ["a", "c", "a"]])
    assert deal_weights(chunked).tolist() == weights.tolist()
    assert deal_weights(np.array(["a", "b", "a", "c", "a"], dtype=object)).tolist() == weights.tolist()
    with pytest.raises(ValueError, match="null"):
        deal_weights(["a", None])


def test_weighted_fit_equals_one_row_per_deal_with_repeated_rows():
    """A deal whose k rows are identical, each weighing 1/k, counts as one row: the penalised
    objective is term for term the one of one row per deal, so the fits agree (to rounding)."""
    rng = np.random.default_rng(41)
    deals = 120
    X, y = synthetic(deals, seed=42, intercept=-0.3, betas=[0.9, -0.5], means=[0.0, 2.0], sds=[1.0, 0.7])
    copies = rng.integers(1, 7, deals)
    repeated = np.repeat(np.arange(deals), copies)
    assert copies.max() > 1
    once = fit_logistic_regression(X, y, l2=1.0)
    weighted = fit_logistic_regression(X[repeated], y[repeated], l2=1.0,
                                       weights=deal_weights([f"d{i}" for i in repeated]))
    np.testing.assert_allclose(weighted.intercept, once.intercept, rtol=1e-10)
    np.testing.assert_allclose(weighted.coefficients, once.coefficients, rtol=1e-10)
    np.testing.assert_allclose(weighted.means, once.means, rtol=1e-12)
    np.testing.assert_allclose(weighted.scales, once.scales, rtol=1e-12)
    # without the weights the long deals would count several times: a different fit
    unweighted = fit_logistic_regression(X[repeated], y[repeated], l2=1.0)
    assert np.max(np.abs(unweighted.coefficients - once.coefficients)) > 1e-3


# --------------------------------------------------------------------------------------------
# held-out scores and the stage-win-rate baseline


@pytest.mark.parametrize(
    ("p", "y", "brier", "loss"),
    [
        # (0.2^2 + 0.3^2) / 2 = 0.065; -(ln 0.8 + ln 0.7) / 2 = (0.2231436 + 0.3566749) / 2
        ([0.8, 0.3], [1, 0], 0.065, 0.28990925),
        # always 0.5: 0.25 and ln 2 whatever the outcomes
        ([0.5, 0.5, 0.5, 0.5], [True, False, True, True], 0.25, 0.69314718),
        # (0.1^2 + 0.2^2 + 0.6^2) / 3 = 0.41 / 3; -(ln 0.9 + ln 0.8 + ln 0.4) / 3 = 1.2447948 / 3
        ([0.9, 0.2, 0.6], [1, 0, 0], 0.41 / 3, 0.41493159),
        # certain and right: 0 and 0 (p = 1 clipped to 1 - 1e-15: about 1e-15)
        ([1.0, 0.0], [1, 0], 0.0, 0.0),
    ],
)
def test_brier_score_and_log_loss_worked_by_hand(p, y, brier, loss):
    assert brier_score(p, y) == pytest.approx(brier, rel=1e-12, abs=1e-15)
    assert log_loss(p, y) == pytest.approx(loss, rel=1e-7, abs=2e-15)


def test_log_loss_clips_confident_misses():
    # p = 0 for a won deal: clipped to 1e-15, costs -ln(1e-15) = 15 ln 10 = 34.5388 (not infinity)
    assert log_loss([0.0], [1]) == pytest.approx(15 * math.log(10), rel=1e-12)
    assert brier_score([0.0], [1]) == 1.0
    # half certain misses, half right at 0.5: (34.5388 + ln 2) / 2
    assert log_loss([0.0, 0.5], [1, 0]) == pytest.approx((15 * math.log(10) + math.log(2)) / 2, rel=1e-12)
    with pytest.raises(ValueError):
        brier_score([0.5, 1.2], [0, 1])
    with pytest.raises(ValueError):
        log_loss([], [])


def test_stage_win_rate_baseline_worked_by_hand():
    """Fit rows: deal A (won) in Stage 1 twice and Stage 2; B (lost) in Stage 1; C (won) in
    Stages 2 and 3; D (lost) in Stage 2; E (lost) in Stage 3.
    Stage 1: deals A, B -> 1/2 (A once, although it has two rows there; by rows it would be 2/3).
    Stage 2: A, C, D -> 2/3. Stage 3: C, E -> 1/2. All fit deals: A, C won of 5 -> 2/5, for
    Stage 4 (no fit deal was in it) and a null stage."""
    deals = ["A", "A", "A", "B", "C", "C", "D", "E"]
    stages = ["Stage 1", "Stage 1", "Stage 2", "Stage 1", "Stage 2", "Stage 3", "Stage 2", "Stage 3"]
    won = [True, True, True, False, True, True, False, False]
    rates = stage_win_rate_baseline(deals, stages, won, ["Stage 1", "Stage 2", "Stage 3", "Stage 4", None])
    assert rates.tolist() == [1 / 2, 2 / 3, 1 / 2, 2 / 5, 2 / 5]
    # the same from Arrow arrays (what fit_win_probability passes)
    arrow = stage_win_rate_baseline(pa.chunked_array([deals[:3], deals[3:]]), pa.array(stages),
                                    np.array(won), pa.array(["Stage 3", "Stage 1"]))
    assert arrow.tolist() == [1 / 2, 1 / 2]


def test_note_numbers_get_more_places_only_where_three_would_tie():
    from revops_kpis.win_probability import _two_numbers

    assert _two_numbers(0.1712, 0.2049) == ("0.171", "0.205")
    # 0.1981 and 0.1984 both print 0.198: one more place tells them apart
    assert _two_numbers(0.1981, 0.1984) == ("0.1981", "0.1984")
    assert _two_numbers(0.25, 0.25) == ("0.250", "0.250")


def signal_moments(n_deals, seed, signal, stage_by_outcome=False):
    """Deals with 2-5 moments, 2 in 5 won; feature x = N(0, 1) + signal when won; one stage for
    all (no information in stages), or the stage named after the outcome (stages know it all);
    every 5th deal held out, its first moment the evaluation moment."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(2, 6, n_deals)
    deal = np.repeat(np.arange(n_deals), counts)
    position = np.arange(len(deal)) - np.repeat(np.cumsum(counts) - counts, counts)
    won = rng.random(n_deals) < 0.4
    stage = np.where(won[deal], "Stage W", "Stage L") if stage_by_outcome else np.full(len(deal), "Stage 1")
    return pa.table({
        "moment_id": [f"m:{d:05d}:{k}" for d, k in zip(deal, position)],
        "opportunity_id": [f"006{d:05d}" for d in deal],
        "stage_name": stage.tolist(),
        "x": rng.normal(size=len(deal)) + signal * won[deal],
        "is_won": won[deal].tolist(),
        "is_holdout": (deal % 5 == 0).tolist(),
        "is_evaluation_moment": (position == 0).tolist(),
    })


def test_model_kept_when_it_beats_the_stage_win_rates():
    table = signal_moments(400, seed=3, signal=2.0)
    row = fit_win_probability(table, ["x"]).to_pylist()[0]
    assert row["method"] == "logistic_regression" and row["is_fitted"] is True
    assert row["holdout_deals"] == 80 and row["closed_deals"] == 320
    # one stage: the baseline is the won share of the fit deals for every held-out deal
    held = evaluation_rows(table)
    y = np.asarray(held["is_won"].to_pylist(), dtype=float)
    share = np.mean(list(dict(zip(fit_rows(table)["opportunity_id"].to_pylist(),
                                  fit_rows(table)["is_won"].to_pylist())).values()))
    assert row["brier_score_baseline"] == pytest.approx(np.mean((share - y) ** 2), rel=1e-12)
    assert row["brier_score"] < row["brier_score_baseline"] - 0.05
    assert row["log_loss"] < row["log_loss_baseline"]
    assert row["note"].endswith(": probabilities come from the fitted model.")


def test_stage_win_rates_kept_when_the_features_are_noise():
    """The stage names the outcome: the baseline is 1 for won and 0 for lost deals, Brier 0,
    log loss -ln(1 - 1e-15) (clipped), about 1e-15; the noise feature cannot do as well."""
    table = signal_moments(300, seed=4, signal=0.0, stage_by_outcome=True)
    result = fit_win_probability(table, ["x"])
    rows = result.to_pylist()
    row = rows[0]
    assert row["method"] == "stage_win_rate"
    # the fit happened and stays in the table, for transparency
    assert row["is_fitted"] is True and row["converged"] is True
    assert [r["term"] for r in rows] == ["intercept", "x"] and None not in [r["coefficient"] for r in rows]
    assert row["brier_score_baseline"] == 0.0
    assert row["log_loss_baseline"] == pytest.approx(-math.log(1 - 1e-15), rel=1e-3)
    assert row["brier_score"] > 0.2
    fit = fit_rows(table)
    deals = len(set(fit["opportunity_id"].to_pylist()))
    won = len(set(fit.filter(fit["is_won"])["opportunity_id"].to_pylist()))
    assert row["note"] == (
        f"Fitted on {fit.num_rows:,} moments of {deals} closed deals ({won} won; {TRAINING_DEALS}), each deal "
        f"weighing the same; on 60 held-out deals the Brier score is {row['brier_score']:.3f}, not better than "
        f"the stage win rates' 0.000 (log loss {row['log_loss']:.3f} against 0.000): probabilities are "
        "historical stage win rates.")


def test_no_held_out_deals_falls_back_saying_so():
    table = signal_moments(100, seed=5, signal=2.0)
    table = table.set_column(table.column_names.index("is_holdout"), "is_holdout",
                             pa.array([False] * table.num_rows))
    rows = fit_win_probability(table, ["x"]).to_pylist()
    row = rows[0]
    assert row["method"] == "stage_win_rate" and row["is_fitted"] is True
    assert rows[1]["coefficient"] > 0
    assert row["holdout_deals"] == 0 and all(row[column] is None for column in SCORE_COLUMNS)
    assert row["note"] == (
        f"Fitted on {table.num_rows:,} moments of 100 closed deals ({row['won_deals']} won; {TRAINING_DEALS}), "
        "each deal weighing the same; there are no held-out deals to check it against the stage win rates: "
        "probabilities are historical stage win rates.")


def test_held_out_rows_other_than_the_evaluation_moment_are_ignored():
    table = signal_moments(200, seed=6, signal=1.0)
    expected = fit_win_probability(table, ["x"])
    # what training_table hands over: held-out deals' other moments already left out
    kept = table.filter(pc.or_(pc.invert(table["is_holdout"]), table["is_evaluation_moment"]))
    assert kept.num_rows < table.num_rows
    assert fit_win_probability(kept, ["x"]).equals(expected)


# --------------------------------------------------------------------------------------------
# the training table, read from the engine's relation (DuckDB here)

MOMENT_COLUMNS = ("moment_id varchar, opportunity_id varchar, moment_kind varchar, stage_name varchar, "
                  "feature_x double, feature_x_before double, is_training boolean, is_won boolean, "
                  "is_holdout boolean, is_evaluation_moment boolean")


def moment_rows(n, seed):
    """n moments of n // 4 deals (4 each): every 7th deal open (not is_training, no label), every
    5th held out with its third moment the evaluation moment; x carries the outcome."""
    rng = np.random.default_rng(seed)
    deal_won = rng.random(n // 4 + 1) < 0.4
    rows = []
    for i in range(n):
        deal, k = i // 4, i % 4
        training = deal % 7 != 3
        x = float(rng.normal() + 1.5 * deal_won[deal])
        rows.append((f"interaction:{i:06d}", f"006{deal:06d}", "interaction", f"Stage {k + 1}", x, x / 2,
                     training, bool(deal_won[deal]) if training else None, deal % 5 == 0, k == 2))
    return rows


def relation_of(connection, rows):
    connection.execute(f"create or replace table moments ({MOMENT_COLUMNS})")
    connection.executemany("insert into moments values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return connection.table("moments")


def test_training_table_rows_columns_and_order():
    rows = moment_rows(400, seed=1)
    with duckdb.connect() as connection:
        moments = relation_of(connection, rows)
        # every feature_ column, the prefix stripped (no helper columns are left out any more)
        assert feature_names(moments) == ["x", "x_before"]
        table = training_table(moments, ["x"], max_training_rows=10_000)
    assert table.column_names == ["moment_id", "opportunity_id", "stage_name", "is_won", "is_holdout",
                                  "is_evaluation_moment", "x"]
    expected = sorted(
        (row[0], row[1]) for row in rows if row[6] and (not row[8] or row[9])
    )
    assert list(zip(table["moment_id"].to_pylist(), table["opportunity_id"].to_pylist())) == expected
    # closed deals only; a held-out deal keeps its evaluation moment only
    assert None not in table["is_won"].to_pylist()
    held = table.filter(table["is_holdout"])
    assert held.num_rows == len(set(held["opportunity_id"].to_pylist())) > 0
    assert all(held["is_evaluation_moment"].to_pylist())


def test_evaluation_moments_named_by_a_relation_give_the_same_table():
    # the dbt model passes int_win_probability_evaluation_moments (one moment id per held-out
    # deal) instead of a flag column: the same rows must come out, with the flag set from it
    rows = moment_rows(400, seed=1)
    with duckdb.connect() as connection:
        relation_of(connection, rows)
        # as the moments model has it: only a held-out deal's moment is an evaluation moment
        connection.execute("create table flagged as select * replace "
                           "(is_holdout and is_evaluation_moment as is_evaluation_moment) from moments")
        flagged = training_table(connection.table("flagged"), ["x"], max_training_rows=10_000)
        connection.execute("create table evaluation as select moment_id, opportunity_id from moments "
                           "where is_training and is_holdout and is_evaluation_moment")
        connection.execute("create table unflagged as select * exclude (is_evaluation_moment) from moments")
        named = training_table(connection.table("unflagged"), ["x"], max_training_rows=10_000,
                               evaluation=connection.table("evaluation"))
    assert named.equals(flagged)
    assert sum(named["is_evaluation_moment"].to_pylist()) == len(set(named.filter(named["is_holdout"])["opportunity_id"].to_pylist())) > 0


def test_sampling_thins_only_the_fit_rows():
    rows = moment_rows(4_000, seed=2)
    with duckdb.connect() as connection:
        moments = relation_of(connection, rows)
        full = training_table(moments, ["x"], max_training_rows=10_000)
        sampled = training_table(moments, ["x"], max_training_rows=1_000)
    fit_full = fit_rows(full).num_rows
    assert fit_full > 2_000
    fit_sampled = fit_rows(sampled).num_rows
    # every k-th hash bucket of the moment ids, k = ceil(fit rows / 1,000): about 1,000 rows
    assert 0.7 * fit_full / math.ceil(fit_full / 1_000) < fit_sampled < 1.3 * fit_full / math.ceil(fit_full / 1_000)
    assert set(fit_rows(sampled)["moment_id"].to_pylist()) <= set(fit_rows(full)["moment_id"].to_pylist())
    # the held-out deals' evaluation moments are all kept
    assert evaluation_rows(sampled).equals(evaluation_rows(full))


def test_the_fit_does_not_depend_on_the_order_the_rows_are_held_in():
    """training_table sorts the moments by their key: the same moments in another order give the
    same training table and, to the last bit, the same coefficient table (scores, note and all),
    also when the fit rows are sampled."""
    rows = moment_rows(2_400, seed=7)
    results = []
    for seed in (1, 2):
        shuffled = list(rows)
        np.random.default_rng(seed).shuffle(shuffled)
        with duckdb.connect() as connection:
            moments = relation_of(connection, shuffled)
            for limit in (100_000, 900):
                table = training_table(moments, ["x"], max_training_rows=limit)
                results.append((table, fit_win_probability(table, ["x"], min_closed_deals=20)))
    for (table, fitted), (other_table, other_fitted) in zip(results[:2], results[2:]):
        assert table.equals(other_table)
        assert fitted.equals(other_fitted)
    assert results[0][1]["method"][0].as_py() == "logistic_regression"
    assert results[0][1]["brier_score"][0].as_py() is not None


# --------------------------------------------------------------------------------------------
# one fit per cut-off, each on the deals closed by it


def closed_moments(connection, rows):
    """The moments of moment_rows with deal_closed_at: deal d (a training deal) closed on day d
    of 2025 at 12:00, so the deals closed by a cut-off are those with a small enough number."""
    relation_of(connection, rows)
    connection.execute(
        "create or replace table dated as select *, case when is_training then timestamp '2025-01-01 12:00:00' "
        "+ to_days(cast(substr(opportunity_id, 4) as integer)) end as deal_closed_at from moments"
    )
    return connection.table("dated")


def test_training_table_keeps_the_deals_closed_by_the_cutoff():
    rows = moment_rows(800, seed=3)
    with duckdb.connect() as connection:
        moments = closed_moments(connection, rows)
        everything = training_table(moments, ["x"], max_training_rows=10_000)
        # deals 0..120 closed by 2025-05-01 12:00 (day 120 at 12:00 is exactly the cut-off)
        cut = training_table(moments, ["x"], max_training_rows=10_000, closed_by=datetime(2025, 5, 1, 12))
    deals = {int(deal[3:]) for deal in cut["opportunity_id"].to_pylist()}
    assert max(deals) == 120
    expected = everything.filter(pc.less_equal(
        pc.cast(pc.utf8_slice_codeunits(everything["opportunity_id"], 3), pa.int64()), 120))
    assert cut.equals(expected)
    # a cut-off before every close: nothing; the as-of cut-off after every close: everything
    with duckdb.connect() as connection:
        moments = closed_moments(connection, rows)
        assert training_table(moments, ["x"], 10_000, closed_by=datetime(2025, 1, 1)).num_rows == 0
        assert training_table(moments, ["x"], 10_000, closed_by=datetime(2026, 1, 1)).equals(everything)


def test_one_fit_per_cutoff_each_from_the_deals_closed_by_it():
    rows = moment_rows(2_400, seed=5)
    cutoffs = [
        Cutoff(datetime(2027, 1, 1), None, True),  # out of order on purpose: sorted by time
        Cutoff(datetime(2025, 1, 1), datetime(2025, 4, 1), False),
        Cutoff(datetime(2025, 4, 1), datetime(2025, 7, 1), False),
        Cutoff(datetime(2025, 7, 1), datetime(2027, 1, 1), False),
    ]
    with duckdb.connect() as connection:
        moments = closed_moments(connection, rows)

        def closed_by(cutoff):
            return training_table(moments, ["x"], max_training_rows=10_000, closed_by=cutoff.fitted_at)

        fitted = fit_win_probability_at_cutoffs(cutoffs, closed_by, ["x"], min_closed_deals=40)
        again = fit_win_probability_at_cutoffs(cutoffs, closed_by, ["x"], min_closed_deals=40)
        single = fit_win_probability(training_table(moments, ["x"], max_training_rows=10_000), ["x"],
                                     min_closed_deals=40)
    assert fitted.schema == MODEL_SCHEMA and fitted.equals(again)
    by_cutoff = {}
    for row in fitted.to_pylist():
        by_cutoff.setdefault(row["fitted_at"], []).append(row)
    assert list(by_cutoff) == [datetime(2025, 1, 1), datetime(2025, 4, 1), datetime(2025, 7, 1), datetime(2027, 1, 1)]
    # deal d closed on day d at 12:00; training deals are not held out (d % 5 != 0) and closed
    # (d % 7 != 3); the 600 deals run to day 599 (2026-08-23), before the as-of cut-off
    for fitted_at, terms in by_cutoff.items():
        days = (fitted_at - datetime(2025, 1, 1, 12)).total_seconds() / 86_400
        fit_deals = [d for d in range(600) if d <= days and d % 7 != 3 and d % 5 != 0]
        held_out = [d for d in range(600) if d <= days and d % 7 != 3 and d % 5 == 0]
        assert {row["closed_deals"] for row in terms} == {len(fit_deals)}, fitted_at
        assert {row["holdout_deals"] for row in terms} == {len(held_out)}, fitted_at
        assert {row["valid_to"] for row in terms} == {next(c.valid_to for c in cutoffs if c.fitted_at == fitted_at)}
    # Jan 1 00:00: no deal closed yet (deal 0 closes at 12:00): the default probabilities, said so
    first = by_cutoff[datetime(2025, 1, 1)]
    assert len(first) == 1 and first[0]["method"] == "stage_win_rate" and first[0]["coefficient"] is None
    assert first[0]["note"].startswith("No deal had closed by 2025-01-01 00:00 UTC")
    # Apr 1: 90 deals closed, 62 fit deals: fitted; Jul 1 more; the two fits differ
    assert by_cutoff[datetime(2025, 4, 1)][0]["is_fitted"] and by_cutoff[datetime(2025, 7, 1)][0]["is_fitted"]
    assert by_cutoff[datetime(2025, 4, 1)][1]["coefficient"] != by_cutoff[datetime(2025, 7, 1)][1]["coefficient"]
    # the as-of cut-off, after every close, is the single fit on every closed deal, to the bit
    current = fitted.filter(fitted["is_current"]).drop_columns(["fitted_at", "valid_to", "is_current"])
    assert current.equals(single)
    # no cut-offs: an empty table with the model's columns
    assert fit_win_probability_at_cutoffs([], closed_by, ["x"]).schema == MODEL_SCHEMA


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
