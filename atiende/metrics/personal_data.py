"""Metric events are the organisation's statistics: kept by erasure (atiende/core/personal_data.py)."""

from atiende.core.personal_data import register

register("metrics", exempt={
    "metrics.OutcomeReason": "The company's outcome reasons.",
    "metrics.OutcomeSettings": "Whether an outcome is required.",
    "metrics.TicketOutcome": "Outcome by ticket id, no text.",
    "metrics.MetricEvent": "Counts and durations by ticket id: the statistics erasure keeps.",
    "metrics.TicketFact": "A ticket's report row: ids, durations and counts, no text.",
})
