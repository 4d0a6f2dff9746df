"""Across replications: every milestone's statistics with confidence intervals, and workloads.

The output is the ``results.json`` contract (README, "results.json"): plain data that every
report renders. Statistics are over the replications that reached a milestone; how many did
is always stated, and unreached replications count as missed deadlines.
"""

from __future__ import annotations

import numpy as np

from ..scenario.models import Department, Scenario
from .coverage import coverage_grid
from .critical_path import CAUSES
from .milestones import milestone_definitions
from .stats import SHARE_BOUNDS, mean_of, share_with_ci, summarise
from .stock_summary import stock_summary

FORMAT = "preparedness.results/1"


def _interval(ci):
    return [ci[0], ci[1]] if ci is not None else None


def milestone_summary(definition, values: list[float | None]) -> dict:
    """One milestone across replications, as it appears in results.json."""
    summary = summarise(values)
    row = {
        "id": definition.id,
        "label": definition.label,
        "n_replications": summary.n_replications,
        "n_reached": summary.n_reached,
        "mean": summary.mean,
        "median": summary.median,
        "p90": summary.p90,
        "p95": summary.p95,
        "ci95_mean": _interval(summary.ci_mean),
        "ci95_median": _interval(summary.ci_median),
        "ci95_p90": _interval(summary.ci_p90),
        "ci_method": {
            "mean": summary.ci_method,
            "median": "order-statistic",
            "p90": "order-statistic",
            "share": "wilson",
        },
        "deadline": definition.deadline,
        "deadline_rule": definition.deadline_rule or None,
        "deadline_met_share": None,
        "deadline_met_ci95": None,
    }
    if definition.deadline is not None:
        met = sum(1 for v in values if v is not None and v <= definition.deadline + 1e-9)
        share = share_with_ci(met, len(values))
        row["deadline_met_share"] = share.share
        row["deadline_met_ci95"] = _interval(share.ci)
    return row


def delay_split_summary(scenario: Scenario, splits: list) -> dict:
    """Where a milestone's time went, over the replications that reached it."""
    n = len(splits)
    if n == 0:
        return {"delay_split": [], "critical_people": [], "critical_links": []}
    mean_latency = sum(split.latency for split in splits) / n
    causes = []
    for cause, words in CAUSES.items():
        parts = [split.by_cause.get(cause, 0.0) for split in splits]
        if not any(parts):
            continue
        summary = summarise(parts)
        causes.append(
            {
                "cause": cause,
                "label": words,
                "mean": summary.mean,
                "ci95_mean": _interval(summary.ci_mean),
                "share_of_latency": summary.mean / mean_latency if mean_latency > 0 else None,
            }
        )
    causes.sort(key=lambda row: -row["mean"])
    return {
        "delay_split": causes,
        "critical_people": _on_path(scenario, [split.by_post for split in splits], 5),
        "critical_links": _on_path(scenario, [split.by_link for split in splits], 3),
    }


def _on_path(scenario: Scenario, contributions: list[dict], top: int) -> list[dict]:
    """Posts (or links) most often on the critical path, with their mean contribution.

    The candidates are ranked by their mean first and only the ``top`` kept get intervals:
    a township has hundreds of posts on some path, and each interval costs a bootstrap.
    """
    n = len(contributions)
    keys: dict = {}
    for item in contributions:
        for key in item:
            keys.setdefault(key, None)
    ranked = []
    for key in keys:
        parts = [item.get(key, 0.0) for item in contributions]
        mean = mean_of(parts)
        assert mean is not None  # every replication contributes a value, 0 when off the path
        ranked.append((mean, key, parts))
    ranked.sort(key=lambda entry: (-entry[0], _first_id(entry[1])))
    rows = []
    for mean, key, parts in ranked[:top]:
        row = {
            "on_path_share": sum(1 for p in parts if p > 0) / n,
            "mean_minutes": mean,
            "ci95_mean": _interval(summarise(parts).ci_mean),
        }
        if isinstance(key, tuple):
            row.update(
                {
                    "from": key[0],
                    "to": key[1],
                    "from_name": post_label(scenario, key[0]),
                    "to_name": post_label(scenario, key[1]),
                }
            )
        else:
            row.update({"post": key, "name": post_label(scenario, key)})
        rows.append(row)
    return rows


def _first_id(key: str | tuple[str, str]) -> str:
    """A post's id, or a link's first post: the tie-break among equal means."""
    return key[0] if isinstance(key, tuple) else key


def _warning_summary(incident_id: str, results, observed: float) -> dict | None:
    """Households per cohort, how many were never warned, and the mean coverage curve over
    the incident's observation window (``observed`` minutes from its start)."""
    runs = [r.warnings[incident_id] for r in results if incident_id in r.warnings]
    if not runs:
        return None
    households = runs[0]["households"]
    cohorts = {}
    for cohort, count in households.items():
        missed = summarise([count - run["reached"][cohort] for run in runs])
        cohorts[cohort] = {
            "households": count,
            "never_reached_mean": missed.mean,
            "never_reached_ci95": _interval(missed.ci_mean),
        }
    grid = coverage_grid(observed)
    curves = {}
    for group in runs[0]["curves"]:
        stacked = np.vstack([run["curves"][group] for run in runs])
        curves[group] = {
            "mean": stacked.mean(axis=0).tolist(),
            "p10": np.quantile(stacked, 0.1, axis=0).tolist(),
            "p90": np.quantile(stacked, 0.9, axis=0).tolist(),
        }
    return {
        "replications_with_warning": len(runs),
        "cohorts": cohorts,
        "curve_minutes": grid.tolist(),
        "curves": curves,
    }


def _callout_summary(incident_id: str, results) -> dict | None:
    """The share of the call-out roster reached by the horizon, across replications."""
    runs = [r.callouts[incident_id] for r in results if incident_id in r.callouts]
    if not runs:
        return None
    shares = [run["reached"] / run["roster"] if run["roster"] else 1.0 for run in runs]
    summary = summarise(shares)
    return {
        "replications_with_callout": len(runs),
        "roster": runs[0]["roster"],
        "reached_share_mean": summary.mean,
        "reached_share_ci95": _interval(summary.ci_mean),
        "reached_share_median": summary.median,
        "reached_share_p10": float(np.quantile(shares, 0.1)),
        "reached_share_min": min(shares),
        "all_reached_share": sum(1 for share in shares if share >= 1.0) / len(shares),
    }


def aggregate(scenario: Scenario, results, seed: int) -> dict:
    """The results.json body (without provenance, which the report layer adds)."""
    n = len(results)
    incidents = []
    for incident in scenario.incidents:
        plan = scenario.plan_for(incident)
        milestones = []
        for definition in milestone_definitions(scenario, incident):
            values = [r.milestones.get(incident.id, {}).get(definition.id) for r in results]
            row = milestone_summary(definition, values)
            splits = [
                r.splits[incident.id][definition.id]
                for r in results
                if definition.id in r.splits.get(incident.id, {})
            ]
            row.update(delay_split_summary(scenario, splits))
            row["not_reached"] = not_reached_summary(scenario, incident.id, definition.id, results)
            milestones.append(row)
        warning = _warning_summary(incident.id, results, scenario.observed_for(incident))
        callout = _callout_summary(incident.id, results)
        incidents.append(
            {
                "warning": warning,
                "callout": callout,
                "id": incident.id,
                "name": incident.name,
                "category": incident.category.value,
                "level": incident.level.value if incident.level else None,
                "community": incident.community,
                "community_name": _community_name(
                    scenario, incident.community or incident.at or ""
                ),
                "start_minutes": incident.start_after,
                "observed_minutes": scenario.observed_for(incident),
                "plan": plan.id if plan else None,
                "plan_name": plan.name if plan else None,
                "milestones": milestones,
            }
        )
    body = {
        "format": FORMAT,
        "seed": seed,
        "replications": n,
        "command_mode": scenario.command.mode,
        "horizon_minutes": scenario.horizon,
        "run_minutes": scenario.run_length,
        "incidents": incidents,
        "people": _people(scenario, results),
        "links": _links(scenario, results),
        "events_per_replication": sum(r.events for r in results) / n if n else 0,
        "stock": stock_summary(scenario, results),
    }
    body["liaisons"] = liaison_posts(scenario, body)
    return body


def not_reached_summary(
    scenario: Scenario, incident_id: str, milestone_id: str, results
) -> list[dict]:
    """Why the milestone was not reached, counted over the replications (``analysis/missed``).

    One row per reason and link, post or cohort responsible, most frequent first; ``share``
    is of all replications run.
    """
    n = len(results)
    counts: dict[tuple[str, str, str, str, str], int] = {}
    for result in results:
        miss = result.missed.milestones.get(incident_id, {}).get(milestone_id)
        if miss is None:
            continue
        key = (miss.reason, miss.where, miss.detail, miss.message, miss.channel)
        counts[key] = counts.get(key, 0) + 1
    rows = []
    for (reason, where, detail, message, channel), count in counts.items():
        row: dict = {
            "reason": reason,
            "link": None,
            "post": None,
            "cohort": None,
            "message": message or None,
            "detail": detail or None,
            "count": count,
            "share": count / n,
        }
        if reason == "message_given_up":
            sender, _, receiver = where.partition(">")
            row["link"] = {
                "from": sender,
                "to": receiver,
                "from_name": post_label(scenario, sender),
                "to_name": post_label(scenario, receiver),
                "channel": channel or None,
            }
        elif reason == "post_not_ready":
            row["post"] = {"post": where, "name": post_label(scenario, where)}
        elif reason == "cohort_unreachable":
            community, _, cohort = where.partition("/")
            row["cohort"] = {
                "community": community,
                "community_name": _community_name(scenario, community),
                "cohort": cohort,
            }
        rows.append(row)
    rows.sort(key=lambda row: (-row["count"], row["reason"]))
    return rows


def _community_name(scenario: Scenario, community_id: str) -> str:
    """The name of a community (or, for a top-down incident, of its township or district)."""
    if community_id == scenario.places.district.id:
        return scenario.places.district.name
    for township in scenario.places.townships:
        if township.id == community_id:
            return township.name
    for township in scenario.places.townships:
        for community in township.communities:
            if community.id == community_id:
                return community.name
    return community_id


def post_label(scenario: Scenario, post_id: str) -> str:
    """'township_head@linjiang' -> '分管副镇长 (临江镇)': the words a planner uses.

    A department liaison (a role the engine adds in a joint command centre) is named in
    English, '公安 liaison (临江镇)', as ``post.liaison`` of ``reports/lang/en.yaml`` words it;
    results.json lists those posts under ``liaisons`` so a report can word them in its own
    language (:func:`liaison_posts`).
    """
    kind, _, ident = post_id.partition(":")
    if kind == "team" and "@" not in post_id:
        return scenario.team(ident).name
    if kind == "depot" and "@" not in post_id:
        return scenario.depot(ident).name
    role_id, _, unit = post_id.partition("@")
    roles = {role.id: role.name for role in scenario.roles}
    department = liaison_department(scenario, role_id)
    if department is not None:
        return f"{department.name} liaison ({post_place(scenario, unit)})"
    return f"{roles.get(role_id, role_id)} ({post_place(scenario, unit)})"


def liaison_department(scenario: Scenario, role_id: str) -> Department | None:
    """The department whose joint-duty liaison ``role_id`` is (``liaison_<department>``, the
    role the engine adds in a joint command centre); None for any other role, and for a
    role of that id the scenario declares itself (the scenario's own name wins)."""
    if any(role.id == role_id for role in scenario.roles):
        return None
    return next((d for d in scenario.departments if role_id == f"liaison_{d.id}"), None)


def post_place(scenario: Scenario, unit: str) -> str:
    """'linjiang' -> '临江镇', 'xiajiancao/g3' -> '下涧槽社区 g3': where a post sits, by name."""
    names = {scenario.places.district.id: scenario.places.district.name}
    for township in scenario.places.townships:
        names[township.id] = township.name
        for community in township.communities:
            names[community.id] = community.name
    where, _, cell = unit.partition("/")
    return names.get(where, where) + (f" {cell}" if cell else "")


def liaison_posts(scenario: Scenario, body: object) -> dict[str, dict[str, str]]:
    """The department liaisons among the posts ``body`` names (any ``post``, ``from`` or
    ``to`` value, however deep), by post id: ``{department, department_name, place_name}``.

    A liaison's ``name`` elsewhere in results.json is English; these parts let a report word
    it in its own language ("公安联络员 (临江镇)") without the scenario.
    """
    found: dict[str, dict[str, str]] = {}
    stack = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key in ("post", "from", "to") and isinstance(value, str) and "@" in value:
                    role_id, _, unit = value.partition("@")
                    department = liaison_department(scenario, role_id)
                    if department is not None:
                        found[value] = {
                            "department": department.id,
                            "department_name": department.name,
                            "place_name": post_place(scenario, unit),
                        }
                else:
                    stack.append(value)
    return dict(sorted(found.items()))


def _people(scenario: Scenario, results) -> list[dict]:
    n = len(results)
    posts: dict[str, None] = {}
    for r in results:
        for post_id in r.posts:
            posts.setdefault(post_id, None)
    rows = []
    for post_id in posts:
        loads = [r.posts.get(post_id) for r in results]
        util = [load.utilisation if load else 0.0 for load in loads]
        summary = summarise(util, bounds=SHARE_BOUNDS)
        first = next(load for load in loads if load)
        rows.append(
            {
                "post": post_id,
                "name": post_label(scenario, post_id),
                "level": first.level or None,
                "staff": first.staff,
                "calls_mean": sum(load.calls for load in loads if load) / n,
                "time_held_mean": sum(load.time_held for load in loads if load) / n,
                "utilisation_mean": summary.mean,
                "utilisation_ci95": _interval(summary.ci_mean),
            }
        )
    rows.sort(key=lambda row: (-row["utilisation_mean"], row["post"]))
    return rows


def critical_link_minutes(results) -> dict[tuple[str, str], float]:
    """Mean minutes each sender → receiver link adds to a critical path: the largest, over
    every incident's milestones, of its mean contribution (zeros included) over the runs
    that reached the milestone, counted as ``critical_links`` counts it."""
    totals: dict[tuple[str, str, tuple[str, str]], float] = {}
    reached: dict[tuple[str, str], int] = {}
    for result in results:
        for incident, splits in sorted(result.splits.items()):
            for milestone, split in sorted(splits.items()):
                reached[(incident, milestone)] = reached.get((incident, milestone), 0) + 1
                for link, minutes in sorted(split.by_link.items()):
                    key = (incident, milestone, link)
                    totals[key] = totals.get(key, 0.0) + minutes
    best: dict[tuple[str, str], float] = {}
    for (incident, milestone, link), total in sorted(totals.items()):
        best[link] = max(best.get(link, 0.0), total / reached[(incident, milestone)])
    return best


def _links(scenario: Scenario, results) -> list[dict]:
    n = len(results)
    critical = critical_link_minutes(results)
    keys: dict[tuple, None] = {}
    for r in results:
        for key in r.links:
            keys.setdefault(key, None)
    for r in results:
        for key in r.missed.given_up:
            keys.setdefault(key, None)
    rows = []
    for key in keys:
        given_up = sum(r.missed.given_up.get(key, 0) for r in results)
        attempts = sum(r.links[key].attempts for r in results if key in r.links)
        failures = sum(r.links[key].failures for r in results if key in r.links)
        rows.append(
            {
                "from": key[0],
                "to": key[1],
                "from_name": post_label(scenario, key[0]),
                "to_name": post_label(scenario, key[1]),
                "channel": key[2],
                "attempts_mean": attempts / n,
                "failures_mean": failures / n,
                "failure_share": failures / attempts if attempts else 0.0,
                "given_up_mean": given_up / n,
                "given_up_total": given_up,
                "critical_minutes_mean": critical.get((key[0], key[1]), 0.0),
            }
        )
    rows.sort(key=lambda row: (-row["failures_mean"], row["from"], row["to"]))
    return rows
