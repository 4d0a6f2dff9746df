"""Fit the scenario's delays and answer probabilities to drill logs, as a named intervention.

For every channel, link, role and department the logs have data on, the prior (what the
scenario says) is set beside the fitted value, its 95% interval and the sample size. The
fitted values the scenario language can hold (a channel's answer probability, ring and talk
time; a role's decision time and time to reach the desk; a department's report-in time)
become ``set`` changes of one intervention, ``calibrated``, so the calibrated scenario is
the scenario as written with an overlay the loader validates again (Calliope-style named
overrides, STYLE). Per-link answer shares are reported but not written: the scenario sets
the answer probability per channel.

A role's away share (``roles[x].away_share``) is fitted jointly with the per-attempt answer
probability of the calls to its people (``away.py``). The channel's answer probability is
then counted over the attempts to people who were there: each person who never answered
takes their attempts out of the trials with the weight of the chance they were away, given
the fit (one expectation step). Where nobody in a role was called twice, the away share is
not identifiable from the logs: it is not written, and the answer counts stay as they are.

The goodness-of-fit check compares each quantity in the drill with the same quantity in
runs of the calibrated scenario (two-sample Kolmogorov-Smirnov for times, Fisher's exact
test for answers): a small p-value says the fitted family or the pooling does not describe
the drill, whatever the fitted centre.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...scenario.distributions import DayNight, DistributionSpec
from ...scenario.models import Scenario
from .away import AwayFit, fit_away
from .fit import Fitted, fit_duration, fit_probability, written
from .observe import Key, Sample, merge

__all__ = ["CALIBRATED", "Calibration", "Estimate", "Fit", "calibrate", "goodness_of_fit"]

#: The id of the intervention a calibration writes.
CALIBRATED = "calibrated"


@dataclass(frozen=True)
class Estimate:
    """One fitted quantity: the prior, the fit, its sample and where it is written."""

    key: Key
    prior: float | DistributionSpec
    fitted: Fitted
    observed: int
    censored: int
    #: the scenario path the fit is written to (``roles[x].decision_time``), None if not
    path: str | None

    @property
    def quantity(self) -> str:
        return self.key[0]

    @property
    def prior_value(self) -> float:
        """The prior's headline number: the probability, or a distribution's median/mean."""
        if isinstance(self.prior, DistributionSpec):
            return (
                self.prior.quantile(0.5)
                if self.prior.tag_name() == "lognormal"
                else self.prior.mean
            )
        return float(self.prior)


@dataclass(frozen=True)
class Calibration:
    """Every estimate, and the changes of the ``calibrated`` intervention."""

    estimates: list[Estimate]
    changes: list[dict[str, Any]]
    samples: dict[Key, Sample]
    #: roles whose calls the logs have, but none called twice: away share not identifiable
    unidentified: list[str] = field(default_factory=list)

    def document(self, description: str) -> dict[str, Any]:
        """The interventions file (``calibrated.yaml``) as data."""
        return {
            "interventions": [
                {
                    "id": CALIBRATED,
                    "name": "calibrated to the drill logs",
                    "description": description,
                    "changes": self.changes,
                }
            ]
        }


def _split(value: Any) -> bool:
    return isinstance(value, DayNight)


def _regroup(samples: dict[Key, Sample], scenario: Scenario) -> dict[Key, Sample]:
    """Pool day and night where the scenario sets one value for both."""
    parts: list[dict[Key, Sample]] = []
    for (quantity, subject, period), sample in samples.items():
        prior = _prior_of(scenario, quantity, subject)
        keep = period if prior is not None and _split(prior) else ""
        parts.append({(quantity, subject, keep): sample})
    return merge(parts)


def _prior_of(scenario: Scenario, quantity: str, subject: str) -> Any:
    """The scenario's value of a quantity (a probability, a distribution or day/night pair)."""
    channels = {channel.id: channel for channel in scenario.channels}
    roles = {role.id: role for role in scenario.roles}
    departments = {department.id: department for department in scenario.departments}
    if quantity == "answer_probability":
        channel = channels.get(subject.split(":")[0])
        return getattr(channel, "answer_probability", None)
    if quantity in ("ring_time", "talk_time"):
        return getattr(channels.get(subject), quantity, None)
    if quantity == "away_share" and subject in roles:
        return roles[subject].away_share
    if quantity == "decision_time" and subject in roles:
        return roles[subject].decision_time
    if quantity == "desk_time" and subject in roles:
        return roles[subject].off_duty.response_delay
    if quantity == "report_in_time" and subject in departments:
        return departments[subject].report_in_time
    return None


def _for_period(prior: Any, period: str) -> Any:
    return prior.for_time(period == "night") if _split(prior) else prior


_PATHS = {
    "answer_probability": "channels[{}].answer_probability",
    "away_share": "roles[{}].away_share",
    "ring_time": "channels[{}].ring_time",
    "talk_time": "channels[{}].talk_time",
    "decision_time": "roles[{}].decision_time",
    "desk_time": "roles[{}].off_duty",
    "report_in_time": "departments[{}].report_in_time",
}


def calibrate(scenario: Scenario, samples: list[dict[Key, Sample]]) -> Calibration:
    """Fit every quantity the samples (one per drill log) have data on."""
    pooled = _regroup(merge(samples), scenario)
    aways, unidentified, away_rows = _aways(scenario, pooled)
    removed = _away_attempts(scenario, pooled, aways)
    estimates = []
    for key, sample in pooled.items():
        quantity, subject, period = key
        prior = _prior_of(scenario, quantity, subject)
        if prior is None:
            continue  # a liaison of a joint centre, or a channel without answers
        prior_now = _for_period(prior, period)
        link = ":" in subject
        if quantity == "away_share":
            estimates += away_rows.get(subject, [])
            continue
        if quantity == "answer_probability":
            if sample.trials == 0:
                continue
            fitted = _answers(sample, 0.0 if link else removed.get((subject, period), 0.0))
            n, censored = sample.trials, 0
        else:
            if not sample.observed:
                continue
            fitted = fit_duration(prior_now, sample.observed, sample.censored)
            n, censored = len(sample.observed), len(sample.censored)
        path = None if link else _PATHS[quantity].format(subject)
        estimates.append(Estimate(key, prior_now, fitted, n, censored, path))
    return Calibration(estimates, _changes(scenario, estimates), pooled, unidentified)


def _answers(sample: Sample, away: float) -> Fitted:
    """Successes over the attempts to people who were there (``away`` expected attempts out)."""
    if away <= 0:
        return fit_probability(sample.successes, sample.trials)
    trials = max(sample.trials - away, float(sample.successes), 1.0)
    exact = fit_probability(sample.successes, max(round(trials), sample.successes, 1))
    value = sample.successes / trials
    method = "binomial over attempts to people present"
    return Fitted(value, min(exact.low, value), max(exact.high, value), method)


def _aways(
    scenario: Scenario, pooled: dict[Key, Sample]
) -> tuple[dict[str, AwayFit], list[str], dict[str, list[Estimate]]]:
    """The joint fit of every role whose people the logs called, and its table rows."""
    fits: dict[str, AwayFit] = {}
    unidentified: list[str] = []
    rows: dict[str, list[Estimate]] = {}
    for (quantity, role, _), sample in pooled.items():
        if quantity != "away_share" or _prior_of(scenario, quantity, role) is None:
            continue
        fitted = fit_away(sample.sequences)
        if fitted is None:
            unidentified.append(role)
            continue
        fits[role] = fitted
        path = _PATHS["away_share"].format(role)
        prior = _prior_of(scenario, "away_share", role)
        channel_prior = _channel_prior(scenario, sample)
        rows[role] = [
            Estimate(("away_share", role, ""), prior, fitted.away, fitted.people, 0, path),
            Estimate(
                ("answer_if_present", role, ""),
                channel_prior,
                fitted.answer,
                fitted.attempts,
                0,
                None,
            ),
        ]
    return fits, unidentified, rows


def _channel_prior(scenario: Scenario, sample: Sample) -> float:
    """The scenario's answer probability on the channel and period most of the attempts used."""
    counts: dict[tuple[str, str], int] = {}
    for sequence in sample.sequences:
        for _, channel, period, _, _ in sequence:
            counts[(channel, period)] = counts.get((channel, period), 0) + 1
    channel, period = max(counts, key=lambda group: counts[group])
    prior = _prior_of(scenario, "answer_probability", channel)
    return float(_for_period(prior, period)) if prior is not None else float("nan")


def _away_attempts(
    scenario: Scenario, pooled: dict[Key, Sample], fits: dict[str, AwayFit]
) -> dict[tuple[str, str], float]:
    """Expected on-duty attempts to people away, per channel and period as the scenario keys
    its answer probability."""
    removed: dict[tuple[str, str], float] = {}
    for (quantity, role, _), sample in pooled.items():
        if quantity != "away_share" or role not in fits:
            continue
        for sequence in sample.sequences:
            weight = fits[role].away_weight(sequence)
            if weight <= 0:
                continue
            for _, channel, period, _, on_duty in sequence:
                if not on_duty:
                    continue  # off duty: not in the channel's on-duty count
                prior = _prior_of(scenario, "answer_probability", channel)
                keep = period if prior is not None and _split(prior) else ""
                removed[(channel, keep)] = removed.get((channel, keep), 0.0) + weight
    return removed


def _value(estimate: Estimate) -> Any:
    if estimate.fitted.spec is None:
        return round(estimate.fitted.value, 4)
    return written(estimate.fitted.spec)


def _as_written(prior: Any) -> Any:
    if isinstance(prior, DistributionSpec):
        return written(prior)
    return prior


def _changes(scenario: Scenario, estimates: list[Estimate]) -> list[dict[str, Any]]:
    """``set`` changes: one per scenario value, day and night written together."""
    by_path: dict[str, dict[str, Estimate]] = {}
    for estimate in estimates:
        if estimate.path is not None:
            by_path.setdefault(estimate.path, {})[estimate.key[2]] = estimate
    changes = []
    for path, periods in by_path.items():
        first = next(iter(periods.values()))
        quantity, subject, _ = first.key
        prior = _prior_of(scenario, quantity, subject)
        if _split(prior):
            value: Any = {
                period: _value(periods[period])
                if period in periods
                else _as_written(_for_period(prior, period))
                for period in ("day", "night")
            }
        else:
            value = _value(first)
        if quantity == "desk_time":
            role = next(role for role in scenario.roles if role.id == subject)
            value = {"answer_factor": role.off_duty.answer_factor, "response_delay": value}
        changes.append({"set": {"path": path, "value": value}})
    return changes


@dataclass(frozen=True)
class Fit:
    """How well the calibrated model reproduces one quantity of the drill."""

    key: Key
    test: str  # "ks" (two-sample Kolmogorov-Smirnov) or "fisher"
    p_value: float
    drill_n: int
    model_n: int

    @property
    def consistent(self) -> bool:
        return self.p_value >= 0.05


def goodness_of_fit(
    calibration: Calibration, simulated: dict[Key, Sample], scenario: Scenario
) -> list[Fit]:
    """Each written quantity of the drill against the same quantity in calibrated runs."""
    from scipy import stats  # here, not at import: keeps the CLI's start-up light

    model = _regroup(simulated, scenario)
    fits = []
    for estimate in calibration.estimates:
        if estimate.path is None:
            continue
        drill, runs = calibration.samples[estimate.key], model.get(estimate.key)
        if runs is None:
            continue
        if estimate.quantity == "answer_probability":
            if runs.trials == 0:
                continue
            table = np.array(
                [
                    [drill.successes, drill.trials - drill.successes],
                    [runs.successes, runs.trials - runs.successes],
                ]
            )
            p_value = float(stats.fisher_exact(table).pvalue)
            fits.append(Fit(estimate.key, "fisher", p_value, drill.trials, runs.trials))
        elif drill.observed and len(runs.observed) >= 5:
            p_value = float(stats.ks_2samp(drill.observed, runs.observed).pvalue)
            fits.append(Fit(estimate.key, "ks", p_value, len(drill.observed), len(runs.observed)))
    return fits
