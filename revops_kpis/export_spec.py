"""The Salesforce export contract, read from the dbt sources file.

`models/staging/salesforce/_salesforce__sources.yml` is the single source of truth for
the objects and columns the project reads; the dbt landing macro reads the same file
through dbt's graph. This module gives Python code (generator, preflight, Great
Expectations suite) the same view of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCES_FILE = PROJECT_ROOT / "models" / "staging" / "salesforce" / "_salesforce__sources.yml"


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
class ObjectSpec:
    name: str  # source table name, snake_case (warehouse table name)
    object_name: str  # Salesforce object name (file name stem)
    required: bool
    columns: tuple[ColumnSpec, ...]
    key_columns: tuple[str, ...] = ("id",)  # house names of what identifies a record

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.object_name} has no column {name!r}")


@lru_cache(maxsize=None)
def load_spec(sources_file: Path = SOURCES_FILE) -> dict[str, ObjectSpec]:
    """All objects of the export contract, keyed by Salesforce object name."""
    doc = yaml.safe_load(sources_file.read_text())
    source = next(s for s in doc["sources"] if s["name"] == "salesforce")
    objects: dict[str, ObjectSpec] = {}
    for table in source["tables"]:
        meta = table["config"]["meta"]
        columns = tuple(
            ColumnSpec(
                name=col["name"],
                api_name=col["config"]["meta"]["api_name"],
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
        )
    return objects
