"""What every page shares: the sidebar filters, the connection, number formats (those of
revops_kpis/formatting.py), headline numbers with their change, tables and chart helpers."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

import queries
from revops_kpis import formatting


@dataclass(frozen=True)
class Filters:
    period_grain: str
    period_start: dt.date
    period_end: dt.date
    period_label: str
    is_running: bool  # the period holds the as-of time
    choice: str  # "running", "complete" or "other" (see PERIOD_CHOICES)
    previous_start: dt.date | None  # the period before the chosen one (None: the first)
    previous_label: str | None
    grain: str
    team_id: str | None
    team_name: str | None
    currency: str

    @property
    def focus_name(self) -> str:
        return f"team {self.team_name}" if self.team_id else "the company"


@contextlib.contextmanager
def connection() -> Iterator:
    """A read-only connection for one page run, closed after it (so a rebuild can write)."""
    con = queries.connect(queries.warehouse_path())
    try:
        yield con
    finally:
        con.close()


# which period of the grain the pages show: the running one (the default), the last complete
# one, or one chosen from the list
PERIOD_CHOICES = ("running", "complete", "other")


def sidebar_filters() -> Filters | None:
    """Draws the filters in the sidebar and remembers them for the pages."""
    with connection() as con:
        as_of = queries.as_of(con)
        team_frame = queries.teams(con)
        currency = queries.currency(con)
        st.sidebar.caption(f"Warehouse `{queries.warehouse_path().name}`, data as of {as_of:%Y-%m-%d %H:%M} UTC. "
                           f"Amounts in {currency}.")
        period_grain = st.sidebar.selectbox(
            "Period grain", queries.PERIOD_GRAINS, key="period_grain", format_func=str.capitalize
        )
        period_frame = queries.periods(con, period_grain)
    if period_frame.empty:
        st.warning("The marts hold no periods: the export has no deals.")
        return None
    starts = list(period_frame["period_start"])
    ends = dict(zip(period_frame["period_start"], period_frame["period_end"]))
    complete = dict(zip(period_frame["period_start"], period_frame["is_complete"]))

    def label(start):
        text = queries.period_label(period_grain, start, ends[start])
        return text if complete[start] else f"{text} (in progress)"

    choice = st.sidebar.radio(
        "Period", PERIOD_CHOICES, key="period_choice",
        format_func={"running": f"This {period_grain} (in progress)", "complete": f"Last complete {period_grain}",
                     "other": "Another one"}.get,
    )
    if choice == "running":
        period_start = starts[0]
    elif choice == "complete":
        period_start = queries.default_period(period_frame)
    else:
        period_start = st.sidebar.selectbox(
            f"Which {period_grain}", starts, index=starts.index(queries.default_period(period_frame)),
            key=f"period_{period_grain}", format_func=label,
        )
    st.sidebar.caption(f"Showing {label(period_start)}.")
    position = starts.index(period_start)
    previous_start = starts[position + 1] if position + 1 < len(starts) else None
    grain = st.sidebar.selectbox(
        "Rows by", queries.GRAINS, index=2, key="grain",
        format_func={"company": "Company", "team": "Team", "rep": "Rep"}.get,
    )
    team_names = dict(zip(team_frame["team_id"], team_frame["team_name"]))
    team_id = st.sidebar.selectbox(
        "Team", [queries.ALL_TEAMS, *team_names], key="team",
        format_func=lambda value: "All teams" if value is None else team_names[value],
    )
    st.sidebar.caption(
        "Headline numbers are for the chosen team, else the company, with their change against the "
        "period before; tables list the rows at the chosen grain. Ratios are the marts' own, with "
        "their numerators and denominators."
    )
    return Filters(
        period_grain=period_grain,
        period_start=period_start,
        period_end=ends[period_start],
        period_label=label(period_start),
        is_running=not complete[period_start],
        choice=choice,
        previous_start=previous_start,
        previous_label=None if previous_start is None else queries.period_label(
            period_grain, previous_start, ends[previous_start]),
        grain=grain,
        team_id=team_id,
        team_name=team_names.get(team_id),
        currency=currency,
    )


def filters() -> Filters:
    return st.session_state["_filters"]


def page_header(title: str, question: str) -> Filters:
    chosen = filters()
    st.title(title)
    st.caption(f"{question} {chosen.period_grain.capitalize()} {chosen.period_label}, {chosen.focus_name}.")
    return chosen


# ---------------------------------------------------------------- formats

NOT_KNOWN = formatting.NOT_KNOWN  # how every unknown (null) value is shown: metrics, texts, tables


def is_false(value) -> bool:
    """False, not unknown: a flag such as is_cohort_mature that is known to be false."""
    return not formatting.is_unknown(value) and not bool(value)


def pct(value) -> str:
    return formatting.rate(value)


def money(value) -> str:
    """An amount in the corporate currency, to the unit: `USD 1,234,567`."""
    return formatting.money(value, filters().currency, digits=0)


def number(value, digits: int = 1, unit: str = "") -> str:
    return formatting.number(value, unit, digits)


def count(value) -> str:
    return formatting.number(value, digits=0)


def days(value) -> str:
    return formatting.number(value, " d", 1)


PROBABILITIES = {"probability_before", "probability_after", "probability_delta"}


def kind_of(column: str) -> str:
    """How a mart column is shown, by its name (the marts name columns by their kind; a
    `_before` suffix: the same column in the period before)."""
    column = column.removesuffix("_before")
    if column.startswith("is_"):
        return "flag"
    if column == "amount" or column.endswith("_amount"):
        return "money"
    if column.endswith(("_rate", "_percentile", "_share")) or column in PROBABILITIES:
        return "rate"
    if column.endswith("_days") or column.startswith("days_") or "_days_" in column:
        return "days"
    if column.endswith("_minutes"):
        return "minutes"
    if column.endswith("_ratio"):
        return "ratio"
    if column.endswith("_count"):
        return "count"
    if column.endswith("_date"):
        return "date"
    return "text"


def show(value, kind: str) -> str:
    """A value as the dashboard shows it (kind: kind_of)."""
    if formatting.is_unknown(value):
        return NOT_KNOWN
    if kind == "money":
        return money(value)
    if kind == "rate":
        return pct(value)
    if kind == "count":
        return count(value)
    if kind == "days":
        return days(value)
    if kind == "minutes":
        return formatting.number(value, " min", 0)
    if kind == "ratio":
        return formatting.number(value, "x", 2)
    if kind == "months":
        return formatting.number(value, " months", 1)
    if kind == "flag":
        return "yes" if value else "no"
    if kind == "date":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    return str(value)


def change(now, before, kind: str) -> str:
    """The change from `before` to `now` as the dashboard shows it: signed, a rate's in points."""
    if formatting.is_unknown(now) or formatting.is_unknown(before):
        return NOT_KNOWN
    difference = float(now) - float(before)
    if kind == "money":
        return formatting.money(difference, filters().currency, digits=0, signed=True)
    if kind == "rate":
        return formatting.rate_change(difference)
    if kind == "days":
        return formatting.number(difference, " d", 1, signed=True)
    if kind == "minutes":
        return formatting.number(difference, " min", 0, signed=True)
    if kind == "ratio":
        return formatting.number(difference, "x", 2, signed=True)
    if kind == "months":
        return formatting.number(difference, " months", 1, signed=True)
    return formatting.number(difference, digits=0, signed=True)


def metric(column, label: str, now, before, kind: str, *, lower_is_better: bool = False,
           help: str | None = None, text: str | None = None) -> None:
    """A headline number with its change against the previous period (`before`: its value
    then): green when the change is for the better (`lower_is_better` for durations and
    slippage), "n/a" when either is unknown."""
    chosen = filters()
    delta = change(now, before, kind)
    still = delta == NOT_KNOWN or not delta.startswith(("+", "-"))  # unknown, or no change
    versus = f"vs {chosen.previous_label}" if chosen.previous_label else "no period before"
    if lower_is_better:
        help = f"{help + '. ' if help else ''}Lower is better."
    column.metric(
        label, text if text is not None else show(now, kind), delta=delta,
        delta_color="off" if still else ("inverse" if lower_is_better else "normal"),
        delta_arrow="off" if still else "auto",
        delta_description=versus, help=help,
    )


# ---------------------------------------------------------------- tables and charts


def table(frame: pd.DataFrame, headers: dict[str, str], max_rows: int = 40) -> None:
    """A read-only table of the columns in `headers` (column -> plain-language header), in that
    order, each formatted by its kind (kind_of: money with the currency, rates as percentages,
    "n/a" where unknown), tall enough to show every row up to max_rows. The frame keeps the
    marts' column names and values (sorting a column sorts the numbers); the other columns are
    not shown."""
    shown = [column for column in headers if column in frame.columns]
    styler = frame.style.format(
        {column: (lambda value, kind=kind_of(column): show(value, kind)) for column in shown},
        na_rep=NOT_KNOWN,
    )
    config = {column: st.column_config.Column(headers[column]) for column in shown}
    height = 38 + 35 * max(1, min(len(frame), max_rows))
    st.dataframe(styler, hide_index=True, width="stretch", height=height, column_config=config,
                 column_order=shown, placeholder=NOT_KNOWN)


def trend_chart(frame: pd.DataFrame, column: str, title: str, fmt: str = ",.0f", kind: str = "bar") -> alt.Chart:
    base = alt.Chart(frame, title=title).encode(
        x=alt.X("period:O", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
        y=alt.Y(f"{column}:Q", title=None, axis=alt.Axis(format=fmt)),
        tooltip=["period:O", alt.Tooltip(f"{column}:Q", format=fmt)],
    )
    if kind == "bar":
        return base.mark_bar(color="#4c78a8", size=18)
    return base.mark_line(point=True, color="#4c78a8")


def chart(figure: alt.Chart, height: int = 260) -> None:
    st.altair_chart(figure.properties(height=height), width="stretch")
