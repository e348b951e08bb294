"""Deterministic, vectorised generator of a realistic Salesforce export folder.

The export looks like a Data Loader / Bulk API extract of a small B2B sales org: one file
per object (`Opportunity.csv`, `OpportunityHistory.csv`, ...), Salesforce API names as
headers (taken from the export contract, `export_spec.load_spec()`), Data Loader value
formats, and a data story that exercises every rule of the stage-progression layer
(skips, automated changes, backward moves, reopens, batch logging, stale deals,
close-date pushes, owner changes, multi-currency) plus a few rows of each kind of bad
input the cleaner must quarantine.

    python -m revops_kpis.generator --out data/demo_export
    python -m revops_kpis.generator --out /tmp/big --opportunities 1000000 --format parquet

Everything is built column-wise with numpy / pyarrow: the only Python loops run over
objects, stages, reps, simulation steps or write chunks, never over rows. The same seed
and arguments give byte-identical files: random draws come from seeded generators whose
order never depends on chunking, and cosmetic per-cell choices (timestamp offsets,
boolean spellings, blank spellings, 15-character references) are a hash of
(seed, column, row index).

Rules a consumer can rely on (see also the module constants):

* Ids: 3-char key prefix + 2-char pod ``5J`` + ``0`` + a 9-char base-62 sequence; the
  18-char form (with the case-checksum suffix, `to_18`) is used everywhere except a few
  reference cells (``OpportunityHistory.OpportunityId``, ``Task.WhatId``) written in the
  15-char form of the same record. Ids increase with the record's CreatedDate within an
  object (history rows: with their timestamp; ties keep the order of the changes).
* Timestamps are UTC, mostly ``2025-03-05T14:22:11.000Z``; about 2% end in ``+0000`` and
  1% in ``+02:00`` (the local time then reads two hours later: same instant).
* Stages: the demo org's sales process, ``DEMO_STAGES``: six of Salesforce's default open
  stages (not Id. Decision Makers nor Perception Analysis) and the won and lost stages, with
  the probabilities and forecast categories this org gave them; Probability and
  ForecastCategory(Name) are the stage's. A few rows are in ``CUSTOM_STAGE``, a stage no
  definition names (see bad rows). About 1.5% of the non-final history rows spell the stage with a
  changed case or spacing (``closed won``, ``Needs  Analysis``, ``PROSPECTING``,
  ``Qualification `` with a trailing space).
* Blank values are mostly empty fields; a few are an explicit quoted empty string
  (CSV ``""``) or the literal ``null``. In Parquet, every column is a string; empty
  fields are nulls, explicit empties are ``""``.
* OpportunityHistory: one row per saved change, the first at the opportunity's
  CreatedDate (same instant); the opportunity's StageName / Amount / CloseDate equal its
  last row. ForecastCategory carries the same labels as Opportunity.ForecastCategoryName
  (Pipeline, Best Case, Commit, Closed, Omitted). Two rows of a deal may share a
  timestamp: order them by (CreatedDate, Id).
* Scale: reps = max(24, opportunities / 500) in teams of ~6, accounts = opportunities / 3,
  leads = max(opportunities / 5, min(opportunities / 2, 5000)), ~5.7 history rows and
  ~20 tasks + events per opportunity; 8 calendar quarters ending with end_date's quarter.
* Bad rows (inject_bad_rows) are appended after the clean rows of their file, one defect
  each. The opportunity that gets a conflicting duplicate row has no history, field
  history or activities, so quarantining it cascades to nothing: a correct cleaner
  quarantines exactly the rows counted in the manifest's ``bad_rows``. Appended with them,
  and counted apart (``custom_stage_rows``), are copies of clean opportunity and history
  rows moved to ``CUSTOM_STAGE``: not bad rows, a correct cleaner keeps them (as a stage
  inferred from the rows).

Modules, in the order an export is made:

* the business model (`build.build_model`): `clock` (days, business hours, quarters),
  `randomness` (seeded streams, per-cell cosmetic numbers), `stages` (the demo org's sales
  process), `names` (people and company names), `model` (the arrays of one business and the
  codes its steps share), then one module per object: `users`, `rates`, `deals`, `history`
  (stage / amount / close-date changes, owner changes, field history), `leads`,
  `interactions` (tasks and events), `accounts`, `quotas`;
* the renderings: `ids` and `values` (Salesforce ids, Data Loader value formats),
  `salesforce` (one string column per contract column, object by object), `bad_rows`,
  `hubspot` (the same business as the Fivetran HubSpot tables, with its own writer);
* writing: `files` (CSV / Parquet in chunks), `export` (the Salesforce folder and its
  manifest), `cli` (the command line).
"""

from revops_kpis.generator.bad_rows import BAD_KINDS, CUSTOM_STAGE, CUSTOM_STAGE_OBJECTS
from revops_kpis.generator.build import MIN_OPPORTUNITIES, build_model, check_params
from revops_kpis.generator.cli import main
from revops_kpis.generator.clock import DAY
from revops_kpis.generator.export import generate_export
from revops_kpis.generator.files import CHUNK_ROWS, output_folder
from revops_kpis.generator.ids import KEY_PREFIX, to_18
from revops_kpis.generator.leads import _n_leads
from revops_kpis.generator.salesforce import EXTRA_COLUMNS, NOT_GENERATED, OBJECTS, header
from revops_kpis.generator.stages import DEMO_STAGES, Stages, load_stages

__all__ = [
    "BAD_KINDS",
    "CHUNK_ROWS",
    "CUSTOM_STAGE",
    "CUSTOM_STAGE_OBJECTS",
    "DAY",
    "DEMO_STAGES",
    "EXTRA_COLUMNS",
    "KEY_PREFIX",
    "MIN_OPPORTUNITIES",
    "NOT_GENERATED",
    "OBJECTS",
    "Stages",
    "_n_leads",
    "build_model",
    "check_params",
    "generate_export",
    "header",
    "load_stages",
    "main",
    "output_folder",
    "to_18",
]
