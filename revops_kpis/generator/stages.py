"""The demo org's sales process: its stages in order with their probabilities and forecast
categories, and the sloppy spellings some history rows use."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


# The demo org's stages in order (open stages, then won, then lost), with its probabilities
# and forecast categories: an org's own settings, not Salesforce's defaults (the seed
# stage_order holds those; the project keeps the seed stages an export uses).
DEMO_STAGES = (
    ("Prospecting", 10, "Pipeline"),
    ("Qualification", 20, "Pipeline"),
    ("Needs Analysis", 30, "Pipeline"),
    ("Value Proposition", 50, "Best Case"),
    ("Proposal/Price Quote", 70, "Best Case"),
    ("Negotiation/Review", 90, "Commit"),
    ("Closed Won", 100, "Closed"),
    ("Closed Lost", 0, "Omitted"),
)


@dataclass(frozen=True)
class Stages:
    names: tuple[str, ...]  # open stages in order, then won, then lost
    probability: np.ndarray
    forecast: tuple[str, ...]

    @property
    def k(self) -> int:  # number of open stages; code k = won, k + 1 = lost
        return len(self.names) - 2


def load_stages(stages: tuple[tuple[str, int, str], ...] = DEMO_STAGES) -> Stages:
    """The sales process from (name, probability, forecast category) rows in order: open
    stages, then the won stage, then the lost stage (named Closed Won / Closed Lost)."""
    names = [name for name, _, _ in stages]
    if len(stages) < 6 or names[-2:] != ["Closed Won", "Closed Lost"]:
        raise ValueError("need >= 4 open stages, then Closed Won and Closed Lost")
    return Stages(
        names=tuple(names),
        probability=np.array([probability for _, probability, _ in stages], np.int64),
        forecast=tuple(forecast for _, _, forecast in stages),
    )


def _stage_variants(name: str) -> list[str]:
    """The normal spelling and four sloppy ones (lower, double space, upper, trailing)."""
    return [name, name.lower(), name.replace(" ", "  ", 1) if " " in name else name.lower(), name.upper(), name + " "]
