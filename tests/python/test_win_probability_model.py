"""The win-probability dbt models on the demo export: vars reach the Python model through
config(meta=...), the fallback to stage win rates, and the SQL scoring agrees with the
Python package's predict_proba on the fitted coefficients."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dbt_helpers import build, query
from revops_kpis.export_spec import PROJECT_ROOT
from revops_kpis.win_probability import FittedLogit, predict_proba

DEMO = PROJECT_ROOT / "data" / "demo_export"
SELECTION = [
    "--select", "+path:models/intermediate/sales/win_probability", "--exclude", "resource_type:test",
    "--indirect-selection", "cautious",
]
MODEL_SQL = (
    "select term, coefficient, feature_mean, feature_scale, method, min_closed_deals, l2_penalty, closed_deals "
    "from intermediate.int_win_probability_model"
)


@pytest.fixture(scope="module")
def fitted_build(tmp_path_factory):
    return build(DEMO, tmp_path_factory.mktemp("wp"), selection=SELECTION)


def test_model_is_fitted_with_the_default_settings(fitted_build):
    rows = query(fitted_build, MODEL_SQL)
    assert {row[4] for row in rows} == {"logistic_regression"}
    assert {(row[5], row[6]) for row in rows} == {(50, 1.0)}
    # the demo export's closed deals, counted straight from the staged opportunities
    closed = query(fitted_build, "select count(*) from staging.stg_salesforce__opportunities where is_closed")[0][0]
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
    columns = ", ".join(f"f.feature_{name}" for name in features)
    rows = query(
        fitted_build,
        f"select s.probability_after, {columns} from intermediate.int_interactions_scored as s "
        "inner join intermediate.int_win_probability_features as f on s.interaction_id = f.interaction_id "
        "order by s.interaction_id limit 500",
    )
    assert len(rows) == 500
    expected = predict_proba(model, np.array([row[1:] for row in rows], dtype=float))
    np.testing.assert_allclose([row[0] for row in rows], expected, rtol=1e-9)


def test_vars_reach_the_python_model_and_the_fallback_uses_stage_win_rates(tmp_path):
    duckdb_path = build(
        DEMO, tmp_path,
        extra_vars={"win_probability_min_closed_deals": 100000, "win_probability_l2_penalty": 7.5},
        selection=SELECTION,
    )
    rows = query(duckdb_path, MODEL_SQL)
    assert len(rows) == 1
    term, coefficient, _, _, method, min_closed_deals, l2_penalty, _ = rows[0]
    assert (term, coefficient, method, min_closed_deals, l2_penalty) == ("intercept", None, "stage_win_rate", 100000, 7.5)
    # every interaction is scored with its stage's historical win rate, and changes nothing
    mismatches = query(
        duckdb_path,
        "select count(*) from intermediate.int_interactions_scored as s "
        "inner join intermediate.int_stage_win_rates as r on s.stage_name = r.stage_name "
        "where s.probability_before <> r.stage_win_rate or s.probability_delta <> 0 "
        "or s.probability_method <> 'stage_win_rate'",
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
                                     "where stage_order = 2")[0]
    won, closed = query(
        duckdb_path,
        "with last_rows as (select opportunity_id, stage_name, row_number() over (partition by opportunity_id "
        "order by changed_at desc, opportunity_history_id desc) as recency "
        "from staging.stg_salesforce__opportunity_history), "
        "final_stages as (select o.opportunity_id, coalesce(h.stage_name, o.stage_name) as stage_name "
        "from staging.stg_salesforce__opportunities as o "
        "left join last_rows as h on o.opportunity_id = h.opportunity_id and h.recency = 1), "
        "outcomes as (select d.opportunity_id, "
        "case when f.is_closed then f.is_won else coalesce(o.is_won, false) end as is_won "
        "from final_stages as d "
        "inner join staging.stg_salesforce__stage_funnel as f on d.stage_name = f.stage_name "
        "inner join staging.stg_salesforce__opportunities as o on d.opportunity_id = o.opportunity_id "
        "where f.is_closed or coalesce(o.is_closed, false)) "
        "select sum(case when outcomes.is_won then 1 else 0 end), count(*) from outcomes "
        "inner join staging.stg_salesforce__opportunities as o on outcomes.opportunity_id = o.opportunity_id "
        f"where exists (select 1 from staging.stg_salesforce__opportunity_history as h "
        f"where h.opportunity_id = o.opportunity_id and h.stage_name = '{stage}') "
        f"or (o.stage_name = '{stage}' and not exists (select 1 from staging.stg_salesforce__opportunity_history as h "
        "where h.opportunity_id = o.opportunity_id))",
    )[0]
    assert (stage, won, closed) == ("Stage X", 1, 3)
    assert math.isclose(rate, won / closed)


def test_the_fit_does_not_depend_on_the_order_the_engine_holds_the_rows_in():
    """training_table sorts the training moments by their key: the same moments in another
    order give the same training table and, to the last bit, the same coefficients."""
    import duckdb

    from revops_kpis.win_probability import fit_win_probability
    from revops_kpis.win_probability_frames import feature_names, training_table

    rng = np.random.default_rng(7)
    n = 400
    x = rng.normal(size=n)
    won = rng.random(n) < 1 / (1 + np.exp(-x))
    rows = [
        (f"00T{i:015d}", f"006{i // 4:015d}", bool(won[i]), float(x[i]), float(rng.normal()), True, i % 10 == 0)
        for i in range(n)
    ]
    fits = []
    for seed in (1, 2):
        shuffled = list(rows)
        np.random.default_rng(seed).shuffle(shuffled)
        with duckdb.connect() as con:
            con.execute(
                "create table moments (interaction_id varchar, opportunity_id varchar, is_won boolean, "
                "feature_x double, feature_noise double, is_training boolean, is_holdout boolean)"
            )
            con.executemany("insert into moments values (?, ?, ?, ?, ?, ?, ?)", shuffled)
            moments = con.table("moments")
            table = training_table(moments, feature_names(moments), max_training_rows=1_000)
            fits.append((table, fit_win_probability(table, feature_names(moments), min_closed_deals=5)))
    assert fits[0][0].equals(fits[1][0])
    assert fits[0][1].equals(fits[1][1])
    assert fits[0][1]["method"][0].as_py() == "logistic_regression"
