"""The Salesforce rendering: the business model as string columns, object by object (the
contract's API names as headers, Data Loader value formats)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revops_kpis.export_spec import load_spec, match_key
from revops_kpis.generator.clock import DAY, _days
from revops_kpis.generator.ids import KEY_PREFIX, _id15_matrix, _id_array, _ids_from_matrix, _to_18_matrix
from revops_kpis.generator.interactions import CH_CALL, CH_EMAIL, CH_MEET
from revops_kpis.generator.model import _Model
from revops_kpis.generator.names import (
    DEAL_TYPES,
    FIRST_NAMES,
    INDUSTRIES,
    LEAD_SOURCES,
    LOSS_REASONS,
    PRODUCTS,
    COMPANY_A,
    _account_names,
    _ascii,
    _emails,
    _names,
)
from revops_kpis.generator.randomness import _Cosmetic
from revops_kpis.generator.stages import _stage_variants
from revops_kpis.generator.values import (
    _amount_array,
    _blank_spelling,
    _bool_array,
    _date_array,
    _int_array,
    _join,
    _null_where,
    _pick,
    _ts_array,
)


# Objects written, in write order. OpportunityStage is deliberately absent: plain data
# exports lack it and the project then uses the `stage_order` seed.
OBJECTS = (
    "User",
    "Account",
    "Opportunity",
    "OpportunityHistory",
    "OpportunityFieldHistory",
    "Task",
    "Event",
    "Lead",
    "ForecastingQuota",
    "DatedConversionRate",
)
# Columns an export carries beyond the contract (personal data the project must ignore).
EXTRA_COLUMNS = {
    "Lead": ("FirstName", "LastName", "Email", "Phone", "Company"),
    "User": ("Email",),
}


# Contract columns the generated export leaves out: the system stamps. It is a Data Loader
# extract of the business fields, as many users take them, so its export clock comes from
# record creations (stg_salesforce__export_clock); the stamped case has its own fixtures.
NOT_GENERATED = frozenset({"LastModifiedDate", "SystemModstamp"})


def header(object_name: str) -> list[str]:
    """The file header of an object: the contract's API names (but NOT_GENERATED), then the
    extra (personal) columns an export carries."""
    cols = [c.api_name_for(None) for c in load_spec()[object_name].columns if c.api_name_for(None) not in NOT_GENERATED]
    keys = {match_key(c) for c in cols}
    return cols + [c for c in EXTRA_COLUMNS.get(object_name, ()) if match_key(c) not in keys]


class _Renderer:
    def __init__(self, mdl: _Model):
        self.m = mdl
        self.a = mdl.arrays
        self.cos = _Cosmetic(mdl.seed)
        self._idm_cache: dict[str, np.ndarray] = {}

    def idm(self, obj: str, seq: np.ndarray) -> np.ndarray:
        """18-char id matrix of referenced records (cached per object)."""
        cache = self._idm_cache.get(obj)
        if cache is None:
            a = self.a
            size = {"User": a["n_users"], "Account": a["n_acc"], "Opportunity": self.m.n, "Lead": a["n_leads"], "Contact": 4 * a["n_acc"]}[obj]
            cache = self._idm_cache[obj] = _to_18_matrix(_id15_matrix(KEY_PREFIX[obj], np.arange(size)))
        return cache[np.asarray(seq, dtype=np.int64)]

    def ref(self, obj: str, seq: np.ndarray, short: np.ndarray | None = None, valid: np.ndarray | None = None) -> pa.Array:
        return _ids_from_matrix(self.idm(obj, seq), short, valid)

    def u(self, obj: str, col: str, idx: np.ndarray) -> np.ndarray:
        return self.cos.u(f"{obj}.{col}", idx)

    def user_id(self, uid: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
        return self.ref("User", np.maximum(uid, 0), valid=valid)

    def rows(self, obj: str) -> int:
        a = self.a
        return {
            "User": a["n_users"],
            "Account": a["n_acc"],
            "Opportunity": self.m.n,
            "OpportunityHistory": a["hist"]["t"].size,
            "OpportunityFieldHistory": a["fh"]["t"].size,
            "Task": a["task"]["created"].size,
            "Event": a["event"]["created"].size,
            "Lead": a["n_leads"],
            "ForecastingQuota": a["quota"]["rep"].size,
            "DatedConversionRate": len(self.m.quarters) + 1,
        }[obj]

    def render(self, obj: str, idx: np.ndarray) -> dict[str, pa.Array]:
        return getattr(self, "_" + obj)(np.asarray(idx, dtype=np.int64))

    # -- objects --------------------------------------------------------------------------
    def _User(self, i):
        a = self.a
        kind = a["user_kind"][i]
        f, l_, name = _names(a["user_first"][i], a["user_last"][i])
        special = kind >= 3
        name = pc.if_else(pa.array(special), _pick(np.clip(kind - 3, 0, 1), ["Integration User", "Automated Process"]), name)
        title = _pick(kind, ["VP Sales", "Sales Manager", "Account Executive", None, None])
        email = _emails(a["user_first"][i], a["user_last"][i], "acme-demo.example")
        email = _null_where(email, kind == 4)
        email = pc.if_else(pa.array(kind == 3), pa.scalar("integration@acme-demo.example"), email)
        role_seq = np.where(kind == 0, 0, np.where(kind == 1, 1 + a["user_team"][i], 1 + a["n_teams"] + np.maximum(a["user_team"][i], 0)))
        mgr = a["user_manager"][i]
        return {
            "Id": self.user_id(i),
            "Name": name,
            "IsActive": _bool_array(a["user_active"][i], self.u("User", "IsActive", i)),
            "UserType": _pick(np.maximum(kind - 2, 0), ["Standard", "CloudIntegrationUser", "AutomatedProcess"]),
            "ManagerId": _blank_spelling(self.user_id(mgr), mgr < 0, self.u("User", "ManagerId", i)),
            "Email": email,
            "UserRoleId": _id_array(KEY_PREFIX["UserRole"], role_seq, valid=kind <= 2),
            "Title": title,
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("User", "IsDeleted", i)),
            # the parts of Name (integration and automation users have a last name only)
            "FirstName": _null_where(f, special),
            "LastName": pc.if_else(pa.array(special), name, l_),
        }

    def _Account(self, i):
        a = self.a
        ind = a["acc_industry"][i]
        return {
            "Id": _id_array(KEY_PREFIX["Account"], i),
            "Name": _account_names(self.m, i),
            "OwnerId": self.user_id(a["rep_uid"][a["acc_owner"][i]]),
            "CreatedDate": _ts_array(a["acc_created"][i], self.u("Account", "CreatedDate", i)),
            "Industry": _blank_spelling(_pick(ind, INDUSTRIES + ("",)), ind == len(INDUSTRIES), self.u("Account", "Industry", i)),
            "Type": _pick(a["acc_type"][i], ["Prospect", "Customer", "Partner"]),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("Account", "IsDeleted", i)),
        }

    def _Opportunity(self, i):
        a, st = self.a, self.m.stages
        K = st.k
        stage = a["deal_stage"][i]
        acc = a["deal_account"][i]
        dtype_ = a["deal_type"][i]
        product = _pick(dtype_ * len(PRODUCTS) + a["deal_product"][i], [f"{p}" for p in PRODUCTS] + [f"{p} expansion" for p in PRODUCTS] + ["Renewal"] * len(PRODUCTS))
        reason = a["deal_loss_reason"][i]
        return {
            "Id": _id_array(KEY_PREFIX["Opportunity"], i),
            "AccountId": self.ref("Account", acc),
            "OwnerId": self.user_id(a["rep_uid"][np.where(a["deal_chg_t"][i] <= self.m.end_ts, a["deal_owner1"][i], a["deal_owner0"][i])]),
            "Name": _join(_account_names(self.m, acc), product, sep=" - "),
            "StageName": _pick(stage, st.names),
            "Amount": _amount_array(a["deal_amount"][i]),
            "CloseDate": _date_array(a["deal_close"][i]),
            "CreatedDate": _ts_array(a["deal_created"][i], self.u("Opportunity", "CreatedDate", i)),
            "IsClosed": _bool_array(stage >= K, self.u("Opportunity", "IsClosed", i)),
            "IsWon": _bool_array(stage == K, self.u("Opportunity", "IsWon", i)),
            "ForecastCategoryName": _pick(stage, st.forecast),
            "Type": _pick(dtype_, DEAL_TYPES),
            "LeadSource": _pick(a["deal_lead_source"][i], LEAD_SOURCES),
            "Probability": _int_array(st.probability[stage]),
            "CurrencyIsoCode": _pick(a["deal_eur"][i].astype(np.int64), ["USD", "EUR"]),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("Opportunity", "IsDeleted", i)),
            "Loss_Reason__c": _blank_spelling(_pick(reason, LOSS_REASONS + ("",)), reason == len(LOSS_REASONS), self.u("Opportunity", "Loss_Reason__c", i)),
        }

    def _OpportunityHistory(self, i):
        h, st = self.a["hist"], self.m.stages
        stage = h["stage"][i]
        labels = [v for name in st.names for v in _stage_variants(name)]
        return {
            "Id": _id_array(KEY_PREFIX["OpportunityHistory"], i),
            "OpportunityId": self.ref("Opportunity", h["deal"][i], short=self.u("OpportunityHistory", "OpportunityId", i) < 0.03),
            "CreatedById": self.user_id(h["user"][i]),
            "CreatedDate": _ts_array(h["t"][i], self.u("OpportunityHistory", "CreatedDate", i)),
            "StageName": _pick(stage * 5 + h["variant"][i], labels),
            "Amount": _amount_array(h["amount"][i]),
            "CloseDate": _date_array(h["close"][i]),
            "Probability": _int_array(st.probability[stage]),
            "ForecastCategory": _pick(stage, st.forecast),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("OpportunityHistory", "IsDeleted", i)),
        }

    def _OpportunityFieldHistory(self, i):
        f = self.a["fh"]
        own = f["is_owner"][i]
        old_date = _date_array(np.where(own, 0, f["old"][i]))
        new_date = _date_array(np.where(own, 0, f["new"][i]))
        return {
            "Id": _id_array(KEY_PREFIX["OpportunityFieldHistory"], i),
            "OpportunityId": self.ref("Opportunity", f["deal"][i]),
            "CreatedById": self.user_id(f["user"][i]),
            "CreatedDate": _ts_array(f["t"][i], self.u("OpportunityFieldHistory", "CreatedDate", i)),
            "Field": _pick(own.astype(np.int64), ["CloseDate", "Owner"]),
            "OldValue": pc.if_else(pa.array(own), self.user_id(np.where(own, f["old"][i], 0)), old_date),
            "NewValue": pc.if_else(pa.array(own), self.user_id(np.where(own, f["new"][i], 0)), new_date),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("OpportunityFieldHistory", "IsDeleted", i)),
        }

    def _what_who(self, obj, r, i):
        """WhoId / WhatId / AccountId of interactions (Task / Event)."""
        pk, parent = r["pkind"][i], r["parent"][i]
        acc, who = r["account"][i], r["who"][i]
        is_opp, is_lead = pk == 0, pk == 1
        acc_m = self.idm("Account", np.maximum(acc, 0))
        what_m = acc_m.copy()
        what_m[is_opp] = self.idm("Opportunity", parent[is_opp])
        short = (is_opp & (self.u(obj, "WhatId15", i) < 0.03)) if obj == "Task" else None
        what = _blank_spelling(_ids_from_matrix(what_m, short), is_lead, self.u(obj, "WhatId", i))
        who_m = self.idm("Contact", np.maximum(who, 0))
        who_m[is_lead] = self.idm("Lead", parent[is_lead])
        who_id = _blank_spelling(_ids_from_matrix(who_m), ~is_lead & (who < 0), self.u(obj, "WhoId", i))
        account = _blank_spelling(_ids_from_matrix(acc_m), acc < 0, self.u(obj, "AccountId", i))
        return who_id, what, account

    def _Task(self, i):
        r = self.a["task"]
        ch = r["channel"][i]
        who_id, what, account = self._what_who("Task", r, i)
        u_blank = self.u("Task", "TypeBlank", i)
        u_subj = self.u("Task", "Subject", i)
        name = (self.u("Task", "SubjectName", i) * 20).astype(np.int64)
        # subjects: template per channel x first name
        templates = [
            ["Call with {n}", "Discovery call", "Follow-up call with {n}", "Call: pricing questions", "Left voicemail for {n}"],
            ["Email: Follow-up", "Email: Proposal sent", "Email: Intro, next steps", 'Email: "Quick question" re pricing', "Re: Contract redlines"],
            ["Meeting notes: {n}", "On-site meeting", "Meeting notes: {n}", "On-site meeting", "Meeting notes: {n}"],
            ["Send contract", "Prepare proposal", "Update CRM notes", 'Internal review, "deal desk"', "Send contract"],
            ["Call with {n}"] * 5,  # blank Type, cue in the subject
            ["Email: {n}'s questions"] * 5,
        ]
        labels = [tpl.format(n=FIRST_NAMES[k]) for row in templates for tpl in row for k in range(20)]
        # ~15% of calls / emails have no Type: half keep the TaskSubtype, half only the subject
        typed = ~(((ch == CH_CALL) | (ch == CH_EMAIL)) & (u_blank < 0.15))
        cue_in_subject = ~typed & (u_blank < 0.075)
        row = np.where(cue_in_subject, np.where(ch == CH_CALL, 4, 5), ch)
        subject = _pick((row * 5 + (u_subj * 5).astype(np.int64)) * 20 + name, labels)
        type_ = _blank_spelling(_pick(ch, ["Call", "Email", "Meeting", "Other"]), ~typed, self.u("Task", "Type", i))
        subtype_code = np.where(ch == CH_CALL, 0, np.where(ch == CH_EMAIL, 1, 2))
        subtype_code = np.where(cue_in_subject, 2, subtype_code)
        is_open = r["open"][i]
        done = r["done"][i]
        created = r["created"][i]
        has_dur = (ch == CH_CALL) & ~is_open & ~cue_in_subject & (self.u("Task", "Dur", i) < 0.9)
        activity_day = np.where(is_open, created // DAY + r["due_days"][i], done // DAY)
        return {
            "Id": _id_array(KEY_PREFIX["Task"], i),
            "WhoId": who_id,
            "WhatId": what,
            "AccountId": account,
            "OwnerId": self.user_id(r["owner"][i]),
            "Subject": subject,
            "Type": type_,
            "TaskSubtype": _pick(subtype_code, ["Call", "Email", "Task"]),
            "Status": _pick(is_open.astype(np.int64), ["Completed", "Not Started"]),
            "ActivityDate": _date_array(activity_day),
            "CreatedDate": _ts_array(created, self.u("Task", "CreatedDate", i)),
            "CompletedDateTime": _ts_array(done, self.u("Task", "CompletedDateTime", i), valid=~is_open),
            "CallDurationInSeconds": _int_array(r["duration"][i], valid=has_dur),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("Task", "IsDeleted", i)),
        }

    def _Event(self, i):
        r = self.a["event"]
        ch = r["channel"][i]
        who_id, what, account = self._what_who("Event", r, i)
        name = (self.u("Event", "SubjectName", i) * 20).astype(np.int64)
        v = (self.u("Event", "Subject", i) * 3).astype(np.int64)
        templates = [
            ["Meeting: kickoff", "Meeting with {n}", "QBR, budget review"],
            ["Demo: Platform", "Product demo for {n}", 'Demo: "Analytics Add-on"'],
        ]
        labels = [tpl.format(n=FIRST_NAMES[k]) for row in templates for tpl in row for k in range(20)]
        return {
            "Id": _id_array(KEY_PREFIX["Event"], i),
            "WhoId": who_id,
            "WhatId": what,
            "AccountId": account,
            "OwnerId": self.user_id(r["owner"][i]),
            "Subject": _pick(((ch - CH_MEET) * 3 + v) * 20 + name, labels),
            "Type": _pick(ch - CH_MEET, ["Meeting", "Demo"]),
            "EventSubtype": _pick(np.zeros(i.size, np.int64), ["Event"]),
            "StartDateTime": _ts_array(r["start"][i], self.u("Event", "StartDateTime", i)),
            "EndDateTime": _ts_array(r["end"][i], self.u("Event", "EndDateTime", i)),
            "CreatedDate": _ts_array(r["created"][i], self.u("Event", "CreatedDate", i)),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("Event", "IsDeleted", i)),
            # the same start as ActivityDateTime (same spelling), its UTC day, and the length
            "ActivityDateTime": _ts_array(r["start"][i], self.u("Event", "StartDateTime", i)),
            "ActivityDate": _date_array(r["start"][i] // DAY),
            "DurationInMinutes": _int_array((r["end"][i] - r["start"][i]) // 60),
        }

    def _Lead(self, i):
        a = self.a
        conv = a["lead_converted"][i]
        deal = np.maximum(a["lead_deal"][i], 0)
        first, last = a["lead_first"][i], a["lead_last"][i]
        f, l_, _ = _names(first, last)
        comp_acc = np.where(conv, a["deal_account"][deal], a["lead_company"][i] % max(1, a["n_acc"]))
        company = _account_names(self.m, comp_acc)
        domain = _join(_pick(a["acc_name_a"][comp_acc], [_ascii(x) for x in COMPANY_A]), pa.scalar("example"), sep=".")
        return {
            "Id": _id_array(KEY_PREFIX["Lead"], i),
            "OwnerId": self.user_id(a["rep_uid"][a["lead_owner"][i]]),
            "CreatedDate": _ts_array(a["lead_created"][i], self.u("Lead", "CreatedDate", i)),
            "Status": _pick(a["lead_status"][i], ["Open - Not Contacted", "Working - Contacted", "Closed - Not Converted", "Closed - Converted"]),
            "LeadSource": _pick(a["lead_source"][i], LEAD_SOURCES),
            "IsConverted": _bool_array(conv, self.u("Lead", "IsConverted", i)),
            "ConvertedDate": _blank_spelling(_date_array(a["deal_created"][deal] // DAY), ~conv, self.u("Lead", "ConvertedDate", i)),
            "ConvertedOpportunityId": _blank_spelling(self.ref("Opportunity", deal), ~conv, self.u("Lead", "ConvertedOpportunityId", i)),
            "ConvertedAccountId": _blank_spelling(self.ref("Account", a["deal_account"][deal]), ~conv, self.u("Lead", "ConvertedAccountId", i)),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("Lead", "IsDeleted", i)),
            "FirstName": f,
            "LastName": l_,
            "Email": _emails(first, last, domain),
            "Phone": _join(pa.scalar("+1-555-"), pc.utf8_lpad(pc.cast(pa.array(a["lead_phone"][i]), pa.string()), 7, "0")),
            "Company": company,
        }

    def _ForecastingQuota(self, i):
        q = self.a["quota"]
        q_days = np.array([_days(d) for d in self.m.quarters], np.int64)
        return {
            "Id": _id_array(KEY_PREFIX["ForecastingQuota"], i),
            "QuotaOwnerId": self.user_id(self.a["rep_uid"][q["rep"][i]]),
            "StartDate": _date_array(q_days[q["q"][i]]),
            "QuotaAmount": _amount_array(q["amount_cents"][i]),
            "CurrencyIsoCode": _pick(np.zeros(i.size, np.int64), ["USD"]),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("ForecastingQuota", "IsDeleted", i)),
        }

    def _DatedConversionRate(self, i):
        nq = len(self.m.quarters)
        q_days = np.array([_days(d) for d in self.m.quarters] + [_days(dt.date(9999, 12, 31))], np.int64)
        iso = np.where(i < nq, 1, 0)
        rates = [f"{r:.6f}" for r in self.a["eur_rate"]] + ["1.000000"]
        qi = np.minimum(i, nq - 1)
        start = np.where(i < nq, q_days[qi], q_days[0])
        nxt = np.where(i < nq, q_days[qi + 1], q_days[-1])
        return {
            "Id": _id_array(KEY_PREFIX["DatedConversionRate"], i),
            "IsoCode": _pick(iso, ["USD", "EUR"]),
            "ConversionRate": _pick(i, rates),
            "StartDate": _date_array(start),
            "NextStartDate": _date_array(nxt),
            "IsDeleted": _bool_array(np.zeros(i.size, bool), self.u("DatedConversionRate", "IsDeleted", i)),
        }
