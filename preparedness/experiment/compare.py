"""Compare interventions with the base, replication by replication (common random numbers).

Every variant ran with the same root seed and replication indices, and engine streams are
keyed by component names, so replication ``i`` of the base and of an intervention share the
draws of everything the intervention left alone. For each milestone this module pairs the
runs and gives: the change in the mean (Student-t on the paired differences, via
``stats.paired_difference``), the change in the median and in the p90 with paired bootstrap
intervals, the probability that the intervention is faster (Wilson interval), and, for
every milestone and deadline, the change in the share of runs that reach it and that meet
its deadline (Newcombe's interval for paired proportions, ``stats.paired_share_change``).
A ``ranking`` opens the section: for each plan deadline, the variant that raises the share
of runs meeting it most.

Changes are *intervention minus base*, in minutes: negative means faster. Medians and p90s
are over the replications where both variants reached the milestone (``n_pairs``), so the
"from ... to ..." of a sentence compares like with like. Pure functions; the bootstrap is
seeded from the root seed and the milestone's name, so the numbers are reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from ..analysis.milestones import milestone_definitions
from ..analysis.stats import paired_difference, paired_share_change, summarise
from ..engine.streams import stable_hash
from .replicate import VariantRun

__all__ = ["BOOTSTRAP_RESAMPLES", "compare", "compare_values", "variant_values"]

#: Paired bootstrap resamples for the intervals of the median and p90 changes. 2,000 keeps
#: the Monte Carlo error of a 95% percentile bound small next to its width (Efron &
#: Tibshirani, *An Introduction to the Bootstrap*, 1993, ch. 13 and 19).
BOOTSTRAP_RESAMPLES = 2000
_CHUNK = 250  # resamples per vectorised step, to bound memory for large runs


def _interval(ci) -> list[float] | None:
    return [float(ci[0]), float(ci[1])] if ci is not None else None


def variant_values(experiment: VariantRun, incident: str, milestone: str) -> list[float | None]:
    """One value per replication (None = not reached), in replication order."""
    return [r.milestones.get(incident, {}).get(milestone) for r in experiment.results]


def _bootstrap(
    base: np.ndarray, alt: np.ndarray, seed_key: Sequence[int], confidence: float
) -> tuple[list[float], list[float]] | None:
    """Percentile intervals of the median change and the p90 change, resampling pairs."""
    n = len(base)
    if n < 2:
        return None
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(list(seed_key))))
    # numpy's default "linear" percentile, from the two order statistics around each rank;
    # a partial sort (partition) at those ranks is all it needs.
    ranks = [q * (n - 1) for q in (0.5, 0.9)]
    kth = sorted({k for r in ranks for k in (math.floor(r), min(n - 1, math.floor(r) + 1))})

    def quantiles(values: np.ndarray) -> np.ndarray:
        part = np.partition(values, kth, axis=1)
        out = []
        for r in ranks:
            low = math.floor(r)
            high = min(n - 1, low + 1)
            out.append(part[:, low] + (r - low) * (part[:, high] - part[:, low]))
        return np.stack(out)

    changes = []
    for start in range(0, BOOTSTRAP_RESAMPLES, _CHUNK):
        size = min(_CHUNK, BOOTSTRAP_RESAMPLES - start)
        idx = rng.integers(0, n, size=(size, n))
        changes.append(quantiles(alt[idx]) - quantiles(base[idx]))
    both = np.concatenate(changes, axis=1)
    tail = 100 * (1 - confidence) / 2
    median_ci = np.percentile(both[0], [tail, 100 - tail])
    p90_ci = np.percentile(both[1], [tail, 100 - tail])
    return [float(x) for x in median_ci], [float(x) for x in p90_ci]


def _share_change(base: Sequence[bool], alt: Sequence[bool], confidence: float) -> dict:
    change = paired_share_change(base, alt, confidence)
    n = change.n
    return {
        "base": change.base,
        "alt": change.alt,
        "base_share": change.base / n if n else None,
        "alt_share": change.alt / n if n else None,
        "only_alt": change.only_alt,
        "only_base": change.only_base,
        "change": change.change,
        "change_ci95": _interval(change.ci),
        "clear": change.ci is not None and (change.ci[0] > 0 or change.ci[1] < 0),
    }


def compare_values(
    base: Sequence[float | None],
    alt: Sequence[float | None],
    seed_key: Sequence[int],
    confidence: float = 0.95,
    deadline: float | None = None,
) -> dict:
    """Every comparison figure of one milestone (see the README's results.json section)."""
    paired = paired_difference(base, alt, confidence)
    reached = _share_change([b is not None for b in base], [a is not None for a in alt], confidence)
    met = None
    if deadline is not None:
        met = _share_change(
            [b is not None and b <= deadline + 1e-9 for b in base],
            [a is not None and a <= deadline + 1e-9 for a in alt],
            confidence,
        )
    pairs = [(b, a) for b, a in zip(base, alt, strict=True) if b is not None and a is not None]
    row: dict = {
        "n_replications": paired.n_replications,
        "n_pairs": paired.n_pairs,
        "only_base_reached": paired.only_base_reached,
        "only_alt_reached": paired.only_alt_reached,
        "neither_reached": paired.neither_reached,
        "base": None,
        "alt": None,
        "mean_change": paired.mean_difference,
        "mean_change_ci95": _interval(paired.ci_mean_difference),
        "median_change": None,
        "median_change_ci95": None,
        "p90_change": None,
        "p90_change_ci95": None,
        "median_of_differences": paired.median_difference,
        "prob_faster": paired.prob_faster.share,
        "prob_faster_ci95": _interval(paired.prob_faster.ci),
        "prob_tied": None,
        "prob_slower": None,
        "reached": reached,
        "deadline_met": met,
        "identical": bool(pairs)
        and all(b == a for b, a in pairs)
        and paired.only_base_reached == paired.only_alt_reached == 0,
    }
    if not pairs:
        return row
    row["prob_tied"] = sum(1 for b, a in pairs if a == b) / len(pairs)
    row["prob_slower"] = sum(1 for b, a in pairs if a > b) / len(pairs)
    b_arr = np.asarray([b for b, _ in pairs], dtype=float)
    a_arr = np.asarray([a for _, a in pairs], dtype=float)
    for key, values in (("base", b_arr), ("alt", a_arr)):
        summary = summarise(list(values), confidence=confidence)
        row[key] = {"mean": summary.mean, "median": summary.median, "p90": summary.p90}
    row["median_change"] = row["alt"]["median"] - row["base"]["median"]
    row["p90_change"] = row["alt"]["p90"] - row["base"]["p90"]
    if row["identical"]:
        row["median_change_ci95"] = [0.0, 0.0]
        row["p90_change_ci95"] = [0.0, 0.0]
    else:
        intervals = _bootstrap(b_arr, a_arr, seed_key, confidence)
        if intervals is not None:
            row["median_change_ci95"], row["p90_change_ci95"] = intervals
    return row


def compare(
    experiments: Mapping[str, VariantRun],
    reference: str,
    names: Mapping[str, str],
    seed: int,
) -> dict:
    """The ``comparison`` section of results.json: every other variant against ``reference``.

    ``names`` gives each variant's name in words ("the joint duty command centre").
    """
    base = experiments[reference]
    scenario = base.scenario
    alternatives = [name for name in experiments if name != reference]
    incidents = []
    for incident in scenario.incidents:
        definitions = {d.id: d for d in milestone_definitions(scenario, incident)}
        for name in alternatives:  # milestones only an intervention has (the centre)
            other = experiments[name].scenario
            for d in milestone_definitions(other, incident):
                definitions.setdefault(d.id, d)
        milestones = []
        for definition in definitions.values():
            base_values = variant_values(base, incident.id, definition.id)
            rows = []
            for name in alternatives:
                key = (seed, stable_hash(f"bootstrap:{name}:{incident.id}:{definition.id}"))
                row = compare_values(
                    base_values,
                    variant_values(experiments[name], incident.id, definition.id),
                    key,
                    deadline=definition.deadline,
                )
                rows.append({"intervention": name, **row})
            milestones.append(
                {
                    "id": definition.id,
                    "label": definition.label,
                    "deadline": definition.deadline,
                    "interventions": rows,
                }
            )
        incidents.append({"id": incident.id, "name": incident.name, "milestones": milestones})
    return {
        "reference": reference,
        "variants": [{"id": name, "name": names.get(name, name)} for name in experiments],
        "confidence": 0.95,
        "bootstrap_resamples": BOOTSTRAP_RESAMPLES,
        "share_interval": "newcombe-paired",
        "ranking": ranking(incidents),
        "incidents": incidents,
    }


def ranking(incidents: list[dict]) -> list[dict]:
    """For each plan deadline, the variant that raises the share of runs meeting it most.

    Ranked by the change in the share of runs that met the deadline (ties: by the lower end
    of its interval, then by the median change). ``clear`` says whether that variant's
    change is beyond its interval; when no variant raises the share, ``best`` is the one
    that lowers it least.
    """
    out = []
    for incident in incidents:
        for milestone in incident["milestones"]:
            if milestone["deadline"] is None:
                continue
            candidates = [row for row in milestone["interventions"] if row["deadline_met"]]
            if not candidates:
                continue

            def key(row: dict) -> tuple[float, float, float]:
                met = row["deadline_met"]
                low = met["change_ci95"][0] if met["change_ci95"] else 0.0
                median = row["median_change"] if row["median_change"] is not None else 0.0
                return (-(met["change"] or 0.0), -low, median)

            best = min(candidates, key=key)
            met = best["deadline_met"]
            out.append(
                {
                    "incident": incident["id"],
                    "incident_name": incident["name"],
                    "milestone": milestone["id"],
                    "label": milestone["label"],
                    "deadline": milestone["deadline"],
                    "best": best["intervention"],
                    "met_base": met["base"],
                    "met_alt": met["alt"],
                    "n_replications": best["n_replications"],
                    "change": met["change"],
                    "change_ci95": met["change_ci95"],
                    "clear": met["clear"],
                }
            )
    return out
