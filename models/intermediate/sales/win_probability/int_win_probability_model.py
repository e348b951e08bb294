"""One row per term of the win-probability model fitted on the export's own closed deals.

A regularised logistic regression (revops_kpis.win_probability) on the moments of closed
deals that are not held out: every feature_* column of int_win_probability_features, label
= the deal was won. Coefficients are on the standardised scale with the feature means and
scales beside them, so int_interactions_scored can score in SQL. With fewer closed deals
than the min_closed_deals setting, one row says the stage win rates are used instead.

Settings arrive through config(meta=...) in the model's YAML (Python models cannot read
dbt vars): min_closed_deals, l2_penalty, max_training_rows.
"""

from revops_kpis.win_probability import fit_win_probability

FEATURE_PREFIX = "feature_"


def model(dbt, session):
    dbt.config(materialized="table")
    meta = dbt.config.get("meta") or {}
    min_closed_deals = int(meta["min_closed_deals"])
    l2_penalty = float(meta["l2_penalty"])
    max_training_rows = int(meta["max_training_rows"])

    moments = dbt.ref("int_win_probability_features")
    feature_names = [
        column[len(FEATURE_PREFIX):]
        for column in moments.columns
        if column.startswith(FEATURE_PREFIX) and not column.endswith("_before")
    ]
    training = moments.filter("is_training and not is_holdout")
    training_rows = training.aggregate("count(*) as n").fetchall()[0][0]
    if training_rows > max_training_rows:
        # a deterministic sample: every k-th bucket of a hash of the interaction id
        step = -(-training_rows // max_training_rows)
        training = training.filter(f"hash(interaction_id) % {step} = 0")

    projection = ", ".join(
        ["interaction_id", "opportunity_id", "is_won"]
        + [f"{FEATURE_PREFIX}{name} as {name}" for name in feature_names]
    )
    table = training.project(projection).order("interaction_id").to_arrow_table()
    return fit_win_probability(
        table,
        feature_names,
        label_column="is_won",
        deal_id_column="opportunity_id",
        min_closed_deals=min_closed_deals,
        l2=l2_penalty,
    )
