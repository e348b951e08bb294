"""The HubSpot rendering of the generator's business (revops_kpis/generator_hubspot.py).

Everything is computed from the written CSV files with plain Python (csv, decimal), not from
the generator's internals: the committed demo exports data/demo_export (Salesforce) and
data/demo_export_hubspot (HubSpot, the same seed and size) must describe the same business,
the HubSpot tables must carry the columns of the HubSpot input contract (the Fivetran tables
and columns the project reads, restated below), and the contract's traps must be present. No dbt build.
"""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import json
import re
import sys
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import pyarrow.parquet as pq
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from revops_kpis import cli  # noqa: E402
from revops_kpis import generator_hubspot as hs  # noqa: E402

SF_DIR = PROJECT_ROOT / "data" / "demo_export"
HS_DIR = PROJECT_ROOT / "data" / "demo_export_hubspot"

# the HubSpot input contract: the Fivetran tables and the project-owned files, with their columns
_ENGAGEMENT = ["engagement_id", "type", "property_hs_timestamp", "property_hs_createdate", "property_hubspot_owner_id",
               "property_hubspot_team_id", "_fivetran_deleted", "_fivetran_synced"]
CONTRACT = {
    "deal": ["deal_id", "portal_id", "is_deleted", "_fivetran_deleted", "deal_pipeline_id", "deal_pipeline_stage_id",
             "owner_id", "property_dealname", "property_amount", "property_closedate", "property_createdate",
             "property_dealtype", "property_closed_lost_reason", "property_hs_deal_stage_probability",
             "property_hs_manual_forecast_category", "property_hs_is_closed", "property_hs_is_closed_won", "_fivetran_synced"],
    "deal_stage": ["deal_id", "value", "date_entered", "_fivetran_start", "_fivetran_end", "_fivetran_active", "source",
                   "source_id", "_fivetran_synced"],
    "deal_property_history": ["deal_id", "name", "value", "timestamp", "source", "source_id", "_fivetran_synced"],
    "deal_pipeline": ["pipeline_id", "label", "display_order", "active", "_fivetran_deleted", "created_at", "updated_at",
                      "_fivetran_synced"],
    "deal_pipeline_stage": ["stage_id", "pipeline_id", "label", "display_order", "probability", "is_closed", "closed_won",
                            "active", "_fivetran_deleted", "created_at", "updated_at", "_fivetran_synced"],
    "owner": ["owner_id", "active_user_id", "first_name", "last_name", "email", "type", "portal_id", "created_at",
              "updated_at", "_fivetran_synced"],
    "owner_team": ["owner_id", "team_id", "is_team_primary", "_fivetran_synced", "_fivetran_deleted"],
    "team": ["id", "name", "_fivetran_synced", "_fivetran_deleted"],
    "users": ["id", "primary_team_id", "role_id", "_fivetran_synced", "_fivetran_deleted"],
    "role": ["id", "name", "_fivetran_synced", "_fivetran_deleted"],
    "company": ["id", "property_name", "property_createdate", "property_hubspot_owner_id", "is_deleted",
                "_fivetran_deleted", "portal_id", "_fivetran_synced"],
    "deal_company": ["deal_id", "company_id", "type_id", "category"],
    "contact": ["id", "property_createdate", "property_hubspot_owner_id", "property_lifecyclestage",
                "property_hs_lifecyclestage_lead_date", "property_hs_lead_status", "property_email", "property_firstname",
                "property_lastname", "_fivetran_deleted", "_fivetran_synced"],
    "contact_property_history": ["contact_id", "name", "value", "timestamp", "source", "source_id"],
    "engagement": ["id", "type", "portal_id", "_fivetran_deleted", "_fivetran_synced"],
    "engagement_call": _ENGAGEMENT + ["property_hs_call_duration", "property_hs_call_title", "property_hs_call_status",
                                      "property_hs_call_direction"],
    "engagement_email": _ENGAGEMENT + ["property_hs_email_subject", "property_hs_email_direction",
                                       "property_hs_email_status"],
    "engagement_meeting": _ENGAGEMENT + ["property_hs_meeting_title", "property_hs_meeting_start_time",
                                         "property_hs_meeting_end_time", "property_hs_meeting_outcome"],
    "engagement_contact": ["engagement_id", "contact_id", "engagement_type", "type_id", "category", "_fivetran_synced"],
    "engagement_deal": ["engagement_id", "deal_id", "engagement_type", "type_id", "category", "_fivetran_synced"],
    "engagement_company": ["engagement_id", "company_id", "engagement_type", "type_id", "category", "_fivetran_synced"],
    "quota": ["quota_id", "owner_id", "period_type", "period_start", "quota_amount"],
    "stage_forecast_category": ["pipeline_id", "stage_id", "forecast_category"],
}
SF_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{2}:?\d{2})$")
HS_TS = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,6})?(Z| UTC)?$")
BOOLS = {"true": True, "false": False, "TRUE": True, "FALSE": False, "1": True, "0": False}
WORKFLOW_ID = re.compile(r"^enrollmentId:\d+;actionExecutionIndex:\d+$")
USER_ID = re.compile(r"^userId:(\d+)$")


# ----------------------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------------------
def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, [dict(zip(header, row, strict=True)) for row in reader]


def blank(v: str | None) -> bool:
    return v is None or v.strip() == "" or v.strip().lower() == "null"


def sf_ts(v: str) -> dt.datetime | None:
    if not SF_TS.match(v or ""):
        return None
    try:
        return dt.datetime.fromisoformat(v).astimezone(dt.timezone.utc)
    except ValueError:
        return None


def hs_ts(v: str) -> dt.datetime:
    """Every spelling the contract lists: `YYYY-MM-DD HH:MM:SS`, a fraction, ` UTC`, ISO `T...Z`."""
    m = HS_TS.match(v)
    assert m, f"not a contract timestamp: {v!r}"
    frac = (m.group(3) or ".0")[1:].ljust(6, "0")
    return dt.datetime.fromisoformat(f"{m.group(1)} {m.group(2)}").replace(microsecond=int(frac), tzinfo=dt.timezone.utc)


def hs_date_value(v: str) -> dt.date:
    """A closedate property value: ISO midnight UTC or legacy epoch milliseconds."""
    if v.isdigit():
        return dt.datetime.fromtimestamp(int(v) / 1000, dt.timezone.utc).date()
    assert v.endswith("T00:00:00Z"), v
    return dt.date.fromisoformat(v[:10])


def quarter(d: dt.date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


@pytest.fixture(scope="module")
def sf():
    """The Salesforce demo as a consumer keeps it: valid, not deleted, one version per id, in
    one of the org's stages (the copies moved to `Stage X` and every injected bad row left out)."""
    data = {obj: read(SF_DIR / f"{obj}.csv")[1] for obj in
            ("User", "Opportunity", "OpportunityHistory", "OpportunityFieldHistory", "Task", "Event", "Lead",
             "ForecastingQuota", "DatedConversionRate")}
    stages = {name.lower(): name for name in
              ("Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Proposal/Price Quote",
               "Negotiation/Review", "Closed Won", "Closed Lost")}

    def stage(v):
        return stages.get(" ".join((v or "").lower().split()))

    versions = defaultdict(set)
    for r in data["Opportunity"]:
        versions[r["Id"]].add(tuple(r.values()))
    opps = {}
    for r in data["Opportunity"]:
        if len(versions[r["Id"]]) != 1 or len(r["Id"]) != 18 or BOOLS.get(r["IsDeleted"], True):
            continue
        try:
            dt.date.fromisoformat(r["CloseDate"])
            Decimal(r["Amount"])
        except (ValueError, InvalidOperation):
            continue
        if stage(r["StageName"]) and sf_ts(r["CreatedDate"]) and r["IsWon"] in BOOLS:
            opps[r["Id"][:15]] = dict(r, stage=stage(r["StageName"]))
    seen, hist = set(), defaultdict(list)
    for r in data["OpportunityHistory"]:
        key = tuple(r.values())
        if key in seen or BOOLS.get(r["IsDeleted"], True):
            continue
        seen.add(key)
        t = sf_ts(r["CreatedDate"])
        if t and stage(r["StageName"]) and r["OpportunityId"][:15] in opps:
            hist[r["OpportunityId"][:15]].append(dict(r, t=t, stage=stage(r["StageName"])))
    for rows in hist.values():
        rows.sort(key=lambda r: (r["t"], r["Id"]))

    def clean(rows, time_cols):
        seen, out = set(), []
        for r in rows:
            key = tuple(r.values())
            if key in seen or BOOLS.get(r["IsDeleted"], True):
                continue
            seen.add(key)
            if all(blank(r[c]) or sf_ts(r[c]) for c in time_cols):
                out.append(r)
        return out

    data["Task"] = clean(data["Task"], ["CreatedDate", "CompletedDateTime"])
    data["Event"] = clean(data["Event"], ["StartDateTime", "CreatedDate"])
    users = {}
    for u in data["User"]:
        users[u["Id"]] = u
    return {**data, "opps": opps, "hist": hist, "users": users}


@pytest.fixture(scope="module")
def hsd():
    return {table: read(HS_DIR / f"{table}.csv")[1] for table in CONTRACT} | {
        "engagement_task": read(HS_DIR / "engagement_task.csv")[1]}


@pytest.fixture(scope="module")
def hs_stages(hsd):
    return {r["stage_id"]: r for r in hsd["deal_pipeline_stage"]}


def live_deals(hsd):
    return [d for d in hsd["deal"] if not BOOLS[d["is_deleted"]] and not BOOLS[d["_fivetran_deleted"]]]


def usd(amount: str, currency: str, close: dt.date, rates: list[dict]) -> Decimal:
    """The dated rate in force on the close date (the project's bookings rule), half up to the cent."""
    if currency == "USD":
        return Decimal(amount)
    rate = next(Decimal(r["ConversionRate"]) for r in rates if r["IsoCode"] == currency
                and dt.date.fromisoformat(r["StartDate"]) <= close < dt.date.fromisoformat(r["NextStartDate"]))
    return (Decimal(amount) / rate).quantize(Decimal("0.01"), ROUND_HALF_UP)


# ----------------------------------------------------------------------------------------
# files
# ----------------------------------------------------------------------------------------
def test_every_contract_table_has_the_contract_columns():
    for table, cols in CONTRACT.items():
        header, rows = read(HS_DIR / f"{table}.csv")
        assert set(cols) <= set(header), (table, set(cols) - set(header))
        assert len(header) == len(set(header)) and rows, table
    manifest = json.loads((HS_DIR / "_manifest.json").read_text())
    sf_manifest = json.loads((SF_DIR / "_manifest.json").read_text())
    assert manifest["params"] == sf_manifest["params"], "the HubSpot demo uses the Salesforce demo's seed and size"


def test_committed_hubspot_demo_is_reproducible(tmp_path):
    manifest = hs.generate_export_hubspot(tmp_path / "hs")
    names = sorted(p.name for p in (tmp_path / "hs").iterdir())
    assert names == sorted(p.name for p in HS_DIR.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "hs", HS_DIR, names, shallow=False)
    assert mismatch == [] and errors == [], "regenerate: revops-kpis generate --crm hubspot --out data/demo_export_hubspot"
    assert manifest["rows"]["deal"] == len(read(HS_DIR / "deal.csv")[1])


def test_cli_writes_parquet_and_refuses_an_unknown_crm(tmp_path, capsys):
    out = tmp_path / "pq"
    assert cli.main(["generate", "--crm", "hubspot", "--out", str(out), "--opportunities", "40", "--seed", "3",
                     "--format", "parquet"]) == 0
    assert {p.stem for p in out.glob("*.parquet")} == set(hs.TABLES)
    deal = pq.read_table(out / "deal.parquet")
    assert deal.num_rows == 40 and set(CONTRACT["deal"]) <= set(deal.column_names)
    assert "deal_stage" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        cli.main(["generate", "--crm", "pipedrive", "--out", str(tmp_path / "x")])
    assert exc.value.code == 2 and "invalid choice: 'pipedrive'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        cli.main(["generate", "--crm", "hubspot", "--out", str(out / "deal.parquet")])
    assert exc.value.code == 2 and "is not a folder" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------
# the same business
# ----------------------------------------------------------------------------------------
def test_same_deals_and_won_bookings_per_quarter(sf, hsd, hs_stages):
    deals = live_deals(hsd)
    assert len(deals) == len(sf["opps"]) == 599
    sf_won, hs_won = Counter(), Counter()
    sf_won_amount, hs_won_amount = defaultdict(Decimal), defaultdict(Decimal)
    for o in sf["opps"].values():
        if o["stage"] == "Closed Won":
            close = dt.date.fromisoformat(o["CloseDate"])
            sf_won[quarter(close)] += 1
            sf_won_amount[quarter(close)] += usd(o["Amount"], o["CurrencyIsoCode"], close, sf["DatedConversionRate"])
    for d in deals:
        s = hs_stages[d["deal_pipeline_stage_id"]]
        if BOOLS[s["is_closed"]] and Decimal(s["probability"]) == 1:
            close = hs_ts(d["property_closedate"]).date()
            hs_won[quarter(close)] += 1
            hs_won_amount[quarter(close)] += Decimal(d["property_amount"])
    assert hs_won == sf_won and sum(hs_won.values()) > 100
    assert hs_won_amount == sf_won_amount
    # every deal in the same stage, by label; the current stage is the last deal_stage entry
    assert Counter(hs_stages[d["deal_pipeline_stage_id"]]["label"] for d in deals) == Counter(
        o["stage"] for o in sf["opps"].values())
    active = {r["deal_id"]: r["value"] for r in hsd["deal_stage"] if BOOLS[r["_fivetran_active"]]}
    assert active == {d["deal_id"]: d["deal_pipeline_stage_id"] for d in deals}


def test_same_stage_entries_per_stage(sf, hsd, hs_stages):
    sf_entries = Counter()
    for rows in sf["hist"].values():
        for k, r in enumerate(rows):
            if k == 0 or r["stage"] != rows[k - 1]["stage"]:
                sf_entries[r["stage"]] += 1
    hs_entries = Counter(hs_stages[r["value"]]["label"] for r in hsd["deal_stage"])
    assert hs_entries == sf_entries and sum(hs_entries.values()) > 1500


def test_same_owner_changes_and_owners(sf, hsd):
    sf_changes = [r for r in sf["OpportunityFieldHistory"] if r["Field"] == "Owner" and not BOOLS[r["IsDeleted"]]]
    owners = defaultdict(list)
    for r in hsd["deal_property_history"]:
        if r["name"] == "hubspot_owner_id":
            owners[r["deal_id"]].append(r)
    hs_changes = sum(len(rows) - 1 for rows in owners.values())  # the first version is the creation owner
    assert hs_changes == len(sf_changes) > 10
    # the current owner of each deal by name, and the last version of hubspot_owner_id is deal.owner_id
    sf_names = {u["Id"]: u["Name"] for u in sf["User"]}
    hs_names = {o["owner_id"]: f"{o['first_name']} {o['last_name']}" for o in hsd["owner"]}
    assert Counter(hs_names[d["owner_id"]] for d in live_deals(hsd)) == Counter(
        sf_names[o["OwnerId"]] for o in sf["opps"].values())
    for d in live_deals(hsd):
        last = max(owners[d["deal_id"]], key=lambda r: hs_ts(r["timestamp"]))
        assert last["value"] == d["owner_id"]


def test_same_close_date_changes(sf, hsd):
    sf_changes = [r for r in sf["OpportunityFieldHistory"] if r["Field"] == "CloseDate" and not BOOLS[r["IsDeleted"]]]
    per_deal = Counter(r["deal_id"] for r in hsd["deal_property_history"] if r["name"] == "closedate")
    assert sum(n - 1 for n in per_deal.values()) == len(sf_changes)
    assert len(per_deal) == len(live_deals(hsd))


def _sf_channel(task: dict) -> str:
    """The project's reading of a task's channel (int_interactions_unified): Type, else the
    subtype, else the subject."""
    t, sub, subj = (task["Type"] or "").lower(), (task["TaskSubtype"] or "").lower(), task["Subject"].lower()
    if not blank(task["Type"]):
        return next((c for c, words in (("call", ["call"]), ("email", ["email"]), ("meeting", ["meeting", "demo"]))
                     if any(w in t for w in words)), "other")
    if sub in ("call", "email"):
        return sub
    return next((c for c, words in (("call", ["call"]), ("email", ["email"]), ("meeting", ["meeting", "demo"]))
                 if any(w in subj for w in words)), "other")


def test_same_activities_by_type_and_call_durations(sf, hsd):
    done = [t for t in sf["Task"] if t["Status"] == "Completed"]
    sf_types = Counter(_sf_channel(t) for t in done) + Counter(meeting=len(sf["Event"]))
    engagements = [e for e in hsd["engagement"] if not BOOLS[e["_fivetran_deleted"]]]
    hs_types = Counter({"CALL": "call", "EMAIL": "email", "MEETING": "meeting", "TASK": "other"}[e["type"]]
                       for e in engagements)
    open_tasks = [t for t in hsd["engagement_task"] if t["property_hs_task_status"] == "NOT_STARTED"]
    hs_types["other"] -= len(open_tasks)
    assert hs_types == sf_types
    assert len(open_tasks) == sum(t["Status"] == "Not Started" for t in sf["Task"]) > 0
    # call durations: milliseconds, the Salesforce seconds x 1000
    sf_seconds = Counter(int(t["CallDurationInSeconds"]) for t in done if not blank(t["CallDurationInSeconds"]))
    hs_ms = [int(c["property_hs_call_duration"]) for c in hsd["engagement_call"]
             if c["property_hs_call_duration"] and not BOOLS[c["_fivetran_deleted"]]]
    assert all(ms % 1000 == 0 for ms in hs_ms)
    assert Counter(ms // 1000 for ms in hs_ms) == sf_seconds
    # every engagement is in exactly one per-type table of its type, deleted or not in both
    per_type = Counter((r["engagement_id"], r["type"], BOOLS[r["_fivetran_deleted"]])
                       for t in ("call", "email", "meeting", "task") for r in hsd[f"engagement_{t}"])
    assert per_type == Counter((e["id"], e["type"], BOOLS[e["_fivetran_deleted"]]) for e in hsd["engagement"])
    assert set(per_type.values()) == {1}
    # deleted copies: two calls, their associations kept (drop them through the engagement)
    deleted = {e["id"] for e in hsd["engagement"] if BOOLS[e["_fivetran_deleted"]]}
    assert len(deleted) == 2 and {e["type"] for e in hsd["engagement"] if e["id"] in deleted} == {"CALL"}
    assert deleted <= {r["engagement_id"] for r in hsd["engagement_contact"] + hsd["engagement_company"]}


def test_same_leads_and_their_first_touch_links(sf, hsd):
    history = defaultdict(set)
    for r in hsd["contact_property_history"]:
        if r["name"] == "lifecyclestage":
            history[r["contact_id"]].add(r["value"])
    leads = [c for c in hsd["contact"] if "lead" in history[c["id"]]]
    assert len(leads) == len(sf["Lead"]) == 300
    converted = [c for c in leads if c["property_lifecyclestage"] == "opportunity"]
    assert len(converted) == sum(BOOLS[r["IsConverted"]] for r in sf["Lead"])
    assert sum(c["property_lifecyclestage"] == "lead" for c in hsd["contact"]) == len(leads) - len(converted)
    # leads touched = leads named by an activity (Salesforce WhoId = the lead; HubSpot engagement_contact)
    sf_lead_ids = {r["Id"] for r in sf["Lead"]}
    sf_touched = {t["WhoId"] for t in sf["Task"] + sf["Event"] if t["WhoId"] in sf_lead_ids}
    lead_ids = {c["id"] for c in leads}
    hs_touched = {r["contact_id"] for r in hsd["engagement_contact"] if r["contact_id"] in lead_ids}
    assert len(hs_touched) == len(sf_touched) > 200
    # lead response: created -> first touch, the same seconds (Salesforce: the earliest completed
    # task or event naming the lead; HubSpot: the earliest CALL / EMAIL / MEETING linked to it)
    sf_created = {r["Id"]: sf_ts(r["CreatedDate"]) for r in sf["Lead"]}
    sf_first = {}
    for t in [t for t in sf["Task"] if t["Status"] == "Completed"] + sf["Event"]:
        if t["WhoId"] in sf_created:
            at = sf_ts(t.get("CompletedDateTime") or t.get("StartDateTime"))
            sf_first[t["WhoId"]] = min(at, sf_first.get(t["WhoId"], at))
    when = {r["engagement_id"]: hs_ts(r["property_hs_timestamp"]) for t in ("call", "email", "meeting")
            for r in hsd[f"engagement_{t}"] if not BOOLS[r["_fivetran_deleted"]]}
    hs_created = {c["id"]: hs_ts(c["property_createdate"]) for c in leads}
    hs_first = {}
    for r in hsd["engagement_contact"]:
        if r["contact_id"] in hs_created and r["engagement_id"] in when:
            at = when[r["engagement_id"]]
            hs_first[r["contact_id"]] = min(at, hs_first.get(r["contact_id"], at))
    assert Counter((hs_first[c] - hs_created[c]).total_seconds() for c in hs_first) == Counter(
        (sf_first[k] - sf_created[k]).total_seconds() for k in sf_first)


def test_same_quota_total(sf, hsd):
    sf_total = sum(Decimal(q["QuotaAmount"]) for q in sf["ForecastingQuota"])
    assert sum(Decimal(q["quota_amount"]) for q in hsd["quota"]) == sf_total > 0
    assert len(hsd["quota"]) == len(sf["ForecastingQuota"])
    owner_ids = {o["owner_id"] for o in hsd["owner"]}
    assert {q["owner_id"] for q in hsd["quota"]} <= owner_ids


# ----------------------------------------------------------------------------------------
# the contract's traps
# ----------------------------------------------------------------------------------------
def test_change_sources_workflows_imports_and_user_ids(hsd):
    sources = Counter(r["source"] for r in hsd["deal_stage"])
    assert {"CRM_UI", "AUTOMATION_PLATFORM", "IMPORT"} <= set(sources)
    workflow = [r for r in hsd["deal_stage"] if r["source"] == "AUTOMATION_PLATFORM"]
    assert workflow and all(WORKFLOW_ID.match(r["source_id"]) for r in workflow)
    assert any(r["source"] == "IMPORT" for r in hsd["deal_property_history"])
    # userId:N names users.id, which is never an owner id: map through owner.active_user_id
    user_ids = {u["id"] for u in hsd["users"]}
    owner_ids = {o["owner_id"] for o in hsd["owner"]}
    assert not user_ids & owner_ids
    active = {o["active_user_id"] for o in hsd["owner"] if o["active_user_id"]}
    assert active < user_ids  # deactivated users' owners have no active user
    named = {USER_ID.match(r["source_id"]).group(1) for t in ("deal_stage", "deal_property_history")
             for r in hsd[t] if r["source"].startswith(("CRM_UI", "MOBILE"))}
    assert named <= user_ids and not named & owner_ids
    assert {r["value"] for r in hsd["deal_property_history"] if r["name"] == "hubspot_owner_id"} <= owner_ids


def test_stage_ids_and_closed_won_meaning_closed(hsd, hs_stages):
    assert all(r["value"] in hs_stages for r in hsd["deal_stage"])
    assert not {r["value"] for r in hsd["deal_stage"]} & {s["label"] for s in hs_stages.values()}
    lost = hs_stages["closedlost"]
    assert lost["label"] == "Closed Lost" and BOOLS[lost["closed_won"]] and BOOLS[lost["is_closed"]]
    assert Decimal(lost["probability"]) == 0
    assert sorted(int(s["display_order"]) for s in hs_stages.values()) == list(range(len(hs_stages)))
    assert any(s["stage_id"].isdigit() for s in hs_stages.values())  # a custom stage: a numeric id
    categories = {r["stage_id"]: r["forecast_category"] for r in hsd["stage_forecast_category"]}
    assert set(categories) == set(hs_stages) and categories["closedlost"] == "OMIT"


def test_dealstage_history_duplicates_deal_stage(hsd):
    entries = Counter((r["deal_id"], r["value"], hs_ts(r["date_entered"])) for r in hsd["deal_stage"])
    dealstage = Counter((r["deal_id"], r["value"], hs_ts(r["timestamp"]))
                        for r in hsd["deal_property_history"] if r["name"] == "dealstage")
    assert dealstage == entries  # the same stage entries twice: use one of the two, never both


def test_fivetran_end_is_next_entry_minus_one_millisecond(hsd):
    by_deal = defaultdict(list)
    for r in hsd["deal_stage"]:
        by_deal[r["deal_id"]].append(r)
    for rows in by_deal.values():
        rows.sort(key=lambda r: hs_ts(r["date_entered"]))
        for cur, nxt in zip(rows, rows[1:] + [None]):
            assert hs_ts(cur["_fivetran_start"]) == hs_ts(cur["date_entered"])
            if nxt is None:
                assert cur["_fivetran_end"] == "9999-12-31 23:59:59.999" and BOOLS[cur["_fivetran_active"]]
            else:
                assert hs_ts(nxt["date_entered"]) - hs_ts(cur["_fivetran_end"]) == dt.timedelta(milliseconds=1)
                assert not BOOLS[cur["_fivetran_active"]]


def test_value_formats(hsd):
    # closedate: midnight UTC; history values ISO (a few legacy epoch milliseconds)
    assert all(d["property_closedate"].endswith(" 00:00:00") for d in hsd["deal"])
    values = [r["value"] for r in hsd["deal_property_history"] if r["name"] == "closedate"]
    assert any(v.isdigit() for v in values) and any(v.endswith("T00:00:00Z") for v in values)
    assert all(hs_date_value(v) for v in values)
    # timestamps in several spellings, all parsed; load times after every business time
    spellings = Counter(
        "iso" if v[10] == "T" else "utc" if v.endswith("UTC") else "fraction" if "." in v else "plain"
        for v in (r["date_entered"] for r in hsd["deal_stage"]))
    assert set(spellings) == {"iso", "utc", "fraction", "plain"}
    business = max(hs_ts(r["timestamp"]) for r in hsd["deal_property_history"])
    synced = min(hs_ts(r["_fivetran_synced"]) for t in ("deal", "deal_stage", "engagement") for r in hsd[t])
    assert synced > business
    # a deleted deal (the one the Salesforce demo quarantines) and a primary company per live deal
    assert sum(BOOLS[d["is_deleted"]] for d in hsd["deal"]) == 1
    primary = Counter(r["deal_id"] for r in hsd["deal_company"] if r["type_id"] == "5")
    assert set(primary) == {d["deal_id"] for d in live_deals(hsd)} and set(primary.values()) == {1}
    assert any(r["type_id"] == "341" for r in hsd["deal_company"])
