"""Win probability: an L2-penalised logistic regression fitted on the export's own closed deals,
kept only when it beats the historical stage win rates on held-out deals.

The dbt Python model hands `fit_win_probability` the moments of closed deals (one row per
moment of a deal while it was open: the deal's state then as feature columns computed in SQL,
the deal id, the stage, the deal's final outcome and the hold-out flags) and stores the
coefficient table it returns. Open deals are scored later, in SQL, from that table alone:

    z = intercept + sum over features f of  coefficient_f * ((x_f - feature_mean_f) / feature_scale_f)
    p = 1 / (1 + exp(-z))

so the coefficients are on the standardised scale, with the means and scales used to
standardise. `predict_proba` evaluates exactly that expression (same operations, same order of
the sum over features), so SQL and Python agree to the last bit or two.

The objective (minimised over the intercept b0 and the standardised coefficients b):

    J(b0, b) = sum_i w_i * [log(1 + exp(z_i)) - y_i * z_i]  +  0.5 * l2 * ||b||^2
    z_i = b0 + sum_j b_j * (x_ij - mean_j) / scale_j

i.e. the negative log-likelihood SUMMED over rows (w_i = 1 without weights) plus a ridge
penalty on the feature coefficients only; the intercept is not penalised. The penalty does not
grow with the number of rows, so `l2` is in units of total weight: l2 = 1 weighs about as much
as one unit of weight's worth of curvature on a unit-variance feature would (0.25 at p = 0.5),
and is equivalent to an independent Normal(0, 1/l2) prior on each standardised coefficient.
With much weight it barely moves the estimates; with little, or under perfect separation, it
keeps them finite.

Deal weights: `fit_win_probability` gives each fit row w = 1 / (number of fit rows of its deal)
(`deal_weights`), so every deal weighs the same, however many moments it had: a deal's
moments share one outcome and are far from independent, and without weights a long deal with
many touches would count many times. The weights sum to the number of fit deals, so there
`l2` is in units of DEALS: the data's curvature grows like 0.25 x (number of deals), against
which l2 = 1 is one deal's worth, i.e. light (the fit needs at least min_closed_deals, 50 by
default). Unweighted, the same l2 would have been one moment's worth, lighter still; one deal
per unit is the honest scale, since the deals, not the moments, are the independent
observations. The weights are frequency weights (`fit_logistic_regression`): the fit with
weights 1/k on each of a deal's k identical rows is the fit of one row per deal.

Held-out check: the moments arrive with `is_holdout` (about 1 deal in 5, by a hash of its id)
and `is_evaluation_moment` (one moment per deal). The fit uses the rows not held out; each
held-out deal's evaluation moment is scored by the fitted model and by the baseline, the stage
win rate learnt from the fit deals (`stage_win_rate_baseline`: per stage, the won share of the
fit deals with a moment in that stage, each deal once; a stage no fit deal was in takes the won
share of all fit deals). Both are measured by the Brier score (mean of (p - y)^2) and the log
loss (p clipped to [1e-15, 1 - 1e-15]). The method is 'logistic_regression' only when the
model's Brier score is strictly lower than the baseline's; otherwise 'stage_win_rate', with
the fitted coefficients left in the table (is_fitted) and the note saying why.

Cut-offs: the model is fitted once per cut-off (`fit_win_probability_at_cutoffs`; the cut-offs
are int_win_probability_cutoffs: the starts of the fiscal periods of var
win_probability_refit_every and the as-of time), each fit on the moments of the deals closed by
its cut-off only, so that a deal's state at a past date is scored with what was knowable then.
The fit at the as-of cut-off (is_current) learns from every closed deal: it scores today's
open deals and the interactions.

Standardisation: mean and population standard deviation of each column (weighted by `weights`
when given, which are frequency weights: an integer weight k is the same as k copies of the
row). A constant column (max == min) gets mean = its value, scale 1.0 and coefficient exactly 0.

The fit is Newton-Raphson (IRLS) with a step-halving line search, so the objective never
increases. X is read in row blocks of fixed size and the block sums are added in a fixed order:
no randomness, no copy of X beyond one block (apart from converting X to float64 if it is not
already), and the same input gives bit-identical output.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "CUTOFF_SCHEMA",
    "Cutoff",
    "FittedLogit",
    "MODEL_SCHEMA",
    "OUTPUT_SCHEMA",
    "brier_score",
    "deal_weights",
    "fit_logistic_regression",
    "fit_win_probability",
    "fit_win_probability_at_cutoffs",
    "log_loss",
    "predict_proba",
    "stage_win_rate_baseline",
]

# Rows per block: small enough that a block of the design matrix stays in cache-sized memory,
# large enough that the per-block Python overhead is negligible. Fixed, so the order of every
# floating-point sum is fixed.
_BLOCK_ROWS = 32_768
_MAX_HALVINGS = 50

METHOD_LOGISTIC = "logistic_regression"
METHOD_FALLBACK = "stage_win_rate"
# What the closed-deal count of the notes counts (the fit moments' deals), so that a note is
# not read as the export's number of closed deals.
TRAINING_DEALS = "closed deals, held-out deals left out"

OUTPUT_SCHEMA = pa.schema(
    [
        pa.field("term", pa.string()),
        pa.field("coefficient", pa.float64()),
        pa.field("feature_mean", pa.float64()),
        pa.field("feature_scale", pa.float64()),
        pa.field("method", pa.string()),
        pa.field("training_rows", pa.int64()),
        pa.field("closed_deals", pa.int64()),
        pa.field("won_deals", pa.int64()),
        pa.field("min_closed_deals", pa.int64()),
        pa.field("l2_penalty", pa.float64()),
        pa.field("converged", pa.bool_()),
        pa.field("iterations", pa.int64()),
        pa.field("holdout_deals", pa.int64()),
        pa.field("brier_score", pa.float64()),
        pa.field("brier_score_baseline", pa.float64()),
        pa.field("log_loss", pa.float64()),
        pa.field("log_loss_baseline", pa.float64()),
        pa.field("is_fitted", pa.bool_()),
        pa.field("note", pa.string()),
    ]
)


# The columns that say which cut-off a fit belongs to (int_win_probability_cutoffs), ahead of
# OUTPUT_SCHEMA's in the model's table (MODEL_SCHEMA).
CUTOFF_SCHEMA = pa.schema(
    [
        pa.field("fitted_at", pa.timestamp("us")),
        pa.field("valid_to", pa.timestamp("us")),
        pa.field("is_current", pa.bool_()),
    ]
)
MODEL_SCHEMA = pa.schema(list(CUTOFF_SCHEMA) + list(OUTPUT_SCHEMA))


@dataclass(frozen=True)
class Cutoff:
    """An instant the model is fitted at (int_win_probability_cutoffs): the fit learns only from
    the deals closed by `fitted_at` and is in force until `valid_to` (None: the current fit)."""

    fitted_at: datetime
    valid_to: datetime | None
    is_current: bool


@dataclass(frozen=True)
class FittedLogit:
    """A fitted model. `coefficients` apply to (x - means) / scales, column by column."""

    intercept: float
    coefficients: np.ndarray
    means: np.ndarray
    scales: np.ndarray
    l2: float
    iterations: int
    converged: bool
    training_rows: int


# --------------------------------------------------------------------------------------------
# input checks


def _as_feature_matrix(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (rows x features); got shape {X.shape}")
    if X.dtype == np.bool_ or np.issubdtype(X.dtype, np.integer) or np.issubdtype(X.dtype, np.floating):
        # no copy when X is already float64 (C or Fortran order both work block by block)
        return X.astype(np.float64, copy=False)
    raise ValueError(f"X must be numeric; got dtype {X.dtype}")


def _check_finite_columns(X: np.ndarray) -> None:
    """Raises ValueError naming the first column holding a NaN (or an infinity)."""
    for start in range(0, X.shape[0], _BLOCK_ROWS):
        block = X[start : start + _BLOCK_ROWS]
        finite = np.isfinite(block).all(axis=0)
        if not finite.all():
            column = int(np.flatnonzero(~finite)[0])
            values = X[:, column]
            nan_count = int(np.isnan(values).sum())
            inf_count = int(np.isinf(values).sum())
            what = []
            if nan_count:
                what.append(f"{nan_count:,} NaN value{'s' if nan_count != 1 else ''}")
            if inf_count:
                what.append(f"{inf_count:,} infinite value{'s' if inf_count != 1 else ''}")
            raise ValueError(
                f"X column {column} contains {' and '.join(what)}; "
                "impute or drop those rows before fitting"
            )


def _as_labels(y: np.ndarray, n: int) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"y must be 1-D with one label per row of X ({n}); got shape {y.shape}")
    if y.dtype == np.bool_:
        return y.astype(np.float64)
    if not np.issubdtype(y.dtype, np.number):
        raise ValueError(f"y must be boolean or 0/1; got dtype {y.dtype}")
    y = y.astype(np.float64)
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("y must contain only 0/1 (or False/True); found other values or NaN")
    return y


def _as_weights(weights: np.ndarray | None, n: int) -> np.ndarray | None:
    if weights is None:
        return None
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.shape[0] != n:
        raise ValueError(f"weights must be 1-D with one weight per row of X ({n}); got shape {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and non-negative")
    if not w.sum() > 0:
        raise ValueError("weights must not all be zero")
    return w


# --------------------------------------------------------------------------------------------
# block-wise passes over X


def _blocks(n: int):
    for start in range(0, n, _BLOCK_ROWS):
        yield start, min(start + _BLOCK_ROWS, n)


def _column_moments(X: np.ndarray, w: np.ndarray | None, total_weight: float) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean and population standard deviation of each column (two passes)."""
    k = X.shape[1]
    sums = np.zeros(k)
    for start, stop in _blocks(X.shape[0]):
        block = X[start:stop]
        sums += block.sum(axis=0) if w is None else w[start:stop] @ block
    means = sums / total_weight
    squares = np.zeros(k)
    for start, stop in _blocks(X.shape[0]):
        centred = X[start:stop] - means
        centred *= centred
        squares += centred.sum(axis=0) if w is None else w[start:stop] @ centred
    return means, np.sqrt(squares / total_weight)


def _constant_columns(X: np.ndarray) -> np.ndarray:
    k = X.shape[1]
    lo = np.full(k, np.inf)
    hi = np.full(k, -np.inf)
    for start, stop in _blocks(X.shape[0]):
        block = X[start:stop]
        np.minimum(lo, block.min(axis=0), out=lo)
        np.maximum(hi, block.max(axis=0), out=hi)
    return lo == hi


def _design_block(X: np.ndarray, start: int, stop: int, columns: np.ndarray,
                  means: np.ndarray, scales: np.ndarray, buffer: np.ndarray) -> np.ndarray:
    """[1, (x - mean) / scale] for rows start:stop and the fitted columns, written into buffer."""
    design = buffer[: stop - start]
    block = X[start:stop] if columns is None else X[start:stop][:, columns]
    np.subtract(block, means, out=design[:, 1:])
    np.divide(design[:, 1:], scales, out=design[:, 1:])
    return design


def _softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + exp(z)) without overflow."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)); exp overflows to inf for z < -709.78 and 1 / inf = 0, as in SQL."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


class _Problem:
    """The penalised objective with its gradient and Hessian, evaluated block by block."""

    def __init__(self, X, y, w, columns, means, scales, l2):
        self.X, self.y, self.w = X, y, w
        self.won = y == 1.0
        # None: every column is fitted (no constant columns), read without fancy indexing
        self.columns = None if columns.size == X.shape[1] else columns
        self.means, self.scales = means, scales
        self.l2 = l2
        p = columns.size + 1
        self.buffer = np.empty((min(_BLOCK_ROWS, X.shape[0]), p))
        self.buffer[:, 0] = 1.0
        self.penalty = np.full(p, l2)
        self.penalty[0] = 0.0  # the intercept is not penalised

    def evaluate(self, beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """J(beta), its gradient and its Hessian; beta = [intercept, fitted coefficients]."""
        p = beta.size
        value = 0.0
        gradient = np.zeros(p)
        hessian = np.zeros((p, p))
        for start, stop in _blocks(self.X.shape[0]):
            design = _design_block(self.X, start, stop, self.columns, self.means, self.scales, self.buffer)
            z = design @ beta
            y = self.y[start:stop]
            loss = _softplus(z) - y * z
            if self.w is not None:
                w = self.w[start:stop]
                value += float(w @ loss)
            else:
                value += float(loss.sum())
            # p and 1 - p each computed directly, so that p - y keeps its relative precision
            # when p is within rounding of y (else the gradient stalls short of zero)
            small = np.exp(-np.abs(z))
            small /= 1.0 + small  # sigmoid(-|z|), in (0, 0.5]
            large = 1.0 - small  # sigmoid(|z|), >= 0.5 so the subtraction loses nothing
            curvature = small * large  # p (1 - p)
            positive = z >= 0.0
            prob = np.where(positive, large, small)
            complement = np.where(positive, small, large)
            residual = np.where(self.won[start:stop], -complement, prob)  # p - y
            if self.w is not None:
                residual *= w
                curvature *= w
            gradient += residual @ design
            root = np.sqrt(curvature)
            weighted = design * root[:, None]
            hessian += weighted.T @ weighted
        value += 0.5 * self.l2 * float(beta[1:] @ beta[1:])
        gradient += self.penalty * beta
        hessian[np.diag_indices(p)] += self.penalty
        return value, gradient, hessian


def _newton_step(hessian: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    try:
        factor = np.linalg.cholesky(hessian)
        return -np.linalg.solve(factor.T, np.linalg.solve(factor, gradient))
    except np.linalg.LinAlgError:
        # singular Hessian (only possible with l2 = 0): the minimum-norm step
        return -np.linalg.lstsq(hessian, gradient, rcond=None)[0]


# --------------------------------------------------------------------------------------------
# public API


def fit_logistic_regression(
    X: np.ndarray,
    y: np.ndarray,
    l2: float = 1.0,
    max_iter: int = 100,
    tol: float = 1e-9,
    weights: np.ndarray | None = None,
) -> FittedLogit:
    """Fits P(y = 1 | x) = 1 / (1 + exp(-z)) by penalised maximum likelihood.

    Minimises  sum_i w_i [log(1 + exp(z_i)) - y_i z_i] + 0.5 * l2 * ||b||^2  where
    z_i = b0 + sum_j b_j (x_ij - mean_j) / scale_j; the intercept b0 is not penalised and l2 is
    in units of total weight (see the module docstring). Newton-Raphson with step halving; converged
    means a full Newton step moved no standardised coefficient by more than
    tol * max(1, largest |coefficient|). With l2 = 0 and perfectly separated classes there is
    no finite optimum: the fit stops at max_iter with converged False.

    Raises ValueError for NaN/infinite X values (naming the column index), labels other than
    0/1, a single class, or bad weights.
    """
    X = _as_feature_matrix(X)
    n, k = X.shape
    if n == 0:
        raise ValueError("X has no rows")
    if not (isinstance(l2, (int, float, np.floating, np.integer)) and math.isfinite(l2) and l2 >= 0):
        raise ValueError(f"l2 must be a finite number >= 0; got {l2!r}")
    if max_iter < 0:
        raise ValueError("max_iter must be >= 0")
    l2 = float(l2)
    y = _as_labels(y, n)
    w = _as_weights(weights, n)
    _check_finite_columns(X)

    total_weight = float(n) if w is None else float(w.sum())
    positives = float(y.sum()) if w is None else float(w @ y)
    if positives <= 0 or positives >= total_weight:
        raise ValueError("y has a single class (all 0 or all 1): a logistic regression needs both")

    means, scales = _column_moments(X, w, total_weight)
    constant = _constant_columns(X)
    # a constant column: mean = its value exactly (so x - mean = 0), scale 1, coefficient 0
    if constant.any():
        means[constant] = X[0, constant]
        scales[constant] = 1.0
    # std can underflow to 0 for a non-constant column only in pathological cases
    scales[~constant & ~(scales > 0)] = 1.0
    columns = np.flatnonzero(~constant)

    problem = _Problem(X, y, w, columns, means[columns], scales[columns], l2)
    beta = np.zeros(columns.size + 1)
    rate = positives / total_weight
    beta[0] = math.log(rate / (1.0 - rate))  # start from the intercept-only model
    value, gradient, hessian = problem.evaluate(beta)

    iterations = 0
    converged = False
    for _ in range(max_iter):
        step = _newton_step(hessian, gradient)
        size = float(np.max(np.abs(step)))
        if size <= tol * max(1.0, float(np.max(np.abs(beta)))):
            converged = True
            break
        t = 1.0
        accepted = False
        for _ in range(_MAX_HALVINGS):
            candidate = beta + t * step
            new_value, new_gradient, new_hessian = problem.evaluate(candidate)
            # J is convex, so a non-positive slope along the step at the candidate means J
            # did not increase on the way there; this also decides when the change in J is
            # below its rounding error
            if new_value <= value or float(new_gradient @ step) <= 0.0:
                accepted = True
                break
            t *= 0.5
        if not accepted:
            # no measurable decrease along a step that is not negligible: stop, unconverged
            break
        beta, value, gradient, hessian = candidate, new_value, new_gradient, new_hessian
        iterations += 1
        # the full Newton step (not the halved one) decides: a step that only got small by
        # halving (e.g. coefficients running away under separation with l2 = 0) is no optimum
        if t == 1.0 and size <= tol * max(1.0, float(np.max(np.abs(beta)))):
            converged = True
            break

    coefficients = np.zeros(k)
    coefficients[columns] = beta[1:]
    return FittedLogit(
        intercept=float(beta[0]),
        coefficients=coefficients,
        means=means,
        scales=scales,
        l2=l2,
        iterations=iterations,
        converged=converged,
        training_rows=n,
    )


def predict_proba(model: FittedLogit, X: np.ndarray) -> np.ndarray:
    """P(win) per row of X: the SQL scoring formula, evaluated the same way.

    z = intercept + sum_f coefficient_f * ((x_f - mean_f) / scale_f), summed in feature order,
    then p = 1 / (1 + exp(-z)). No overflow warnings: exp(-z) may overflow to inf for
    z < -709.78, and 1 / (1 + inf) = 0, as in SQL. NaN features give NaN probabilities.
    """
    X = _as_feature_matrix(X)
    if X.shape[1] != model.coefficients.size:
        raise ValueError(f"X has {X.shape[1]} columns; the model has {model.coefficients.size} features")
    n = X.shape[0]
    out = np.empty(n)
    for start, stop in _blocks(n):
        block = X[start:stop]
        z = np.full(stop - start, model.intercept)
        for j in range(block.shape[1]):
            z += model.coefficients[j] * ((block[:, j] - model.means[j]) / model.scales[j])
        out[start:stop] = _sigmoid(z)
    return out


# --------------------------------------------------------------------------------------------
# deal weights and the held-out comparison


def _as_arrow_array(values) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if isinstance(values, (pa.Array, np.ndarray)):
        return pa.array(values)
    return pa.array(list(values))


def _deal_index(deal_ids) -> tuple[np.ndarray, int]:
    """Per row, the number of its deal (0, 1, ... in order of first appearance); the deal count."""
    array = _as_arrow_array(deal_ids)
    if array.null_count:
        raise ValueError(f"The deal ids have {array.null_count:,} null values")
    encoded = pc.dictionary_encode(array)
    index = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
    return index, len(encoded.dictionary)


def deal_weights(deal_ids) -> np.ndarray:
    """Per row, 1 / (number of rows of its deal): every deal weighs 1 in total, however many
    moments it has (a deal with 3 rows gives each 1/3). `deal_ids` is a pyarrow (chunked)
    array, a numpy array or a list of the rows' deal ids, none null."""
    index, deals = _deal_index(deal_ids)
    counts = np.bincount(index, minlength=deals)
    return 1.0 / counts[index]


def _probabilities_and_outcomes(probabilities, outcomes) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(outcomes)
    if p.ndim != 1 or y.ndim != 1 or p.shape != y.shape:
        raise ValueError(f"probabilities and outcomes must be 1-D of the same length; got {p.shape} and {y.shape}")
    if p.size == 0:
        raise ValueError("No rows to evaluate")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("probabilities must lie in [0, 1]")
    return p, _as_labels(y, p.size)


def brier_score(probabilities, outcomes) -> float:
    """Mean of (p - y)^2 over the rows, y = 1 for a won deal, 0 for a lost one (0 is perfect;
    always 0.25 scores 0.25)."""
    p, y = _probabilities_and_outcomes(probabilities, outcomes)
    return float(np.mean((p - y) ** 2))


LOG_LOSS_CLIP = 1e-15


def log_loss(probabilities, outcomes) -> float:
    """Mean of -[y log p + (1 - y) log(1 - p)] over the rows, p clipped to
    [1e-15, 1 - 1e-15] so that a confident miss costs about 34.5, not infinity."""
    p, y = _probabilities_and_outcomes(probabilities, outcomes)
    p = np.clip(p, LOG_LOSS_CLIP, 1.0 - LOG_LOSS_CLIP)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def stage_win_rate_baseline(deal_ids, stages, won, evaluation_stages) -> np.ndarray:
    """The stage win rates learnt from the fit rows, looked up for each evaluation row.

    deal_ids, stages, won: one value per fit row (its deal, the deal's stage at that moment,
    the deal's outcome). For each stage, the won share of the deals with at least one row in
    that stage, each deal counted once per stage. A stage no fit deal was in (or a null stage)
    gets the won share of all the fit deals. Returns one probability per evaluation stage."""
    deal = _as_arrow_array(deal_ids)
    if deal.null_count:
        raise ValueError(f"The deal ids have {deal.null_count:,} null values")
    stage = _as_arrow_array(stages)
    outcome = (won.to_numpy(zero_copy_only=False) if isinstance(won, (pa.Array, pa.ChunkedArray))
               else np.asarray(won))
    if not (len(deal) == len(stage) == len(outcome)):
        raise ValueError("deal_ids, stages and won must have one value per fit row")
    if len(deal) == 0:
        raise ValueError("No fit rows to learn stage win rates from")
    fit = pa.table({
        "deal": deal,
        "stage": stage,
        "won": pa.array(_as_labels(outcome, len(outcome)).astype(np.int64)),
    })
    deals = fit.group_by("deal").aggregate([("won", "max")])
    overall = float(pc.sum(deals["won_max"]).as_py()) / deals.num_rows
    stage_deals = fit.filter(pc.is_valid(fit["stage"])).group_by(["stage", "deal"]).aggregate([("won", "max")])
    per_stage = stage_deals.group_by("stage").aggregate([("won_max", "sum"), ("won_max", "count")])
    rates = (per_stage["won_max_sum"].to_numpy().astype(np.float64)
             / per_stage["won_max_count"].to_numpy().astype(np.float64))
    lookup = pc.index_in(_as_arrow_array(evaluation_stages), value_set=per_stage["stage"])
    seen = pc.is_valid(lookup).to_numpy(zero_copy_only=False)
    position = pc.fill_null(lookup, 0).to_numpy(zero_copy_only=False)
    if rates.size == 0:
        return np.full(len(position), overall)
    return np.where(seen, rates[position], overall)


# --------------------------------------------------------------------------------------------
# the dbt model's entry point


def _as_table(data) -> pa.Table:
    """A pyarrow Table from a Table, a RecordBatchReader (what DuckDB's `.arrow()` returns) or
    anything else exporting an Arrow stream (e.g. a DuckDB relation)."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatchReader):
        return data.read_all()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.RecordBatchReader.from_stream(data).read_all()
    raise TypeError(f"Expected a pyarrow Table or an Arrow stream; got {type(data).__name__}")


def _distinct_count(values: pa.ChunkedArray) -> int:
    return int(pc.count_distinct(values, mode="only_valid").as_py()) if len(values) else 0


def _label_array(table: pa.Table, label_column: str) -> np.ndarray:
    column = table[label_column]
    if column.null_count:
        raise ValueError(f"Label column '{label_column}' has {column.null_count:,} null values")
    kind = column.type
    if pa.types.is_boolean(kind):
        return column.to_numpy(zero_copy_only=False).astype(bool)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        values = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
        if not np.isin(values, (0.0, 1.0)).all():
            raise ValueError(f"Label column '{label_column}' must be boolean or 0/1")
        return values == 1.0
    raise ValueError(f"Label column '{label_column}' has type {kind}; expected boolean")


def _flag_array(table: pa.Table, column_name: str) -> np.ndarray:
    column = table[column_name]
    if not pa.types.is_boolean(column.type):
        raise ValueError(f"Column '{column_name}' has type {column.type}; expected boolean")
    if column.null_count:
        raise ValueError(f"Column '{column_name}' has {column.null_count:,} null values")
    return column.to_numpy(zero_copy_only=False).astype(bool)


def _feature_matrix(table: pa.Table, feature_names: list[str]) -> np.ndarray:
    """The features as one float64 (rows x features) matrix, filled column by column via Arrow."""
    X = np.empty((table.num_rows, len(feature_names)), dtype=np.float64)
    for j, name in enumerate(feature_names):
        column = table[name]
        kind = column.type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)
                or pa.types.is_decimal(kind) or pa.types.is_boolean(kind)):
            raise ValueError(f"Feature column '{name}' (index {j}) has type {kind}; expected a number or boolean")
        if column.null_count:
            raise ValueError(
                f"Feature column '{name}' (index {j}) has {column.null_count:,} null values; "
                "fill them in SQL before fitting"
            )
        values = pc.cast(column, pa.float64())
        offset = 0
        for chunk in values.chunks:
            size = len(chunk)
            X[offset : offset + size, j] = chunk.to_numpy(zero_copy_only=False)
            offset += size
        bad = int(np.count_nonzero(~np.isfinite(X[:, j])))
        if bad:
            raise ValueError(f"Feature column '{name}' (index {j}) has {bad:,} NaN or infinite values")
    return X


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _two_numbers(a: float, b: float, decimals: int = 3) -> tuple[str, str]:
    """a and b with `decimals` places, or more where that many would print them equal."""
    if a != b:
        while f"{a:.{decimals}f}" == f"{b:.{decimals}f}" and decimals < 17:
            decimals += 1
    return f"{a:.{decimals}f}", f"{b:.{decimals}f}"


def _output_table(terms, coefficients, means, scales, method, metadata) -> pa.Table:
    rows = len(terms)
    columns = {
        "term": terms,
        "coefficient": coefficients,
        "feature_mean": means,
        "feature_scale": scales,
        "method": [method] * rows,
    }
    for field in OUTPUT_SCHEMA:
        if field.name not in columns:
            columns[field.name] = [metadata[field.name]] * rows
    return pa.table(columns, schema=OUTPUT_SCHEMA)


def fit_win_probability(
    table: pa.Table,
    feature_names: list[str],
    label_column: str = "is_won",
    deal_id_column: str = "opportunity_id",
    stage_column: str = "stage_name",
    holdout_column: str = "is_holdout",
    evaluation_column: str = "is_evaluation_moment",
    min_closed_deals: int = 50,
    l2: float = 1.0,
) -> pa.Table:
    """Fits the win-probability model on closed deals' moments, checks it on held-out deals
    against the stage win rates, and returns the coefficient table.

    `table` is a pyarrow Table (a RecordBatchReader, such as DuckDB's `relation.arrow()`, or a
    DuckDB relation itself are read into one) of moments of closed deals: the deal id, the
    deal's outcome, the stage at the moment, the hold-out flags and the features. Fit rows are
    those not held out; evaluation rows are held out AND flagged as their deal's evaluation
    moment; other held-out rows are ignored. The output follows the row order (its sums do):
    hand it rows in a fixed order (training_table sorts them by moment_id).

    One row per term ('intercept', then the features in the given order) with the columns of
    OUTPUT_SCHEMA. Nothing is fitted with fewer than `min_closed_deals` fit deals, or when every
    fit deal has the same outcome: one 'intercept' row with a null coefficient. Otherwise the
    fit (each deal weighing the same) is kept in the table, and method is 'logistic_regression'
    only when its Brier score on the held-out deals is strictly lower than the stage win
    rates'; else 'stage_win_rate' (score with historical stage win rates instead).
    """
    table = _as_table(table)
    feature_names = list(feature_names)
    if len(set(feature_names)) != len(feature_names):
        raise ValueError(f"feature_names has duplicates: {feature_names}")
    if "intercept" in feature_names:
        raise ValueError("'intercept' cannot be a feature name (it is the intercept's term)")
    needed = [deal_id_column, label_column, stage_column, holdout_column, evaluation_column, *feature_names]
    missing = [c for c in needed if c not in table.column_names]
    if missing:
        raise ValueError(f"Columns missing from the training table: {missing}")

    held_out = _flag_array(table, holdout_column)
    evaluation = _flag_array(table, evaluation_column)
    fit_rows = table.filter(pa.array(~held_out, pa.bool_()))
    evaluation_rows = table.filter(pa.array(held_out & evaluation, pa.bool_()))

    rows = fit_rows.num_rows
    labels = _label_array(fit_rows, label_column)
    closed_deals = _distinct_count(fit_rows[deal_id_column])
    won_deals = _distinct_count(fit_rows[deal_id_column].filter(pa.array(labels, pa.bool_()))) if rows else 0
    holdout_deals = _distinct_count(evaluation_rows[deal_id_column])
    metadata = {
        "training_rows": rows,
        "closed_deals": closed_deals,
        "won_deals": won_deals,
        "min_closed_deals": int(min_closed_deals),
        "l2_penalty": float(l2),
        "converged": None,
        "iterations": None,
        "holdout_deals": holdout_deals,
        "brier_score": None,
        "brier_score_baseline": None,
        "log_loss": None,
        "log_loss_baseline": None,
        "is_fitted": False,
    }

    # Say what is counted: the deals of the fit moments (closed deals, held-out deals left
    # out), not every closed deal of the export.
    fallback_note = None
    if closed_deals == 0:
        fallback_note = (f"No closed deals to learn from ({TRAINING_DEALS}; at least {min_closed_deals:,} "
                         "are needed): probabilities are historical stage win rates.")
    elif closed_deals < min_closed_deals:
        fallback_note = (f"Only {_plural(closed_deals, 'closed deal')} to learn from ({TRAINING_DEALS}; "
                         f"fewer than {min_closed_deals:,}): probabilities are historical stage win rates.")
    elif labels.all():
        fallback_note = (f"All {_plural(closed_deals, 'closed deal')} to learn from ({TRAINING_DEALS}) were won, "
                         "none lost: probabilities are historical stage win rates.")
    elif not labels.any():
        fallback_note = (f"All {_plural(closed_deals, 'closed deal')} to learn from ({TRAINING_DEALS}) were lost, "
                         "none won: probabilities are historical stage win rates.")
    if fallback_note is not None:
        metadata["note"] = fallback_note
        return _output_table(["intercept"], [None], [0.0], [1.0], METHOD_FALLBACK, metadata)

    X = _feature_matrix(fit_rows, feature_names)
    model = fit_logistic_regression(X, labels, l2=l2, weights=deal_weights(fit_rows[deal_id_column]))
    del X
    note = (f"Fitted on {_plural(rows, 'moment')} of {_plural(closed_deals, 'closed deal')} "
            f"({won_deals:,} won; {TRAINING_DEALS}), each deal weighing the same")
    if not model.converged:
        note += f", without converging in {model.iterations} iterations"
    metadata.update(converged=model.converged, iterations=model.iterations, is_fitted=True)

    if holdout_deals == 0:
        method = METHOD_FALLBACK
        note += ("; there are no held-out deals to check it against the stage win rates: "
                 "probabilities are historical stage win rates.")
    else:
        outcomes = _label_array(evaluation_rows, label_column)
        fitted = predict_proba(model, _feature_matrix(evaluation_rows, feature_names))
        baseline = stage_win_rate_baseline(fit_rows[deal_id_column], fit_rows[stage_column], labels,
                                           evaluation_rows[stage_column])
        scores = {
            "brier_score": brier_score(fitted, outcomes),
            "brier_score_baseline": brier_score(baseline, outcomes),
            "log_loss": log_loss(fitted, outcomes),
            "log_loss_baseline": log_loss(baseline, outcomes),
        }
        metadata.update(scores)
        brier, brier_baseline = _two_numbers(scores["brier_score"], scores["brier_score_baseline"])
        loss, loss_baseline = _two_numbers(scores["log_loss"], scores["log_loss_baseline"])
        on = f"; on {_plural(holdout_deals, 'held-out deal')} the Brier score is {brier}"
        if scores["brier_score"] < scores["brier_score_baseline"]:
            method = METHOD_LOGISTIC
            note += (f"{on} against {brier_baseline} for the stage win rates (log loss {loss} against "
                     f"{loss_baseline}): probabilities come from the fitted model.")
        else:
            method = METHOD_FALLBACK
            note += (f"{on}, not better than the stage win rates' {brier_baseline} (log loss {loss} against "
                     f"{loss_baseline}): probabilities are historical stage win rates.")
    metadata["note"] = note
    return _output_table(
        ["intercept", *feature_names],
        [model.intercept, *model.coefficients.tolist()],
        [0.0, *model.means.tolist()],
        [1.0, *model.scales.tolist()],
        method,
        metadata,
    )


def _no_deal_closed_note(fitted_at: datetime) -> str:
    return (f"No deal had closed by {fitted_at:%Y-%m-%d %H:%M} UTC (held-out deals included): probabilities "
            "are the stages' default probabilities (stg_crm__stage_funnel.default_probability_rate).")


def fit_win_probability_at_cutoffs(
    cutoffs: Iterable[Cutoff],
    training_rows: Callable[[Cutoff], pa.Table],
    feature_names: list[str],
    **fit_options,
) -> pa.Table:
    """One fit per cut-off: the coefficient table of `fit_win_probability` for each, its rows
    led by the cut-off's columns (MODEL_SCHEMA), the cut-offs in time order.

    `training_rows(cutoff)` returns the training table of the deals closed by `cutoff.fitted_at`
    (training_table with closed_by): the fit at a cut-off learns only from what was known then,
    with the same hold-out (the held-out deals among them are its evaluation deals) and the same
    sampling rule applied to its own rows (the caller may cap the past fits' rows lower). `fit_options` go to
    fit_win_probability (label and key columns, min_closed_deals, l2). Each fit is the same
    deterministic computation on its own rows, so the fit at the as-of cut-off equals the single
    fit on every closed deal. A cut-off with no closed deal at all (neither fitted nor held out)
    says in its note that the stages' default probabilities stand in (int_stage_win_rates).
    """
    tables = [MODEL_SCHEMA.empty_table()]
    for cutoff in sorted(cutoffs, key=lambda cutoff: cutoff.fitted_at):
        fitted = fit_win_probability(training_rows(cutoff), feature_names, **fit_options)
        rows = fitted.num_rows
        if fitted["closed_deals"][0].as_py() == 0 and fitted["holdout_deals"][0].as_py() == 0:
            note = pa.array([_no_deal_closed_note(cutoff.fitted_at)] * rows, pa.string())
            fitted = fitted.set_column(fitted.schema.get_field_index("note"), "note", note)
        columns = {
            "fitted_at": pa.array([cutoff.fitted_at] * rows, pa.timestamp("us")),
            "valid_to": pa.array([cutoff.valid_to] * rows, pa.timestamp("us")),
            "is_current": pa.array([bool(cutoff.is_current)] * rows, pa.bool_()),
        }
        columns.update({name: fitted[name] for name in OUTPUT_SCHEMA.names})
        tables.append(pa.table(columns, schema=MODEL_SCHEMA))
    return pa.concat_tables(tables).combine_chunks()
