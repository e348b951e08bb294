"""The export contract of each CRM, read from its dbt sources file.

`models/staging/salesforce/_salesforce__sources.yml` (Salesforce objects) and
`models/staging/hubspot/_hubspot__sources.yml` (Fivetran HubSpot tables) are the single source
of truth for the objects and columns the project reads; the dbt landing macro reads the same
files through dbt's graph. This module gives Python code (generator, preflight, Great
Expectations suite) the same view of them: `load_spec(crm=...)`, and `crm_contract(crm)` for
what else differs between the CRMs (how their files are named in messages, their demo export).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

# The project installed with this package (its parent folder). A command builds the project
# project_dir() names, which is this one only when nothing else is named (see resolve_project_dir)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROJECT_NAME = "revops_kpis"
_SOURCES_IN_PROJECT = Path("models") / "staging" / "salesforce" / "_salesforce__sources.yml"
SOURCES_FILE = PROJECT_ROOT / _SOURCES_IN_PROJECT
# the CRMs the project reads (the dbt var crm_source, the command line's --crm)
DEFAULT_CRM = "salesforce"


@dataclass(frozen=True)
class CrmContract:
    """What differs between the CRMs beyond their tables and columns (those are the sources
    file's): the dbt source and its file, and the words messages use."""

    crm: str  # the dbt var crm_source
    label: str  # Salesforce, HubSpot
    source_name: str  # the dbt source in the sources file
    sources_in_project: Path
    record_word: str  # what one file holds: object (Salesforce), table (HubSpot)
    example_files: tuple[str, ...]  # the files a user recognises the export by
    demo_folder: str  # the demo export, under data/
    how_to_add_column: str  # how a user gets a missing column into the export

    def examples(self) -> str:
        return ", ".join(self.example_files)


CRM_CONTRACTS: dict[str, CrmContract] = {
    "salesforce": CrmContract(
        crm="salesforce",
        label="Salesforce",
        source_name="salesforce",
        sources_in_project=_SOURCES_IN_PROJECT,
        record_word="object",
        example_files=("Opportunity.csv", "OpportunityHistory.csv", "User.csv", "Account.csv"),
        demo_folder="demo_export",
        how_to_add_column="Data Loader: select the field; headers may be API names like `StageName` or "
        "snake_case like `stage_name`",
    ),
    "hubspot": CrmContract(
        crm="hubspot",
        label="HubSpot",
        source_name="hubspot",
        sources_in_project=Path("models") / "staging" / "hubspot" / "_hubspot__sources.yml",
        record_word="table",
        example_files=("deal.csv", "deal_stage.csv", "deal_property_history.csv", "owner.csv"),
        demo_folder="demo_export_hubspot",
        how_to_add_column="the Fivetran HubSpot connector syncs it under this name; a property the connector "
        "leaves out is added in its schema settings",
    ),
}


class UnknownCrm(ValueError):
    """A CRM the project does not read."""


def crm_contract(crm: str | None = None) -> CrmContract:
    """The contract of a CRM (default Salesforce), named as the dbt var crm_source names it
    (any case)."""
    key = (crm or DEFAULT_CRM).strip().lower()
    if key not in CRM_CONTRACTS:
        raise UnknownCrm(f"unknown CRM {crm!r}: use one of {', '.join(CRM_CONTRACTS)}")
    return CRM_CONTRACTS[key]
_chosen_project_dir: Path | None = None


class ProjectNotFound(ValueError):
    """--project-dir names a folder that does not hold this dbt project."""


def is_this_project(folder: Path) -> bool:
    """Whether a folder holds this dbt project: a dbt_project.yml named revops_kpis."""
    project_file = Path(folder) / "dbt_project.yml"
    if not project_file.is_file():
        return False
    try:
        return (yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}).get("name") == PROJECT_NAME
    except (OSError, yaml.YAMLError, AttributeError):
        return False


def resolve_project_dir(flag: Path | str | None = None) -> Path:
    """The project a command builds: the folder given (--project-dir), else the current
    directory when it holds this project, else the project installed with the package.
    The package's location never decides when a project is given or run from."""
    if flag is not None:
        folder = Path(flag).expanduser().resolve()
        if not is_this_project(folder):
            raise ProjectNotFound(
                f"{folder} holds no dbt project named {PROJECT_NAME} (no dbt_project.yml with "
                f"name: {PROJECT_NAME}); give --project-dir the folder of the project's dbt_project.yml"
            )
        return folder
    cwd = Path.cwd().resolve()
    return cwd if is_this_project(cwd) else PROJECT_ROOT


def use_project_dir(flag: Path | str | None = None) -> Path:
    """Resolve the project once (resolve_project_dir) and make it the one project_dir() returns
    for the rest of the process: the command line calls this first."""
    global _chosen_project_dir
    _chosen_project_dir = resolve_project_dir(flag)
    return _chosen_project_dir


def forget_project_dir() -> None:
    """Back to resolving the project on each call (the command line, when a command ends)."""
    global _chosen_project_dir
    _chosen_project_dir = None


def project_dir() -> Path:
    """The project dbt builds and every default path (target, demo export, reports, the export
    contract) is taken from: the one the command line chose, else resolve_project_dir()."""
    return _chosen_project_dir or resolve_project_dir()


def match_key(header: str) -> str:
    """The key a header is matched on: lower case, without underscores or spaces.

    `StageName`, `stagename`, `stage_name` and `Stage_Name` all give `stagename`;
    `Loss_Reason__c` and Fivetran's `loss_reason_c` both give `lossreasonc`.
    """
    return re.sub(r"[_\s]", "", header).lower()


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # house name (snake_case)
    api_name: str  # Salesforce API name (Data Loader header)
    type: str  # id, string, timestamp, date, amount, number, integer, boolean
    required: bool
    personal: bool = False
    api_name_var: str | None = None  # dbt var that overrides the API name
    aliases: tuple[str, ...] = ()  # other headers the column may come under

    def match_keys(self, dbt_vars: dict | None = None) -> tuple[str, ...]:
        """The header keys the column is matched on, in order: its API name, its house name,
        its aliases (as the dbt landing macro matches them)."""
        return tuple(match_key(h) for h in (self.api_name_for(dbt_vars), self.name, *self.aliases))
    # which KPIs cannot be computed without a required column (meta.needed_for); quoted by
    # every error about the column missing
    needed_for: str | None = None

    def api_name_for(self, dbt_vars: dict | None = None) -> str:
        if self.api_name_var and dbt_vars and self.api_name_var in dbt_vars:
            return str(dbt_vars[self.api_name_var])
        return self.api_name


@dataclass(frozen=True)
class Reference:
    """A column naming a record of another object (meta.references: {column: object.column}):
    a value the parent does not hold is dangling (staging quarantines such rows)."""

    column: str  # house name in the referring object
    parent_object: str  # object name of the parent
    parent_column: str  # house name in the parent


@dataclass(frozen=True)
class ObjectSpec:
    name: str  # source table name, snake_case (warehouse table name)
    object_name: str  # Salesforce object name / HubSpot table name (file name stem)
    required: bool
    columns: tuple[ColumnSpec, ...]
    key_columns: tuple[str, ...] = ("id",)  # house names of what identifies a record
    references: tuple[Reference, ...] = ()

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.object_name} has no column {name!r}")


def load_spec(sources_file: Path | None = None, crm: str | None = None) -> dict[str, ObjectSpec]:
    """All objects of a CRM's export contract (default Salesforce), keyed by object name (the
    Salesforce object, the HubSpot table): the sources file of the project being built
    (project_dir()) unless one is given."""
    contract = crm_contract(crm)
    return _load_spec((sources_file or project_dir() / contract.sources_in_project).resolve(), contract.source_name)


@lru_cache(maxsize=None)
def _load_spec(sources_file: Path, source_name: str = "salesforce") -> dict[str, ObjectSpec]:
    doc = yaml.safe_load(sources_file.read_text())
    source = next(s for s in doc["sources"] if s["name"] == source_name)
    objects: dict[str, ObjectSpec] = {}
    for table in source["tables"]:
        meta = table["config"]["meta"]
        columns = tuple(
            ColumnSpec(
                name=col["name"],
                # HubSpot's headers are Fivetran's column names: the house name is the header
                api_name=col["config"]["meta"].get("api_name", col["name"]),
                type=col["config"]["meta"]["type"],
                required=bool(col["config"]["meta"]["required"]),
                personal=bool(col["config"]["meta"].get("personal", False)),
                api_name_var=col["config"]["meta"].get("api_name_var"),
                aliases=tuple(col["config"]["meta"].get("aliases", ())),
                needed_for=col["config"]["meta"].get("needed_for"),
            )
            for col in table["columns"]
        )
        objects[meta["object_name"]] = ObjectSpec(
            name=table["name"],
            object_name=meta["object_name"],
            required=bool(meta["required"]),
            columns=columns,
            key_columns=tuple(meta.get("key_columns", ["id"])),
            references=tuple(
                Reference(column, *target.split(".", 1)) for column, target in (meta.get("references") or {}).items()
            ),
        )
    return objects
