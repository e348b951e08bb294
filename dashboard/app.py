"""The RevOps KPI dashboard: `scripts/dashboard.sh` (or `streamlit run dashboard/app.py`).

Reads the marts of a built warehouse (REVOPS_DUCKDB_PATH, default target/revops_kpis.duckdb)
through a read-only DuckDB connection. The sidebar's filters apply to every page.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # revops_kpis of this project

import streamlit as st  # noqa: E402

import common  # noqa: E402
import queries  # noqa: E402

st.set_page_config(page_title="RevOps KPIs", layout="wide", initial_sidebar_state="expanded")

PAGES = [
    st.Page("pages/this_quarter.py", title="Where the quarter lands", url_path="quarter", default=True),  # at /
    st.Page("pages/pipeline.py", title="Pipeline and deals to act on", url_path="pipeline"),
    st.Page("pages/tier1_outcomes.py", title="Tier 1: outcomes", url_path="tier1"),
    st.Page("pages/tier2_diagnostics.py", title="Tier 2: diagnostics", url_path="tier2"),
    st.Page("pages/tier3_levers.py", title="Tier 3: levers", url_path="tier3"),
    st.Page("pages/rep_scorecard.py", title="Rep scorecard", url_path="scorecard"),
    st.Page("pages/loss_reasons.py", title="Why deals are lost", url_path="loss_reasons"),
    st.Page("pages/funnel.py", title="Stage funnel and time in stage", url_path="funnel"),
    st.Page("pages/interaction_value.py", title="Interaction value", url_path="interaction_value"),
    st.Page("pages/data_quality.py", title="Data quality", url_path="data_quality"),
]

navigation = st.navigation(PAGES)
try:
    chosen = common.sidebar_filters()
except queries.WarehouseMissing as missing:
    st.error(str(missing))
    st.stop()
if chosen is None:
    st.stop()
st.session_state["_filters"] = chosen
navigation.run()
