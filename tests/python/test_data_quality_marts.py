"""The data-quality marts and tests end to end, on the small fixture export plus three deals
of Rita's whose every flag and count is worked out by hand below, for Rita and for the
company in February 2025 (fiscal month 2025-02; the as-of time stays 2025-03-01 11:00).

The funnel: the seed stages the rows use, Prospecting 1, Qualification 3, Needs Analysis 4
(added below), Closed Won 5, Closed Lost 6, and Stage X 2, inferred from the fixture's
opportunity row 8 (probability 10: after Prospecting, 10, before Qualification, 20) and not
skippable: a move passing over it does not skip it.
What the small fixture already holds (see test_staging_e2e.py):
  0065g00000AbcdEAAR (Rita): created in Prospecting 2025-01-10; won 2025-02-15 16:45 straight
    from Prospecting by Rita: a manual skip of Qualification and Needs Analysis, with no
    interaction on the deal in the 30 days before it: unsupported.
  006000000000002AAA (Ravi): created 2025-01-20 in Prospecting, lost 2025-03-01 11:00, so open
    at the end of February and untouched since January 20: stale.
  006000000000003AAA (Ravi): created 2025-02-01 in Qualification by the integration user: an
    automated skip (of Prospecting); a call on 2025-02-10 keeps it fresh; close date June.
  006000000000007AAA (Rita): in Stage X, no history: created 2025-02-05 12:00 (an inferred
    creation: no transition counted, no flag); close date 2025-04-01. Open at the end of
    February, neither stale (24 days untouched) nor past due. Its row is the one row in an
    inferred stage.
Added here (all Rita's, saved by Rita):
  A 006000000000011AAA: created 2025-02-03 09:00 in Prospecting, moved to Needs Analysis at
    09:05 (a manual skip of Qualification, not of Stage X; both changes batch-logged, 5 minutes apart;
    supported by a call at 08:30), back to Qualification on 02-10 (backward). Close date
    2025-02-28: open and past due at the end of February.
  B 006000000000012AAA: created 2025-02-05 in Qualification (a manual skip of Prospecting),
    lost 02-20, reopened 02-26. Close date April: open, not past due.
  C 006000000000013AAA: created 2025-01-05 in Prospecting and never touched again; close date
    2025-01-31: stale and past due at the end of February.
February 2025, Rita: 7 transitions (won 001; A x3; B x3), manual skips 3 (3/7), batch-logged 2
  (2/7), backward 1, reopen 1, upward moves 2 (001's win, A's skip) of which 1 unsupported
  (1/2); open at the end of the month (2025-03-01 00:00): A, B, C, 007; stale C; past due A, C.
February 2025, company: Rita's 7 + Ravi's creation of 003 = 8 transitions, 3 manual skips
  (3/8), 1 automated skip, 2 batch-logged (2/8), 1 of 2 upward moves unsupported; open: A, B,
  C, 002, 003, 007; stale C, 002; past due A, C.
Trust windows (the default 90 days, never less than the period): February's runs from
  2024-12-01 to 2025-03-01; March's, the quarter's and the year's from 2024-12-02 to the as-of
  day (2025-03-01, so up to 2025-03-02 exclusive); January's from 2024-11-03 to 2025-02-01.
  Rita's windows from February on hold all 9 of her changes (Jan: creations of 001 and C;
  Feb: 7): 3 manual skips (33.3%), 2 batch-logged (22.2%); January's holds 2. The company's
  (= the team's: Rita and Ravi under Mona Manager) February window holds 11 (Rita's 9, Ravi's
  creations of 002 on 01-20 and 003 on 02-01): 3 skips (27.3%), 2 batch-logged (18.2%); from
  March on also 002's loss on 03-01: 12 (25%, 16.7%); January's holds 3.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dbt_helpers import build, copy_export, query, read_rows, write_rows
from revops_kpis.cli import EXIT_DATA_QUALITY, main
from revops_kpis.dbt_project import DbtRunError, data_quality_breaches, failed_only_on_data_quality, run_dbt

RITA = "005000000000001AAA"
RAVI = "005000000000002AAA"
WON = "0065g00000AbcdEAAR"
A, B, C = "006000000000011AAA", "006000000000012AAA", "006000000000013AAA"
SELECTION = [
    "--select", "+rpt_data_quality", "+dq_stage_progression", "+dim_reps", "+dim_opportunities",
    "path:tests/data_quality", "--indirect-selection", "cautious",
]


def rate(numerator: int, denominator: int):
    """A rate as the marts publish it: rounded to 6 places (docs/kpi_definitions.md, precision)."""
    return pytest.approx(round(numerator / denominator, 6), abs=1e-12)


def _append(path, rows: list[dict[str, str]]) -> None:
    header, existing = read_rows(path)
    write_rows(path, header, existing + [{name: row.get(name, "") for name in header} for row in rows])


def _opportunity(opportunity_id, account_id, name, stage, amount, close_date, created, probability):
    return {
        "Id": opportunity_id, "AccountId": account_id, "OwnerId": RITA, "Name": name, "StageName": stage,
        "Amount": amount, "CloseDate": close_date, "CreatedDate": created, "IsClosed": "false",
        "IsWon": "false", "ForecastCategoryName": "Pipeline", "Type": "New Business", "LeadSource": "Web",
        "Probability": probability, "IsDeleted": "false",
    }


def _history(history_id, opportunity_id, created, stage, close_date, probability, category="Pipeline"):
    return {
        "Id": history_id, "OpportunityId": opportunity_id, "CreatedById": RITA, "CreatedDate": created,
        "StageName": stage, "Amount": "1000", "CloseDate": close_date, "Probability": probability,
        "ForecastCategory": category,
    }


@pytest.fixture(scope="module")
def dq_export(tmp_path_factory):
    export = copy_export("small", tmp_path_factory.mktemp("dq") / "export")
    _append(export / "Opportunity.csv", [
        _opportunity(A, "001000000000001AAA", "Acme services", "Qualification", "8000", "2025-02-28",
                     "2025-02-03T09:00:00Z", "20"),
        _opportunity(B, "001000000000002AAA", "Globex support", "Qualification", "6000", "2025-04-30",
                     "2025-02-05T09:00:00Z", "20"),
        _opportunity(C, "001000000000001AAA", "Acme training", "Prospecting", "3000", "2025-01-31",
                     "2025-01-05T09:00:00Z", "10"),
    ])
    _append(export / "OpportunityHistory.csv", [
        _history("008000000000011AAA", A, "2025-02-03T09:00:00Z", "Prospecting", "2025-02-28", "10"),
        _history("008000000000012AAA", A, "2025-02-03T09:05:00Z", "Needs Analysis", "2025-02-28", "30"),
        _history("008000000000013AAA", A, "2025-02-10T09:00:00Z", "Qualification", "2025-02-28", "20"),
        _history("008000000000014AAA", B, "2025-02-05T09:00:00Z", "Qualification", "2025-04-30", "20"),
        _history("008000000000015AAA", B, "2025-02-20T09:00:00Z", "Closed Lost", "2025-02-20", "0", "Omitted"),
        _history("008000000000016AAA", B, "2025-02-26T09:00:00Z", "Qualification", "2025-04-30", "20"),
        _history("008000000000017AAA", C, "2025-01-05T09:00:00Z", "Prospecting", "2025-01-31", "10"),
    ])
    _append(export / "Task.csv", [{
        "Id": "00T000000000011AAA", "WhatId": A, "AccountId": "001000000000001AAA", "OwnerId": RITA,
        "Subject": "Discovery call", "Type": "Call", "TaskSubtype": "Call", "Status": "Completed",
        "ActivityDate": "2025-02-03", "CreatedDate": "2025-02-03T08:00:00Z",
        "CompletedDateTime": "2025-02-03T08:30:00Z", "CallDurationInSeconds": "600", "IsDeleted": "false",
    }])
    return export


@pytest.fixture(scope="module")
def dq_build(dq_export, tmp_path_factory):
    return build(dq_export, tmp_path_factory.mktemp("dq_work"), selection=SELECTION)


def test_as_of_is_unchanged_by_the_added_deals(dq_build):
    as_of = query(dq_build, "select as_of from staging.stg_crm__export_as_of")
    assert as_of == [(dt.datetime(2025, 3, 1, 11, 0),)]


def test_flagged_transitions_one_row_per_flag(dq_build):
    rows = query(
        dq_build,
        "select opportunity_id, transition_number, flag_type, owner_id, change_source, skipped_stage_count "
        "from marts.dq_stage_progression order by opportunity_id, transition_number, flag_type",
    )
    assert rows == [
        # Ravi's deal created in Qualification by the integration user
        ("006000000000003AAA", 1, "automated_skip", RAVI, "automated", 1),
        (A, 1, "batch_logged", RITA, "manual", 0),
        (A, 2, "batch_logged", RITA, "manual", 1),
        (A, 2, "manual_skip", RITA, "manual", 1),
        (A, 3, "backward", RITA, "manual", 0),
        (B, 1, "manual_skip", RITA, "manual", 1),
        (B, 3, "reopen", RITA, "manual", 0),
        (WON, 2, "manual_skip", RITA, "manual", 2),
        (WON, 2, "unsupported_progression", RITA, "manual", 2),
    ]
    names, advice = query(
        dq_build,
        f"select skipped_stage_names, what_to_do from marts.dq_stage_progression "
        f"where opportunity_id = '{WON}' and flag_type = 'manual_skip'",
    )[0]
    assert names == "Qualification, Needs Analysis"
    assert advice.startswith("Ask the rep why the deal jumped over the skipped stages")


COUNTS_SQL = (
    "select transition_count, manual_skip_count, manual_skip_rate, automated_skip_count, backward_count, "
    "reopen_count, batch_logged_count, batch_logged_rate, upward_move_count, unsupported_progression_count, "
    "unsupported_progression_rate, open_deals_measured_at, open_deal_count, stale_open_deal_count, "
    "past_due_open_deal_count, quarantined_row_count, trust_rating, inferred_stage_row_count, "
    "inferred_stage_deal_count "
    "from marts.rpt_data_quality where grain = '{grain}' and grain_id = '{grain_id}' "
    "and period_grain = 'month' and period_start = date '2025-02-01'"
)
END_OF_FEBRUARY = dt.datetime(2025, 3, 1, 0, 0)


def test_rita_in_february(dq_build):
    (row,) = query(dq_build, COUNTS_SQL.format(grain="rep", grain_id=RITA))
    assert row == (
        7, 3, rate(3, 7), 0, 1, 1, 2, rate(2, 7), 2, 1, rate(1, 2),
        END_OF_FEBRUARY, 4, 1, 2,
        None,  # the quarantine is on company rows only
        "review",  # 43% manual skips, but on 7 transitions: fewer than the 50 a rating needs
        None, None,  # so are the rows in inferred stages
    )


def test_company_in_february(dq_build):
    (row,) = query(dq_build, COUNTS_SQL.format(grain="company", grain_id="all"))
    assert row == (
        8, 3, rate(3, 8), 1, 1, 1, 2, rate(2, 8), 2, 1, rate(1, 2),
        END_OF_FEBRUARY, 6, 2, 2,
        None,  # February does not hold the as-of time
        "review",
        None, None,
    )
    # the fixture's 7 quarantined rows, and its 1 row (on 1 deal, 007) in the inferred Stage X,
    # sit on the company rows of the periods holding the as-of time
    quarantined = query(
        dq_build,
        "select period_grain, period_start, quarantined_row_count, inferred_stage_row_count, "
        "inferred_stage_deal_count from marts.rpt_data_quality "
        "where quarantined_row_count is not null or inferred_stage_row_count is not null order by period_grain",
    )
    assert quarantined == [
        ("month", dt.date(2025, 3, 1), 7, 1, 1),
        ("quarter", dt.date(2025, 1, 1), 7, 1, 1),
        ("year", dt.date(2025, 1, 1), 7, 1, 1),
    ]


def test_every_rep_and_period_has_a_row(dq_build):
    spine = query(dq_build, "select count(*) from intermediate.int_kpi_grain_periods")[0][0]
    monthly_spine = query(
        dq_build, "select count(*) from intermediate.int_kpi_grain_periods where period_grain <> 'week'")[0][0]
    rows = query(dq_build, "select count(*) from marts.rpt_data_quality")[0][0]
    # 2 reps + 1 team + the company, x (3 months + 1 quarter + 1 year) of 2025 up to March: the
    # data-quality mart has no week rows
    assert rows == monthly_spine == 4 * 5
    # the spine's weeks (Monday): from the week holding Wednesday 2025-01-01 (Monday 2024-12-30)
    # to the week holding the as-of day, Saturday 2025-03-01 (Monday 2025-02-24): 56 days, 9 weeks
    assert spine == 4 * (5 + 9)


def test_warn_tests_store_the_offending_transitions(dq_build):
    skips = query(
        dq_build,
        "select opportunity_id, owner_name, failure_reason from test_failures.warn_when_any_manual_skip_exists "
        "order by opportunity_id",
    )
    assert [(row[0], row[1]) for row in skips] == [(A, "Rita Rep"), (B, "Rita Rep"), (WON, "Rita Rep")]
    assert skips[0][2] == (
        "Manual skip: Rita Rep's deal moved from Prospecting to Needs Analysis over Qualification on 2025-02-03"
    )
    batch = query(
        dq_build,
        "select opportunity_id, transition_number from test_failures.warn_when_any_batch_logged_change_exists "
        "order by transition_number",
    )
    assert batch == [(A, 1), (A, 2)]


def test_trust_rating_rests_on_the_trailing_window(dq_build):
    rows = query(
        dq_build,
        "select grain, period_grain, period_start, transition_count, trust_window_start_date, trust_transition_count, "
        "trust_manual_skip_count, trust_manual_skip_rate, trust_batch_logged_count, trust_batch_logged_rate, "
        "trust_rating from marts.rpt_data_quality where grain_id in ('all', '005000000000001AAA') "
        "order by grain desc, period_grain, period_start",
    )
    dec_1, dec_2, nov_3 = dt.date(2024, 12, 1), dt.date(2024, 12, 2), dt.date(2024, 11, 3)
    third, two_ninths = rate(3, 9), rate(2, 9)
    # Rita, then the company; under 50 changes everywhere: review
    assert rows == [
        ("rep", "month", dt.date(2025, 1, 1), 2, nov_3, 2, 0, 0.0, 0, 0.0, "review"),
        ("rep", "month", dt.date(2025, 2, 1), 7, dec_1, 9, 3, third, 2, two_ninths, "review"),
        ("rep", "month", dt.date(2025, 3, 1), 0, dec_2, 9, 3, third, 2, two_ninths, "review"),
        ("rep", "quarter", dt.date(2025, 1, 1), 9, dec_2, 9, 3, third, 2, two_ninths, "review"),
        ("rep", "year", dt.date(2025, 1, 1), 9, dec_2, 9, 3, third, 2, two_ninths, "review"),
        ("company", "month", dt.date(2025, 1, 1), 3, nov_3, 3, 0, 0.0, 0, 0.0, "review"),
        ("company", "month", dt.date(2025, 2, 1), 8, dec_1, 11, 3, rate(3, 11), 2, rate(2, 11),
         "review"),
        ("company", "month", dt.date(2025, 3, 1), 1, dec_2, 12, 3, 0.25, 2, rate(2, 12), "review"),
        ("company", "quarter", dt.date(2025, 1, 1), 12, dec_2, 12, 3, 0.25, 2, rate(2, 12), "review"),
        ("company", "year", dt.date(2025, 1, 1), 12, dec_2, 12, 3, 0.25, 2, rate(2, 12), "review"),
    ]


def test_rate_tests_pass_with_the_default_thresholds(dq_build):
    for test in ("error_when_manual_skip_rate_exceeds_threshold", "error_when_batch_logged_rate_exceeds_threshold"):
        assert query(dq_build, f"select count(*) from test_failures.{test}") == [(0,)]


def _build_and_test(dq_export, dq_build, test: str, variables: dict):
    """Rebuilds rpt_data_quality with `variables` and runs `test` on it (and the mart's own
    tests, not the other threshold test): the threshold tests judge the rating and thresholds
    recorded on the mart's rows, so they change with a build, not with `dbt test` alone."""
    return run_dbt(
        ["build", "--select", "rpt_data_quality", test, "--exclude", "resource_type:unit_test",
         "--indirect-selection", "cautious"],
        export_path=dq_export,
        duckdb_path=dq_build,
        extra_vars=variables,
        target_path=dq_build.parent / "target",
        quiet=True,
    )


@pytest.fixture
def restore_defaults(dq_export, dq_build):
    """Builds the mart and the threshold tests back with the default vars after the test."""
    yield
    _build_and_test(dq_export, dq_build, "tag:data_quality_threshold", {})


# Rita's windows from February on: 3 manual skips (33.3%) and 2 batch-logged (22.2%) of 9; 5
# changes are enough to judge. The company and the team stay under: 27.3% and 18.2% of 11 in
# February, 25% and 16.7% of 12 from March on; January's windows (2 and 3 changes) are not rated.
RITA_ABOVE = [
    ("rep", RITA, "Rita Rep", "Rita Rep", "Mona Manager", "month", dt.date(2025, 2, 1)),
    ("rep", RITA, "Rita Rep", "Rita Rep", "Mona Manager", "month", dt.date(2025, 3, 1)),
    ("rep", RITA, "Rita Rep", "Rita Rep", "Mona Manager", "quarter", dt.date(2025, 1, 1)),
    ("rep", RITA, "Rita Rep", "Rita Rep", "Mona Manager", "year", dt.date(2025, 1, 1)),
]
FAILURE_KEY = "grain, grain_id, grain_name, rep_name, team_name, period_grain, period_start"


def test_a_manual_skip_rate_above_the_threshold_warns_naming_the_rep(dq_export, dq_build, restore_defaults):
    test = "error_when_manual_skip_rate_exceeds_threshold"
    variables = {"manual_skip_rate_threshold": 0.3, "data_quality_min_transitions": 5}
    # a finding, not a failure: the default severity is warn
    result = _build_and_test(dq_export, dq_build, test, variables)
    assert data_quality_breaches(result) == [f"test.revops_kpis.{test}"]
    failures = query(
        dq_build,
        f"select {FAILURE_KEY}, trust_window_start_date, trust_manual_skip_count, trust_transition_count, "
        f"transition_count, failure_reason, what_to_do from test_failures.{test} "
        f"order by period_grain, period_start",
    )
    assert [row[:7] for row in failures] == RITA_ABOVE
    assert [row[7:11] for row in failures] == [
        (dt.date(2024, 12, 1), 3, 9, 7), (dt.date(2024, 12, 2), 3, 9, 0),
        (dt.date(2024, 12, 2), 3, 9, 9), (dt.date(2024, 12, 2), 3, 9, 9),
    ]
    assert failures[0][11] == (
        "Manual-skip rate of Rita Rep over the trust window of the month starting 2025-02-01 (transitions from "
        "2024-12-01): 33.3% (3 of 9 transitions), above the threshold of 30.0%"
    )
    assert failures[0][12].startswith("Ask Rita Rep to go through their manual skips")
    # the same rows the trust rating calls untrusted (the batch-logged 22.2% is within 30%)
    untrusted = query(
        dq_build,
        "select grain, grain_id, period_grain, period_start from marts.rpt_data_quality "
        "where trust_rating = 'untrusted' order by period_grain, period_start",
    )
    assert untrusted == [(row[0], row[1], row[5], row[6]) for row in RITA_ABOVE]
    # severity error (what `revops-kpis run --fail-on-data-quality` sets): the same rows fail
    with pytest.raises(DbtRunError, match=test) as raised:
        _build_and_test(dq_export, dq_build, test, {**variables, "data_quality_test_severity": "error"})
    assert failed_only_on_data_quality(raised.value.result)
    assert query(dq_build, f"select {FAILURE_KEY} from test_failures.{test} order by period_grain, period_start") == (
        RITA_ABOVE)
    # back to the defaults: passes again, and the stored failures are replaced
    result = _build_and_test(dq_export, dq_build, test, {})
    assert data_quality_breaches(result) == []
    assert query(dq_build, f"select count(*) from test_failures.{test}") == [(0,)]


def test_a_batch_logged_rate_above_the_threshold_warns_naming_the_rep(dq_export, dq_build, restore_defaults):
    test = "error_when_batch_logged_rate_exceeds_threshold"
    # 2 of 9 (22.2%) for Rita from February on; the company's 2 of 11 (18.2%) is not above 20%.
    # The minimum is inclusive: 9 changes are enough when 9 are asked for, not when 10 are.
    result = _build_and_test(
        dq_export, dq_build, test, {"batch_logged_rate_threshold": 0.2, "data_quality_min_transitions": 9})
    assert data_quality_breaches(result) == [f"test.revops_kpis.{test}"]
    failures = query(
        dq_build,
        f"select {FAILURE_KEY}, trust_batch_logged_count, trust_batch_logged_rate from test_failures.{test} "
        f"order by period_grain, period_start",
    )
    assert [row[:7] for row in failures] == RITA_ABOVE
    assert [row[7:] for row in failures] == [(2, rate(2, 9))] * 4
    result = _build_and_test(
        dq_export, dq_build, test, {"batch_logged_rate_threshold": 0.2, "data_quality_min_transitions": 10})
    assert data_quality_breaches(result) == []


def test_the_team_and_the_company_are_named_when_above(dq_export, dq_build, restore_defaults):
    test = "error_when_manual_skip_rate_exceeds_threshold"
    # at 24%, the team's and the company's 25% (3 of 12, March on) are above too; February's
    # 27.3% of 11 as well; Rita's 33.3% everywhere from February
    _build_and_test(
        dq_export, dq_build, test, {"manual_skip_rate_threshold": 0.24, "data_quality_min_transitions": 5})
    named = query(
        dq_build,
        f"select grain, grain_name, team_name, count(*) from test_failures.{test} group by all order by grain",
    )
    assert named == [
        ("company", "the company", None, 4),
        ("rep", "Rita Rep", "Mona Manager", 4),
        ("team", "the team of Mona Manager", "Mona Manager", 4),
    ]
    advice = dict(query(dq_build, f"select grain, what_to_do from test_failures.{test} where period_grain = 'year'"))
    assert advice["team"].startswith("Go through the team's manual skips")
    assert advice["company"].startswith("Skipping stages is a habit across the team")


def test_run_publishes_the_data_quality_findings_and_exits_0(dq_export, tmp_path, capsys):
    # the default thresholds (15%, 30%) judged on 5+ changes: Rita (33.3%), her team and the
    # company (27.3% in February, 25% from March) are above the manual-skip threshold
    exit_code = main([
        "run", "--export", str(dq_export), "--duckdb", str(tmp_path / "w.duckdb"), "--skip-export-checks",
        "--vars", "{data_quality_min_transitions: 5}",
    ])
    captured = capsys.readouterr()
    assert exit_code == 0, captured.err
    _assert_findings_printed(captured.out)
    assert "the run does not fail on them (--fail-on-data-quality makes it)" in captured.out
    assert "Data-quality thresholds exceeded" not in captured.err


def test_run_fails_on_data_quality_after_the_summary_when_asked(dq_export, tmp_path, capsys):
    exit_code = main([
        "run", "--export", str(dq_export), "--duckdb", str(tmp_path / "w.duckdb"), "--skip-export-checks",
        "--vars", "{data_quality_min_transitions: 5}", "--fail-on-data-quality",
    ])
    captured = capsys.readouterr()
    assert exit_code == EXIT_DATA_QUALITY == 3
    _assert_findings_printed(captured.out)
    assert "Data-quality thresholds exceeded (findings above) and the run was asked to fail on them" in captured.err
    # everything was built: the marts and their checks
    assert query(tmp_path / "w.duckdb", "select count(*) from marts.rpt_kpi_tier1_outcomes")[0][0] > 0


def _assert_findings_printed(out: str) -> None:
    assert "[3/3] Summary" in out and "Company scorecard, fiscal quarter 2025-01-01 to 2025-04-01" in out
    # the quarter's worst: Rita, rated on her window's 9 changes (3 skips, 2 batch-logged)
    assert (
        "    Rita Rep (Mona Manager): untrusted on 9 changes since 2024-12-02: manual skips 33.3%, batch-logged 22.2%"
        " (in the quarter 33.3% and 22.2% of 9)"
    ) in out
    assert (
        "  Data-quality thresholds (rates over each period's trust window, judged on 5+ changes):\n"
        "    manual-skip rate above 15.0%: 3 rep(s), team(s) or company, in 12 period(s) "
        "(all in test_failures.error_when_manual_skip_rate_exceeds_threshold):\n"
        "      Rita Rep (Mona Manager): 33.3% (3 of 9 changes) in the window of the month starting 2025-03-01;"
        " above in 4 period(s)\n"
        "      the team of Mona Manager: 25.0% (3 of 12 changes) in the window of the month starting 2025-03-01;"
        " above in 4 period(s)\n"
        "      the company: 25.0% (3 of 12 changes) in the window of the month starting 2025-03-01;"
        " above in 4 period(s)\n"
    ) in out
    assert "    batch-logged rate: nobody above the threshold" in out
