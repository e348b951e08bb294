"""The forecast engine: the distribution of the sum of independent Bernoulli(p) x amount per
group. Hand-enumerated cases (two and three deals, zero deals, p = 0 and 1), team totals drawn
from the same draws as their reps, seed stability of P10/P90 at the default number of draws,
the Cornish-Fisher approximation against Monte Carlo on a large group, and the bookings of
deals not yet created added to the draws (one past period per draw for every group) and to the
cumulants, enumerated by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revops_kpis.forecast import (
    DEFAULT_DRAWS,
    cornish_fisher_bands,
    draw_quantiles,
    empirical_cumulants,
    forecast_bands,
    monte_carlo_bands,
    simulate_totals,
)

SCENARIO = ["forecast_date"]
GROUP = ["grain", "grain_id"]


def _frames(rows):
    """rows: (deal, amount, p, [groups]) -> deals and memberships frames of one scenario."""
    deals = pd.DataFrame(
        [{"forecast_date": "2026-01-05", "opportunity_id": d, "amount": a, "probability": p}
         for d, a, p, _ in rows]
    )
    members = pd.DataFrame(
        [{"forecast_date": "2026-01-05", "opportunity_id": d, "grain": g, "grain_id": i}
         for d, _, _, groups in rows for g, i in groups]
    )
    return deals, members


def _band(out, grain, grain_id):
    row = out[(out.grain == grain) & (out.grain_id == grain_id)].iloc[0]
    return row


def test_two_deals_enumerated_by_hand():
    # deal A: 100 at p = 0.5, deal B: 300 at p = 0.25. Outcomes:
    #   0   : 0.5 x 0.75 = 0.375  (cdf 0.375)
    #   100 : 0.5 x 0.75 = 0.375  (cdf 0.750)
    #   300 : 0.5 x 0.25 = 0.125  (cdf 0.875)
    #   400 : 0.5 x 0.25 = 0.125  (cdf 1.000)
    # P10 = 0 (first cdf >= 0.1), P50 = 100, P90 = 400 (0.875 < 0.9); E = 50 + 75 = 125.
    deals, members = _frames([("A", 100.0, 0.5, [("rep", "r1")]), ("B", 300.0, 0.25, [("rep", "r1")])])
    out = forecast_bands(deals, members, scenario_columns=SCENARIO, group_columns=GROUP)
    row = _band(out, "rep", "r1")
    assert row.open_deal_count == 2
    assert row.expected_amount == pytest.approx(125.0)
    assert (row.p10_amount, row.p50_amount, row.p90_amount) == (0.0, 100.0, 400.0)
    assert row.forecast_method == "monte_carlo"


def test_three_deals_with_a_certain_one_enumerated_by_hand():
    # 100 at p = 0.9, 200 at p = 0.6, 50 at p = 1 (always booked). The uncertain part:
    #   0   : 0.1 x 0.4 = 0.04,  100 : 0.9 x 0.4 = 0.36,
    #   200 : 0.1 x 0.6 = 0.06,  300 : 0.9 x 0.6 = 0.54;
    # plus 50: 50 (cdf 0.04), 150 (0.40), 250 (0.46), 350 (1.00).
    # P10 = 150, P50 = 350 (0.46 < 0.5), P90 = 350; E = 90 + 120 + 50 = 260.
    deals, members = _frames([
        ("A", 100.0, 0.9, [("rep", "r1")]),
        ("B", 200.0, 0.6, [("rep", "r1")]),
        ("C", 50.0, 1.0, [("rep", "r1")]),
    ])
    out = forecast_bands(deals, members, scenario_columns=SCENARIO, group_columns=GROUP)
    row = _band(out, "rep", "r1")
    assert row.expected_amount == pytest.approx(260.0)
    assert (row.p10_amount, row.p50_amount, row.p90_amount) == (150.0, 350.0, 350.0)


def test_zero_deals_give_a_zero_band():
    deals, members = _frames([])
    groups = pd.DataFrame([{"forecast_date": "2026-01-05", "grain": "company", "grain_id": "all"}])
    out = forecast_bands(
        pd.DataFrame(columns=["forecast_date", "opportunity_id", "amount", "probability"]),
        pd.DataFrame(columns=["forecast_date", "opportunity_id", "grain", "grain_id"]),
        scenario_columns=SCENARIO, group_columns=GROUP, groups=groups,
    )
    assert len(out) == 1
    row = out.iloc[0]
    assert row.open_deal_count == 0
    assert (row.expected_amount, row.p10_amount, row.p50_amount, row.p90_amount) == (0, 0, 0, 0)
    assert row.forecast_method == "no_open_deals"


def test_probability_zero_and_one_are_certain_in_both_methods():
    # 100 at p = 1 is always booked, 500 at p = 0 never: every percentile is 100.
    deals, members = _frames([("A", 100.0, 1.0, [("rep", "r1")]), ("B", 500.0, 0.0, [("rep", "r1")])])
    for max_mc in (10, 0):  # Monte Carlo, then the cumulant expansion
        out = forecast_bands(deals, members, scenario_columns=SCENARIO, group_columns=GROUP,
                             max_monte_carlo_deals=max_mc)
        row = _band(out, "rep", "r1")
        assert row.forecast_method == ("monte_carlo" if max_mc else "cornish_fisher")
        assert row.expected_amount == 100.0
        assert (row.p10_amount, row.p50_amount, row.p90_amount) == (100.0, 100.0, 100.0)


def test_team_and_company_come_from_the_same_draws_as_their_reps():
    # deals 0, 1 -> rep 0; deal 2 -> rep 1; all three -> team (group 2)
    amount = np.array([100.0, 300.0, 200.0])
    p = np.array([0.5, 0.25, 0.6])
    m_deal = np.array([0, 1, 2, 0, 1, 2])
    m_group = np.array([0, 0, 1, 2, 2, 2])
    totals = simulate_totals(amount, p, m_deal, m_group, 3, draws=5_000, scenario_key="x")
    np.testing.assert_array_equal(totals[2], totals[0] + totals[1])
    # and the team's P50 is not the sum of the reps' P50s (100 + 200 != team's)
    bands = monte_carlo_bands(amount, p, m_deal, m_group, 3, draws=5_000, scenario_key="x")
    assert bands[2, 1] != bands[0, 1] + bands[1, 1]


def test_deterministic_for_a_seed_and_independent_of_other_scenarios():
    deals, members = _frames([("A", 100.0, 0.5, [("rep", "r1")]), ("B", 300.0, 0.25, [("rep", "r1")])])
    first = forecast_bands(deals, members, scenario_columns=SCENARIO, group_columns=GROUP, draws=500)
    other = deals.assign(forecast_date="2025-12-29")
    both = forecast_bands(
        pd.concat([other, deals]), pd.concat([members.assign(forecast_date="2025-12-29"), members]),
        scenario_columns=SCENARIO, group_columns=GROUP, draws=500,
    )
    pd.testing.assert_frame_equal(first, both[both.forecast_date == "2026-01-05"].reset_index(drop=True))


def _portfolio(n, seed=7):
    rng = np.random.default_rng(seed)
    amount = np.round(rng.lognormal(mean=9.5, sigma=0.9, size=n), 2)
    p = rng.beta(1.2, 2.5, size=n)
    return amount, p


@pytest.mark.parametrize("n_deals", [40, 400])
def test_p10_and_p90_move_less_than_half_a_percent_between_seeds(n_deals):
    amount, p = _portfolio(n_deals)
    index = np.arange(n_deals)
    group = np.zeros(n_deals, dtype=np.int64)
    runs = [monte_carlo_bands(amount, p, index, group, 1, seed=seed)[0] for seed in (1, 2, 3)]
    for q in (0, 2):  # P10, P90
        values = np.array([run[q] for run in runs])
        assert np.ptp(values) / values.mean() < 0.005, (n_deals, q, values)
    assert DEFAULT_DRAWS == 50_000


@pytest.mark.parametrize("draws", [1, 2, 3, 10, 999, 1_000, 49_999, 50_000])
def test_draw_quantiles_equal_numpy_inverted_cdf(draws):
    # the in-place partition picks the same draws as numpy's quantile (inverted_cdf), ties and
    # repeated values included
    rng = np.random.default_rng(7)
    totals = np.round(rng.gamma(2.0, 1_000.0, size=(4, draws)), -2)
    expected = np.quantile(totals, (0.10, 0.50, 0.90), axis=1, method="inverted_cdf").T
    np.testing.assert_array_equal(draw_quantiles(totals.copy()), expected)


def test_cornish_fisher_agrees_with_monte_carlo_on_a_large_group():
    # the documented tolerance: within 1% of the Monte Carlo value for a group of 2,000 deals
    # (the rule only uses the expansion above DEFAULT_MAX_MONTE_CARLO_DEALS deals)
    amount, p = _portfolio(2_000)
    index = np.arange(2_000)
    group = np.zeros(2_000, dtype=np.int64)
    mc = monte_carlo_bands(amount, p, index, group, 1)[0]
    cf = cornish_fisher_bands(amount, p, index, group, 1)[0]
    np.testing.assert_allclose(cf, mc, rtol=0.01)


def _extra(rows, count):
    """rows: (grain, grain_id, past period number 1..count, amount) -> new-deal rows."""
    return pd.DataFrame(
        [{"forecast_date": "2026-01-05", "grain": g, "grain_id": i, "history_rank": r,
          "history_period_count": count, "new_deal_amount": a} for g, i, r, a in rows]
    )


def test_new_deal_bookings_added_to_the_draws_enumerated_by_hand():
    # one open deal: 100 at p = 0.4 for rep r1 (team m1). New deals in 3 past periods, equally
    # likely: period 1: r1 40; period 2: r2 60; period 3: nothing (no rows). m1 = r1 + r2.
    # r1: open 0 (0.6) / 100 (0.4) x new 40 (1/3) / 0 (2/3): 0: 0.4, 40: 0.2, 100: 0.2667,
    #     140: 0.1333 -> cdf 0.4, 0.6, 0.8667, 1: P10 = 0, P50 = 40, P90 = 140.
    # r2: new only, 0 (2/3) / 60 (1/3): P10 = 0, P50 = 0, P90 = 60.
    # m1: the SAME past period for both reps: 40, 60 or 0, plus the open deal: 0, 40, 60 (0.2
    #     each), 100, 140, 160 (0.1333 each) -> cdf 0.2, 0.4, 0.6, 0.733, 0.867, 1: P10 = 0,
    #     P50 = 60, P90 = 160 (had r1 and r2 drawn their periods apart, m1 could book 200).
    deals, members = _frames([("A", 100.0, 0.4, [("rep", "r1"), ("team", "m1")])])
    extra = _extra([("rep", "r1", 1, 40.0), ("team", "m1", 1, 40.0),
                    ("rep", "r2", 2, 60.0), ("team", "m1", 2, 60.0)], 3)
    out = forecast_bands(deals, members, scenario_columns=SCENARIO, group_columns=GROUP,
                         extra=extra, draws=20_000)
    r1, r2, m1 = (_band(out, *key) for key in [("rep", "r1"), ("rep", "r2"), ("team", "m1")])
    assert (r1.p10_amount, r1.p50_amount, r1.p90_amount) == (0.0, 40.0, 140.0)
    assert (r2.p10_amount, r2.p50_amount, r2.p90_amount) == (0.0, 0.0, 60.0)
    assert (m1.p10_amount, m1.p50_amount, m1.p90_amount) == (0.0, 60.0, 160.0)
    # expected_amount stays the open deals' (the caller adds the new-deal mean)
    assert (r1.expected_amount, r2.expected_amount, m1.expected_amount) == pytest.approx((40.0, 0.0, 40.0))
    assert (r1.open_deal_count, r2.open_deal_count) == (1, 0)


def test_team_totals_equal_their_reps_draw_by_draw_with_new_deals():
    amount = np.array([100.0, 250.0])
    p = np.array([0.4, 0.7])
    # groups: 0 = r1 (deal 0), 1 = r2 (deal 1), 2 = team (both)
    extra = np.array([[10.0, 0.0, 30.0], [0.0, 20.0, 5.0], [10.0, 20.0, 35.0]])
    totals = simulate_totals(amount, p, np.array([0, 1, 0, 1]), np.array([0, 1, 2, 2]), 3,
                             draws=5_000, extra=extra)
    np.testing.assert_allclose(totals[2], totals[0] + totals[1])
    # the open-deal draws are those without new deals: the new deals come from their own stream
    plain = simulate_totals(amount, p, np.array([0, 1, 0, 1]), np.array([0, 1, 2, 2]), 3, draws=5_000)
    assert set(np.unique(totals[0] - plain[0])) <= {0.0, 10.0, 30.0}


def test_new_deal_cumulants_added_to_the_expansion_by_hand():
    # no open deal; new deals 0, 30, 60 equally likely: mean 30, k2 = (900 + 0 + 900) / 3 = 600,
    # k3 = 0, m4 = (810000 + 810000) / 3 = 540000, k4 = 540000 - 3 x 600^2 = -540000
    mean, k2, k3, k4, largest = empirical_cumulants(np.array([[0.0, 30.0, 60.0]]))
    assert (mean[0], k2[0], k3[0], k4[0], largest[0]) == pytest.approx((30.0, 600.0, 0.0, -540000.0, 60.0))
    # the expansion: g1 = 0, g2 = -540000 / 600^2 = -1.5; z = 1.2815515655: w = z + (z^3 - 3z)
    # x g2 / 24 = 1.2815516 + (2.1048 - 3.8447) x -1.5 / 24 = 1.2815516 + 0.1087 = 1.3903;
    # P90 = 30 + 1.3903 x sqrt(600) = 30 + 34.054 = 64.05, clipped to the largest, 60
    bands = cornish_fisher_bands(np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64),
                                 np.zeros(0, dtype=np.int64), 1, extra=np.array([[0.0, 30.0, 60.0]]))
    assert bands[0, 1] == pytest.approx(30.0)
    assert bands[0, 2] == pytest.approx(60.0)
