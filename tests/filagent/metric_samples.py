"""Reading Prometheus samples in tests: a family's total over the labels not named."""

from __future__ import annotations

from filagent.metrics import Metrics


def sample(metrics: Metrics, name: str, **labels: str) -> float | None:
    """The sum of ``name``'s samples whose labels include ``labels``; None when there is none.

    ``sample(metrics, "filagent_spans_dropped_total")`` is the total over every
    ``reason``; ``sample(..., reason="queue_full")`` one reason's count.
    """
    values = [
        found.value
        for family in metrics.registry.collect()
        for found in family.samples
        if found.name == name and labels.items() <= found.labels.items()
    ]
    return sum(values) if values else None
