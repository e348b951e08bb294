"""The generator's business written as a HubSpot export: the Fivetran HubSpot connector's tables.

One business model (`build.build_model`: users and teams, accounts, deals with their
simulated stage / close-date / amount / forecast history, owner changes, leads, tasks and
events, quotas) rendered as the tables of the HubSpot input contract (one `<table>.csv` or
`.parquet` per table, columns as Fivetran lands them), plus the two project-owned files
(`quota`, `stage_forecast_category`). The same (opportunities, seed, end_date,
inject_bad_rows) as a Salesforce export gives the same business: the same deals, stage
entries, owners, close dates, amounts, activities, leads and quotas, with HubSpot ids.

    python -m revops_kpis.generator --crm hubspot --out data/demo_export_hubspot
    revops-kpis generate --crm hubspot --out /tmp/hs --opportunities 100000 --format parquet

Salesforce -> HubSpot

| Salesforce (salesforce.py)                | HubSpot (this module)                                             |
|-------------------------------------------|-------------------------------------------------------------------|
| Opportunity                               | deal (+ deal_company type 5, the primary company)                 |
| OpportunityHistory, stage changes         | deal_stage (stage ids) + the `dealstage` rows of deal_property_history |
| OpportunityHistory, Amount / CloseDate    | deal_property_history `amount` / `closedate` (when the value changes) |
| ForecastCategory (the stage's)            | deal_property_history `hs_manual_forecast_category` (when it changes) |
| OpportunityFieldHistory, Owner            | deal_property_history `hubspot_owner_id` (one row, value = owner id) |
| the org's stages (DEMO_STAGES)            | deal_pipeline `default`, deal_pipeline_stage, stage_forecast_category.csv |
| User (persons)                            | owner (owner_id) + users (id = owner.active_user_id) + role       |
| User.ManagerId (a manager's reports)      | team (named as the manager) + owner_team (primary)                |
| Integration / Automated Process users     | no owner, no user: change sources (below)                         |
| Account (Industry)                        | company (property_industry: the org's industries as dropdown options) |
| Lead                                      | contact, lifecyclestage `lead` (`opportunity` once converted) + contact_property_history; deal_contact for the converted lead's deal |
| Lead / Opportunity LeadSource             | contact / deal property_hs_analytics_source, HubSpot's original source |
|                                           | (ORIGINAL_SOURCE: Web -> ORGANIC_SEARCH, partner and external referrals |
|                                           | -> REFERRALS, Other -> OTHER_CAMPAIGNS, the rest -> OFFLINE)        |
| Task / Event WhoId contacts (no export)   | contact (lifecyclestage customer / opportunity / subscriber)      |
| Task: Call / Email / Meeting / Other      | engagement CALL / EMAIL / MEETING / TASK (open tasks: TASK NOT_STARTED) |
| Event (Meeting, Demo)                     | engagement MEETING                                                |
| Task / Event WhoId, WhatId, AccountId     | engagement_contact / engagement_deal / engagement_company         |
| CallDurationInSeconds                     | engagement_call.property_hs_call_duration in milliseconds (x 1000) |
| ForecastingQuota                          | quota.csv (project-owned)                                         |
| CurrencyIsoCode, DatedConversionRate      | none: a single-currency (USD) portal; EUR deals are written in USD |
|                                           | at the dated rate in force on the deal's close date (all versions) |

Ids (integers, a fixed map from the model's entity index, so two renderings compare):
deal i -> 10_000_000 + i; company (account) i -> 20_000_000 + i; lead i -> contact
30_000_000 + i; account contact k -> contact 40_000_000 + k; user u -> owner_id
50_000_000 + u and users.id 9_000 + u (two id spaces); team t -> 300_000 + t; task i ->
engagement 50_000_000_000 + i; event i -> engagement 60_000_000_000 + i; quota row i ->
80_000_000 + i; roles 41_001 (Sales Rep), 41_002 (Sales Manager), 41_003 (VP Sales).

Change sources (deal_stage / *_property_history `source`, `source_id`):

* a person (the owner, a manager, the VP): `CRM_UI` with `userId:<users.id>` (about 4% from
  the mobile apps, `MOBILE_IOS` / `MOBILE_ANDROID`); owners reassigned when a rep leaves:
  `CRM_UI_BULK_ACTION` by the manager;
* Salesforce's automation users (Automated Process: closing stalled deals; the integration
  user's automated stage moves): `AUTOMATION_PLATFORM` with
  `enrollmentId:<n>;actionExecutionIndex:<k>`; the integration user's amount syncs (an
  amount saved in the same second as the previous change): `INTEGRATION` with an app id;
* deals the integration user created: `IMPORT` with an import id (a bulk import), every
  creation version of the deal included. This is the only change-source difference with
  the Salesforce rendering (there, an automated creation).

Value formats: timestamps UTC, mostly `YYYY-MM-DD HH:MM:SS`, some with `.000` / `.000000`,
a ` UTC` suffix, or ISO `...T...Z` (business times are whole seconds, so every spelling
is the Salesforce instant); `_fivetran_synced` after every business time, with
milliseconds; `_fivetran_end` = the next entry minus 1 ms, `9999-12-31 23:59:59.999` for
the current row; `closedate` midnight UTC (`property_closedate` `YYYY-MM-DD 00:00:00`,
history values ISO `...T00:00:00Z`, about 2% legacy epoch milliseconds); booleans
`true` / `false` (about 5% `TRUE` / `FALSE`). Bad rows: with inject_bad_rows the deal the
Salesforce export makes ambiguous (a conflicting duplicate, quarantined there) is written
here as a deleted deal (`is_deleted` true) without history, so both exports describe
the same live deals, and two calls are logged twice with the copy deleted
(`_fivetran_deleted` true on the engagement and its call row; its associations stay), as
the Salesforce export has deleted task copies; its other injected rows have no HubSpot twin.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revops_kpis.generator.build import build_model, check_params
from revops_kpis.generator.clock import _days, DAY
from revops_kpis.generator.files import _to_table, _Writer, CHUNK_ROWS, output_folder
from revops_kpis.generator.interactions import CH_CALL, CH_EMAIL, CH_TMEET
from revops_kpis.generator.model import _Model, _quarter_index, A_AUTOPROC, A_INTEGRATION, AMT, CREATE
from revops_kpis.generator.names import (
    _account_names,
    _ascii,
    _emails,
    _names,
    COMPANY_A,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    LEAD_SOURCES,
    LOSS_REASONS,
    PRODUCTS,
)
from revops_kpis.generator.randomness import _Cosmetic
from revops_kpis.generator.salesforce import _Renderer
from revops_kpis.generator.values import (
    _amount_array,
    _date_array,
    _fixed_strings,
    _int_array,
    _join,
    _null_where,
    _pick,
    _put_digits,
    _ts_matrix,
)

# ids: base + the model's entity index
DEAL_ID0 = 10_000_000
COMPANY_ID0 = 20_000_000
LEAD_CONTACT_ID0 = 30_000_000
ACCOUNT_CONTACT_ID0 = 40_000_000
OWNER_ID0 = 50_000_000
USER_ID0 = 9_000
TEAM_ID0 = 300_000
TASK_ENGAGEMENT_ID0 = 50_000_000_000
EVENT_ENGAGEMENT_ID0 = 60_000_000_000
QUOTA_ID0 = 80_000_000
ROLE_IDS = {"Sales Rep": 41_001, "Sales Manager": 41_002, "VP Sales": 41_003}
PORTAL_ID = 4_815_162
PIPELINE_ID = "default"
INTEGRATION_APP_ID = "1204433"
FORM_ID = "3f1c9a2e-7b4d-4e1a-9c55-0d2f6a8b1e77"
DELETED_CALLS = 2  # with bad rows: calls logged twice, the copy deleted

# the demo org's stages as HubSpot stage ids (the default pipeline's words, one custom
# stage with a numeric id), in the order of stages.DEMO_STAGES
STAGE_IDS = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "1032873",
    "closedwon",
    "closedlost",
)
FORECAST_CATEGORY = {"Pipeline": "PIPELINE", "Best Case": "BEST_CASE", "Commit": "COMMIT", "Closed": "CLOSED", "Omitted": "OMIT"}
DEAL_TYPES = ("newbusiness", "existingbusiness", "renewal")  # renewal: a custom option of the portal
LEAD_STATUS = ("NEW", "IN_PROGRESS", "UNQUALIFIED", "CONNECTED")  # Salesforce lead status codes 0..3
# a lead source (names.LEAD_SOURCES) as HubSpot's original source (hs_analytics_source), a
# fixed list of HubSpot's own: how the contact reached the portal (a web form from a search;
# a link on a partner's or another site; a campaign; typed in, imported or synced: OFFLINE)
ORIGINAL_SOURCE = {
    "Web": "ORGANIC_SEARCH",
    "Phone Inquiry": "OFFLINE",
    "Partner Referral": "REFERRALS",
    "Purchased List": "OFFLINE",
    "Trade Show": "OFFLINE",
    "Employee Referral": "OFFLINE",
    "External Referral": "REFERRALS",
    "Other": "OTHER_CAMPAIGNS",
}
ORIGINAL_SOURCES = [ORIGINAL_SOURCE[s] for s in LEAD_SOURCES]
# association type ids (HubSpot-defined)
ENGAGEMENT_TYPES = ("CALL", "EMAIL", "MEETING", "TASK")
ASSOC_TYPE = {  # engagement type -> (contact, company, deal)
    "CALL": (194, 182, 206),
    "EMAIL": (198, 186, 210),
    "MEETING": (200, 188, 212),
    "TASK": (204, 192, 216),
}
PROPERTIES = ("dealstage", "amount", "closedate", "hs_manual_forecast_category", "hubspot_owner_id")
SOURCES = (
    "CRM_UI",
    "MOBILE_IOS",
    "MOBILE_ANDROID",
    "CRM_UI_BULK_ACTION",
    "AUTOMATION_PLATFORM",
    "INTEGRATION",
    "IMPORT",
    "FORM",
)
S_UI, S_IOS, S_ANDROID, S_BULK, S_WORKFLOW, S_INTEGRATION, S_IMPORT, S_FORM = range(len(SOURCES))
_PERSON = np.array([S_UI, S_IOS, S_ANDROID, S_BULK])

# tables in write order, with their columns (the contract's; engagement_task and
# deal_contact are optional Fivetran tables the contract names)
_ENG = ["engagement_id", "type", "property_hs_timestamp", "property_hs_createdate", "property_hubspot_owner_id", "property_hubspot_team_id", "_fivetran_deleted"]
TABLES: dict[str, list[str]] = {
    "deal_pipeline": ["pipeline_id", "label", "display_order", "active", "_fivetran_deleted", "created_at", "updated_at", "_fivetran_synced"],
    "deal_pipeline_stage": [
        "stage_id", "pipeline_id", "label", "display_order", "probability", "is_closed", "closed_won",
        "active", "_fivetran_deleted", "created_at", "updated_at", "_fivetran_synced",
    ],
    "stage_forecast_category": ["pipeline_id", "stage_id", "forecast_category"],
    "role": ["id", "name", "_fivetran_deleted", "_fivetran_synced"],
    "team": ["id", "name", "_fivetran_deleted", "_fivetran_synced"],
    "users": ["id", "primary_team_id", "role_id", "_fivetran_deleted", "_fivetran_synced"],
    "owner": ["owner_id", "active_user_id", "first_name", "last_name", "email", "type", "portal_id", "created_at", "updated_at", "_fivetran_synced"],
    "owner_team": ["owner_id", "team_id", "is_team_primary", "_fivetran_deleted", "_fivetran_synced"],
    "company": ["id", "property_name", "property_createdate", "property_hubspot_owner_id", "property_industry", "is_deleted", "_fivetran_deleted", "portal_id", "_fivetran_synced"],
    "deal": [
        "deal_id", "portal_id", "is_deleted", "_fivetran_deleted", "deal_pipeline_id", "deal_pipeline_stage_id", "owner_id",
        "property_dealname", "property_amount", "property_closedate", "property_createdate", "property_dealtype",
        "property_closed_lost_reason", "property_hs_deal_stage_probability", "property_hs_manual_forecast_category",
        "property_hs_is_closed", "property_hs_is_closed_won", "property_hs_analytics_source", "_fivetran_synced",
    ],
    "deal_company": ["deal_id", "company_id", "type_id", "category", "_fivetran_synced"],
    "deal_stage": ["deal_id", "value", "date_entered", "_fivetran_start", "_fivetran_end", "_fivetran_active", "source", "source_id", "_fivetran_synced"],
    "deal_property_history": ["deal_id", "name", "value", "timestamp", "source", "source_id", "_fivetran_synced"],
    "contact": [
        "id", "property_createdate", "property_hubspot_owner_id", "property_lifecyclestage", "property_hs_lifecyclestage_lead_date",
        "property_hs_lead_status", "property_hs_analytics_source", "property_email", "property_firstname", "property_lastname",
        "_fivetran_deleted", "_fivetran_synced",
    ],
    "contact_property_history": ["contact_id", "name", "value", "timestamp", "source", "source_id", "_fivetran_synced"],
    "deal_contact": ["deal_id", "contact_id", "type_id", "category", "_fivetran_synced"],
    "engagement": ["id", "type", "portal_id", "_fivetran_deleted", "_fivetran_synced"],
    "engagement_call": _ENG + ["property_hs_call_duration", "property_hs_call_title", "property_hs_call_status", "property_hs_call_direction", "_fivetran_synced"],
    "engagement_email": _ENG + ["property_hs_email_subject", "property_hs_email_direction", "property_hs_email_status", "_fivetran_synced"],
    "engagement_meeting": _ENG + [
        "property_hs_meeting_title", "property_hs_meeting_start_time", "property_hs_meeting_end_time", "property_hs_meeting_outcome", "_fivetran_synced",
    ],
    "engagement_task": _ENG + ["property_hs_task_subject", "property_hs_task_status", "property_hs_task_type", "_fivetran_synced"],
    "engagement_contact": ["engagement_id", "contact_id", "engagement_type", "type_id", "category", "_fivetran_synced"],
    "engagement_deal": ["engagement_id", "deal_id", "engagement_type", "type_id", "category", "_fivetran_synced"],
    "engagement_company": ["engagement_id", "company_id", "engagement_type", "type_id", "category", "_fivetran_synced"],
    "quota": ["quota_id", "owner_id", "period_type", "period_start", "quota_amount"],
}


# ---------------------------------------------------------------------------------------
# Value formats
# ---------------------------------------------------------------------------------------
def _plain_ts_matrix(secs: np.ndarray, suffix: bytes = b"") -> np.ndarray:
    m = _ts_matrix(secs, suffix)
    m[:, 10] = ord(" ")
    return m


def _ts(secs: np.ndarray, u: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Whole-second UTC instants as an export of a Fivetran TIMESTAMP column spells them:
    ~80% `YYYY-MM-DD HH:MM:SS`, then `.000`, `.000000`, ` UTC` and ISO `T...Z` (4-8% each)."""
    secs = np.asarray(secs, dtype=np.int64)
    out = _fixed_strings(_plain_ts_matrix(secs))
    for lo, hi, make in (
        (0.80, 0.88, lambda s: _plain_ts_matrix(s, b".000")),
        (0.88, 0.92, lambda s: _plain_ts_matrix(s, b".000000")),
        (0.92, 0.96, lambda s: _plain_ts_matrix(s, b" UTC")),
        (0.96, 1.01, lambda s: _ts_matrix(s, b"Z")),
    ):
        mask = (u >= lo) & (u < hi)
        if mask.any():
            out = pc.replace_with_mask(out, pa.array(mask), _fixed_strings(make(secs[mask])))
    return _null_where(out, None if valid is None else ~valid)


def _ms_ts(ms: np.ndarray) -> pa.Array:
    """Epoch milliseconds -> `YYYY-MM-DD HH:MM:SS.mmm`."""
    ms = np.asarray(ms, dtype=np.int64)
    m = _plain_ts_matrix(np.floor_divide(ms, 1000), b".000")
    _put_digits(m, 20, 3, ms % 1000)
    return _fixed_strings(m)


def _bool(values: np.ndarray, u: np.ndarray) -> pa.Array:
    """true / false, ~5% TRUE / FALSE (as Fivetran's seeds mix them)."""
    codes = np.where(u < 0.95, 0, 2) + (~np.asarray(values, bool)).astype(np.int64)
    return _pick(codes, ["true", "false", "TRUE", "FALSE"])


def _const(value, n: int) -> pa.Array:
    return pa.array([value] * n, pa.string()) if n else pa.array([], pa.string())


def _ints(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return _int_array(values, valid)


def _amount_text(cents: np.ndarray) -> pa.Array:
    """Property-history amounts as HubSpot stores them: `12300` for whole amounts, else `12345.67`."""
    cents = np.asarray(cents, dtype=np.int64)
    out = _amount_array(cents)
    whole = cents % 100 == 0
    if whole.any():
        out = pc.replace_with_mask(out, pa.array(whole), pc.cast(pa.array(cents[whole] // 100), pa.string()))
    return out


def _usd_cents(cents: np.ndarray, rate_micro: np.ndarray) -> np.ndarray:
    """cents / (rate_micro / 1e6), rounded half up to the cent (exact integer arithmetic)."""
    cents = np.asarray(cents, dtype=np.int64)
    rate_micro = np.asarray(rate_micro, dtype=np.int64)
    return (2 * cents * 1_000_000 + rate_micro) // (2 * rate_micro)


# ---------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------
class _HubSpotRenderer:
    """Row frames (numpy, one per table) and their rendering to string columns."""

    def __init__(self, mdl: _Model, deleted_deals: np.ndarray, deleted_calls: int = 0):
        self.m = mdl
        self.a = mdl.arrays
        self.cos = _Cosmetic(mdl.seed)
        self.sf = _Renderer(mdl)  # Salesforce texts reused as they are (subjects, names)
        self.deleted_deals = np.asarray(deleted_deals, np.int64)
        self.deleted_calls = deleted_calls
        self.K = mdl.stages.k
        a = self.a
        # users: persons have an owner and a user; automation users have neither
        kind = a["user_kind"]
        self.persons = np.flatnonzero(kind <= 2)
        team_of_user = np.where(kind == 1, a["user_team"], np.where(kind == 2, a["user_team"], -1))
        self.user_team = team_of_user  # -1: no team (the VP, automation users)
        # one rate per deal: the dated EUR rate in force on its close date (the bookings rule)
        rate = a["eur_rate"][_quarter_index(mdl, a["deal_close"] * DAY)]
        self.deal_rate_micro = np.where(a["deal_eur"], np.round(rate * 1_000_000).astype(np.int64), 1_000_000)
        self.frames: dict[str, tuple[int, Callable[[np.ndarray], dict]]] = {}
        self._history()
        self._contacts()
        self._engagements()

    # -- helpers ---------------------------------------------------------------------------
    def u(self, table: str, col: str, idx: np.ndarray) -> np.ndarray:
        return self.cos.u(f"hubspot.{table}.{col}", idx)

    def synced(self, table: str, idx: np.ndarray) -> pa.Array:
        """Load times after every business time of the export, on its last day (20:00 to
        23:59:59.999 UTC, after business hours): the export is taken on the day the Salesforce
        export is, so both builds' "now" falls in the same day, month and quarter."""
        first = (self.m.end_ts + 1 - 4 * 3600) * 1000
        ms = first + (self.u(table, "_fivetran_synced", idx) * (4 * 3600 * 1000 - 1)).astype(np.int64)
        return _ms_ts(ms)

    def owner_id(self, uid: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
        return _ints(OWNER_ID0 + np.asarray(uid, np.int64), valid)

    def rep_owner_id(self, rep: np.ndarray) -> pa.Array:
        return self.owner_id(self.a["rep_uid"][rep])

    def usd(self, deal: np.ndarray, cents: np.ndarray) -> np.ndarray:
        return _usd_cents(cents, self.deal_rate_micro[deal])

    def source_ids(self, table: str, src: np.ndarray, uid: np.ndarray, key: np.ndarray, idx: np.ndarray) -> pa.Array:
        """`userId:<users.id>` for persons, `enrollmentId:..;actionExecutionIndex:..` for
        workflows, the app id for integrations, an import id (one per month) for imports."""
        src = np.asarray(src)
        user = pc.binary_join_element_wise(pa.scalar("userId:"), pc.cast(pa.array(USER_ID0 + np.asarray(uid, np.int64)), pa.string()), "")
        enrol = 880_000_000_000 + np.asarray(key, np.int64)
        step = (self.u(table, "actionExecutionIndex", idx) * 3).astype(np.int64)
        workflow = pc.binary_join_element_wise(
            pa.scalar("enrollmentId:"), pc.cast(pa.array(enrol), pa.string()), pa.scalar(";actionExecutionIndex:"), pc.cast(pa.array(step), pa.string()), ""
        )
        import_id = pc.cast(pa.array(27_000_000 + np.asarray(key, np.int64)), pa.string())
        out = pc.if_else(pa.array(np.isin(src, _PERSON)), user, workflow)
        out = pc.if_else(pa.array(src == S_INTEGRATION), pa.scalar(INTEGRATION_APP_ID), out)
        out = pc.if_else(pa.array((src == S_IMPORT) | (src == S_FORM)), import_id, out)
        return pc.if_else(pa.array(src == S_FORM), pa.scalar(FORM_ID), out)

    def person_source(self, table: str, idx: np.ndarray) -> np.ndarray:
        u = self.u(table, "source", idx)
        return np.where(u < 0.96, S_UI, np.where(u < 0.99, S_IOS, S_ANDROID))

    # -- deal history --------------------------------------------------------------------
    def _history(self) -> None:
        a = self.a
        h = a["hist"]
        order = np.lexsort((h["step"], h["deal"]))  # each deal's changes in order
        deal, t, stage = h["deal"][order], h["t"][order], h["stage"][order]
        amount, close, actor, kind, user = h["amount"][order], h["close"][order], h["actor"][order], h["kind"][order], h["user"][order]
        first = np.ones(deal.size, bool)
        first[1:] = deal[1:] != deal[:-1]
        prev = np.where(first, 0, np.arange(deal.size) - 1)
        # the change source of each saved change
        src = self.person_source("deal_history", order)
        src = np.where(actor == A_AUTOPROC, S_WORKFLOW, src)
        integ = actor == A_INTEGRATION
        src = np.where(integ, np.where(kind == CREATE, S_IMPORT, np.where(kind == AMT, S_INTEGRATION, S_WORKFLOW)), src)
        # the import of a created deal: one import per month; a workflow enrollment per deal
        key = np.where(src == S_IMPORT, t // (30 * DAY), deal)
        forecast = np.array([FORECAST_CATEGORY[f] for f in self.m.stages.forecast])
        stage_fc = np.unique(forecast, return_inverse=True)[1].reshape(-1)
        enters = first | (stage != stage[prev])
        # deal_stage: one row per stage entry; the entry ends 1 ms before the next one
        e = np.flatnonzero(enters)
        e_deal = deal[e]
        nxt = np.full(e.size, -1, np.int64)
        same = e_deal[1:] == e_deal[:-1]
        nxt[:-1][same] = t[e[1:]][same]
        self.ds = {"deal": e_deal, "t": t[e], "stage": stage[e], "src": src[e], "uid": user[e], "key": key[e], "next": nxt}
        self.frames["deal_stage"] = (e.size, self._deal_stage)
        # deal_property_history: the creation version of each property, then each change
        usd = self.usd(deal, amount)
        parts = []
        for code, changed, value in (
            (0, enters, stage),
            (1, first | (usd != usd[prev]), usd),
            (2, first | (close != close[prev]), close),
            (3, first | (stage_fc[stage] != stage_fc[stage[prev]]), stage),
        ):
            r = np.flatnonzero(changed)
            parts.append({"deal": deal[r], "t": t[r], "name": np.full(r.size, code), "value": value[r], "src": src[r], "uid": user[r], "key": key[r]})
        # owners: the creation owner (with the creation row's source), then each reassignment
        c = np.flatnonzero(first)
        parts.append({
            "deal": deal[c], "t": t[c], "name": np.full(c.size, 4), "value": a["rep_uid"][a["deal_owner0"][deal[c]]],
            "src": src[c], "uid": user[c], "key": key[c],
        })
        f = a["fh"]
        o = np.flatnonzero(f["is_owner"])
        leaver = a["deal_chg_t"][f["deal"][o]] == a["rep_departure"][a["deal_owner0"][f["deal"][o]]]
        parts.append({
            "deal": f["deal"][o], "t": f["t"][o], "name": np.full(o.size, 4), "value": f["new"][o],
            "src": np.where(leaver, S_BULK, S_UI), "uid": f["user"][o], "key": f["deal"][o],
        })
        p = {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
        o = np.lexsort((p["name"], p["t"], p["deal"]))
        self.ph = {k: v[o] for k, v in p.items()}
        # HubSpot stamps versions in milliseconds: two versions of one property saved in the
        # same second (the integration's amount sync right after a person's edit; Salesforce's
        # second-precision history holds both at one CreatedDate) are written 1 ms apart, in
        # the order they were saved (lexsort is stable), never as two versions of one instant
        ph = self.ph
        n = ph["deal"].size
        again = np.zeros(n, bool)
        again[1:] = (ph["deal"][1:] == ph["deal"][:-1]) & (ph["t"][1:] == ph["t"][:-1]) & (ph["name"][1:] == ph["name"][:-1])
        run_start = np.maximum.accumulate(np.where(again, 0, np.arange(n)))
        ph["ms"] = np.arange(n) - run_start
        self.frames["deal_property_history"] = (o.size, self._deal_property_history)

    def _deal_stage(self, i):
        d = self.ds
        t = d["t"][i]
        u = self.u("deal_stage", "date_entered", i)
        current = d["next"][i] < 0
        end = _ms_ts(np.where(current, 0, d["next"][i] * 1000 - 1))
        end = pc.if_else(pa.array(current), pa.scalar("9999-12-31 23:59:59.999"), end)
        return {
            "deal_id": _ints(DEAL_ID0 + d["deal"][i]),
            "value": _pick(d["stage"][i], STAGE_IDS),
            "date_entered": _ts(t, u),
            "_fivetran_start": _ts(t, u),
            "_fivetran_end": end,
            "_fivetran_active": _bool(current, self.u("deal_stage", "_fivetran_active", i)),
            "source": _pick(d["src"][i], SOURCES),
            "source_id": self.source_ids("deal_stage", d["src"][i], d["uid"][i], d["key"][i], i),
            "_fivetran_synced": self.synced("deal_stage", i),
        }

    def _deal_property_history(self, i):
        p = self.ph
        name, value = p["name"][i], p["value"][i]
        text = _pick(np.where(name == 0, value, 0), STAGE_IDS)
        text = pc.if_else(pa.array(name == 1), _amount_text(np.where(name == 1, value, 0)), text)
        # closedate: ISO midnight UTC; ~2% legacy epoch milliseconds
        close = np.where(name == 2, value, 0)
        iso = _fixed_strings(_ts_matrix(close * DAY, b"Z"))
        epoch = pc.cast(pa.array(close * DAY * 1000), pa.string())
        iso = pc.if_else(pa.array(self.u("deal_property_history", "closedate_epoch", i) < 0.02), epoch, iso)
        text = pc.if_else(pa.array(name == 2), iso, text)
        fc = [FORECAST_CATEGORY[f] for f in self.m.stages.forecast]
        text = pc.if_else(pa.array(name == 3), _pick(np.where(name == 3, value, 0), fc), text)
        text = pc.if_else(pa.array(name == 4), pc.cast(pa.array(OWNER_ID0 + value), pa.string()), text)
        return {
            "deal_id": _ints(DEAL_ID0 + p["deal"][i]),
            "name": _pick(name, PROPERTIES),
            "value": text,
            "timestamp": self._version_ts(p["t"][i], p["ms"][i], self.u("deal_property_history", "timestamp", i)),
            "source": _pick(p["src"][i], SOURCES),
            "source_id": self.source_ids("deal_property_history", p["src"][i], p["uid"][i], p["key"][i], i),
            "_fivetran_synced": self.synced("deal_property_history", i),
        }

    @staticmethod
    def _version_ts(secs: np.ndarray, ms: np.ndarray, u: np.ndarray) -> pa.Array:
        """A version's timestamp: the whole second as `_ts` spells it, with its milliseconds
        (`YYYY-MM-DD HH:MM:SS.mmm`) when it is a later version of the same second."""
        out = _ts(secs, u)
        later = ms > 0
        if later.any():
            out = pc.replace_with_mask(out, pa.array(later), _ms_ts(secs[later] * 1000 + ms[later]))
        return out

    # -- contacts (leads and the contacts activities name) --------------------------------
    def _contacts(self) -> None:
        a, K = self.a, self.K
        n_leads, n_acc = a["n_leads"], a["n_acc"]
        won_acc = np.zeros(n_acc, bool)
        won_acc[a["deal_account"][a["deal_stage"] == K]] = True
        has_deal = np.zeros(n_acc, bool)
        has_deal[a["deal_account"]] = True
        k = np.arange(4 * n_acc)
        acc = k // 4
        self.ac = {
            "acc": acc,
            "created": np.minimum(a["acc_created"][acc] + (k % 4) * 3 * 3600, self.m.end_ts - 60),
            "stage": np.where(won_acc[acc], 0, np.where(has_deal[acc], 1, 2)),  # customer, opportunity, subscriber
        }
        self.frames["contact"] = (n_leads + k.size, self._contact)
        # lead history: lifecyclestage lead, owner and status at creation (web leads from a
        # form, purchased lists imported); the status once worked; opportunity once converted
        lead = np.arange(n_leads)
        src0 = self.person_source("contact_property_history", lead)
        src0 = np.where(a["lead_source"] == 0, S_FORM, np.where(a["lead_source"] == 3, S_IMPORT, src0))
        uid = a["rep_uid"][a["lead_owner"]]
        status = a["lead_status"]
        worked = status != 0
        worked_t = np.where(a["lead_converted"], a["lead_conv_t"], a["lead_first_touch"])
        conv = a["lead_converted"]
        # names: 0 lifecyclestage, 1 hubspot_owner_id, 2 hs_lead_status; values as text codes
        life = ("lead", "opportunity", "customer", "subscriber")
        parts = [
            (lead, a["lead_created"], np.zeros(n_leads, np.int64), np.zeros(n_leads, np.int64), src0),
            (lead, a["lead_created"], np.ones(n_leads, np.int64), 100 + uid, src0),
            (lead, a["lead_created"], np.full(n_leads, 2), np.full(n_leads, 200), src0),
            (lead[worked], worked_t[worked], np.full(worked.sum(), 2), 200 + status[worked], np.full(worked.sum(), S_UI)),
            (lead[conv], a["lead_conv_t"][conv], np.zeros(conv.sum(), np.int64), np.ones(conv.sum(), np.int64), np.full(conv.sum(), S_UI)),
        ]
        ac_uid = a["rep_uid"][a["acc_owner"][acc]]
        acs = np.array([2, 1, 3])[self.ac["stage"]]
        parts += [
            (n_leads + k, self.ac["created"], np.zeros(k.size, np.int64), acs, np.full(k.size, S_UI)),
            (n_leads + k, self.ac["created"], np.ones(k.size, np.int64), 100 + ac_uid, np.full(k.size, S_UI)),
        ]
        c = {
            "contact": np.concatenate([p[0] for p in parts]),
            "t": np.concatenate([p[1] for p in parts]),
            "name": np.concatenate([p[2] for p in parts]),
            "value": np.concatenate([p[3] for p in parts]),
            "src": np.concatenate([p[4] for p in parts]),
        }
        owner_uid = np.concatenate([uid, ac_uid])
        c["uid"] = owner_uid[c["contact"]]
        o = np.lexsort((c["name"], c["t"], c["contact"]))
        self.ch = {k_: v[o] for k_, v in c.items()}
        self.ch_life = life
        self.frames["contact_property_history"] = (o.size, self._contact_property_history)
        # the converted lead's contact on its deal
        conv_lead = np.flatnonzero(conv)
        self.dc = {"deal": a["lead_deal"][conv_lead], "contact": conv_lead}
        self.frames["deal_contact"] = (conv_lead.size, self._deal_contact)

    def _contact_id(self, c: np.ndarray) -> np.ndarray:
        n_leads = self.a["n_leads"]
        c = np.asarray(c, np.int64)
        return np.where(c < n_leads, LEAD_CONTACT_ID0 + c, ACCOUNT_CONTACT_ID0 + c - n_leads)

    def _contact(self, i):
        a = self.a
        n_leads = a["n_leads"]
        is_lead = i < n_leads
        li = np.where(is_lead, i, 0)
        ki = np.where(is_lead, 0, i - n_leads)
        acc = self.ac["acc"][ki]
        # names: the lead's; an account contact's from the cosmetic stream
        first = np.where(is_lead, a["lead_first"][li], (self.u("contact", "first", ki) * len(FIRST_NAMES)).astype(np.int64))
        last = np.where(is_lead, a["lead_last"][li], (self.u("contact", "last", ki) * len(LAST_NAMES)).astype(np.int64))
        f, l_, _ = _names(first, last)
        comp = np.where(is_lead, np.where(a["lead_converted"][li], a["deal_account"][np.maximum(a["lead_deal"][li], 0)], a["lead_company"][li] % max(1, a["n_acc"])), acc)
        domain = _join(_pick(a["acc_name_a"][comp], [_ascii(x) for x in COMPANY_A]), pa.scalar("example"), sep=".")
        created = np.where(is_lead, a["lead_created"][li], self.ac["created"][ki])
        uid = np.where(is_lead, a["rep_uid"][a["lead_owner"][li]], a["rep_uid"][a["acc_owner"][acc]])
        life = np.where(is_lead, np.where(a["lead_converted"][li], 1, 0), np.array([2, 1, 3])[self.ac["stage"][ki]])
        return {
            "id": _ints(self._contact_id(i)),
            "property_createdate": _ts(created, self.u("contact", "createdate", i)),
            "property_hubspot_owner_id": self.owner_id(uid),
            "property_lifecyclestage": _pick(life, self.ch_life),
            "property_hs_lifecyclestage_lead_date": _ts(created, self.u("contact", "createdate", i), valid=is_lead),
            "property_hs_lead_status": _null_where(_pick(a["lead_status"][li], LEAD_STATUS), ~is_lead),
            # a lead's source as HubSpot's original source; an account's contact was typed in
            "property_hs_analytics_source": _pick(np.where(is_lead, a["lead_source"][li], LEAD_SOURCES.index("Phone Inquiry")), ORIGINAL_SOURCES),
            "property_email": _emails(first, last, domain),
            "property_firstname": f,
            "property_lastname": l_,
            "_fivetran_deleted": _bool(np.zeros(i.size, bool), self.u("contact", "_fivetran_deleted", i)),
            "_fivetran_synced": self.synced("contact", i),
        }

    def _contact_property_history(self, i):
        c = self.ch
        name, value = c["name"][i], c["value"][i]
        text = _pick(np.where(name == 0, value, 0), self.ch_life)
        text = pc.if_else(pa.array(name == 1), pc.cast(pa.array(OWNER_ID0 + value - 100), pa.string()), text)
        text = pc.if_else(pa.array(name == 2), _pick(np.clip(value - 200, 0, 3), LEAD_STATUS), text)
        return {
            "contact_id": _ints(self._contact_id(c["contact"][i])),
            "name": _pick(name, ["lifecyclestage", "hubspot_owner_id", "hs_lead_status"]),
            "value": text,
            "timestamp": _ts(c["t"][i], self.u("contact_property_history", "timestamp", i)),
            "source": _pick(c["src"][i], SOURCES),
            "source_id": self.source_ids("contact_property_history", c["src"][i], c["uid"][i], c["t"][i] // (30 * DAY), i),
            "_fivetran_synced": self.synced("contact_property_history", i),
        }

    def _deal_contact(self, i):
        return {
            "deal_id": _ints(DEAL_ID0 + self.dc["deal"][i]),
            "contact_id": _ints(LEAD_CONTACT_ID0 + self.dc["contact"][i]),
            "type_id": _const("3", i.size),
            "category": _const("HUBSPOT_DEFINED", i.size),
            "_fivetran_synced": self.synced("deal_contact", i),
        }

    # -- engagements -----------------------------------------------------------------------
    def _engagements(self) -> None:
        a = self.a
        task, event = a["task"], a["event"]
        nt, ne = task["created"].size, event["created"].size
        ch = task["channel"].astype(np.int64)
        # 0 CALL, 1 EMAIL, 2 MEETING, 3 TASK; an open task is a TASK (a to-do) whatever its channel
        t_type = np.where(task["open"], 3, np.select([ch == CH_CALL, ch == CH_EMAIL, ch == CH_TMEET], [0, 1, 2], 3))
        e = {
            "src": np.concatenate([np.zeros(nt, np.int8), np.ones(ne, np.int8)]),  # 0 task, 1 event
            "row": np.concatenate([np.arange(nt), np.arange(ne)]),
            "type": np.concatenate([t_type, np.full(ne, 2)]),
            "pkind": np.concatenate([task["pkind"], event["pkind"]]).astype(np.int64),
            "parent": np.concatenate([task["parent"], event["parent"]]).astype(np.int64),
            "account": np.concatenate([task["account"], event["account"]]).astype(np.int64),
            "who": np.concatenate([task["who"], event["who"]]).astype(np.int64),
        }
        e["id"] = np.where(e["src"] == 0, TASK_ENGAGEMENT_ID0, EVENT_ENGAGEMENT_ID0) + e["row"]
        e["deleted"] = np.zeros(nt + ne, bool)
        # with bad rows: a few calls logged twice and the copy deleted (_fivetran_deleted), with
        # the copy's associations (the Salesforce export's deleted tasks; new ids after the tasks')
        donors = np.flatnonzero(e["type"] == 0)[: self.deleted_calls]
        e = {k: np.concatenate([v, v[donors]]) for k, v in e.items()}
        e["id"][nt + ne :] = TASK_ENGAGEMENT_ID0 + nt + np.arange(donors.size)
        e["deleted"][nt + ne :] = True
        self.eng = e
        self.frames["engagement"] = (e["id"].size, self._engagement)
        for code, table in enumerate(("engagement_call", "engagement_email", "engagement_meeting", "engagement_task")):
            rows = np.flatnonzero(e["type"] == code)
            self.frames[table] = (rows.size, (lambda r, tb: (lambda i: self._engagement_detail(tb, r[i])))(rows, table))
        # associations: deal (what), company (account), contact (who: the lead or a contact)
        n_leads = a["n_leads"]
        on_deal = np.flatnonzero(e["pkind"] == 0)
        on_company = np.flatnonzero(e["account"] >= 0)
        contact = np.where(e["pkind"] == 1, e["parent"], np.where(e["who"] >= 0, n_leads + e["who"], -1))
        on_contact = np.flatnonzero(contact >= 0)
        self.assoc = {
            "engagement_contact": (on_contact, contact[on_contact], 0),
            "engagement_company": (on_company, e["account"][on_company], 1),
            "engagement_deal": (on_deal, e["parent"][on_deal], 2),
        }
        for table, (rows, _, _) in self.assoc.items():
            self.frames[table] = (rows.size, (lambda tb: (lambda i: self._association(tb, i)))(table))

    def _engagement(self, i):
        e = self.eng
        return {
            "id": _ints(e["id"][i]),
            "type": _pick(e["type"][i], ENGAGEMENT_TYPES),
            "portal_id": _const(str(PORTAL_ID), i.size),
            "_fivetran_deleted": _bool(e["deleted"][i], self.u("engagement", "_fivetran_deleted", i)),
            "_fivetran_synced": self.synced("engagement", i),
        }

    def _engagement_detail(self, table: str, rows: np.ndarray):
        a, e = self.a, self.eng
        is_event = e["src"][rows] == 1
        tr = np.where(is_event, 0, e["row"][rows])
        er = np.where(is_event, e["row"][rows], 0)
        task, event = a["task"], a["event"]
        n = rows.size
        uid = np.where(is_event, event["owner"][er], task["owner"][tr]).astype(np.int64)
        team = self.user_team[uid]
        is_open = ~is_event & task["open"][tr]
        due = (task["created"][tr] // DAY + task["due_days"][tr]) * DAY
        when = np.where(is_event, event["start"][er], np.where(is_open, due, task["done"][tr]))
        created = np.where(is_event, event["created"][er], task["created"][tr])
        out = {
            "engagement_id": _ints(e["id"][rows]),
            "type": _pick(e["type"][rows], ENGAGEMENT_TYPES),
            "property_hs_timestamp": _ts(when, self.u(table, "hs_timestamp", rows)),
            "property_hs_createdate": _ts(created, self.u(table, "hs_createdate", rows)),
            "property_hubspot_owner_id": self.owner_id(uid),
            "property_hubspot_team_id": _ints(TEAM_ID0 + team, valid=team >= 0),
            "_fivetran_deleted": _bool(e["deleted"][rows], self.u(table, "_fivetran_deleted", rows)),
            "_fivetran_synced": self.synced(table, rows),
        }
        # subjects (and call durations) as the Salesforce rendering writes them
        subject = self._subjects(is_event, tr, er)
        if table == "engagement_call":
            seconds = pc.cast(self.sf.render("Task", tr)["CallDurationInSeconds"], pa.int64())
            out.update(
                property_hs_call_duration=pc.cast(pc.multiply(seconds, 1000), pa.string()),
                property_hs_call_title=subject,
                property_hs_call_status=_const("COMPLETED", n),
                property_hs_call_direction=_const("OUTBOUND", n),
            )
        elif table == "engagement_email":
            out.update(property_hs_email_subject=subject, property_hs_email_direction=_const("EMAIL", n), property_hs_email_status=_const("SENT", n))
        elif table == "engagement_meeting":
            out.update(
                property_hs_meeting_title=subject,
                property_hs_meeting_start_time=_ts(when, self.u(table, "hs_timestamp", rows)),
                property_hs_meeting_end_time=_ts(np.where(is_event, event["end"][er], 0), self.u(table, "end_time", rows), valid=is_event),
                property_hs_meeting_outcome=_const("COMPLETED", n),
            )
        else:
            ch = task["channel"][tr]
            out.update(
                property_hs_task_subject=subject,
                property_hs_task_status=_pick(is_open.astype(np.int64), ["COMPLETED", "NOT_STARTED"]),
                property_hs_task_type=_pick(np.where(ch == CH_CALL, 0, np.where(ch == CH_EMAIL, 1, 2)), ["CALL", "EMAIL", "TODO"]),
            )
        return out

    def _subjects(self, is_event: np.ndarray, tr: np.ndarray, er: np.ndarray) -> pa.Array:
        out = self.sf.render("Task", tr)["Subject"] if (~is_event).any() else pa.nulls(tr.size, pa.string())
        if is_event.any():
            ev = self.sf.render("Event", er[is_event])["Subject"]
            out = pc.replace_with_mask(out, pa.array(is_event), ev)
        return out

    def _association(self, table: str, i):
        rows, target, slot = self.assoc[table]
        e = self.eng
        r, tgt = rows[i], target[i]
        etype = e["type"][r]
        type_ids = np.array([ASSOC_TYPE[t][slot] for t in ENGAGEMENT_TYPES])
        ids = {"engagement_contact": self._contact_id(tgt), "engagement_company": COMPANY_ID0 + tgt, "engagement_deal": DEAL_ID0 + tgt}[table]
        col = {"engagement_contact": "contact_id", "engagement_company": "company_id", "engagement_deal": "deal_id"}[table]
        return {
            "engagement_id": _ints(e["id"][r]),
            col: _ints(ids),
            "engagement_type": _pick(etype, ENGAGEMENT_TYPES),
            "type_id": _ints(type_ids[etype]),
            "category": _const("HUBSPOT_DEFINED", i.size),
            "_fivetran_synced": self.synced(table, i),
        }

    # -- small tables --------------------------------------------------------------------
    def small_tables(self) -> None:
        a, m, st = self.a, self.m, self.m.stages
        n_stage = len(st.names)
        setup = m.start_ts - 400 * DAY
        self.frames["deal_pipeline"] = (1, lambda i: {
            "pipeline_id": _const(PIPELINE_ID, 1), "label": _const("Sales Pipeline", 1), "display_order": _const("0", 1),
            "active": _const("true", 1), "_fivetran_deleted": _const("false", 1),
            "created_at": _ts(np.array([setup]), np.zeros(1)), "updated_at": _ts(np.array([setup + DAY]), np.zeros(1)),
            "_fivetran_synced": self.synced("deal_pipeline", i),
        })
        k = np.arange(n_stage)
        closed = k >= self.K
        prob = [f"{p / 100:.1f}" if p % 10 == 0 else f"{p / 100:.2f}" for p in st.probability]
        self.frames["deal_pipeline_stage"] = (n_stage, lambda i: {
            "stage_id": _pick(k[i], STAGE_IDS), "pipeline_id": _const(PIPELINE_ID, i.size), "label": _pick(k[i], st.names),
            "display_order": _ints(k[i]), "probability": _pick(k[i], prob),
            "is_closed": _bool(closed[i], np.zeros(i.size)), "closed_won": _bool(closed[i], np.zeros(i.size)),
            "active": _const("true", i.size), "_fivetran_deleted": _const("false", i.size),
            "created_at": _ts(np.full(i.size, setup), np.zeros(i.size)), "updated_at": _ts(np.full(i.size, setup + DAY), np.zeros(i.size)),
            "_fivetran_synced": self.synced("deal_pipeline_stage", i),
        })
        fc = [FORECAST_CATEGORY[f] for f in st.forecast]
        self.frames["stage_forecast_category"] = (n_stage, lambda i: {
            "pipeline_id": _const(PIPELINE_ID, i.size), "stage_id": _pick(k[i], STAGE_IDS), "forecast_category": _pick(k[i], fc),
        })
        roles = list(ROLE_IDS)
        self.frames["role"] = (len(roles), lambda i: {
            "id": _ints(np.array([ROLE_IDS[r] for r in roles])[i]), "name": _pick(i, roles),
            "_fivetran_deleted": _const("false", i.size), "_fivetran_synced": self.synced("role", i),
        })
        # teams: a manager's reports, named as the manager
        mgr_of_team = np.flatnonzero(a["user_kind"] == 1)[np.argsort(a["user_team"][a["user_kind"] == 1])]
        self.frames["team"] = (a["n_teams"], lambda i: {
            "id": _ints(TEAM_ID0 + i), "name": _names(a["user_first"][mgr_of_team[i]], a["user_last"][mgr_of_team[i]])[2],
            "_fivetran_deleted": _const("false", i.size), "_fivetran_synced": self.synced("team", i),
        })
        persons = self.persons
        kind = a["user_kind"][persons]
        role = np.array([ROLE_IDS["VP Sales"], ROLE_IDS["Sales Manager"], ROLE_IDS["Sales Rep"]])[kind]
        active = a["user_active"][persons]
        self.frames["users"] = (persons.size, lambda i: {
            "id": _ints(USER_ID0 + persons[i]),
            "primary_team_id": _ints(TEAM_ID0 + self.user_team[persons[i]], valid=self.user_team[persons[i]] >= 0),
            "role_id": _ints(role[i]),
            "_fivetran_deleted": _bool(~active[i], self.u("users", "_fivetran_deleted", i)),
            "_fivetran_synced": self.synced("users", i),
        })
        # owners: a deactivated user's owner stays (records point at it) without active_user_id
        rep_index = np.full(a["n_users"], -1, np.int64)
        rep_index[a["rep_uid"]] = np.arange(a["n_reps"])
        never = np.iinfo(np.int64).max
        left = np.where(rep_index[persons] >= 0, a["rep_departure"][np.maximum(rep_index[persons], 0)], never)
        created = setup + persons * 3600
        updated = np.where(left < never, left, m.start_ts - 30 * DAY)

        def owner(i):
            p = persons[i]
            f, l_, _ = _names(a["user_first"][p], a["user_last"][p])
            return {
                "owner_id": self.owner_id(p),
                "active_user_id": _ints(USER_ID0 + p, valid=active[i]),
                "first_name": f,
                "last_name": l_,
                "email": _emails(a["user_first"][p], a["user_last"][p], "acme-demo.example"),
                "type": _const("PERSON", i.size),
                "portal_id": _const(str(PORTAL_ID), i.size),
                "created_at": _ts(created[i], self.u("owner", "created_at", i)),
                "updated_at": _ts(updated[i], self.u("owner", "updated_at", i)),
                "_fivetran_synced": self.synced("owner", i),
            }

        self.frames["owner"] = (persons.size, owner)
        # owner_team: every rep and manager on their team (primary); two reps also help a
        # second team (not primary: they count on the primary one)
        member = persons[self.user_team[persons] >= 0]
        extra = a["rep_uid"][np.flatnonzero(a["rep_departure"] == never)[:2]]
        ot_owner = np.concatenate([member, extra])
        ot_team = np.concatenate([self.user_team[member], (self.user_team[extra] + 1) % a["n_teams"]])
        ot_primary = np.concatenate([np.ones(member.size, bool), np.zeros(extra.size, bool)])
        o = np.lexsort((~ot_primary, ot_owner))
        ot_owner, ot_team, ot_primary = ot_owner[o], ot_team[o], ot_primary[o]
        self.frames["owner_team"] = (ot_owner.size, lambda i: {
            "owner_id": self.owner_id(ot_owner[i]), "team_id": _ints(TEAM_ID0 + ot_team[i]),
            "is_team_primary": _bool(ot_primary[i], self.u("owner_team", "is_team_primary", i)),
            "_fivetran_deleted": _const("false", i.size), "_fivetran_synced": self.synced("owner_team", i),
        })
        self.frames["company"] = (a["n_acc"], lambda i: {
            "id": _ints(COMPANY_ID0 + i), "property_name": _account_names(m, i),
            "property_createdate": _ts(a["acc_created"][i], self.u("company", "property_createdate", i)),
            "property_hubspot_owner_id": self.rep_owner_id(a["acc_owner"][i]),
            # the org's industries as the options of HubSpot's industry dropdown; none: blank
            "property_industry": _null_where(
                _pick(a["acc_industry"][i], list(INDUSTRIES) + [""]), a["acc_industry"][i] == len(INDUSTRIES)
            ),
            "is_deleted": _bool(np.zeros(i.size, bool), self.u("company", "is_deleted", i)),
            "_fivetran_deleted": _bool(np.zeros(i.size, bool), self.u("company", "_fivetran_deleted", i)),
            "portal_id": _const(str(PORTAL_ID), i.size), "_fivetran_synced": self.synced("company", i),
        })
        self.frames["deal"] = (m.n, self._deal)
        # deal_company: the primary company (type 5) of every live deal; a third of them also
        # carry the unlabelled association (341) to it, as HubSpot's v4 associations do
        live = np.setdiff1d(np.arange(m.n), self.deleted_deals)
        both = live[self.u("deal_company", "unlabelled", live) < 0.33]
        dc_deal = np.concatenate([live, both])
        dc_type = np.concatenate([np.full(live.size, 5), np.full(both.size, 341)])
        o = np.lexsort((dc_type, dc_deal))
        dc_deal, dc_type = dc_deal[o], dc_type[o]
        self.frames["deal_company"] = (dc_deal.size, lambda i: {
            "deal_id": _ints(DEAL_ID0 + dc_deal[i]), "company_id": _ints(COMPANY_ID0 + a["deal_account"][dc_deal[i]]),
            "type_id": _ints(dc_type[i]), "category": _const("HUBSPOT_DEFINED", i.size), "_fivetran_synced": self.synced("deal_company", i),
        })
        q = a["quota"]
        q_days = np.array([_days(d) for d in m.quarters], np.int64)
        self.frames["quota"] = (q["rep"].size, lambda i: {
            "quota_id": _ints(QUOTA_ID0 + i), "owner_id": self.rep_owner_id(q["rep"][i]), "period_type": _const("quarter", i.size),
            "period_start": _date_array(q_days[q["q"][i]]), "quota_amount": _amount_array(q["amount_cents"][i]),
        })

    def _deal(self, i):
        a, st, K = self.a, self.m.stages, self.K
        stage = a["deal_stage"][i]
        acc = a["deal_account"][i]
        dtype_ = a["deal_type"][i]
        product = _pick(
            dtype_ * len(PRODUCTS) + a["deal_product"][i],
            list(PRODUCTS) + [f"{p} expansion" for p in PRODUCTS] + ["Renewal"] * len(PRODUCTS),
        )
        reason = a["deal_loss_reason"][i]
        owner_rep = np.where(a["deal_chg_t"][i] <= self.m.end_ts, a["deal_owner1"][i], a["deal_owner0"][i])
        prob = np.array([f"{p / 100:.1f}" if p % 10 == 0 else f"{p / 100:.2f}" for p in st.probability])
        deleted = np.isin(i, self.deleted_deals)
        return {
            "deal_id": _ints(DEAL_ID0 + i),
            "portal_id": _const(str(PORTAL_ID), i.size),
            "is_deleted": _bool(deleted, self.u("deal", "is_deleted", i)),
            "_fivetran_deleted": _bool(np.zeros(i.size, bool), self.u("deal", "_fivetran_deleted", i)),
            "deal_pipeline_id": _const(PIPELINE_ID, i.size),
            "deal_pipeline_stage_id": _pick(stage, STAGE_IDS),
            "owner_id": self.rep_owner_id(owner_rep),
            "property_dealname": _join(_account_names(self.m, acc), product, sep=" - "),
            "property_amount": _amount_array(self.usd(i, a["deal_amount"][i])),
            "property_closedate": _fixed_strings(_plain_ts_matrix(a["deal_close"][i] * DAY)),
            "property_createdate": _ts(a["deal_created"][i], self.u("deal", "property_createdate", i)),
            "property_dealtype": _pick(dtype_, DEAL_TYPES),
            "property_closed_lost_reason": _null_where(_pick(np.minimum(reason, len(LOSS_REASONS) - 1), LOSS_REASONS), reason == len(LOSS_REASONS)),
            "property_hs_deal_stage_probability": _pick(stage, prob),
            "property_hs_manual_forecast_category": _pick(stage, [FORECAST_CATEGORY[f] for f in st.forecast]),
            "property_hs_is_closed": _bool(stage >= K, self.u("deal", "property_hs_is_closed", i)),
            "property_hs_is_closed_won": _bool(stage == K, self.u("deal", "property_hs_is_closed_won", i)),
            "property_hs_analytics_source": _pick(a["deal_lead_source"][i], ORIGINAL_SOURCES),
            "_fivetran_synced": self.synced("deal", i),
        }


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------
def generate_export_hubspot(
    out_dir,
    opportunities: int = 600,
    seed: int = 42,
    fmt: str = "csv",
    inject_bad_rows: bool = True,
    end_date: str | dt.date = "2026-09-30",
    *,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write the HubSpot export of the business `export.generate_export` writes for the
    same arguments, and return its manifest (also `<out_dir>/_manifest.json`)."""
    end_date = check_params(opportunities, seed, fmt, end_date)
    out = output_folder(out_dir)
    say = progress or (lambda msg: None)
    t_start = t0 = time.perf_counter()
    mdl, conflict = build_model(opportunities, seed, end_date, inject_bad_rows)
    r = _HubSpotRenderer(mdl, conflict, DELETED_CALLS if inject_bad_rows else 0)
    r.small_tables()
    say(f"{'(model)':<28} {'':>12} {time.perf_counter() - t0:8.2f} s")
    ext = "csv" if fmt == "csv" else "parquet"
    other = "parquet" if fmt == "csv" else "csv"
    manifest = {
        "generator": "revops_kpis.generator_hubspot",
        "crm": "hubspot",
        "params": {"opportunities": int(opportunities), "seed": int(seed), "format": fmt, "inject_bad_rows": bool(inject_bad_rows), "end_date": end_date.isoformat()},
        "window": {"start_date": mdl.start_date.isoformat(), "end_date": end_date.isoformat()},
        "files": {},
        "rows": {},
        "deleted_deals": int(conflict.size),
        "deleted_engagements": int(r.eng["deleted"].sum()),
    }

    def warn(msg):
        print(f"warning: {msg}", file=sys.stderr)

    for table, cols in TABLES.items():
        t0 = time.perf_counter()
        stale = out / f"{table}.{other}"
        if stale.exists():
            stale.unlink()
            say(f"removed {stale} (other format)")
        n_rows, render = r.frames[table]
        path = out / f"{table}.{ext}"
        w = _Writer(path, cols, fmt)
        for s in range(0, n_rows, CHUNK_ROWS):
            idx = np.arange(s, min(n_rows, s + CHUNK_ROWS))
            w.write(_to_table(cols, render(idx), idx.size, warn))
        w.close()
        manifest["files"][table] = path.name
        manifest["rows"][table] = n_rows
        say(f"{table:<28} {n_rows:>12,} {time.perf_counter() - t0:8.2f} s")
    (out / "_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    say(f"wrote {len(TABLES)} {fmt} files, {sum(manifest['rows'].values()):,} rows to {out} in {time.perf_counter() - t_start:.1f} s")
    return manifest
