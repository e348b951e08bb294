"""Seeded randomness: one numpy stream per part of the model (`_stream`), and per-cell uniform
numbers that depend only on (seed, column, row index) for cosmetic choices (`_Cosmetic`)."""

from __future__ import annotations

import zlib

import numpy as np


def _splitmix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


class _Cosmetic:
    """Per-cell uniform numbers that depend only on (seed, tag, row index): rendering a
    row gives the same text whatever chunk or selection it is rendered in."""

    def __init__(self, seed: int):
        self.seed = seed

    def u(self, tag: str, idx: np.ndarray) -> np.ndarray:
        key = _splitmix(np.array([(self.seed & 0xFFFFFFFF) << 32 | zlib.crc32(tag.encode())], np.uint64))[0]
        h = _splitmix(np.asarray(idx, dtype=np.int64).astype(np.uint64) ^ key)
        return (h >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53)


def _stream(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])
