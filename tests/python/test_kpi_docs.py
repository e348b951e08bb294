"""The KPI definitions live in one place, docs/kpi_definitions.md, and the marts show them.

Each definition in that file is a dbt doc block; every KPI column of the KPI marts and every
rate of rpt_data_quality references one of them, so a column's documentation and the file can
never say two different things. The vars the file names exist."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from revops_kpis.export_spec import PROJECT_ROOT

DEFINITIONS = PROJECT_ROOT / "docs" / "kpi_definitions.md"
KPI_MARTS = [
    "rpt_kpi_tier1_outcomes",
    "rpt_kpi_tier2_diagnostics",
    "rpt_kpi_tier3_levers",
    "rpt_rep_scorecard",
    "rpt_stage_conversion",
    "rpt_time_in_stage",
    "rpt_loss_reasons",
    "rpt_pipeline_flow",
]
# dimensions of a row, not KPIs
NOT_KPIS = {"stage_name", "stage_order"}
BLOCK = re.compile(r"{%\s*docs\s+(\w+)\s*%}")
DOC_REF = re.compile(r"doc\(\s*'+(\w+)'+\s*\)")


def _blocks(path):
    return set(BLOCK.findall(path.read_text(encoding="utf-8")))


def _model_columns(name):
    path = next(PROJECT_ROOT.glob(f"models/**/{name}.yml"))
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    model = next(m for m in spec["models"] if m["name"] == name)
    return {column["name"]: column.get("description", "") for column in model["columns"]}


def test_every_kpi_and_data_quality_block_is_defined_in_the_definitions_file_only():
    defined = _blocks(DEFINITIONS)
    assert {"kpi_bookings", "kpi_win_rate", "kpi_attribution", "dq_trust_rating"} <= defined
    elsewhere = {}
    for path in (PROJECT_ROOT / "models").rglob("*.md"):
        for block in _blocks(path):
            if block.startswith(("kpi_", "dq_")):
                elsewhere[block] = path.relative_to(PROJECT_ROOT)
    assert elsewhere == {}, "KPI definitions belong in docs/kpi_definitions.md"


@pytest.mark.parametrize("mart", KPI_MARTS)
def test_every_kpi_column_shows_a_definition_from_the_file(mart):
    defined = _blocks(DEFINITIONS)
    undocumented = {}
    for column, description in _model_columns(mart).items():
        if column in NOT_KPIS:
            continue
        refs = [ref for ref in DOC_REF.findall(description) if ref.startswith("kpi_")]
        if not refs or not set(refs) <= defined:
            undocumented[column] = refs
    assert undocumented == {}


def test_data_quality_rates_show_a_definition_from_the_file():
    defined = _blocks(DEFINITIONS)
    columns = _model_columns("rpt_data_quality")
    rates = [column for column in columns if column.endswith("_rate") or column == "trust_rating"]
    assert len(rates) >= 6
    for column in rates:
        refs = DOC_REF.findall(columns[column])
        assert refs and set(refs) <= defined, column


def test_every_doc_reference_of_the_project_resolves():
    defined = set()
    for path in [DEFINITIONS, *(PROJECT_ROOT / "models").rglob("*.md")]:
        defined |= _blocks(path)
    used = set()
    for path in (PROJECT_ROOT / "models").rglob("*.yml"):
        used |= set(DOC_REF.findall(path.read_text(encoding="utf-8")))
    assert used - defined == set()
    # every KPI definition is shown somewhere
    assert {b for b in _blocks(DEFINITIONS) if b.startswith("kpi_")} - used == set()


def test_the_vars_the_definitions_name_exist():
    text = DEFINITIONS.read_text(encoding="utf-8")
    named = set(re.findall(r"var `(\w+)`", text)) | set(re.findall(r"vars? `(\w+)`", text))
    project_vars = set(yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"])
    assert len(named) >= 10
    assert named - project_vars == set()


def test_the_repository_does_not_point_at_material_users_do_not_have():
    tracked = subprocess.run(
        # the two names are put together here so that this file does not match itself
        ["git", "grep", "-l", "-e", "../" + "shared", "-e", "KPI_" + "DICTIONARY", "--", ".", ":!.ci"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tracked.stdout.strip() == ""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/kpi_definitions.md" in readme
