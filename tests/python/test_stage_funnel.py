"""Where the funnel's stages come from: the export's stage definitions when present, else the
seed stages the export uses; a stage in neither is inferred from the rows (never dropped)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dbt_helpers import accounting, build, copy_export, query, quarantine, read_rows, write_rows
from revops_kpis.run_summary import format_run_summary
from test_quarantine_reasons import clean_export

FUNNEL_SQL = (
    "select stage_name, stage_order, is_closed, is_won, funnel_source "
    "from staging.stg_crm__stage_funnel order by stage_order"
)


def _rename_stages(path, mapping):
    header, rows = read_rows(path)
    for row in rows:
        row["StageName"] = mapping[" ".join(row["StageName"].split()).lower()]
    write_rows(path, header, rows)


def test_funnel_is_inferred_from_an_export_in_another_language(tmp_path):
    export = clean_export(tmp_path / "export")
    german = {"prospecting": "Erstkontakt", "qualification": "Bedarfsanalyse",
              "closed won": "Gewonnen", "closed lost": "Verloren"}
    _rename_stages(export / "Opportunity.csv", german)
    _rename_stages(export / "OpportunityHistory.csv", german)
    header, rows = read_rows(export / "OpportunityHistory.csv")
    template = rows[0]  # deal 1, created in Erstkontakt on 2025-01-10
    rows += [
        # two stages with the same probability: forecast category breaks the tie
        {**template, "Id": "008000000000011AAA", "CreatedDate": "2025-02-01T09:00:00Z", "StageName": "Verhandlung",
         "Probability": "60", "ForecastCategory": "Commit"},
        {**template, "Id": "008000000000010AAA", "CreatedDate": "2025-01-20T09:00:00Z", "StageName": "Angebot",
         "Probability": "60", "ForecastCategory": "Best Case"},
    ]
    write_rows(export / "OpportunityHistory.csv", header, rows)
    duckdb_path = build(export, tmp_path / "work")
    # no row is in a seed stage, so every stage is inferred. Worked out from the rows: open
    # stages by median recorded probability (10, 20, 60, 60 with Best Case before Commit),
    # then the stage deals were won in, then the one they were lost in
    assert query(duckdb_path, FUNNEL_SQL) == [
        ("Erstkontakt", 1, False, False, "inferred"),
        ("Bedarfsanalyse", 2, False, False, "inferred"),
        ("Angebot", 3, False, False, "inferred"),
        ("Verhandlung", 4, False, False, "inferred"),
        ("Gewonnen", 5, True, True, "inferred"),
        ("Verloren", 6, True, False, "inferred"),
    ]
    assert quarantine(duckdb_path) == set()


def test_stage_definitions_win_over_the_seed_and_match_labels(tmp_path):
    export = clean_export(tmp_path / "export")
    header = ["ApiName", "MasterLabel", "SortOrder", "IsActive", "IsClosed", "IsWon", "DefaultProbability",
              "ForecastCategoryName"]
    write_rows(export / "OpportunityStage.csv", header, [
        dict(zip(header, values)) for values in [
            ("Closed Won", "Closed Won", "10", "true", "true", "true", "100", "Closed"),
            ("Prospecting", "Prospecting", "1", "true", "false", "false", "10", "Pipeline"),
            ("Qualification", "Qualifizierung", "2", "true", "false", "false", "20", "Pipeline"),
            ("Old Stage", "Old Stage", "3", "false", "false", "false", "30", "Pipeline"),
            ("Closed Lost", "Closed Lost", "11", "true", "true", "false", "0", "Omitted"),
        ]
    ])
    header, rows = read_rows(export / "OpportunityHistory.csv")
    rows[4]["StageName"] = "Qualifizierung"  # the label, not the API name
    # in the seed, but not in this org's definitions: inferred from its row (probability 10,
    # Pipeline, a history row so no IsClosed: open), after the last defined open stage whose
    # default probability is at most 10, Prospecting
    rows[2]["StageName"] = "Needs Analysis"
    # a stage retired since (IsActive false) is still a stage of the deals that went through it:
    # deal 2 passes through it (Needs Analysis, Old Stage, Closed Lost)
    rows.append({**rows[2], "Id": "008000000000009AAA", "CreatedDate": "2025-01-25T10:00:00.000Z",
                 "StageName": "Old Stage"})
    write_rows(export / "OpportunityHistory.csv", header, rows)
    duckdb_path = build(export, tmp_path / "work", selection=[
        "--select", "resource_type:seed", "path:models/staging", "+fct_stage_transitions", "+fct_stage_entries",
        "+fct_stage_visits", "--indirect-selection", "cautious",
    ])
    assert query(duckdb_path, FUNNEL_SQL) == [
        ("Prospecting", 1, False, False, "stage_definitions"),
        ("Needs Analysis", 2, False, False, "inferred"),
        ("Qualification", 3, False, False, "stage_definitions"),
        ("Old Stage", 4, False, False, "stage_definitions"),
        ("Closed Won", 5, True, True, "stage_definitions"),
        ("Closed Lost", 6, True, False, "stage_definitions"),
    ]
    assert query(
        duckdb_path,
        "select stage_name from staging.stg_crm__opportunity_history where opportunity_history_id = '008000000000005AAA'",
    ) == [("Qualification",)]
    assert quarantine(duckdb_path) == set()
    assert query(
        duckdb_path,
        "select stage_name from staging.stg_crm__opportunity_history where opportunity_history_id = '008000000000003AAA'",
    ) == [("Needs Analysis",)]
    assert query(
        duckdb_path,
        "select stage_name from staging.stg_crm__opportunity_history where opportunity_history_id = '008000000000009AAA'",
    ) == [("Old Stage",)]
    assert query(
        duckdb_path, "select is_active from staging.stg_crm__stage_funnel where stage_name = 'Old Stage'"
    ) == [(False,)]
    # ... and a retired stage is not one to skip. Deal 1, won straight from Prospecting, passed
    # Needs Analysis (inferred: never a skip), Qualification and Old Stage: it skipped only
    # Qualification. Deal 2, created in Needs Analysis, skipped Prospecting, then Qualification
    # on its way to Old Stage, whose visit counts. Deal 3, created in Qualification, skipped
    # Prospecting.
    assert query(
        duckdb_path,
        "select opportunity_id, to_stage_name, skipped_stage_names from marts.fct_stage_transitions "
        "where skipped_stage_count > 0 order by opportunity_id, transition_number",
    ) == [
        ("006000000000002AAA", "Needs Analysis", "Prospecting"),
        ("006000000000002AAA", "Old Stage", "Qualification"),
        ("006000000000003AAA", "Qualification", "Prospecting"),
        ("0065g00000AbcdEAAR", "Closed Won", "Qualification"),
    ]
    assert query(
        duckdb_path,
        "select opportunity_id, is_skipped from marts.fct_stage_entries where stage_name = 'Old Stage' "
        "order by opportunity_id",
    ) == [("006000000000002AAA", False), ("006000000000003AAA", False), ("0065g00000AbcdEAAR", False)]
    assert query(
        duckdb_path, "select opportunity_id from marts.fct_stage_visits where stage_name = 'Old Stage'"
    ) == [("006000000000002AAA",)]


# tests/fixtures/exports/default_stages: a Data Loader export (API-name headers, ISO
# timestamps, true/false, percents as 60.0) of six deals, all in USD, that use Salesforce's
# default stages Id. Decision Makers and Perception Analysis (beside Prospecting,
# Qualification, Closed Won and Closed Lost) and one custom stage, Security Review
# (probability 65, Best Case), with no OpportunityStage object:
#   101 Rita  40,000  Prospecting > Qualification > Id. Decision Makers > Perception Analysis > Closed Won
#   102 Rita  25,000  Prospecting > Id. Decision Makers > Security Review (open)
#   103 Rita  15,000  Qualification > Perception Analysis > Closed Lost
#   104 Ravi  10,000  Prospecting > Qualification (open)
#   105 Ravi  30,000  Id. Decision Makers > Security Review > Closed Won
#   106 Ravi   5,000  created in Security Review (open)
DEFAULT_STAGES_SELECTION = [
    "--select", "resource_type:seed", "path:models/staging", "+dim_opportunities", "+rpt_kpi_tier2_diagnostics",
    "+fct_stage_transitions",
    "--indirect-selection", "cautious",
]


def test_default_stages_and_a_custom_stage_lose_no_row(tmp_path):
    export = copy_export("default_stages", tmp_path / "export")
    duckdb_path = build(export, tmp_path / "work", selection=DEFAULT_STAGES_SELECTION)
    assert quarantine(duckdb_path) == set()
    assert {name: counts[4] for name, counts in accounting(duckdb_path).items()} == dict.fromkeys(
        ["Opportunity", "OpportunityHistory", "User", "Account", "OpportunityFieldHistory", "OpportunityStage",
         "Task", "Event", "Lead", "ForecastingQuota", "DatedConversionRate", "CurrencyType"], 0)
    # the seed stages the rows use, in the seed's order; Security Review, in no definition, is
    # inferred: open (IsClosed false on its two opportunity rows), its recorded median 65 puts
    # it after Id. Decision Makers (60) and before Perception Analysis (70). The seed's other
    # default stages (Needs Analysis, Value Proposition, Proposal/Price Quote,
    # Negotiation/Review) are in no row and not in the funnel.
    assert query(
        duckdb_path,
        "select stage_name, stage_order, is_closed, is_won, funnel_source, is_skippable "
        "from staging.stg_crm__stage_funnel order by stage_order",
    ) == [
        ("Prospecting", 1, False, False, "seed", True),
        ("Qualification", 2, False, False, "seed", True),
        ("Id. Decision Makers", 3, False, False, "seed", True),
        ("Security Review", 4, False, False, "inferred", False),
        ("Perception Analysis", 5, False, False, "seed", True),
        ("Closed Won", 6, True, True, "seed", True),
        ("Closed Lost", 7, True, False, "seed", True),
    ]
    # open pipeline: 102 (25,000) + 104 (10,000) + 106 (5,000); won: 101 and 105; lost: 103
    (open_amount, open_count, won_count, won_amount, lost_count), = query(
        duckdb_path,
        "select sum(case when not is_closed then amount end), count(*) filter (where not is_closed), "
        "count(*) filter (where is_won), sum(case when is_won then amount end), count(*) filter (where is_lost) "
        "from marts.dim_opportunities",
    )
    assert (open_amount, open_count, won_count, won_amount, lost_count) == (Decimal("40000.00"), 3, 2, Decimal("70000.00"), 1)
    # the company's first quarter of 2025 (the as-of time, 105's win on March 14th, is in it)
    assert query(
        duckdb_path,
        "select won_count, lost_count, win_rate from marts.rpt_kpi_tier2_diagnostics "
        "where grain = 'company' and period_grain = 'quarter' and period_start = date '2025-01-01'",
    ) == [(2, 1, pytest.approx(2 / 3))]
    # skips count only the funnel's stages, and never Security Review: 102 skipped
    # Qualification (not Needs Analysis or Value Proposition, which this export does not use);
    # 103 went Qualification > Perception Analysis over Id. Decision Makers (and Security Review,
    # not counted); 105 was created in Id. Decision Makers and won from Security Review over
    # Perception Analysis; 106 was created in Security Review, past the first three stages
    assert query(
        duckdb_path,
        "select opportunity_id, transition_number, skipped_stage_names from marts.fct_stage_transitions "
        "where skipped_stage_count > 0 order by opportunity_id, transition_number",
    ) == [
        ("006000000000102AAA", 2, "Qualification"),
        ("006000000000103AAA", 1, "Prospecting"),
        ("006000000000103AAA", 2, "Id. Decision Makers"),
        ("006000000000105AAA", 1, "Prospecting, Qualification"),
        ("006000000000105AAA", 3, "Perception Analysis"),
        ("006000000000106AAA", 1, "Prospecting, Qualification, Id. Decision Makers"),
    ]
    summary = format_run_summary(duckdb_path, export)
    assert "  Prospecting > Qualification > Id. Decision Makers > Security Review* > Perception Analysis > Closed Won" in summary
    assert ("    Security Review: 2 opportunity and 3 history rows on 3 deal(s); open, placed by its recorded "
            "probability of 65%") in summary
