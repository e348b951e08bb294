"""The pipeline flow (rpt_pipeline_flow) on the demo export built for BI tools (conftest.bi_build:
a February fiscal year, New York time), recomputed by a plain Python walk over the historized
deal states (int_opportunity_states_historized), the outcomes and the dated rates: for every
company quarter, the deal as it stood at the quarter's start (New York midnight), each saved
change until its end (or the as-of time), classified by whether it took the deal into or out
of the deals open with a close date in the quarter, and the deal as it stood at the end. None
of the model's SQL is reused."""

from __future__ import annotations

import collections
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import duckdb
import pytest

from conftest import BI_BUILD_VARS

ZONE = ZoneInfo(BI_BUILD_VARS["reporting_timezone"])
COMPONENTS = ("opening", "created", "pulled_in", "reopened", "increased", "decreased", "pushed_out",
              "pulled_out", "undated", "won", "lost", "fx_revaluation", "closing")


def utc_midnight(day: dt.date) -> dt.datetime:
    """The UTC instant (naive, as the warehouse stores it) of midnight of a New York date."""
    return dt.datetime.combine(day, dt.time(), ZONE).astimezone(dt.timezone.utc).replace(tzinfo=None)


class Deals:
    def __init__(self, path):
        with duckdb.connect(str(path), read_only=True) as con:
            self.as_of = con.execute("select as_of from staging.stg_crm__export_as_of").fetchall()[0][0]
            self.states = collections.defaultdict(list)
            for opp, *state in con.execute("""
                select opportunity_id, valid_from, history_sequence, is_closed_stage, is_won_stage, amount, close_date
                from intermediate.int_opportunity_states_historized
            """).fetchall():
                self.states[opp].append(tuple(state))
            self.outcomes = {row[0]: row[1:] for row in con.execute(
                "select opportunity_id, closed_at, is_won, currency_code from intermediate.int_opportunity_outcomes"
            ).fetchall()}
            self.rates = collections.defaultdict(list)
            for currency, *rate in con.execute(
                "select currency_code, valid_from, valid_to, conversion_rate from intermediate.int_currency_rates_dated"
            ).fetchall():
                self.rates[currency].append(tuple(rate))

    def value(self, amount, currency, day) -> Decimal:
        rate = next((r for start, end, r in self.rates[currency] if start <= day < end), None)
        if rate is None:
            return Decimal(0)
        return Decimal(repr(float(amount or 0) / rate)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def state(self, opp, moment):
        """(is_open, is_won, amount, close_date) at a moment, None before the first state."""
        known = [state for state in self.states[opp] if state[0] <= moment]
        if not known:
            return None
        _, _, is_closed_stage, is_won_stage, amount, close_date = max(known, key=lambda s: (s[0], s[1]))
        closed_at, is_won, _ = self.outcomes[opp]
        is_open = not is_closed_stage and not (closed_at is not None and closed_at <= moment)
        return is_open, (is_won_stage if is_closed_stage else is_won), amount, close_date

    def flow(self, start: dt.date, end: dt.date) -> dict[str, tuple[int, Decimal]]:
        opened, ends_at = utc_midnight(start), min(utc_midnight(end), self.as_of)
        closing_day = end if utc_midnight(end) < self.as_of else self.as_of.replace(
            tzinfo=dt.timezone.utc).astimezone(ZONE).date()
        counts, amounts = collections.Counter(), collections.defaultdict(Decimal)

        def add(component, amount, deals=1):
            counts[component] += deals
            amounts[component] += amount

        def in_scope(state):
            return state is not None and state[0] and state[3] is not None and start <= state[3] < end

        for opp, states in self.states.items():
            currency = self.outcomes[opp][2]
            before = self.state(opp, opened)
            if in_scope(before):
                add("opening", self.value(before[2], currency, start))
            moments = {state[0] for state in states} | {self.outcomes[opp][0]} - {None}
            for moment in sorted(m for m in moments if opened < m <= ends_at):
                after = self.state(opp, moment)
                was, now = in_scope(before), in_scope(after)
                old = self.value(before[2], currency, start) if before else Decimal(0)
                new = self.value(after[2], currency, start)
                if was and not now:
                    if not after[0]:
                        add("won" if after[1] else "lost", old)
                    else:
                        add("undated" if after[3] is None else "pushed_out" if after[3] >= end else "pulled_out", old)
                elif now and not was:
                    add("created" if before is None else "reopened" if not before[0] else "pulled_in", new)
                elif now and new != old:
                    add("increased" if new > old else "decreased", abs(new - old))
                before = after
            last = self.state(opp, ends_at)
            if in_scope(last):
                at_end, at_start = self.value(last[2], currency, closing_day), self.value(last[2], currency, start)
                add("closing", at_end)
                if at_end != at_start:
                    add("fx_revaluation", at_end - at_start)
        return {component: (counts[component], amounts[component]) for component in COMPONENTS}


@pytest.fixture(scope="module")
def warehouse(bi_build):
    return bi_build[0]


def test_company_quarters_match_a_walk_over_the_deal_states(warehouse):
    deals = Deals(warehouse)
    columns = [f"{component}_{unit}" for component in COMPONENTS for unit in ("count", "amount")]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(f"""
            select period_start, period_end, {", ".join(columns)}, moved_in_count, moved_out_amount
            from marts.rpt_pipeline_flow
            where grain = 'company' and period_grain = 'quarter'
            order by period_start
        """).fetchall()
    assert len(rows) >= 8
    active = 0
    for start, end, *values in rows:
        shown = dict(zip(columns, values[:-2]))
        assert values[-2:] == [0, 0]  # owner changes cancel at the company
        expected = deals.flow(start, end)
        for component, (count, amount) in expected.items():
            if component not in ("increased", "decreased", "fx_revaluation"):
                assert shown[f"{component}_count"] == count, (start, component)
            assert shown[f"{component}_amount"] == amount, (start, component)
        active += expected["opening"][0] > 0
    assert active >= 6  # the walk is not trivially empty


def test_every_row_adds_up_from_the_opening_to_the_closing(warehouse):
    inflows = ["created", "pulled_in", "reopened", "increased", "moved_in"]
    outflows = ["decreased", "pushed_out", "pulled_out", "undated", "won", "lost", "moved_out"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        broken = con.execute(f"""
            select count(*) from marts.rpt_pipeline_flow
            where closing_amount <> opening_amount + {" + ".join(f"{c}_amount" for c in inflows)}
                - ({" + ".join(f"{c}_amount" for c in outflows)}) + fx_revaluation_amount
            or closing_count <> opening_count + {" + ".join(f"{c}_count" for c in inflows if c != "increased")}
                - ({" + ".join(f"{c}_count" for c in outflows if c != "decreased")})
        """).fetchall()[0][0]
        rows = con.execute("select count(*) from marts.rpt_pipeline_flow where opening_count > 0").fetchall()[0][0]
    assert broken == 0 and rows > 100
