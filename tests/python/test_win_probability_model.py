"""The win-probability dbt models on the demo export: vars reach the Python model through
config(meta=...), the fallback to stage win rates, the SQL scoring agrees with the Python
package's predict_proba on the fitted coefficients, and interaction value has the properties
its definition promises (a deal's touches telescope, a close is worth amount x (outcome -
probability before), both signs occur, junk touches do not raise a deal's total)."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pytest

from dbt_helpers import build, query
from revops_kpis.export_spec import PROJECT_ROOT
from revops_kpis.win_probability import FittedLogit, predict_proba

DEMO = PROJECT_ROOT / "data" / "demo_export"
SELECTION = [
    "--select", "+path:models/intermediate/sales/win_probability", "+fct_interactions",
    "+fct_opportunity_probabilities", "--exclude", "resource_type:test", "--indirect-selection", "cautious",
]
# the current fit (the as-of cut-off), which scores today's open deals and the interactions
MODEL_SQL = (
    "select term, coefficient, feature_mean, feature_scale, method, min_closed_deals, l2_penalty, closed_deals "
    "from intermediate.int_win_probability_model where is_current"
)


@pytest.fixture(scope="module")
def fitted_build(tmp_path_factory):
    return build(DEMO, tmp_path_factory.mktemp("wp"), selection=SELECTION)


def test_model_is_fitted_with_the_default_settings(fitted_build):
    rows = query(fitted_build, MODEL_SQL)
    assert {row[4] for row in rows} == {"logistic_regression"}
    assert {(row[5], row[6]) for row in rows} == {(50, 1.0)}
    # the demo export's closed deals, counted straight from the staged opportunities
    closed = query(fitted_build, "select count(*) from staging.stg_crm__opportunities where is_closed")[0][0]
    assert 0 < rows[0][7] <= closed


def test_sql_scoring_matches_the_python_formula(fitted_build):
    terms = {row[0]: row[1:4] for row in query(fitted_build, MODEL_SQL)}
    features = [name for name in terms if name != "intercept"]
    model = FittedLogit(
        intercept=terms["intercept"][0],
        coefficients=np.array([terms[name][0] for name in features]),
        means=np.array([terms[name][1] for name in features]),
        scales=np.array([terms[name][2] for name in features]),
        l2=1.0, iterations=0, converged=True, training_rows=0,
    )
    columns = ", ".join(f"m.feature_{name}" for name in features)
    rows = query(
        fitted_build,
        f"select s.win_probability, {columns} from intermediate.int_win_probability_scores as s "
        "inner join intermediate.int_win_probability_moments as m on s.moment_id = m.moment_id "
        "order by s.moment_id limit 500",
    )
    assert len(rows) == 500
    expected = predict_proba(model, np.array([row[1:] for row in rows], dtype=float))
    np.testing.assert_allclose([row[0] for row in rows], expected, rtol=1e-9)


def test_vars_reach_the_python_model_and_the_fallback_uses_stage_win_rates(tmp_path):
    duckdb_path = build(
        DEMO, tmp_path,
        extra_vars={"win_probability_min_closed_deals": 100000, "win_probability_l2_penalty": 7.5,
                    "win_probability_max_past_training_rows": 1000},
        selection=SELECTION,
    )
    rows = query(duckdb_path, MODEL_SQL)
    assert len(rows) == 1
    term, coefficient, _, _, method, min_closed_deals, l2_penalty, _ = rows[0]
    assert (term, coefficient, method, min_closed_deals, l2_penalty) == ("intercept", None, "stage_win_rate", 100000, 7.5)
    # the past fits' rows are sampled to about 1,000 (every k-th hash bucket), the current fit's not
    sizes = query(duckdb_path, "select is_current, training_rows from intermediate.int_win_probability_model "
                               "order by fitted_at")
    assert sizes[-1] == (True, 8024)
    assert max(rows for _, rows in sizes[:-1]) <= 1300 and sum(1 for _, rows in sizes[:-1] if rows > 700) >= 3
    # every cut-off's fit falls back the same way: one intercept row each, nothing fitted
    assert query(duckdb_path, "select count(*) = count(distinct fitted_at), bool_and(term = 'intercept' "
                              "and method = 'stage_win_rate' and not is_fitted) "
                              "from intermediate.int_win_probability_model") == [(True, True)]
    # every moment is scored with its stage's historical win rate; an interaction's change is
    # then its stage's rate at the end of its interval (1 or 0 at a close) less the rate before
    mismatches = query(
        duckdb_path,
        "select count(*) from intermediate.int_win_probability_scores as s "
        "inner join intermediate.int_stage_win_rates as r on s.stage_name = r.stage_name and r.is_current "
        "where s.win_probability <> r.stage_win_rate or s.probability_method <> 'stage_win_rate'",
    )
    assert mismatches == [(0,)]
    mismatches = query(
        duckdb_path,
        "select count(*) from intermediate.int_interactions_scored as s "
        "inner join intermediate.int_stage_win_rates as r on s.stage_name = r.stage_name and r.is_current "
        "where s.probability_before <> r.stage_win_rate or s.probability_method <> 'stage_win_rate'",
    )
    assert mismatches == [(0,)]
    # the stage win rate worked out independently: deals closed at the as-of time (the default
    # as_of, the latest timestamp: no history after it) that entered the stage (a history row in
    # it, or no history at all and created in it), won share. A deal is closed when the stage of
    # its last history row (its current stage without history) is a closed funnel stage, with
    # that stage's outcome; or, when that stage is open, when its Opportunity row says IsClosed,
    # with the row's IsWon (the history lacks the close). On the demo, stage 2 is the inferred
    # Stage X: 0065J000mDj004aQQA is lost by its history; 004g (IsClosed, not won, its last row in
    # Stage X) is lost and 009q (IsWon, no history, created in Stage X) won by their rows: 1/3.
    stage, rate = query(duckdb_path, "select stage_name, stage_win_rate from intermediate.int_stage_win_rates "
                                     "where stage_order = 2 and is_current")[0]
    won, closed = query(
        duckdb_path,
        "with last_rows as (select opportunity_id, stage_name, row_number() over (partition by opportunity_id "
        "order by changed_at desc, opportunity_history_id desc) as recency "
        "from staging.stg_crm__opportunity_history), "
        "final_stages as (select o.opportunity_id, coalesce(h.stage_name, o.stage_name) as stage_name "
        "from staging.stg_crm__opportunities as o "
        "left join last_rows as h on o.opportunity_id = h.opportunity_id and h.recency = 1), "
        "outcomes as (select d.opportunity_id, "
        "case when f.is_closed then f.is_won else coalesce(o.is_won, false) end as is_won "
        "from final_stages as d "
        "inner join staging.stg_crm__stage_funnel as f on d.stage_name = f.stage_name "
        "inner join staging.stg_crm__opportunities as o on d.opportunity_id = o.opportunity_id "
        "where f.is_closed or coalesce(o.is_closed, false)) "
        "select sum(case when outcomes.is_won then 1 else 0 end), count(*) from outcomes "
        "inner join staging.stg_crm__opportunities as o on outcomes.opportunity_id = o.opportunity_id "
        f"where exists (select 1 from staging.stg_crm__opportunity_history as h "
        f"where h.opportunity_id = o.opportunity_id and h.stage_name = '{stage}') "
        f"or (o.stage_name = '{stage}' and not exists (select 1 from staging.stg_crm__opportunity_history as h "
        "where h.opportunity_id = o.opportunity_id))",
    )[0]
    assert (stage, won, closed) == ("Stage X", 1, 3)
    assert math.isclose(rate, won / closed)


# ---------------------------------------------------------------------------------------------
# interaction value on the demo build (the fitted model)

RUNS_SQL = """
with scored as (
    select
        *,
        lag(interval_end_reason) over deal_order as previous_reason
    from intermediate.int_interactions_scored
    window deal_order as (partition by opportunity_id order by occurred_at, interaction_id)
),
runs as (
    select
        *,
        sum(case when previous_reason = 'next_interaction' then 0 else 1 end) over deal_order as run_number
    from scored
    window deal_order as (partition by opportunity_id order by occurred_at, interaction_id)
),
ordered as (
    select
        *,
        row_number() over (partition by opportunity_id, run_number order by occurred_at, interaction_id) as position,
        count(*) over (partition by opportunity_id, run_number) as run_length
    from runs
)
select
    opportunity_id,
    run_number,
    max(run_length),
    sum(probability_delta),
    max(case when position = 1 then probability_before end),
    max(case when position = run_length then probability_after end)
from ordered
group by opportunity_id, run_number
"""


def test_a_deals_touches_telescope_over_each_touched_stretch(fitted_build):
    # a run: touches whose intervals end at the next touch, up to one whose interval ends at
    # the close, the as-of time or the horizon; the changes of a run add up to the movement
    # of the probability from just before its first touch to the end of its last interval
    runs = query(fitted_build, RUNS_SQL)
    assert len(runs) > 500
    assert sum(1 for run in runs if run[2] > 1) > 300
    for opportunity_id, run_number, _, total, first_before, last_after in runs:
        assert math.isclose(total, last_after - first_before, abs_tol=1e-12), (opportunity_id, run_number)


def test_a_touch_before_the_close_is_worth_amount_times_outcome_less_before(fitted_build):
    rows = query(
        fitted_build,
        "select s.probability_before, s.probability_after, s.amount, s.interaction_value_amount, o.is_won "
        "from intermediate.int_interactions_scored as s "
        "inner join intermediate.int_opportunity_outcomes as o on s.opportunity_id = o.opportunity_id "
        "where s.interval_end_reason = 'close'",
    )
    assert len({row[4] for row in rows}) == 2  # won and lost closes both occur
    for before, after, amount, value, is_won in rows:
        outcome = 1.0 if is_won else 0.0
        assert after == outcome
        assert math.isclose(value, float(amount) * (outcome - before), rel_tol=1e-12, abs_tol=1e-9)


def test_both_signs_occur_and_rep_aiv_is_not_deal_size(fitted_build):
    valued, positive, negative = query(
        fitted_build,
        "select count(*), sum(case when interaction_value_amount > 0 then 1 else 0 end), "
        "sum(case when interaction_value_amount < 0 then 1 else 0 end) "
        "from marts.fct_interactions where interaction_value_amount is not null",
    )[0]
    assert valued > 10_000
    assert positive / valued >= 0.10 and negative / valued >= 0.10
    # rep AIV against the mean deal amount the rep's valued touches were on (docs/kpi_definitions.md
    # reports it; the per-interaction model made it 0.83)
    rows = query(
        fitted_build,
        "select f.owner_id, avg(f.interaction_value_amount), avg(s.amount) from marts.fct_interactions as f "
        "inner join intermediate.int_interactions_scored as s on f.interaction_id = s.interaction_id "
        "group by f.owner_id",
    )
    aiv = np.array([float(row[1]) for row in rows])
    amount = np.array([float(row[2]) for row in rows])
    assert len(rows) >= 20
    assert np.corrcoef(aiv, amount)[0, 1] < 0.6


def test_the_model_beats_the_stage_win_rates_on_held_out_deals(fitted_build):
    method, holdout, brier, brier_baseline = query(
        fitted_build,
        "select distinct method, holdout_deals, brier_score, brier_score_baseline "
        "from intermediate.int_win_probability_model where is_current",
    )[0]
    assert method == "logistic_regression"
    assert holdout > 50 and brier < brier_baseline
    # the calibration table scores the same held-out deals, one moment each, with the same model
    held_out, calibration_brier, deciles = query(
        fitted_build,
        "select max(held_out_deal_count), max(brier_score), count(*) from intermediate.int_win_probability_calibration",
    )[0]
    assert (held_out, deciles) == (holdout, 10)
    assert math.isclose(calibration_brier, brier, rel_tol=1e-9)


def test_open_deals_get_one_probability_each(fitted_build):
    # the deals open at the as-of time, worked out from the stage of their latest history row
    # (the demo has no Opportunity row closed without a closing history row among open ones)
    expected = query(
        fitted_build,
        "select count(*) from intermediate.int_opportunity_outcomes where not is_closed",
    )[0][0]
    rows = query(
        fitted_build,
        "select count(*), count(distinct opportunity_id), min(win_probability), max(win_probability), "
        "avg(win_probability) from marts.fct_opportunity_probabilities",
    )[0]
    assert rows[0] == rows[1] == expected > 100
    assert 0 < rows[2] < rows[3] < 1
    # weighted by deal the model is no longer skewed to won deals: the mean open-deal probability
    # stays below one half (the per-interaction fit gave 0.57 against a 0.34 deal win rate)
    assert rows[4] < 0.5


# ---------------------------------------------------------------------------------------------
# one fit per cut-off: a date is scored with what was knowable then

# Each closed deal's close, worked out from the staged rows apart from the models: a deal whose
# latest history row is in a closed stage closed when it entered that stage for the last time
# (the first row of its final run of rows in it); a deal the Opportunity row says is closed
# without such a row closed at 00:00 (UTC, the default reporting zone) of its CloseDate, never
# before its creation. Held out: the last hex digit of the md5 of its id is 0, 1 or 2.
CLOSES_SQL = """
with history as (
    select opportunity_id, opportunity_history_id, stage_name, changed_at
    from staging.stg_crm__opportunity_history
),
last_rows as (
    select opportunity_id, stage_name,
           row_number() over (partition by opportunity_id order by changed_at desc, opportunity_history_id desc) as recency
    from history
),
final_stages as (select opportunity_id, stage_name from last_rows where recency = 1),
left_final_stage as (
    select h.opportunity_id, max(h.changed_at) as left_at
    from history as h inner join final_stages as f using (opportunity_id)
    where h.stage_name <> f.stage_name
    group by h.opportunity_id
),
history_closes as (
    select f.opportunity_id, min(h.changed_at) as closed_at, any_value(s.is_won) as is_won
    from final_stages as f
    inner join staging.stg_crm__stage_funnel as s on s.stage_name = f.stage_name and s.is_closed
    inner join history as h on h.opportunity_id = f.opportunity_id and h.stage_name = f.stage_name
    left join left_final_stage as l on l.opportunity_id = f.opportunity_id
    where l.left_at is null or h.changed_at > l.left_at
    group by f.opportunity_id
),
row_closes as (
    select o.opportunity_id, greatest(cast(o.close_date as timestamp), o.created_at) as closed_at,
           coalesce(o.is_won, false) as is_won
    from staging.stg_crm__opportunities as o
    where coalesce(o.is_closed, false)
      and o.opportunity_id not in (select opportunity_id from history_closes)
)
select opportunity_id, closed_at, is_won, right(md5(opportunity_id), 1) in ('0', '1', '2') as is_holdout
from (select * from history_closes union all select * from row_closes)
"""


def test_no_fit_learns_from_a_deal_closed_after_its_cutoff(fitted_build):
    import duckdb

    from revops_kpis.win_probability_frames import cutoff_list, feature_names, training_table

    closes = query(fitted_build, CLOSES_SQL)
    fits = query(fitted_build, "select distinct fitted_at, closed_deals, won_deals, holdout_deals, is_current "
                               "from intermediate.int_win_probability_model order by fitted_at")
    # one row of counts per cut-off; the current fit's cut-off is the last
    assert len(fits) == len({fit[0] for fit in fits}) >= 8 and fits[-1][4] and not any(fit[4] for fit in fits[:-1])
    for fitted_at, closed_deals, won_deals, holdout_deals, _ in fits:
        known = [close for close in closes if close[1] <= fitted_at]
        assert closed_deals == sum(1 for close in known if not close[3]), fitted_at
        assert won_deals == sum(1 for close in known if close[2] and not close[3]), fitted_at
        assert holdout_deals == sum(1 for close in known if close[3]), fitted_at
    # the rows the model reads at each cut-off (its own function on the built moments): every
    # deal among them closed by the cut-off
    closed_at = {close[0]: close[1] for close in closes}
    with duckdb.connect(str(fitted_build), read_only=True) as connection:
        moments = connection.table("intermediate.int_win_probability_moments")
        evaluation = connection.table("intermediate.int_win_probability_evaluation_moments")
        cutoffs = cutoff_list(connection.table("intermediate.int_win_probability_cutoffs"))
        assert [cutoff.fitted_at for cutoff in cutoffs] == [fit[0] for fit in fits]
        features = feature_names(moments)
        for cutoff in cutoffs:
            deals = set(training_table(moments, features, 2_000_000, evaluation,
                                       closed_by=cutoff.fitted_at)["opportunity_id"].to_pylist())
            assert deals == {deal for deal, at in closed_at.items() if at <= cutoff.fitted_at}, cutoff.fitted_at
    # the fits grow with the closes: the first fits learn nothing, the later ones are fitted
    assert fits[0][1] == 0 and fits[-1][1] > fits[len(fits) // 2][1] > 0


def test_each_date_is_scored_with_the_latest_cutoff_before_it(fitted_build):
    # the cut-offs worked out apart from the model: the calendar quarter starts (the default
    # fiscal year starts in January, UTC) before the as-of time, and the as-of time
    as_of = query(fitted_build, "select as_of from staging.stg_crm__export_as_of")[0][0]
    first = query(fitted_build, "select min(created_at) from staging.stg_crm__opportunities")[0][0]
    cutoffs = [datetime(year, month, 1) for year in range(first.year, as_of.year + 1) for month in (1, 4, 7, 10)]
    cutoffs = [cutoff for cutoff in cutoffs if cutoff < as_of] + [as_of]
    rows = query(fitted_build, "select snapshot_at, probability_fitted_at, count(*) "
                               "from intermediate.int_win_probability_at_dates group by all")
    assert len(rows) > 50
    for snapshot_at, fitted_at, _ in rows:
        assert fitted_at == max(cutoff for cutoff in cutoffs if cutoff <= snapshot_at), snapshot_at
    # dates before any deal had closed are scored with the stages' default probabilities
    defaults = query(fitted_build, """
        select count(*), count(*) filter (where d.win_probability = f.default_probability_rate)
        from intermediate.int_win_probability_at_dates as d
        inner join staging.stg_crm__stage_funnel as f on d.stage_name = f.stage_name
        where d.probability_method = 'stage_default_probability'
    """)[0]
    first_close = min(close[1] for close in query(fitted_build, CLOSES_SQL))
    before_first_close = query(fitted_build, "select count(*) from intermediate.int_win_probability_at_dates "
                                             f"where probability_fitted_at < timestamp '{first_close}'")[0][0]
    assert defaults[0] == defaults[1] == before_first_close


SMALL = PROJECT_ROOT / "tests" / "fixtures" / "exports" / "small"
ACME = "0065g00000AbcdEAAR"  # won 2025-02-15 16:45, 12,000 USD, in Prospecting until then
ACME_REP = "005000000000001AAA"
TASK_HEADER = ("Id,WhoId,WhatId,AccountId,OwnerId,Subject,Type,TaskSubtype,Status,ActivityDate,CreatedDate,"
               "CompletedDateTime,CallDurationInSeconds,IsDeleted")


def _with_acme_touches(destination, seconds_apart: list[int]):
    from dbt_helpers import copy_export

    export = copy_export("small", destination)
    lines = (export / "Task.csv").read_text().splitlines()
    assert lines[0] == TASK_HEADER
    for number, offset in enumerate(seconds_apart):
        stamp = f"2025-02-10T15:{offset // 60:02d}:{offset % 60:02d}.000Z"
        kind = "Call" if number == 0 else "Email"
        lines.append(f"00T0000000001{number:02d}AAA,,{ACME},001000000000001AAA,{ACME_REP},{kind},{kind},{kind},"
                     f"Completed,2025-02-10,{stamp},{stamp},,false")
    (export / "Task.csv").write_text("\n".join(lines) + "\n")
    return export


def test_a_burst_of_junk_touches_splits_a_deals_value_and_adds_nothing(tmp_path):
    # Two closed deals in the small export: too few to fit, so probabilities are the stage win
    # rates. Acme was in Prospecting, which both closed deals entered (one won, one lost): 0.5.
    # One call five days before the won close is worth 12,000 x (1 - 0.5) = 6,000. The same
    # call followed by nine e-mails within a minute: the ten touches share the 6,000 (the first
    # nine change nothing, the last carries the close), so the rep's mean falls to 600.
    selection = ["--select", "+rpt_kpi_tier3_levers", "--exclude", "resource_type:test",
                 "--indirect-selection", "cautious"]
    results = {}
    for name, offsets in (("one", [0]), ("burst", [0, 5, 10, 15, 20, 25, 30, 35, 40, 45])):
        built = build(_with_acme_touches(tmp_path / name / "export", offsets), tmp_path / name, selection=selection)
        values = query(
            built,
            f"select probability_before, probability_after, interaction_value_amount, probability_method "
            f"from marts.fct_interactions where opportunity_id = '{ACME}' order by occurred_at, interaction_id",
        )
        tier3 = query(
            built,
            "select valued_interaction_count, interaction_value_sum_amount, avg_interaction_value_amount "
            f"from marts.rpt_kpi_tier3_levers where grain = 'rep' and grain_id = '{ACME_REP}' "
            "and period_grain = 'month' and period_start = date '2025-02-01'",
        )
        results[name] = (values, tier3)
    one, burst = results["one"], results["burst"]
    assert [(row[0], row[1], float(row[2]), row[3]) for row in one[0]] == [(0.5, 1.0, 6000.0, "stage_win_rate")]
    assert len(burst[0]) == 10
    assert sum(float(row[2]) for row in burst[0]) == 6000.0
    assert [float(row[2]) for row in burst[0][:9]] == [0.0] * 9
    assert [tuple(float(value) for value in row) for row in one[1]] == [(1, 6000.0, 6000.0)]
    assert [tuple(float(value) for value in row) for row in burst[1]] == [(10, 6000.0, 600.0)]
