"""`python -m revops_kpis.generator_hubspot` and the name existing code imports: the HubSpot
rendering of the generator's business lives in `revops_kpis.generator.hubspot` (its docstring
maps every Salesforce object to its HubSpot tables)."""

from __future__ import annotations

import sys

from revops_kpis.generator.cli import main as _generator_main
from revops_kpis.generator.hubspot import TABLES, generate_export_hubspot

__all__ = ["TABLES", "generate_export_hubspot", "main"]


def main(argv: list[str] | None = None) -> int:
    """`python -m revops_kpis.generator_hubspot ...` = `python -m revops_kpis.generator --crm hubspot ...`."""
    return _generator_main(["--crm", "hubspot", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
