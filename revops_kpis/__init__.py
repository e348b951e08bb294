"""Python side of the revops_kpis dbt project: export contract, demo-export generator,
export checks and the command-line entry points."""

__version__ = "0.1.0"
