"""Synthetic dossier history in bulk for demos and benchmarks (issue #4, item 8).

`dossiers_generate` spreads `count` dossiers over the days of a year, at the service centers and
reception points under a unit, and writes them with bulk inserts, one transaction per batch. Each
dossier is first planned as a list of timed actions (submitted, accepted, transferred, forwarded,
supplement requested and received, apology drafted and approved, withdrawal, stop, decision,
delivery), then replayed by `_Replay`, which changes the dossier exactly as the lifecycle services
do and builds the same hash-chained events with `events.event_build`. The appointment, its moves
after a supplement, the step due times and the apology lead time come from the same pure functions
the services use (`Calendar.appointment`, `services.deadlines`), with one calendar per unit and
office-hours period instead of one per call.

History stops at `until` (default: the end of the year, or now if earlier): a dossier whose next
action falls later stays in the state it has reached, so the last weeks of the year stay pending.

Generated dossiers are marked: `created_by` is empty and their first event carries
`{"generated": true}`. Re-running adds more dossiers (codes continue each unit's daily sequence);
`dossiers_generated_delete` removes only marked dossiers. Actions need a user where the schema
requires one (pauses, apologies): an inactive user `sinh-du-lieu` without a password stands for
every officer. No outbox message is queued: a synthetic history must never notify anyone.
"""

from motcua.reports.generation.plan import step_due_fast
from motcua.reports.generation.world import (
    GENERATED,
    GENERATOR_USERNAME,
    GenerationError,
    GenerationMix,
    GenerationReport,
    generator_user,
)
from motcua.reports.generation.write import dossiers_generate, dossiers_generated_delete

__all__ = [
    "GENERATED",
    "GENERATOR_USERNAME",
    "GenerationError",
    "GenerationMix",
    "GenerationReport",
    "dossiers_generate",
    "dossiers_generated_delete",
    "generator_user",
    "step_due_fast",
]
