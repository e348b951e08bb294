"""One row per cut-off and term of the win-probability model, each fit learning only from the
export's deals closed by its cut-off.

The cut-offs (int_win_probability_cutoffs) are the starts of the fiscal periods of var
win_probability_refit_every and the as-of time (is_current: the fit that scores today's open
deals and the interactions); a deal's state at a past date is scored with the fit of the latest
cut-off at or before it (int_win_probability_at_dates), so it is the probability that was
knowable then. At each cut-off: a regularised logistic regression (revops_kpis.win_probability)
on the moments of the deals closed by then that are not held out: every feature_* column of
int_win_probability_moments, label = the deal was won, each deal weighing the same (each of its
moments 1 / its number of moments), in the order of their key (training_table sorts them: the
fit's sums, and so its coefficients to the last bit, follow the row order). The held-out deals
closed by then (their evaluation moments, int_win_probability_evaluation_moments) compare the
fit with the stage win rates (Brier score, log loss): method is 'logistic_regression' only when
the fit's Brier score is lower, else 'stage_win_rate' with the fitted coefficients kept for
transparency. Coefficients are on the standardised scale with the feature means and scales
beside them, so the scoring happens in SQL. With fewer closed deals than the min_closed_deals
setting, one row says the stage win rates (int_stage_win_rates, at the same cut-off) are used
instead.

Settings arrive through config(meta=...) in the model's YAML (Python models cannot read
dbt vars): min_closed_deals, l2_penalty, max_training_rows (the current fit's sample) and
max_past_training_rows (the past cut-offs' fits' sample).
"""

from revops_kpis.win_probability import fit_win_probability_at_cutoffs
from revops_kpis.win_probability_frames import coefficient_frame, cutoff_list, feature_names, training_table


def model(dbt, session):
    dbt.config(materialized="table")
    meta = dbt.config.get("meta") or {}
    min_closed_deals = int(meta["min_closed_deals"])
    l2_penalty = float(meta["l2_penalty"])
    max_training_rows = int(meta["max_training_rows"])
    # the fits at past cut-offs are sampled to fewer rows (they score the history; the current
    # fit, which scores today's deals, keeps max_training_rows)
    max_past_training_rows = int(meta["max_past_training_rows"])

    # a DuckDB relation (dbt-duckdb) or a Spark DataFrame (dbt-databricks)
    moments = dbt.ref("int_win_probability_moments")
    # one moment per held-out deal, the one the held-out comparison scores
    evaluation = dbt.ref("int_win_probability_evaluation_moments")
    cutoffs = cutoff_list(dbt.ref("int_win_probability_cutoffs"))
    features = feature_names(moments)

    def closed_by(cutoff):
        limit = max_training_rows if cutoff.is_current else min(max_training_rows, max_past_training_rows)
        return training_table(moments, features, limit, evaluation, closed_by=cutoff.fitted_at)

    fitted = fit_win_probability_at_cutoffs(
        cutoffs,
        closed_by,
        features,
        label_column="is_won",
        deal_id_column="opportunity_id",
        stage_column="stage_name",
        holdout_column="is_holdout",
        evaluation_column="is_evaluation_moment",
        min_closed_deals=min_closed_deals,
        l2=l2_penalty,
    )
    return coefficient_frame(fitted, moments, session)
