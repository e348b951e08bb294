"""Great Expectations, the way both checks use it: an ephemeral context without progress bars,
one suite per frame, and the fields read off an expectation's result.

GX takes seconds to import: it is imported inside the functions, never at module level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from revops_kpis.checks.reports import clip

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def gx_context():
    """An ephemeral GX data context with its progress bars off."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def plan_index(result: Any) -> int | None:
    """The position of a result's expectation in the list `run_suite` was given."""
    return (result.expectation_config.meta or {}).get("plan_index")


def run_suite(
    context: Any,
    datasource: Any,
    asset_name: str,
    batch_name: str,
    suite_name: str,
    frame: pd.DataFrame,
    expectations: Iterable[Any],
    result_format: dict[str, Any],
) -> list[Any]:
    """Runs `expectations` on `frame` as one suite (its asset, batch definition and validation
    definition added to `context` / `datasource`); the results in the order of `expectations`
    (each expectation's `meta` is set to its position, see `plan_index`)."""
    import great_expectations as gx

    asset = datasource.add_dataframe_asset(name=asset_name)
    batch_definition = asset.add_batch_definition_whole_dataframe(batch_name)
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name))
    for index, expectation in enumerate(expectations):
        expectation.meta = {"plan_index": index}
        suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
    )
    run = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format)
    return sorted(run.results, key=lambda result: plan_index(result) or 0)


def exception_message(result: Any) -> str | None:
    """The message of the exception an expectation raised (300 characters at most), if any."""
    exception = result.exception_info or {}
    if isinstance(exception, dict) and exception.get("raised_exception"):
        return str(exception.get("exception_message") or "error")[:300]
    return None


def observed_int(details: dict[str, Any]) -> int | None:
    """A result's numeric `observed_value` as an integer (row counts), else None."""
    observed = details.get("observed_value")
    return int(observed) if isinstance(observed, (int, float)) and not isinstance(observed, bool) else None


def distinct_samples(values: Iterable[Any] | None, width: int) -> list[str]:
    """Failing values as clipped text, each once, in the order GX gave them."""
    samples: list[str] = []
    for value in values or []:
        text = clip(value, width)
        if text not in samples:  # duplicates repeat a value
            samples.append(text)
    return samples
