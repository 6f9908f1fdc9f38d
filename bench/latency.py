"""Latency figures shared by the benchmarks that drive concurrent clients (acceptances, lookups)."""

from __future__ import annotations


def percentile_ms(latencies: list[float], share: float) -> float:
    """Return the latency in ms (from seconds) below which `share` of the operations finished; 0 when none."""
    if not latencies:
        return 0.0
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000
