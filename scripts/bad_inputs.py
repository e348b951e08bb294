"""A battery of bad inputs run through `revops-kpis run`, each case judged by its outcome.

Generates a clean export (150 opportunities, no bad rows), writes one copy per case with one
thing broken the way a real tool or a real user breaks it, runs the command line on each copy
and checks that the case ends the way a user can act on:

  refused      exit 2, the message names the file, and no raw engine error or traceback;
  quarantined  exit 0, every raw row accounted for (staged + deleted + duplicate +
               quarantined = raw, per object) and exactly the expected quarantine reasons;
  read         exit 0, accounting exact, nothing quarantined.

Each case also reports the as-of time and the company bookings, so a case that should not
move them can be compared with `clean`.

    .venv/bin/python scripts/bad_inputs.py --out /tmp/bad_inputs            # every case
    .venv/bin/python scripts/bad_inputs.py --out /tmp/bad_inputs future_deal negative_amount

It takes about a minute per case (two at a time); it is a tool for changes to the readers and
the quarantine, not part of scripts/test.sh (the tests in tests/python cover each rule on
hand-worked fixtures). Exit status: 0 when every case ends as expected, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

PROJECT = Path(__file__).resolve().parents[1]
ENGINE_ERRORS = re.compile(
    r"Traceback|Runtime Error|Compilation Error|Invalid Input Error|Catalog Error|Binder Error|Conversion Error"
)


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit(file_name: str, change: Callable[[list[str], list[dict[str, str]]], None]) -> Callable[[Path], None]:
    def apply(export: Path) -> None:
        header, rows = _rows(export / file_name)
        change(header, rows)
        _write(export / file_name, header, rows)

    return apply


def raw(file_name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(export: Path) -> None:
        path = export / file_name
        path.write_bytes(change(path.read_bytes()))

    return apply


def _drop_column(file_name: str, column: str) -> Callable[[Path], None]:
    def apply(export: Path) -> None:
        header, rows = _rows(export / file_name)
        header.remove(column)
        for row in rows:
            row.pop(column)
        _write(export / file_name, header, rows)

    return apply


def _column_twice(export: Path) -> None:
    lines = (export / "Opportunity.csv").read_text(encoding="utf-8").splitlines()
    written = [lines[0] + ",Amount"] + [line + ",1" for line in lines[1:]]
    (export / "Opportunity.csv").write_text("\n".join(written) + "\n", encoding="utf-8")


def _eu_amount(value: str) -> str:
    return f"{float(value):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _overlapping_rate(header: list[str], rows: list[dict[str, str]]) -> None:
    rows.append({**rows[0], "Id": rows[0]["Id"][:-4] + "ZZZB", "ConversionRate": "0.8",
                 "StartDate": "2024-11-15", "NextStartDate": "2025-02-15"})


FUTURE = "2031-03-01T10:00:00.000Z"
# case -> (how the export is broken, expected outcome, expected quarantine reasons)
CASES: dict[str, tuple[Callable[[Path], None], str, set[str]]] = {
    "clean": (lambda export: None, "read", set()),
    # files
    "cut_off_last_line": (raw("Task.csv", lambda b: b.rstrip(b"\n")[:-40]), "refused", set()),
    "cell_of_3_mb": (edit("Opportunity.csv", lambda h, r: r[3].update(Name="x" * 3_000_000)), "read", set()),
    "windows_1252_bytes": (raw("Account.csv", lambda b: b.replace(b"Ltd", b"Lt\xe9 \x80", 3)), "read", set()),
    "zero_byte_optional_file": (raw("Event.csv", lambda b: b""), "read", set()),
    "header_only_optional_file": (raw("Lead.csv", lambda b: b.split(b"\n")[0] + b"\n"), "read", set()),
    "quoted_line_break": (edit("Opportunity.csv", lambda h, r: r[2].update(Name="Two\nlines")), "read", set()),
    "bom_and_crlf": (raw("Opportunity.csv", lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n")), "read", set()),
    "semicolon_delimited": (raw("Account.csv", lambda b: b.replace(b",", b";")), "refused", set()),
    "required_column_missing": (_drop_column("OpportunityHistory.csv", "StageName"), "refused", set()),
    "required_file_missing": (lambda export: (export / "Opportunity.csv").unlink(), "refused", set()),
    "required_file_empty": (raw("Opportunity.csv", lambda b: b""), "refused", set()),
    "column_written_twice": (_column_twice, "read", set()),
    # values
    "amounts_eu_format": (edit("Opportunity.csv", lambda h, r: [x.update(Amount=_eu_amount(x["Amount"]))
                                                                for x in r if x["Amount"]]), "read", set()),
    "amounts_undecidable": (edit("Opportunity.csv", lambda h, r: [x.update(Amount=f"{int(float(x['Amount'])):,}".replace(",", "."))
                                                                  for x in r if x["Amount"]]), "refused", set()),
    "amounts_us_thousands": (edit("Opportunity.csv", lambda h, r: [x.update(Amount=f"{float(x['Amount']):,.2f}")
                                                                   for x in r if x["Amount"]]), "read", set()),
    "currency_codes_lower_case": (edit("Opportunity.csv", lambda h, r: [x.update(CurrencyIsoCode=x["CurrencyIsoCode"].lower())
                                                                        for x in r]), "read", set()),
    "rate_codes_padded": (edit("DatedConversionRate.csv", lambda h, r: [x.update(IsoCode=" " + x["IsoCode"].lower())
                                                                        for x in r]), "read", set()),
    "null_spelled_out": (edit("Opportunity.csv", lambda h, r: r[3].update(Amount="NULL", Probability="null")), "read", set()),
    "id_15_characters": (edit("Opportunity.csv", lambda h, r: r[3].update(Id=r[3]["Id"][:15])), "read", set()),
    # row anomalies
    "history_before_creation": (edit("OpportunityHistory.csv", lambda h, r: r[1].update(CreatedDate="2020-01-01T00:00:00.000Z")),
                                "read", set()),
    "excel_zero_close_date": (edit("Opportunity.csv", lambda h, r: r[5].update(CloseDate="1899-12-30")), "read", set()),
    "excel_zero_us_spelling": (edit("Opportunity.csv", lambda h, r: r[6].update(CloseDate="1/0/1900")), "read", set()),
    "negative_amount": (edit("Opportunity.csv", lambda h, r: r[7].update(Amount="-5000.00")),
                        "quarantined", {"implausible_amount", "parent_quarantined"}),
    "amount_9_99e15": (edit("Opportunity.csv", lambda h, r: r[9].update(Amount="9.99E+15")),
                       "quarantined", {"implausible_amount", "parent_quarantined"}),
    "amount_beyond_the_money_type": (edit("Opportunity.csv", lambda h, r: r[8].update(Amount="1" + "0" * 20)),
                                     "quarantined", {"invalid_amount", "parent_quarantined"}),
    "negative_quota": (edit("ForecastingQuota.csv", lambda h, r: r[0].update(QuotaAmount="-100000")),
                       "quarantined", {"implausible_amount"}),
    "rates_overlapping": (edit("DatedConversionRate.csv", _overlapping_rate), "read", set()),
    "rates_same_start_two_values": (edit("DatedConversionRate.csv", lambda h, r: r.append(
        {**r[0], "Id": r[0]["Id"][:-4] + "ZZZA", "ConversionRate": "0.5"})), "quarantined", {"conflicting_duplicate_id"}),
    "filtered_opportunity_export": (edit("Opportunity.csv", lambda h, r: r.__delitem__(slice(0, 10))),
                                    "quarantined", {"unknown_opportunity"}),
    "task_of_an_absent_deal": (edit("Task.csv", lambda h, r: r[3].update(WhatId="0065J000mDj9999QQA")),
                               "quarantined", {"unknown_opportunity"}),
    "quarantined_deal_with_children": (edit("Opportunity.csv", lambda h, r: r[1].update(OwnerId="005-bad")),
                                       "quarantined", {"invalid_id", "parent_quarantined"}),
    # timestamps after the export was taken
    "history_change_in_2031": (edit("OpportunityHistory.csv", lambda h, r: r[20].update(CreatedDate=FUTURE)),
                               "quarantined", {"future_timestamp"}),
    "task_completed_in_2031": (edit("Task.csv", lambda h, r: r[20].update(CompletedDateTime=FUTURE)),
                               "quarantined", {"future_timestamp"}),
    "field_change_in_2031": (edit("OpportunityFieldHistory.csv", lambda h, r: r[5].update(CreatedDate=FUTURE)),
                             "quarantined", {"future_timestamp"}),
    "deal_created_in_2031": (edit("Opportunity.csv", lambda h, r: r[11].update(CreatedDate=FUTURE)),
                             "quarantined", {"future_timestamp", "parent_quarantined"}),
}


def run_case(name: str, base: Path, out: Path, python: str) -> dict:
    folder = out / name
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(base, folder / "export")
    breaks, expected, reasons = CASES[name]
    breaks(folder / "export")
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "DBT_PROFILES_DIR": str(PROJECT),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    env.pop("CRM_EXPORT_PATH", None)
    run = subprocess.run(
        [python, "-m", "revops_kpis", "run", "--export", str(folder / "export"),
         "--duckdb", str(folder / "warehouse.duckdb"), "--skip-export-checks"],
        cwd=PROJECT, env=env, capture_output=True, text=True,
    )
    (folder / "output.txt").write_text(run.stdout + "\n--- stderr ---\n" + run.stderr, encoding="utf-8")
    result: dict = {"case": name, "expected": expected, "exit": run.returncode}
    if run.returncode == 0:
        with duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True) as connection:
            accounting = connection.execute(
                "select object_name, raw_row_count = staged_row_count + deleted_row_count + duplicate_row_count "
                "+ quarantined_row_count from staging.stg_salesforce__row_accounting").fetchall()
            found = dict(connection.execute(
                "select quarantine_reason, count(*) from staging.stg_salesforce__quarantine group by 1").fetchall())
            result["as_of"] = str(connection.execute("select as_of from staging.stg_salesforce__export_as_of").fetchall()[0][0])
            result["bookings"] = str(connection.execute(
                "select sum(bookings_amount) from marts.rpt_kpi_tier1_outcomes "
                "where grain = 'company' and period_grain = 'year'").fetchall()[0][0])
        result["quarantine"] = found
        accounted = all(ok for _, ok in accounting)
        result["ok"] = expected in ("read", "quarantined") and accounted and set(found) == reasons
    else:
        tail = run.stdout[-4000:] + run.stderr[-4000:]
        result["message"] = " | ".join(run.stderr.strip().splitlines()[-3:])[:300]
        result["ok"] = (expected == "refused" and run.returncode == 2 and not ENGINE_ERRORS.search(tail)
                        and ".csv" in run.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="work folder (created)")
    parser.add_argument("--workers", type=int, default=2, help="cases run at once (default 2)")
    parser.add_argument("cases", nargs="*", help=f"cases to run (default all): {', '.join(CASES)}")
    args = parser.parse_args(argv)
    unknown = [name for name in args.cases if name not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.out / "base"
    if base.exists():
        shutil.rmtree(base)
    subprocess.run([sys.executable, "-m", "revops_kpis.generator", "--out", str(base), "--opportunities", "150",
                    "--no-bad-rows"], cwd=PROJECT, check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(PROJECT)})
    names = args.cases or list(CASES)
    with ThreadPoolExecutor(args.workers) as pool:
        results = []
        for result in pool.map(lambda name: run_case(name, base, args.out, sys.executable), names):
            print(("ok    " if result["ok"] else "WRONG ") + json.dumps(result, default=str), flush=True)
            results.append(result)
    (args.out / "results.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    wrong = [result["case"] for result in results if not result["ok"]]
    print(f"{len(results) - len(wrong)} of {len(results)} cases end as expected" + (f"; wrong: {', '.join(wrong)}" if wrong else ""))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
