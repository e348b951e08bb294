"""The layers and what each may read (docs/architecture.md), checked on dbt's graph of the
project; the diagram and the tree of the document kept in step with the project."""

from __future__ import annotations

import re

import pytest

from revops_kpis import architecture
from revops_kpis.export_spec import PROJECT_ROOT


def _manifest(models: dict[str, tuple[str, list[str]]]) -> dict:
    """A manifest of models {name: (path below models/, [parent unique ids])} and one source."""
    return {
        "sources": {"source.p.salesforce.opportunity": {"name": "opportunity", "source_name": "salesforce"}},
        "nodes": {
            f"model.p.{name}": {
                "resource_type": "model",
                "name": name,
                "original_file_path": f"models/{path}/{name}.sql",
                "depends_on": {"nodes": parents},
            }
            for name, (path, parents) in models.items()
        },
    }


def test_the_rules_flag_reads_against_the_flow_and_only_those():
    manifest = _manifest({
        "stg_salesforce__opportunities": ("staging/salesforce", ["source.p.salesforce.opportunity"]),
        "stg_crm__opportunities": ("staging/crm", ["model.p.stg_salesforce__opportunities"]),
        "int_outcomes": ("intermediate/sales", ["model.p.stg_crm__opportunities"]),
        "rpt_kpis": ("marts/kpis", ["model.p.int_outcomes", "model.p.stg_crm__opportunities"]),
        # three reads the rules forbid
        "int_reads_a_mart": ("intermediate/sales/levers", ["model.p.rpt_kpis"]),
        "rpt_reads_a_crm": ("marts/kpis", ["model.p.stg_salesforce__opportunities"]),
        "int_reads_a_source": ("intermediate/sales", ["source.p.salesforce.opportunity"]),
    })
    assert architecture.violations(architecture.edges(manifest)) == [
        "int_reads_a_mart (intermediate) reads rpt_kpis (marts)",
        "int_reads_a_source (intermediate) reads opportunity (sources)",
        "rpt_reads_a_crm (marts) reads stg_salesforce__opportunities (staging/salesforce)",
    ]


@pytest.fixture(scope="module")
def project_edges():
    return architecture.project_edges()


def test_no_model_reads_against_the_flow(project_edges):
    assert architecture.violations(project_edges) == []


def test_the_diagram_of_the_document_is_the_projects(project_edges):
    assert architecture.documented_diagram() == architecture.diagram(project_edges), (
        "redraw it: python -m revops_kpis.architecture --write"
    )


def test_the_tree_of_the_document_names_every_model_folder():
    text = architecture.DOC.read_text(encoding="utf-8")
    tree = text.split("## The tree", 1)[1]
    named = set(re.findall(r"([\w.]+)/", tree))
    folders = {
        path.name
        for path in (PROJECT_ROOT / "models").rglob("*")
        if path.is_dir() and any(path.glob("*.sql"))
    }
    assert folders - named == set()
