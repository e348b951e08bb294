"""The test run's shared parse (revops_kpis.dbt_project.MANIFEST_CACHE_ENV): a command reuses
the manifest parsed for the same project files, vars and settings, the reused manifest holds
everything a fresh parse does (dbt's own pickling of a manifest puts its lookups and unit-test
fixtures in the wrong fields), and a changed var that matters at parse time gets a parse of its
own."""

from __future__ import annotations

import dataclasses

from dbt.cli.main import dbtRunner

from revops_kpis.dbt_project import MANIFEST_CACHE_ENV, _dump_manifest, _load_manifest, project_dir, run_dbt


def _entries(folder):
    return sorted(path.name for path in folder.iterdir() if (path / "manifest.pickle").exists())


def test_a_reused_manifest_equals_a_fresh_parse(tmp_path):
    parsed = dbtRunner().invoke(["parse", "--quiet", "--project-dir", str(project_dir()),
                                 "--profiles-dir", str(project_dir()), "--target-path", str(tmp_path / "target")])
    assert parsed.success
    fresh = parsed.result
    reused = _load_manifest(_dump_manifest(fresh))
    assert fresh.metrics and fresh.semantic_models and fresh.unit_tests
    # what dbt writes of it (manifest.json) is the same
    assert reused.writable_manifest().to_dict() == fresh.writable_manifest().to_dict()
    assert [field.name for field in dataclasses.fields(fresh) if not field.name.startswith("_")] == [
        field.name for field in dataclasses.fields(reused) if not field.name.startswith("_")]
    # the lookups are rebuilt on first use
    metric = next(iter(fresh.metrics.values()))
    assert reused.resolve_metric(metric.name, None, metric.package_name, "x").unique_id == metric.unique_id


def test_commands_share_a_parse_per_set_of_vars(tmp_path, monkeypatch):
    folder = tmp_path / "parses"
    monkeypatch.setenv(MANIFEST_CACHE_ENV, str(folder))
    listed = ["ls", "--select", "stg_salesforce__opportunities", "--output", "name"]
    run_dbt(listed, export_path="data/demo_export", target_path=tmp_path / "a", quiet=True)
    assert len(_entries(folder)) == 1
    # another export, another target folder: the same parse, and its semantic manifest is there
    run_dbt(listed, export_path="tests/fixtures/exports/small", target_path=tmp_path / "b", quiet=True)
    assert len(_entries(folder)) == 1
    assert (tmp_path / "b" / "semantic_manifest.json").exists()
    # a var read at parse time: a parse of its own
    run_dbt(listed, export_path="data/demo_export", extra_vars={"crm_source": "hubspot"},
            target_path=tmp_path / "c", quiet=True)
    assert len(_entries(folder)) == 2
