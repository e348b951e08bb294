"""The bookings forecast's distribution: the sum over open deals of Bernoulli(p) x amount.

Each open deal either closes won inside the period (probability p, worth its amount) or does not
(worth 0), independently of the others. A forecast group (a rep, a team, the company) books the
sum of its deals' outcomes; its distribution is summarised by the expected value and the 10th,
50th and 90th percentiles.

Quantile convention (both methods and the hand-worked tests): the q-quantile of a discrete
distribution is the smallest value v with P(S <= v) >= q (numpy's ``inverted_cdf``).

Two methods, chosen per scenario (one forecast date for one period) by a documented rule:

- ``monte_carlo``: every deal is drawn once per draw (seeded numpy Generator, uniform < p), and
  the SAME draws are summed into every group the deal belongs to (its rep, its team, the
  company). Team and company bands therefore come from the same joint outcomes as the rep
  bands; their percentiles do not add up (the P50 of a sum is not the sum of the P50s). Draws
  are taken in chunks of ``chunk_draws`` so memory stays at deals x chunk_draws booleans.
  The scenario's random stream is seeded from (seed, a CRC-32 of the scenario key), so a
  scenario's result does not depend on which other scenarios are in the run.
- ``cornish_fisher``: when a scenario has more deals than ``max_monte_carlo_deals`` (draws
  would cost deals x draws), each group's percentiles come from its first four cumulants
  (exact for a sum of independent Bernoulli x amount terms)

      k1 = sum p a,  k2 = sum p q a^2,  k3 = sum p q (1 - 2p) a^3,  k4 = sum p q (1 - 6pq) a^4
      (q = 1 - p)

  through the Cornish-Fisher expansion of the normal quantile z:

      w = z + (z^2 - 1) g1 / 6 + (z^3 - 3z) g2 / 24 - (2z^3 - 5z) g1^2 / 36,
      g1 = k3 / k2^1.5, g2 = k4 / k2^2,   quantile = k1 + w sqrt(k2),

  clipped to [won part, sum of amounts]. The expansion is good for groups of many deals none of
  which dominates; it is checked against Monte Carlo on the demo and in the tests.

The expected value is exact in both methods (sum of p x amount).

Bookings from deals not yet created (``extra``, optional): per scenario, each group's amounts
in H equally likely past outcomes (revops_kpis.forecast_frames passes the new-deal bookings of
the H periods the forecast learns from). Monte Carlo picks ONE past outcome per draw for the
whole scenario (the same index for every group, from a stream of its own, so the open-deal
draws are unchanged) and adds each group's amount in it: teams and the company stay the sums
of their reps draw by draw, and a busy or quiet past period moves them together.
Cornish-Fisher adds the empirical distribution's cumulants (mean, central k2..k4) to the
open deals' (open and new deals independent) and its largest value to the ceiling.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_MAX_MONTE_CARLO_DEALS",
    "DEFAULT_SEED",
    "QUANTILES",
    "cornish_fisher_bands",
    "cornish_fisher_from_cumulants",
    "draw_quantiles",
    "empirical_cumulants",
    "forecast_bands",
    "monte_carlo_bands",
    "simulate_totals",
]

QUANTILES = (0.10, 0.50, 0.90)
DEFAULT_SEED = 20_261_207
# Enough draws that the company's P10 and P90 move well under 0.5% between seeds on the demo
# (measured in tests/python/test_forecast_engine.py and docs/decisions.md).
DEFAULT_DRAWS = 50_000
DEFAULT_CHUNK_DRAWS = 1_000
# Above this many deals in one scenario, draws cost more than they are worth: deals x draws
# uniforms (2k deals x 50k draws = 100M per scenario); the cumulant expansion is used instead
# (docs/decisions.md: measured at L).
DEFAULT_MAX_MONTE_CARLO_DEALS = 2_000

_Z = {0.10: -1.2815515655446004, 0.50: 0.0, 0.90: 1.2815515655446004}


def _scenario_seed(seed: int, scenario_key: str) -> np.random.SeedSequence:
    return np.random.SeedSequence([int(seed), zlib.crc32(scenario_key.encode("utf-8"))])


def simulate_totals(
    amount: np.ndarray,
    probability: np.ndarray,
    membership_deal: np.ndarray,
    membership_group: np.ndarray,
    group_count: int,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    scenario_key: str = "",
    chunk_draws: int = DEFAULT_CHUNK_DRAWS,
    extra: np.ndarray | None = None,
) -> np.ndarray:
    """Returns the (group_count, draws) matrix of simulated group totals.

    ``amount`` and ``probability`` have one entry per deal; a deal belongs to the groups listed
    by the pairs (membership_deal[i], membership_group[i]) and is drawn once per draw, whatever
    the number of its groups: a team's total in a draw is the sum of its reps' totals in it.
    ``extra`` (optional, group_count x H): each draw adds column j of it, j uniform in 0..H-1
    and the same for every group (drawn from its own stream: the deal draws do not change).
    """
    amount = np.asarray(amount, dtype=np.float64)
    probability = np.clip(np.asarray(probability, dtype=np.float64), 0.0, 1.0)
    membership_deal = np.asarray(membership_deal, dtype=np.int64)
    membership_group = np.asarray(membership_group, dtype=np.int64)
    totals = np.zeros((group_count, draws))
    if group_count == 0:
        return totals
    if extra is not None and np.asarray(extra).shape[1] > 0:
        extra = np.asarray(extra, dtype=np.float64)
        extra_rng = np.random.Generator(
            np.random.PCG64(_scenario_seed(seed, scenario_key + "|new_deals"))
        )
        for start in range(0, draws, chunk_draws):
            width = min(chunk_draws, draws - start)
            totals[:, start : start + width] = extra[:, extra_rng.integers(0, extra.shape[1], width)]
    if amount.size == 0:
        return totals
    rng = np.random.Generator(np.random.PCG64(_scenario_seed(seed, scenario_key)))
    # groups x deals, each membership weighing the deal's amount: totals = weights @ outcomes
    weights = sparse.csr_matrix(
        (amount[membership_deal], (membership_group, membership_deal)),
        shape=(group_count, amount.size),
    )
    threshold = probability.astype(np.float32)[:, None]
    for start in range(0, draws, chunk_draws):
        width = min(chunk_draws, draws - start)
        # deals x width: each deal drawn once per draw
        won = rng.random((amount.size, width), dtype=np.float32) < threshold
        totals[:, start : start + width] += weights @ won.astype(np.float64)
    return totals


def monte_carlo_bands(
    amount: np.ndarray,
    probability: np.ndarray,
    membership_deal: np.ndarray,
    membership_group: np.ndarray,
    group_count: int,
    **draw_options,
) -> np.ndarray:
    """Returns a (group_count, 3) array of P10, P50, P90 by Monte Carlo (see simulate_totals)."""
    if group_count == 0:
        return np.zeros((0, len(QUANTILES)))
    totals = simulate_totals(
        amount, probability, membership_deal, membership_group, group_count, **draw_options
    )
    return draw_quantiles(totals)


def draw_quantiles(totals: np.ndarray) -> np.ndarray:
    """Per row of a (groups, draws) matrix, the QUANTILES by the inverted_cdf convention (the
    smallest v with P(total <= v) >= q: the ceil(q x draws)-th smallest draw), equal to
    numpy's quantile(method="inverted_cdf") but by one in-place partition of each row at the
    three ranks (no copy of the matrix, no full sort): the matrix is reordered."""
    draws = totals.shape[1]
    if draws == 0:
        return np.zeros((totals.shape[0], len(QUANTILES)))
    ranks = [max(math.ceil(q * draws) - 1, 0) for q in QUANTILES]
    totals.partition(sorted(set(ranks)), axis=1)
    return totals[:, ranks]


def cornish_fisher_bands(
    amount: np.ndarray,
    probability: np.ndarray,
    membership_deal: np.ndarray,
    membership_group: np.ndarray,
    group_count: int,
    extra: np.ndarray | None = None,
) -> np.ndarray:
    """Returns a (group_count, 3) array of P10, P50, P90 from the Cornish-Fisher expansion
    (with ``extra``, see simulate_totals: its empirical cumulants added)."""
    amount = np.asarray(amount, dtype=np.float64)
    p = np.clip(np.asarray(probability, dtype=np.float64), 0.0, 1.0)
    membership_deal = np.asarray(membership_deal, dtype=np.int64)
    membership_group = np.asarray(membership_group, dtype=np.int64)
    a = amount[membership_deal]
    pm = p[membership_deal]
    qm = 1.0 - pm

    def group_sum(values: np.ndarray) -> np.ndarray:
        return np.bincount(membership_group, weights=values, minlength=group_count)

    k1 = group_sum(pm * a)
    k2 = group_sum(pm * qm * a**2)
    k3 = group_sum(pm * qm * (1.0 - 2.0 * pm) * a**3)
    k4 = group_sum(pm * qm * (1.0 - 6.0 * pm * qm) * a**4)
    # the certain part (p = 1) and the most the group can book
    floor = group_sum(np.where(pm >= 1.0, a, 0.0))
    ceiling = group_sum(np.where(pm > 0.0, a, 0.0))
    if extra is not None and np.asarray(extra).shape[1] > 0:
        e1, e2, e3, e4, e_max = empirical_cumulants(extra)
        k1, k2, k3, k4, ceiling = k1 + e1, k2 + e2, k3 + e3, k4 + e4, ceiling + e_max
    return cornish_fisher_from_cumulants(k1, k2, k3, k4, floor, ceiling)


def empirical_cumulants(values: np.ndarray):
    """Per row of an (n, H) matrix of H equally likely outcomes: mean, k2, k3, k4 (k2 = m2,
    k3 = m3, k4 = m4 - 3 m2^2 from the central moments m, divided by H) and the largest value."""
    values = np.asarray(values, dtype=np.float64)
    mean = values.mean(axis=1)
    centred = values - mean[:, None]
    m2, m3, m4 = ((centred**power).mean(axis=1) for power in (2, 3, 4))
    return mean, m2, m3, m4 - 3.0 * m2**2, values.max(axis=1)


def cornish_fisher_from_cumulants(k1, k2, k3, k4, floor, ceiling) -> np.ndarray:
    """(n, 3) P10, P50, P90 from each group's cumulants, clipped to [floor, ceiling] (the certain
    part and the possible total) and made non-decreasing."""
    k1, k2, k3, k4, floor, ceiling = (
        np.asarray(x, dtype=np.float64) for x in (k1, k2, k3, k4, floor, ceiling)
    )
    out = np.empty((k1.size, len(QUANTILES)))
    sd = np.sqrt(np.maximum(k2, 0.0))
    positive = k2 > 0
    safe_k2 = np.where(positive, k2, 1.0)
    g1 = np.where(positive, k3 / safe_k2**1.5, 0.0)
    g2 = np.where(positive, k4 / safe_k2**2, 0.0)
    for column, q in enumerate(QUANTILES):
        z = _Z[q]
        w = z + (z**2 - 1) * g1 / 6 + (z**3 - 3 * z) * g2 / 24 - (2 * z**3 - 5 * z) * g1**2 / 36
        out[:, column] = np.minimum(np.maximum(k1 + w * sd, floor), ceiling)
    # P10 <= P50 <= P90 even where the expansion bends back on a very skewed group
    return np.maximum.accumulate(out, axis=1)


def forecast_bands(
    deals: pd.DataFrame,
    memberships: pd.DataFrame,
    *,
    scenario_columns: list[str],
    group_columns: list[str],
    deal_column: str = "opportunity_id",
    amount_column: str = "amount",
    probability_column: str = "probability",
    groups: pd.DataFrame | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    max_monte_carlo_deals: int = DEFAULT_MAX_MONTE_CARLO_DEALS,
    chunk_draws: int = DEFAULT_CHUNK_DRAWS,
    extra: pd.DataFrame | None = None,
    extra_index_column: str = "history_rank",
    extra_count_column: str = "history_period_count",
    extra_amount_column: str = "new_deal_amount",
) -> pd.DataFrame:
    """Per scenario and group: open_deal_count, expected_amount, p10/p50/p90_amount, method.

    ``deals``: one row per scenario and deal (scenario_columns + deal_column + amount +
    probability). ``memberships``: one row per scenario, deal and group it counts in
    (scenario_columns + deal_column + group_columns). ``groups`` (optional): scenario_columns +
    group_columns rows that must appear even without deals (their band is 0). ``extra``
    (optional): the amounts from deals not yet created, one row per scenario, group and past
    outcome with a non-zero amount (scenario_columns + group_columns + the outcome's number
    1..H + H + the amount; missing outcomes are 0): added to the bands as simulate_totals
    says; expected_amount stays the open deals' (the caller adds the extra mean). Output rows
    are sorted by scenario and group keys; the method is 'monte_carlo' or 'cornish_fisher' (or
    'no_open_deals' for a group without deals nor extra amounts).
    """
    keys = scenario_columns + group_columns
    if extra is not None and len(extra) == 0:
        extra = None
    deals = deals.sort_values(scenario_columns + [deal_column], kind="mergesort").reset_index(drop=True)
    deals["_deal_row"] = deals.groupby(scenario_columns, sort=False).cumcount()
    members = memberships.merge(
        deals[scenario_columns + [deal_column, "_deal_row", amount_column, probability_column]],
        on=scenario_columns + [deal_column],
        how="inner",
        validate="many_to_one",
    )
    members = members.sort_values(keys + [deal_column], kind="mergesort").reset_index(drop=True)
    # group number within its scenario, in key order
    key_frames = [members[keys]] + ([extra[keys]] if extra is not None else [])
    group_keys = (
        pd.concat(key_frames, ignore_index=True).drop_duplicates()
        .sort_values(keys, kind="mergesort").reset_index(drop=True)
    )
    group_keys["_group_row"] = group_keys.groupby(scenario_columns, sort=False).cumcount()
    members = members.merge(group_keys, on=keys, how="left", validate="many_to_one")
    extra_groups = {}
    if extra is not None:
        extra = extra.merge(group_keys, on=keys, how="left", validate="many_to_one")
        extra_groups = {
            (key if isinstance(key, tuple) else (key,)): frame
            for key, frame in extra.groupby(scenario_columns, sort=True)
        }

    def as_tuple(key):
        return key if isinstance(key, tuple) else (key,)

    results = []
    member_groups = {as_tuple(key): frame for key, frame in members.groupby(scenario_columns, sort=True)}
    empty_members = members.iloc[0:0]
    empty_deals = deals.iloc[0:0]
    deal_groups = {
        (key if isinstance(key, tuple) else (key,)): frame
        for key, frame in deals.groupby(scenario_columns, sort=True)
    }
    key_groups = {
        (key if isinstance(key, tuple) else (key,)): frame
        for key, frame in group_keys.groupby(scenario_columns, sort=True)
    }
    for scenario in sorted(key_groups):
        scenario_members = member_groups.get(scenario, empty_members)
        scenario_deals = deal_groups.get(scenario, empty_deals)
        scenario_groups = key_groups[scenario].sort_values("_group_row")
        n_groups = len(scenario_groups)
        amount = scenario_deals[amount_column].to_numpy(dtype=np.float64)
        probability = scenario_deals[probability_column].to_numpy(dtype=np.float64)
        m_deal = scenario_members["_deal_row"].to_numpy()
        m_group = scenario_members["_group_row"].to_numpy()
        extra_matrix = None
        if scenario in extra_groups:
            scenario_extra = extra_groups[scenario]
            extra_matrix = np.zeros((n_groups, int(scenario_extra[extra_count_column].max())))
            np.add.at(
                extra_matrix,
                (scenario_extra["_group_row"].to_numpy(), scenario_extra[extra_index_column].to_numpy() - 1),
                scenario_extra[extra_amount_column].to_numpy(dtype=np.float64),
            )
        if len(scenario_deals) <= max_monte_carlo_deals:
            method = "monte_carlo"
            bands = monte_carlo_bands(
                amount, probability, m_deal, m_group, n_groups,
                draws=draws, seed=seed, scenario_key="|".join(map(str, scenario)),
                chunk_draws=chunk_draws, extra=extra_matrix,
            )
        else:
            method = "cornish_fisher"
            bands = cornish_fisher_bands(amount, probability, m_deal, m_group, n_groups, extra=extra_matrix)
        expected = np.bincount(
            m_group,
            weights=scenario_members[amount_column].to_numpy(dtype=np.float64)
            * np.clip(scenario_members[probability_column].to_numpy(dtype=np.float64), 0, 1),
            minlength=n_groups,
        )
        counts = np.bincount(m_group, minlength=n_groups)
        frame = scenario_groups[keys].reset_index(drop=True).copy()
        frame["open_deal_count"] = counts.astype(np.int64)
        frame["expected_amount"] = expected
        frame["p10_amount"] = bands[:, 0]
        frame["p50_amount"] = bands[:, 1]
        frame["p90_amount"] = bands[:, 2]
        frame["forecast_method"] = method
        results.append(frame)

    columns = keys + ["open_deal_count", "expected_amount", "p10_amount", "p50_amount",
                      "p90_amount", "forecast_method"]
    out = pd.concat(results, ignore_index=True) if results else pd.DataFrame(columns=columns)
    if groups is not None:
        out = groups[keys].drop_duplicates().merge(out, on=keys, how="left")
        out["open_deal_count"] = out["open_deal_count"].fillna(0).astype(np.int64)
        for column in ["expected_amount", "p10_amount", "p50_amount", "p90_amount"]:
            out[column] = out[column].fillna(0.0).astype(np.float64)
        out["forecast_method"] = out["forecast_method"].fillna("no_open_deals")
    return out.sort_values(keys, kind="mergesort").reset_index(drop=True)[columns]
