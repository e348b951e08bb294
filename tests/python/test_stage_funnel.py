"""Where the funnel order comes from: the export's stage definitions when present, the seed
when it covers the export's stage names, else inferred from the export itself."""

from __future__ import annotations

from dbt_helpers import build, query, quarantine, read_rows, write_rows
from test_quarantine_reasons import clean_export

FUNNEL_SQL = (
    "select stage_name, stage_order, is_closed, is_won, funnel_source "
    "from staging.stg_salesforce__stage_funnel order by stage_order"
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
    # worked out from the rows: open stages by median recorded probability (10, 20, 60, 60 with
    # Best Case before Commit), then the stage deals were won in, then the one they were lost in
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
    rows[2]["StageName"] = "Needs Analysis"  # in the seed, but not in this org's definitions
    # a stage retired since (IsActive false) is still a stage of the deals that went through it
    rows.append({**rows[0], "Id": "008000000000009AAA", "CreatedDate": "2025-01-12T10:00:00.000Z",
                 "StageName": "Old Stage"})
    write_rows(export / "OpportunityHistory.csv", header, rows)
    duckdb_path = build(export, tmp_path / "work")
    assert query(duckdb_path, FUNNEL_SQL) == [
        ("Prospecting", 1, False, False, "stage_definitions"),
        ("Qualification", 2, False, False, "stage_definitions"),
        ("Old Stage", 3, False, False, "stage_definitions"),
        ("Closed Won", 4, True, True, "stage_definitions"),
        ("Closed Lost", 5, True, False, "stage_definitions"),
    ]
    assert query(
        duckdb_path,
        "select stage_name from staging.stg_salesforce__opportunity_history where opportunity_history_id = '008000000000005AAA'",
    ) == [("Qualification",)]
    assert quarantine(duckdb_path) == {("OpportunityHistory", "008000000000003AAA", 3, "unknown_stage")}
    assert query(
        duckdb_path,
        "select stage_name from staging.stg_salesforce__opportunity_history where opportunity_history_id = '008000000000009AAA'",
    ) == [("Old Stage",)]
    assert query(
        duckdb_path, "select is_active from staging.stg_salesforce__stage_funnel where stage_name = 'Old Stage'"
    ) == [(False,)]
