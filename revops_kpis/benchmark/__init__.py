"""The scale benchmark: generated exports from 10k to 1M opportunities, full and incremental
builds, the export checks, and the read floor, timed as whole processes (see runner.py)."""
