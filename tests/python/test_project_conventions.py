"""Conventions every engine the project builds on needs, checked on the project's files."""

from __future__ import annotations

import yaml

from revops_kpis.export_spec import PROJECT_ROOT

# PostgreSQL cuts identifiers at 63 characters and dbt refuses a unit test whose relation name
# is longer: the whole build on PostgreSQL then fails on one test's name
POSTGRES_IDENTIFIER_LENGTH = 63


def test_unit_test_names_fit_postgres_identifiers():
    too_long = {}
    for path in (PROJECT_ROOT / "models").rglob("*.yml"):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for unit_test in spec.get("unit_tests") or []:
            if len(unit_test["name"]) > POSTGRES_IDENTIFIER_LENGTH:
                too_long[unit_test["name"]] = str(path.relative_to(PROJECT_ROOT))
    assert too_long == {}
