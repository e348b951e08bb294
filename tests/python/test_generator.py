"""Tests of the demo-export generator (revops_kpis/generator.py).

Everything is checked from the written files (parsed with the standard csv module or
pyarrow), not from the generator's internals, so the tests also vouch for the quoting,
the value formats and the data story a consumer sees.
"""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from revops_kpis import generator as gen  # noqa: E402
from revops_kpis.export_spec import load_spec  # noqa: E402

OBJECTS = [
    "Opportunity",
    "OpportunityHistory",
    "User",
    "Account",
    "OpportunityFieldHistory",
    "Task",
    "Event",
    "Lead",
    "ForecastingQuota",
    "DatedConversionRate",
]
ID_RE = re.compile(r"^[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{2}:?\d{2})$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AMOUNT_RE = re.compile(r"^\d+\.\d{2}$")
BOOLS = {"true": True, "false": False, "TRUE": True, "FALSE": False, "1": True, "0": False}
AUTOMATED_TYPES = {"CloudIntegrationUser", "AutomatedProcess"}


# ----------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------
def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, row, strict=True)) for row in reader]
    return header, rows


def load(folder: Path) -> dict[str, list[dict[str, str]]]:
    return {obj: read_csv(folder / f"{obj}.csv")[1] for obj in OBJECTS}


def blank(v: str | None) -> bool:
    return v is None or v.strip() == "" or v.strip().lower() == "null"


def ts(v: str) -> dt.datetime | None:
    if not TS_RE.match(v or ""):
        return None
    try:
        return dt.datetime.fromisoformat(v).astimezone(dt.timezone.utc)
    except ValueError:
        return None


def valid_date(v: str) -> bool:
    if not DATE_RE.match(v or ""):
        return False
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def valid_id(v: str) -> bool:
    if not ID_RE.match(v or ""):
        return False
    return len(v) == 15 or gen.to_18(v[:15]) == v


def is_true(v: str) -> bool:
    return BOOLS.get(v, False)


def stage_seed() -> list[str]:
    with open(PROJECT_ROOT / "seeds" / "stage_order.csv", newline="") as fh:
        return [r["stage_name"] for r in sorted(csv.DictReader(fh), key=lambda r: int(r["stage_order"]))]


# the demo org's sales process (open stages in order, won, lost)
STAGES = [name for name, _, _ in gen.DEMO_STAGES]
STAGE_CODE = {" ".join(s.lower().split()): i for i, s in enumerate(STAGES)}
WON, LOST = STAGES.index("Closed Won"), STAGES.index("Closed Lost")
N_OPEN = sum(1 for s in STAGES if not s.startswith("Closed"))


def stage_code(v: str) -> int | None:
    return STAGE_CODE.get(" ".join((v or "").lower().split()))


def clean_opportunities(rows):
    """Opportunity rows a cleaner keeps: valid values, not deleted, one version per id
    (exact copies collapse to one; two different rows with one id are both dropped)."""
    versions = defaultdict(set)
    for r in rows:
        versions[r["Id"]].add(tuple(r.values()))
    out = {}
    for r in rows:
        if len(versions[r["Id"]]) != 1 or not valid_id(r["Id"]) or is_true(r["IsDeleted"]):
            continue
        if stage_code(r["StageName"]) is None or not valid_date(r["CloseDate"]) or not AMOUNT_RE.match(r["Amount"]):
            continue
        if ts(r["CreatedDate"]) is None or r["IsWon"] not in BOOLS or r["IsClosed"] not in BOOLS:
            continue
        out[r["Id"][:15]] = r
    return out


def clean_history(rows, opp_ids):
    seen, out = set(), defaultdict(list)
    for r in rows:
        key = tuple(r.values())
        if key in seen or is_true(r["IsDeleted"]):
            continue
        seen.add(key)
        t = ts(r["CreatedDate"])
        code = stage_code(r["StageName"])
        if t is None or code is None or r["OpportunityId"][:15] not in opp_ids:
            continue
        out[r["OpportunityId"][:15]].append(dict(r, t=t, code=code))
    for rs in out.values():
        rs.sort(key=lambda r: (r["t"], r["Id"]))
    return out


# ----------------------------------------------------------------------------------------
# fixtures: generated once per module
# ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    manifest = gen.generate_export(out)
    return out, manifest


@pytest.fixture(scope="module")
def data(demo):
    return load(demo[0])


@pytest.fixture(scope="module")
def story(data):
    opps = clean_opportunities(data["Opportunity"])
    hist = clean_history(data["OpportunityHistory"], opps)
    users = {u["Id"]: u for u in data["User"]}
    return opps, hist, users


# ----------------------------------------------------------------------------------------
# determinism, files and headers
# ----------------------------------------------------------------------------------------
def test_same_seed_gives_byte_identical_files_and_other_seed_differs(demo, tmp_path):
    again = tmp_path / "again"
    other = tmp_path / "other"
    gen.generate_export(again)
    gen.generate_export(other, seed=7)
    names = sorted(p.name for p in demo[0].iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(demo[0], again, names, shallow=False)
    assert mismatch == [] and errors == [] and len(match) == len(names)
    for obj in ("Opportunity", "OpportunityHistory", "Task", "Lead"):
        assert (demo[0] / f"{obj}.csv").read_bytes() != (other / f"{obj}.csv").read_bytes()


def test_one_file_per_object_no_opportunity_stage(demo):
    names = {p.name for p in demo[0].iterdir()}
    assert names == {f"{o}.csv" for o in OBJECTS} | {"_manifest.json"}
    assert json.loads((demo[0] / "_manifest.json").read_text()) == demo[1]


def test_headers_are_the_contract_api_names(demo):
    spec = load_spec()
    for obj in OBJECTS:
        header, _ = read_csv(demo[0] / f"{obj}.csv")
        contract = [c.api_name for c in spec[obj].columns if c.api_name not in gen.NOT_GENERATED]
        extra = {"Lead": ["FirstName", "LastName", "Email", "Phone", "Company"]}.get(obj, [])
        assert header == contract + extra, obj
    assert "Email" in read_csv(demo[0] / "User.csv")[0]


def test_every_contract_column_has_values(data):
    for obj in OBJECTS:
        for col in [c.api_name for c in load_spec()[obj].columns if c.api_name not in gen.NOT_GENERATED]:
            assert any(not blank(r[col]) for r in data[obj]), f"{obj}.{col} is always blank"


def test_csv_encoding_and_quoting(demo, data):
    raw = (demo[0] / "Opportunity.csv").read_bytes() + (demo[0] / "Task.csv").read_bytes()
    raw.decode("utf-8")
    assert b"\r" not in raw
    names = [r["Name"] for r in data["Opportunity"]]
    assert any("," in n for n in names) and any('"' in n for n in names)
    subjects = [r["Subject"] for r in data["Task"]]
    assert any("," in s for s in subjects) and any('"' in s for s in subjects)
    assert any(not n.isascii() for n in names + [r["LastName"] for r in data["Lead"]])
    # minimal quoting: plain values unquoted, explicit empty strings quoted, literal null
    first_data_line = (demo[0] / "Opportunity.csv").read_text().splitlines()[1]
    assert first_data_line.startswith("006") and '"006' not in first_data_line
    text = "".join((demo[0] / f"{o}.csv").read_text() for o in OBJECTS)
    assert ',"",' in text or ',""\n' in text
    assert ",null," in text or ",null\n" in text


# ----------------------------------------------------------------------------------------
# ids
# ----------------------------------------------------------------------------------------
def test_to_18_known_pairs():
    # Worked by hand. "001A0000006Vm9r": chunks "001A0" (upper at i=3 -> 8 -> I),
    # "00000" (0 -> A), "6Vm9r" (upper at i=1 -> 2 -> C)  => "001A0000006Vm9rIAC".
    assert gen.to_18("001A0000006Vm9r") == "001A0000006Vm9rIAC"
    # "0065E00000AbCdE": "0065E" (i=4 -> 16 -> Q), "00000" (A), "AbCdE" (i=0,2,4 -> 1+4+16=21 -> V)
    assert gen.to_18("0065E00000AbCdE") == "0065E00000AbCdEQAV"
    # all lower case -> AAA; all upper -> 31 per chunk -> "5"
    assert gen.to_18("001abcdefghijkl") == "001abcdefghijklAAA"
    assert gen.to_18("ABCDEFGHIJKLMNO") == "ABCDEFGHIJKLMNO555"
    out = gen.to_18(np.array(["001A0000006Vm9r", "0065E00000AbCdE"]))
    assert list(out) == ["001A0000006Vm9rIAC", "0065E00000AbCdEQAV"]
    for bad in ("006BAD", "001A0000006Vm9rIAC", "001A0000006Vm9!"):
        with pytest.raises(ValueError):
            gen.to_18(bad)


def test_ids_have_salesforce_shape(data):
    prefixes = {
        "Opportunity": "006",
        "OpportunityHistory": "008",
        "User": "005",
        "Account": "001",
        "OpportunityFieldHistory": "017",
        "Task": "00T",
        "Event": "00U",
        "Lead": "00Q",
        "ForecastingQuota": "0J9",
        "DatedConversionRate": "04w",
    }
    for obj, prefix in prefixes.items():
        ids = [r["Id"] for r in data[obj] if valid_id(r["Id"])]
        assert ids and all(len(i) == 18 and i.startswith(prefix) for i in ids), obj
    ids = [r["Id"] for r in data["Opportunity"] if valid_id(r["Id"])]
    assert len({i[15:] for i in ids}) > 1  # checksums vary: the mapping is non-trivial
    assert all(any(c.isupper() for c in i[3:]) and any(c.islower() for c in i[3:]) for i in ids)
    assert {r["WhoId"][:3] for r in data["Task"] if not blank(r["WhoId"])} == {"003", "00Q"}


def test_ids_unique_except_injected_duplicates(demo, data):
    bad = demo[1]["bad_rows"]
    for obj in OBJECTS:
        rows = data[obj]
        ids = [r["Id"] for r in rows if r["Id"] != ""]
        extra = len(ids) - len(set(ids))
        expected = bad.get(obj, {}).get("duplicate", 0) + bad.get(obj, {}).get("conflicting_duplicate_id", 0) // 2
        assert extra == expected, obj


def test_short_reference_ids_point_at_existing_records(data):
    opp_ids = {r["Id"] for r in data["Opportunity"]}
    short_hist = [r["OpportunityId"] for r in data["OpportunityHistory"] if len(r["OpportunityId"]) == 15]
    short_task = [r["WhatId"] for r in data["Task"] if len(r["WhatId"]) == 15]
    assert short_hist and short_task
    assert set(gen.to_18(short_hist)) <= opp_ids
    assert set(gen.to_18(short_task)) <= opp_ids


# ----------------------------------------------------------------------------------------
# manifest and bad rows
# ----------------------------------------------------------------------------------------
def count_bad(data) -> dict[str, dict[str, int]]:
    """Recount every injected kind from the files, with the cleaner's rules."""
    opp = data["Opportunity"]
    c: dict[str, Counter] = defaultdict(Counter)
    full = Counter(tuple(r.values()) for r in opp)
    by_id = defaultdict(set)
    for r in opp:
        by_id[r["Id"]].add(tuple(r.values()))
    for r in opp:
        if r["Id"] == "":
            c["Opportunity"]["missing_id"] += 1
        elif not valid_id(r["Id"]):
            c["Opportunity"]["invalid_id"] += 1
        elif len(by_id[r["Id"]]) > 1:
            c["Opportunity"]["conflicting_duplicate_id"] += 1
        if not valid_date(r["CloseDate"]):
            c["Opportunity"]["invalid_date"] += 1
        if not AMOUNT_RE.match(r["Amount"]):
            c["Opportunity"]["invalid_amount"] += 1
        if ts(r["CreatedDate"]) is None:
            c["Opportunity"]["invalid_timestamp"] += 1
        if any(r[b] not in BOOLS for b in ("IsWon", "IsClosed", "IsDeleted")):
            c["Opportunity"]["invalid_boolean"] += 1
        if blank(r["StageName"]):
            c["Opportunity"]["missing_required_value"] += 1
        elif stage_code(r["StageName"]) is None:
            c["Opportunity"]["custom_stage"] += 1
        if is_true(r["IsDeleted"]):
            c["Opportunity"]["deleted"] += 1
    c["Opportunity"]["duplicate"] = sum(n - 1 for n in full.values())
    opp15 = {r["Id"][:15] for r in opp if valid_id(r["Id"])}
    for obj, ts_cols in (("OpportunityHistory", ["CreatedDate"]), ("Task", ["CreatedDate", "CompletedDateTime"]), ("Event", ["StartDateTime"])):
        rows = data[obj]
        c[obj]["duplicate"] = sum(n - 1 for n in Counter(tuple(r.values()) for r in rows).values())
        for r in rows:
            if any(not blank(r[col]) and ts(r[col]) is None for col in ts_cols):
                c[obj]["invalid_timestamp"] += 1
            if is_true(r["IsDeleted"]):
                c[obj]["deleted"] += 1
            if obj == "OpportunityHistory":
                if r["OpportunityId"][:15] not in opp15:
                    c[obj]["unknown_opportunity"] += 1
                if stage_code(r["StageName"]) is None:
                    c[obj]["custom_stage"] += 1
    for obj in ("Account", "User"):
        c[obj]["duplicate"] = sum(n - 1 for n in Counter(tuple(r.values()) for r in data[obj]).values())
    return c


def test_manifest_counts_match_the_files(demo, data):
    folder, manifest = demo
    for obj in OBJECTS:
        assert manifest["rows"][obj] == len(data[obj]), obj
        assert manifest["files"][obj] == f"{obj}.csv"
    found = count_bad(data)
    assert set(manifest["bad_rows"]) == set(gen.BAD_KINDS)
    for obj, kinds in manifest["bad_rows"].items():
        assert set(kinds) == set(gen.BAD_KINDS[obj])
        for kind, n in kinds.items():
            assert found[obj][kind] == n, (obj, kind)
            assert 1 <= n <= 3 or (kind == "conflicting_duplicate_id" and n == 2), (obj, kind)
    # rows in a stage of neither the org's process nor the seed: kept by a cleaner, not bad rows
    assert set(manifest["custom_stage_rows"]) == set(gen.CUSTOM_STAGE_OBJECTS)
    for obj, n in manifest["custom_stage_rows"].items():
        assert found[obj]["custom_stage"] == n and 1 <= n <= 3, obj
    # spot checks of the exact spellings
    opp = data["Opportunity"]
    assert sum(r["StageName"] == gen.CUSTOM_STAGE for r in opp) == manifest["custom_stage_rows"]["Opportunity"]
    assert sum(r["Id"] == "" for r in opp) == manifest["bad_rows"]["Opportunity"]["missing_id"]
    assert sum(r["IsWon"] == "maybe" for r in opp) == manifest["bad_rows"]["Opportunity"]["invalid_boolean"]


def test_demo_stages_are_salesforce_defaults_in_the_seed_order():
    """The demo org uses six of the seed's default open stages, in the seed's order, with
    probabilities of its own; the two it does not use must not become funnel stages."""
    seed = stage_seed()
    assert set(STAGES) < set(seed)
    assert sorted(STAGES, key=seed.index) == STAGES
    assert set(seed) - set(STAGES) == {"Id. Decision Makers", "Perception Analysis"}
    assert gen.CUSTOM_STAGE not in seed


def test_quarantine_cascades_to_nothing(demo, data, story):
    """The conflicting-duplicate opportunity has no dependants, and every live history row
    points at a clean opportunity except the injected unknown_opportunity rows: a correct
    cleaner's quarantine counts equal the manifest's."""
    opps, _, _ = story
    rows_by_id = defaultdict(set)
    for r in data["Opportunity"]:
        rows_by_id[r["Id"]].add(tuple(r.values()))
    conflicting = {i[:15] for i, versions in rows_by_id.items() if len(versions) > 1}
    assert len(conflicting) == 1
    for obj, col in (("OpportunityHistory", "OpportunityId"), ("OpportunityFieldHistory", "OpportunityId"), ("Task", "WhatId"), ("Event", "WhatId"), ("Lead", "ConvertedOpportunityId")):
        assert not any(r[col][:15] in conflicting for r in data[obj]), obj
    orphans = sum(not is_true(r["IsDeleted"]) and r["OpportunityId"][:15] not in opps for r in data["OpportunityHistory"])
    assert orphans == demo[1]["bad_rows"]["OpportunityHistory"]["unknown_opportunity"]


def test_bad_rows_are_appended_after_clean_rows(data):
    opp = data["Opportunity"]
    first_bad = next(i for i, r in enumerate(opp) if r["Id"] == "")
    assert all(valid_id(r["Id"]) and not is_true(r["IsDeleted"]) for r in opp[:first_bad])
    assert len({r["Id"] for r in opp[:first_bad]}) == first_bad


def test_without_bad_rows_everything_is_valid(tmp_path):
    manifest = gen.generate_export(tmp_path, opportunities=300, seed=3, inject_bad_rows=False)
    data = load(tmp_path)
    assert all(n == 0 for kinds in manifest["bad_rows"].values() for n in kinds.values())
    found = count_bad(data)
    assert all(n == 0 for kinds in found.values() for n in kinds.values()), found
    for obj in OBJECTS:
        assert len({r["Id"] for r in data[obj]}) == len(data[obj])


# ----------------------------------------------------------------------------------------
# value formats
# ----------------------------------------------------------------------------------------
def test_value_formats_and_valid_variants(data):
    stamps = [r["CreatedDate"] for r in data["OpportunityHistory"] + data["Task"]]
    assert all(ts(s) for s in stamps if s not in ("2025-02-30T25:61:00.000Z", "not a timestamp", "2025-06-31T10:00:00.000Z"))
    assert any(s.endswith(".000Z") for s in stamps)
    assert any(s.endswith("+0000") for s in stamps)
    assert any(s.endswith("+02:00") for s in stamps)
    spec = load_spec()
    bool_cols = {obj: [c.api_name for c in spec[obj].columns if c.type == "boolean"] for obj in OBJECTS}
    bools = Counter(r[c] for obj in OBJECTS for r in data[obj] for c in bool_cols[obj])
    assert {"true", "false", "TRUE", "FALSE", "1", "0"} <= set(bools)
    assert bools["false"] > 10 * (bools["FALSE"] + bools["0"])
    assert all(AMOUNT_RE.match(r["Amount"]) for r in data["OpportunityHistory"])
    assert all(r["Probability"].isdigit() for r in data["OpportunityHistory"])
    assert all(valid_date(r["CloseDate"]) for r in data["OpportunityHistory"])
    assert all(blank(r["CallDurationInSeconds"]) or r["CallDurationInSeconds"].isdigit() for r in data["Task"])


# ----------------------------------------------------------------------------------------
# the data story
# ----------------------------------------------------------------------------------------
def test_current_state_equals_last_history_row(story):
    opps, hist, _ = story
    assert len(opps) >= 590
    closing_same_day = 0
    closed = 0
    for oid, o in opps.items():
        rows = hist[oid]
        assert rows, oid
        last = rows[-1]
        assert stage_code(o["StageName"]) == last["code"], oid
        assert o["StageName"] == last["StageName"]
        assert o["Amount"] == last["Amount"] and o["CloseDate"] == last["CloseDate"], oid
        assert rows[0]["t"] == ts(o["CreatedDate"]), oid  # first row at creation
        code = stage_code(o["StageName"])
        assert is_true(o["IsClosed"]) == (code >= WON) and is_true(o["IsWon"]) == (code == WON)
        assert o["ForecastCategoryName"] == {WON: "Closed", LOST: "Omitted"}.get(code, o["ForecastCategoryName"])
        if code >= WON:
            closed += 1
            closing_same_day += o["CloseDate"] == last["t"].date().isoformat()
            if code == LOST:
                assert o["Loss_Reason__c"] in ("Price", "Competitor", "No Decision", "Timing", "", "null")
        else:
            assert blank(o["Loss_Reason__c"])
    assert 0.85 * closed <= closing_same_day < closed  # most, not all


def test_stage_progression_story(story):
    opps, hist, users = story
    found = Counter()
    for oid, rows in hist.items():
        entered = {rows[0]["code"]}
        if rows[0]["code"] in (2, 3):
            found["created_in_later_stage"] += 1
        stage_changes = []
        for prev, cur in zip(rows, rows[1:]):
            by = users[cur["CreatedById"]]["UserType"]
            a, b = prev["code"], cur["code"]
            if cur["t"] == prev["t"]:
                found["identical_timestamp"] += 1
            if a == b:
                if cur["Amount"] != prev["Amount"] and cur["CloseDate"] == prev["CloseDate"]:
                    found["amount_only"] += 1
                if cur["CloseDate"] != prev["CloseDate"] and cur["Amount"] == prev["Amount"]:
                    found["close_date_only"] += 1
                continue
            stage_changes.append(cur)
            if a < N_OPEN and b <= WON and b > a + 1 and not (set(range(a + 1, b)) & entered):
                found["manual_skip" if by == "Standard" else f"skip_by_{by}"] += 1
            if a < N_OPEN and b < a:
                found["backward"] += 1
            if a == LOST and b < N_OPEN:
                found["reopen"] += 1
            if a == N_OPEN - 1 and b == WON:
                found["won_after_last_open_stage"] += 1
            if a < N_OPEN and b == LOST:
                found[f"lost_from_{a}"] += 1
            entered.add(b)
        for x, y in zip(stage_changes, stage_changes[1:]):
            if x["CreatedById"] == y["CreatedById"] and (y["t"] - x["t"]).total_seconds() <= 600:
                found["batch_logged"] += 1
    for key in (
        "created_in_later_stage",
        "identical_timestamp",
        "amount_only",
        "close_date_only",
        "manual_skip",
        "skip_by_CloudIntegrationUser",
        "backward",
        "reopen",
        "won_after_last_open_stage",
        "batch_logged",
    ):
        assert found[key] >= 1, (key, found)
    assert sum(found[f"lost_from_{s}"] > 0 for s in range(N_OPEN)) >= N_OPEN - 1  # lost from (almost) any open stage
    assert found["manual_skip"] >= 10 and found["skip_by_CloudIntegrationUser"] >= 10


def test_history_rows_per_deal_and_sloppy_stage_names(data, story):
    opps, hist, _ = story
    assert 4.5 <= sum(len(v) for v in hist.values()) / len(opps) <= 7.5
    sloppy = [r["StageName"] for r in data["OpportunityHistory"] if r["StageName"] not in STAGES and stage_code(r["StageName"]) is not None]
    assert len(sloppy) >= 5
    assert any(s != s.strip() or "  " in s for s in sloppy) and any(s.islower() or s.isupper() for s in sloppy)


def test_users_teams_and_automation_users(data):
    users = data["User"]
    by_type = Counter(u["UserType"] for u in users if u is not None)
    assert by_type["CloudIntegrationUser"] >= 1 and by_type["AutomatedProcess"] >= 1
    integ = next(u for u in users if u["UserType"] == "CloudIntegrationUser")
    assert "Integration" in integ["Name"]
    ids = {u["Id"]: u for u in users}
    reps = [u for u in ids.values() if u["Title"] == "Account Executive"]
    managers = {u["Id"] for u in ids.values() if u["Title"] == "Sales Manager"}
    vp = [u for u in ids.values() if u["Title"] == "VP Sales"]
    assert len(reps) == 24 and len(managers) == 4 and len(vp) == 1
    assert all(r["ManagerId"] in managers and r["UserType"] == "Standard" for r in reps)
    assert all(ids[m]["ManagerId"] == vp[0]["Id"] for m in managers)
    assert sum(not is_true(r["IsActive"]) for r in reps) >= 2


def test_owner_changes_and_close_date_history(data, story):
    opps, hist, _ = story
    fh = data["OpportunityFieldHistory"]
    owner_rows = defaultdict(list)
    for r in fh:
        if r["Field"] == "Owner":
            owner_rows[r["OpportunityId"][:15]].append(r)
    changed = [oid for oid in owner_rows if oid in opps]
    assert 0.02 * len(opps) <= len(changed) <= 0.12 * len(opps)
    for oid in changed:
        last = max(owner_rows[oid], key=lambda r: (ts(r["CreatedDate"]), r["Id"]))
        assert opps[oid]["OwnerId"] == last["NewValue"] != last["OldValue"]
    cd = [r for r in fh if r["Field"] == "CloseDate" and r["OpportunityId"][:15] in opps]
    pushes = sum(r["NewValue"] > r["OldValue"] for r in cd)
    assert pushes > 1.5 * (len(cd) - pushes) > 0
    changes = sum(a["CloseDate"] != b["CloseDate"] for oid, rows in hist.items() for a, b in zip(rows, rows[1:]))
    assert len(cd) == changes  # one field-history row per close-date change


def test_currency_quotas_and_rates(data, story):
    opps, _, users = story
    eur = sum(o["CurrencyIsoCode"] == "EUR" for o in opps.values())
    assert 0.05 * len(opps) <= eur <= 0.3 * len(opps)
    quarters = ["2024-10-01", "2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01"]
    q = data["ForecastingQuota"]
    assert len({(r["QuotaOwnerId"], r["StartDate"]) for r in q}) == len(q)
    assert {r["StartDate"] for r in q} == set(quarters)
    per_rep = Counter(r["QuotaOwnerId"] for r in q)
    active_reps = [u["Id"] for u in users.values() if u["Title"] == "Account Executive" and is_true(u["IsActive"])]
    assert len(per_rep) == 24 and all(per_rep[r] == 8 for r in active_reps)
    assert all(r["CurrencyIsoCode"] == "USD" and float(r["QuotaAmount"]) > 0 for r in q)
    rates = data["DatedConversionRate"]
    eur_rows = sorted((r for r in rates if r["IsoCode"] == "EUR"), key=lambda r: r["StartDate"])
    assert [r["StartDate"] for r in eur_rows] == quarters
    assert [r["NextStartDate"] for r in eur_rows] == quarters[1:] + ["9999-12-31"]
    assert all(0.9 <= float(r["ConversionRate"]) <= 0.95 for r in eur_rows)
    assert len({r["ConversionRate"] for r in eur_rows}) > 4
    usd = [r for r in rates if r["IsoCode"] == "USD"]
    assert len(usd) == 1 and float(usd[0]["ConversionRate"]) == 1.0


def test_interactions(data, story):
    opps, hist, users = story
    tasks, events = data["Task"], data["Event"]
    assert 15 <= (len(tasks) + len(events)) / len(opps) <= 25
    opp_rows = {oid: o for oid, o in opps.items()}
    accounts = {r["Id"] for r in data["Account"]}
    leads = {r["Id"] for r in data["Lead"]}
    kinds = Counter()
    outside = 0
    for r, when in [(t, t["CompletedDateTime"]) for t in tasks] + [(e, e["StartDateTime"]) for e in events]:
        what, who = r["WhatId"], r["WhoId"]
        t = ts(when)
        if what[:3] == "006" and what[:15] in opp_rows:
            kinds["deal"] += 1
            rows = hist[what[:15]]
            assert r["AccountId"] == opp_rows[what[:15]]["AccountId"]
            if t is not None and (t < rows[0]["t"] or (rows[-1]["code"] >= WON and t > rows[-1]["t"])):
                outside += 1
        elif what[:3] == "001":
            kinds["account"] += 1
            assert what in accounts and r["AccountId"] == what
        elif blank(what) and who[:3] == "00Q":
            kinds["lead"] += 1
            assert who in leads and blank(r["AccountId"])
    assert kinds["deal"] > 0.7 * (len(tasks) + len(events)) and kinds["account"] > 100 and kinds["lead"] > 100
    assert outside <= 0.01 * kinds["deal"]  # between creation and close (bad rows aside)
    types = Counter(r["Type"] for r in tasks)
    assert {"Call", "Email", "Meeting", "Other"} <= set(types) and types[""] > 0
    untyped = [r for r in tasks if blank(r["Type"])]
    assert any(r["TaskSubtype"] in ("Call", "Email") for r in untyped)
    assert any(r["TaskSubtype"] == "Task" and (r["Subject"].startswith("Call with") or r["Subject"].startswith("Email:")) for r in untyped)
    assert all(blank(r["CallDurationInSeconds"]) for r in tasks if r["TaskSubtype"] != "Call" and r["Type"] != "Call")
    assert any(not blank(r["CallDurationInSeconds"]) for r in tasks)
    assert {r["Type"] for r in events} == {"Meeting", "Demo"} and {r["EventSubtype"] for r in events} == {"Event"}
    for r in tasks:
        if r["Status"] == "Completed" and ts(r["CompletedDateTime"]):
            assert r["ActivityDate"] == ts(r["CompletedDateTime"]).date().isoformat()
    # more activity on won than on lost deals, per deal
    per_deal = Counter(r["WhatId"][:15] for r in tasks + events if r["WhatId"][:3] == "006")
    won = [per_deal[o] for o, v in opps.items() if v["StageName"] == "Closed Won"]
    lost = [per_deal[o] for o, v in opps.items() if v["StageName"] == "Closed Lost"]
    assert np.mean(won) > np.mean(lost)


def test_stale_deals_and_single_open_deal_accounts(data, story):
    opps, hist, _ = story
    last_activity = defaultdict(lambda: dt.datetime.min.replace(tzinfo=dt.timezone.utc))
    every = []
    for r, col in [(t, "CompletedDateTime") for t in data["Task"]] + [(e, "StartDateTime") for e in data["Event"]]:
        t = ts(r[col])
        if t:
            every.append(t)
            key = r["WhatId"][:15]
            last_activity[key] = max(last_activity[key], t)
    as_of = max(every + [rows[-1]["t"] for rows in hist.values()])
    assert as_of.date() == dt.date(2026, 9, 30)
    open_deals = [oid for oid, o in opps.items() if stage_code(o["StageName"]) < N_OPEN]
    stale = [oid for oid in open_deals if (as_of - max(hist[oid][-1]["t"], last_activity[oid])).days >= 45]
    assert len(stale) >= 5 and len(stale) < len(open_deals)
    # account-level interactions while the account had exactly one open deal
    spans = defaultdict(list)
    for oid, o in opps.items():
        rows = hist[oid]
        end = rows[-1]["t"] if rows[-1]["code"] >= WON else as_of
        spans[o["AccountId"]].append((rows[0]["t"], end))
    single = 0
    for r in data["Task"] + data["Event"]:
        if r["WhatId"][:3] == "001":
            t = ts(r.get("CompletedDateTime") or r.get("StartDateTime") or "")
            if t and sum(a <= t <= b for a, b in spans[r["WhatId"]]) == 1:
                single += 1
    assert single >= 20


def test_leads_conversion_and_response(data, story):
    opps, _, _ = story
    leads = data["Lead"]
    assert len(leads) == 300
    opp_by_id = {r["Id"]: r for r in data["Opportunity"] if valid_id(r["Id"])}
    converted = [r for r in leads if is_true(r["IsConverted"])]
    assert 0.2 * len(leads) <= len(converted) <= 0.3 * len(leads)
    for r in converted:
        o = opp_by_id[r["ConvertedOpportunityId"]]
        assert r["ConvertedAccountId"] == o["AccountId"] and r["Status"] == "Closed - Converted"
        assert r["ConvertedDate"] == ts(o["CreatedDate"]).date().isoformat()
        assert ts(r["CreatedDate"]) < ts(o["CreatedDate"])
    assert all(blank(r["ConvertedOpportunityId"]) for r in leads if not is_true(r["IsConverted"]))
    first_touch = {}
    for t in data["Task"] + data["Event"]:
        if t["WhoId"][:3] == "00Q" and ts(t["CreatedDate"]):
            first_touch[t["WhoId"]] = min(first_touch.get(t["WhoId"], ts(t["CreatedDate"])), ts(t["CreatedDate"]))
    untouched = [r for r in leads if r["Id"] not in first_touch]
    assert 0.05 * len(leads) <= len(untouched) <= 0.15 * len(leads)
    delays = [(first_touch[r["Id"]] - ts(r["CreatedDate"])).total_seconds() / 60 for r in leads if r["Id"] in first_touch]
    assert min(delays) >= 0
    assert 1 <= np.median(delays) <= 24 * 60 and max(delays) > 24 * 60  # minutes to days


# ----------------------------------------------------------------------------------------
# parquet, scale, CLI
# ----------------------------------------------------------------------------------------
def test_parquet_has_same_rows_as_csv(demo, data, tmp_path_factory):
    tmp_path, again = tmp_path_factory.mktemp("pq"), tmp_path_factory.mktemp("pq_again")
    manifest = gen.generate_export(tmp_path, fmt="parquet")
    gen.generate_export(again, fmt="parquet")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert filecmp.cmpfiles(tmp_path, again, names, shallow=False)[0] == names  # byte-identical
    assert manifest["rows"] == demo[1]["rows"] and manifest["bad_rows"] == demo[1]["bad_rows"]
    assert {p.name for p in tmp_path.iterdir()} == {f"{o}.parquet" for o in OBJECTS} | {"_manifest.json"}
    for obj in OBJECTS:
        table = pq.read_table(tmp_path / f"{obj}.parquet")
        assert table.num_rows == len(data[obj]), obj
        assert table.column_names == list(data[obj][0].keys())
        assert all(str(f.type) == "string" for f in table.schema), obj
        assert [v or "" for v in table.column("Id").to_pylist()] == [r["Id"] for r in data[obj]]


def test_scale_5000_ratios(tmp_path):
    start = time.perf_counter()
    m = gen.generate_export(tmp_path, opportunities=5000, seed=11, fmt="parquet", inject_bad_rows=False)
    elapsed = time.perf_counter() - start
    assert elapsed < 20
    rows = m["rows"]
    assert rows["Opportunity"] == 5000
    assert 4.5 * 5000 <= rows["OpportunityHistory"] <= 7.5 * 5000
    assert 15 * 5000 <= rows["Task"] + rows["Event"] <= 25 * 5000
    assert rows["Lead"] == 2500 and rows["Account"] == 5000 // 3
    assert rows["User"] == 24 + 4 + 1 + 2 and rows["DatedConversionRate"] == 9
    opp = pq.read_table(tmp_path / "Opportunity.parquet", columns=["Id"]).column("Id").to_pylist()
    hist = pq.read_table(tmp_path / "OpportunityHistory.parquet", columns=["OpportunityId"]).column("OpportunityId").to_pylist()
    assert {h[:15] for h in hist} == {o[:15] for o in opp}  # every deal has history, no orphans


def test_scale_formulas():
    assert gen._n_leads(600) == 300 and gen._n_leads(1_000_000) == 200_000


def test_cli(tmp_path, capsys):
    assert gen.main(["--out", str(tmp_path / "x"), "--opportunities", "60", "--seed", "5", "--end-date", "2025-12-31"]) == 0
    err = capsys.readouterr().err
    for obj in OBJECTS:
        assert re.search(rf"^{obj}\s+[\d,]+\s+[\d.]+ s$", err, re.M), obj
    assert err.strip().splitlines()[-1].startswith("wrote 10 csv files")
    manifest = json.loads((tmp_path / "x" / "_manifest.json").read_text())
    assert manifest["params"]["end_date"] == "2025-12-31" and manifest["window"]["start_date"] == "2024-01-01"
    for argv in (
        ["--out", str(tmp_path / "y"), "--format", "xml"],
        ["--out", str(tmp_path / "y"), "--opportunities", "5"],
        ["--out", str(tmp_path / "y"), "--opportunities", "many"],
        ["--out", str(tmp_path / "y"), "--end-date", "2026-02-30"],
        ["--out", str(tmp_path / "x" / "Task.csv")],
        [],
    ):
        with pytest.raises(SystemExit) as exc:
            gen.main(argv)
        assert exc.value.code == 2
        assert "error" in capsys.readouterr().err
    with pytest.raises(ValueError):
        gen.generate_export(tmp_path / "z", fmt="json")


def test_committed_demo_export_is_reproducible(demo):
    committed = PROJECT_ROOT / "data" / "demo_export"
    if not committed.exists():
        pytest.skip("no committed demo export")
    names = sorted(p.name for p in demo[0].iterdir())
    assert sorted(p.name for p in committed.iterdir()) == names
    _, mismatch, errors = filecmp.cmpfiles(demo[0], committed, names, shallow=False)
    assert mismatch == [] and errors == [], "regenerate: python -m revops_kpis.generator --out data/demo_export"
