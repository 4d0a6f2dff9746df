"""Ask a what-if of the calibrated scenario: each intervention applied on top of the drill's fit.

The calibrated scenario is the scenario with the ``calibrated`` intervention applied; a
what-if ``X`` is the scenario with the calibrated changes and then ``X``'s changes applied,
in that order, validated again like any intervention. Both run on the same seed and
replication numbers, so every component the intervention leaves alone draws the same
numbers (common random numbers) and the difference is paired. "Had a joint centre been
active, the police would have been ordered 46 min earlier, 95% CI 34–57" is the paired mean
change of that milestone; added to the drill's own time it is what the same drill would
most likely have given.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...scenario.interventions import BASE, InterventionSource, ScenarioVariants
from ...scenario.models import Intervention
from .calibrate import CALIBRATED

__all__ = ["Change", "calibrated_variants", "changes_of"]


def calibrated_variants(variants: ScenarioVariants, names: list[str]) -> ScenarioVariants:
    """Variants whose ``base`` is the calibrated scenario and whose interventions ``names``
    are each the calibrated changes followed by the intervention's own.

    ``variants`` must know the ``calibrated`` intervention (``load_variants(...,
    interventions="calibrated.yaml")``). Raises ``KeyError`` for an unknown name.
    """
    calibrated = variants.interventions[CALIBRATED]
    base = variants.scenario(CALIBRATED)
    composed: dict[str, InterventionSource] = {}
    for name in names:
        if name in (BASE, CALIBRATED):
            continue
        variants.scenario(name)  # an unknown name fails here, with "did you mean"
        own = variants.interventions[name]
        intervention = Intervention.model_construct(
            id=own.intervention.id,
            name=own.intervention.name,
            description=own.intervention.description,
            changes=[*calibrated.intervention.changes, *own.intervention.changes],
        )
        raw = {**own.raw, "changes": [*calibrated.raw["changes"], *own.raw["changes"]]}
        composed[name] = InterventionSource(intervention, raw, own.file, own.root, own.loc)
    return ScenarioVariants(
        variants.document,
        base,
        composed,
        variants.interventions_file,
        variants.interventions_sha256,
    )


@dataclass(frozen=True)
class Change:
    """What one intervention would have changed in one milestone of the drill."""

    incident: str
    milestone: str
    label: str
    intervention: str
    mean_change: float | None  # minutes, negative: earlier
    low: float | None
    high: float | None
    observed: float | None  # the drill's own time, minutes from the incident's start

    @property
    def drill_would_be(self) -> float | None:
        """The drill's time moved by the mean change."""
        if self.observed is None or self.mean_change is None:
            return None
        return max(self.observed + self.mean_change, 0.0)


def changes_of(
    comparison: dict, observed: dict[str, dict[str, float]], incidents: list[str]
) -> list[Change]:
    """The paired changes of every milestone of ``incidents`` in a results.json comparison."""
    out = []
    for incident in comparison["incidents"]:
        if incident["id"] not in incidents:
            continue
        for milestone in incident["milestones"]:
            for row in milestone["interventions"]:
                interval = row["mean_change_ci95"] or [None, None]
                out.append(
                    Change(
                        incident["id"],
                        milestone["id"],
                        milestone["label"],
                        row["intervention"],
                        row["mean_change"],
                        interval[0],
                        interval[1],
                        observed.get(incident["id"], {}).get(milestone["id"]),
                    )
                )
    return out
