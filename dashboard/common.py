"""What every page shares: the sidebar filters, the connection, number formats, chart helpers."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

import queries


@dataclass(frozen=True)
class Filters:
    period_grain: str
    period_start: dt.date
    period_end: dt.date
    period_label: str
    grain: str
    team_id: str | None
    team_name: str | None

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


def sidebar_filters() -> Filters | None:
    """Draws the filters in the sidebar and remembers them for the pages."""
    with connection() as con:
        as_of = queries.as_of(con)
        team_frame = queries.teams(con)
        st.sidebar.caption(f"Warehouse `{queries.warehouse_path().name}`, data as of {as_of:%Y-%m-%d %H:%M} UTC")
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

    period_start = st.sidebar.selectbox(
        "Period", starts, index=starts.index(queries.default_period(period_frame)),
        key=f"period_{period_grain}", format_func=label,
    )
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
        "Headline numbers are for the chosen team, else the company; tables list the rows at the "
        "chosen grain. Ratios are the marts' own, with their numerators and denominators."
    )
    return Filters(
        period_grain=period_grain,
        period_start=period_start,
        period_end=ends[period_start],
        period_label=label(period_start),
        grain=grain,
        team_id=team_id,
        team_name=team_names.get(team_id),
    )


def filters() -> Filters:
    return st.session_state["_filters"]


def page_header(title: str, question: str) -> Filters:
    chosen = filters()
    st.title(title)
    st.caption(f"{question} {chosen.period_grain.capitalize()} {chosen.period_label}, {chosen.focus_name}.")
    return chosen


# ---------------------------------------------------------------- formats

NOT_KNOWN = "n/a"  # how every unknown (null) KPI is shown: in metrics, texts and tables


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


def is_false(value) -> bool:
    """False, not unknown: a flag such as is_cohort_mature that is known to be false."""
    return not _missing(value) and not bool(value)


def pct(value) -> str:
    return NOT_KNOWN if _missing(value) else f"{float(value):.1%}"


def money(value) -> str:
    return NOT_KNOWN if _missing(value) else f"{float(value):,.0f}"


def number(value, digits: int = 1, unit: str = "") -> str:
    return NOT_KNOWN if _missing(value) else f"{float(value):,.{digits}f}{unit}"


def count(value) -> str:
    return NOT_KNOWN if _missing(value) else f"{int(value):,}"


# ---------------------------------------------------------------- tables and charts

PERCENT = st.column_config.NumberColumn(format="percent")
MONEY = st.column_config.NumberColumn(format="localized", step=1)
DAYS = st.column_config.NumberColumn(format="%.1f")


def label(column: str) -> str:
    """A column's header: its name without the unit suffix, in words."""
    return column.removesuffix("_amount").removesuffix("_count").replace("_", " ")


def table(frame: pd.DataFrame, column_config: dict | None = None, max_rows: int = 40) -> None:
    """A read-only table without the internal grain id, tall enough to show every row (up to
    max_rows), headers in words, "n/a" where a value is unknown (null). The frame keeps the
    marts' column names."""
    labels = {column: label(column) for column in frame.columns}
    clashes = {text for text in labels.values() if list(labels.values()).count(text) > 1}
    labels = {column: column.replace("_", " ") if text in clashes else text for column, text in labels.items()}
    config = {column: st.column_config.Column(labels[column]) for column in frame.columns}
    for column, setting in (column_config or {}).items():
        if column in frame.columns:
            config[column] = {**setting, "label": labels[column]}
    config["grain_id"] = None
    height = 38 + 35 * max(1, min(len(frame), max_rows))
    st.dataframe(frame, hide_index=True, width="stretch", height=height, column_config=config, placeholder=NOT_KNOWN)


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
