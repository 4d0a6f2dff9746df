"""Tiny valid scenarios built in Python, so engine tests can state every constant they rely on.

``minimal_scenario()`` is one township with one community of one grid cell and this chain::

    grid_worker -> community_secretary -> township_duty_officer -> township_head -> district_office

all over one ``phone`` channel, plus a police department ``[district_police, police_station]``
answering to ``district_office``. Every delay is a constant, every answer probability is 1 and
every failure probability 0, the scenario starts at 10:00 (day) and every role is always on
duty, so each trace is a story whose times can be computed by hand from ``CONSTANTS``.

The result is a plain dict: tests change what they need (``channel(d, "phone")["..."] = ...``)
and call ``build(d)``, which validates it like the loader does (models, then cross-checks) so
a test can never run a scenario the loader would refuse.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from preparedness.engine.trace import EventKind, Trace
from preparedness.scenario.crosscheck import cross_check
from preparedness.scenario.models import Scenario
from preparedness.scenario.yaml_source import read_yaml

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"

#: The constants of ``minimal_scenario`` in minutes, for hand computations in the tests.
CONSTANTS = {
    "detection": 5.0,  # incident start -> grid worker notices it
    "decision": 1.0,  # every role's decision time
    "ring": 0.25,  # phone ring time (15 s)
    "talk": 2.0,  # phone talk time
    "no_answer": 0.5,  # phone no-answer timeout (30 s)
    "retry": 1.0,  # phone retry interval
    "report_in": 10.0,  # police: ordered -> reported in
    "radio_talk": 0.5,  # radio talk time (radio has no ring)
}

DAY_START = "2026-07-14T10:00:00+08:00"
NIGHT_START = "2026-07-14T02:00:00+08:00"

CHAIN = [
    "grid_worker",
    "community_secretary",
    "township_duty_officer",
    "township_head",
    "district_office",
]


def _phone(channel_id: str) -> dict[str, Any]:
    return {
        "id": channel_id,
        "kind": "phone",
        "answer_probability": 1.0,
        "ring_time": "15s",
        "no_answer_timeout": "30s",
        "retry_interval": "1m",
        "max_attempts": 3,
        "talk_time": "2m",
        "hold_patience": "3m",
        "failure_probability": 0.0,
    }


def _role(role_id: str, level: str, **extra: Any) -> dict[str, Any]:
    role = {"id": role_id, "name": role_id.replace("_", " "), "level": level, "decision_time": "1m"}
    role.update(extra)
    return role


def _base() -> dict[str, Any]:
    return {
        "name": "Tiny township",
        "start": DAY_START,
        "seed": 12345,
        "horizon": "12h",
        "replications": 10,
        "places": {
            "district": {"id": "district", "name": "District"},
            "townships": [
                {
                    "id": "t1",
                    "name": "Township 1",
                    "communities": [community("c1")],
                }
            ],
        },
        "channels": [
            _phone("phone"),
            {
                "id": "radio",
                "kind": "radio",
                "answer_probability": 1.0,
                "talk_time": "30s",
                "no_answer_timeout": "20s",
                "retry_interval": "1m",
                "max_attempts": 3,
                "hold_patience": "2m",
                "failure_probability": 0.0,
            },
        ],
        "roles": [
            _role("grid_worker", "grid"),
            _role("community_secretary", "community"),
            _role("township_duty_officer", "township"),
            _role("township_head", "township", authority={"activate_plans": ["flood_plan"]}),
            _role("district_office", "district"),
            _role("district_police", "district"),
            _role("police_station", "township"),
        ],
        "departments": [
            {
                "id": "police",
                "name": "Police",
                "chain": ["district_police", "police_station"],
                "answers_to": "district_office",
                "channel": "phone",
                "report_in_time": "10m",
            }
        ],
        "command": {
            "mode": "siloed_relay",
            "links": [
                {"from": lower, "to": upper, "channel": "phone"}
                for lower, upper in zip(CHAIN, CHAIN[1:], strict=False)
            ],
        },
        "plans": [
            {
                "id": "flood_plan",
                "name": "Flood plan",
                "category": "natural_disaster",
                "levels": ["III", "IV"],
                "report_up_to": "district",
                "departments": [{"department": "police"}],
            }
        ],
        "incidents": [incident("flood", "c1")],
    }


def community(community_id: str, **extra: Any) -> dict[str, Any]:
    """A small community with one grid cell."""
    data = {
        "id": community_id,
        "name": f"Community {community_id}",
        "population": 1000,
        "households": 400,
        "grid_cells": 1,
    }
    data.update(extra)
    return data


def incident(incident_id: str, community_id: str, **extra: Any) -> dict[str, Any]:
    """A level-IV flood in ``community_id`` at the scenario start, noticed after 5 minutes."""
    data = {
        "id": incident_id,
        "name": f"Flood {incident_id}",
        "category": "natural_disaster",
        "level": "IV",
        "start_after": "0m",
        "community": community_id,
        "detected_by": "grid_worker",
        "detection_delay": "5m",
    }
    data.update(extra)
    return data


def minimal_scenario(**overrides: Any) -> dict[str, Any]:
    """The tiny township as a dict; each keyword replaces that top-level key."""
    data = _base()
    for key, value in overrides.items():
        data[key] = copy.deepcopy(value)
    return data


# --------------------------------------------------------------------------- editing helpers


def _by_id(items: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    for item in items:
        if item["id"] == item_id:
            return item
    raise KeyError(item_id)


def channel(data: dict[str, Any], channel_id: str) -> dict[str, Any]:
    """The channel dict to edit in place."""
    return _by_id(data["channels"], channel_id)


def role(data: dict[str, Any], role_id: str) -> dict[str, Any]:
    """The role dict to edit in place."""
    return _by_id(data["roles"], role_id)


def plan(data: dict[str, Any], plan_id: str = "flood_plan") -> dict[str, Any]:
    return _by_id(data["plans"], plan_id)


def add_phone(data: dict[str, Any], channel_id: str, **fields: Any) -> dict[str, Any]:
    """Add another phone channel with the default constants, changed by ``fields``."""
    new = _phone(channel_id)
    new.update(fields)
    data["channels"].append(new)
    return data


def link(data: dict[str, Any], source: str) -> dict[str, Any]:
    """The reports-to link leaving role ``source``."""
    for item in data["command"]["links"]:
        if item["from"] == source:
            return item
    raise KeyError(source)


def township(data: dict[str, Any]) -> dict[str, Any]:
    return data["places"]["townships"][0]


def siloed(data: dict[str, Any]) -> dict[str, Any]:
    """Siloed relay: the order climbs to ``district_office`` and comes down the police chain."""
    data["command"] = {"mode": "siloed_relay", "links": data["command"]["links"]}
    return data


def whistle(
    data: dict[str, Any], by: str = "community_secretary", channel_id: str = "phone"
) -> dict[str, Any]:
    """Whistle-and-report: ``by`` calls the police station directly."""
    data["command"] = {
        "mode": "whistle_and_report",
        "links": data["command"]["links"],
        "whistle": {"by": by, "channel": channel_id},
    }
    return data


def joint_centre(
    data: dict[str, Any],
    commanded_by: str = "township_duty_officer",
    activation_time: Any = "10m",
    liaison_channel: str = "radio",
    liaison_decision_time: Any = "1m",
) -> dict[str, Any]:
    """A joint command centre run by ``commanded_by``; liaisons instruct units by radio."""
    data["command"] = {
        "mode": "joint_command_centre",
        "links": data["command"]["links"],
        "joint_centre": {
            "commanded_by": commanded_by,
            "activation_time": activation_time,
            "liaison_channel": liaison_channel,
            "liaison_decision_time": liaison_decision_time,
        },
    }
    return data


MODES = {
    "siloed_relay": siloed,
    "whistle_and_report": whistle,
    "joint_command_centre": joint_centre,
}


def with_mode(data: dict[str, Any], mode: str) -> dict[str, Any]:
    """Switch ``data`` to a command mode by its scenario name, with the defaults above."""
    return MODES[mode](data)


def build(data: dict[str, Any]) -> Scenario:
    """Validate like the loader does: models first, then every cross-check must pass."""
    scenario = Scenario.model_validate(copy.deepcopy(data))
    problems = cross_check(scenario)
    if problems:
        raise AssertionError(f"builder produced an invalid scenario: {problems}")
    return scenario


def minimal(**overrides: Any) -> Scenario:
    """``build(minimal_scenario(**overrides))``."""
    return build(minimal_scenario(**overrides))


def reference_dict(name: str) -> dict[str, Any]:
    """A reference scenario (``scenarios/<name>.yaml``) as a plain dict, to edit and ``build``."""
    return copy.deepcopy(read_yaml(SCENARIOS / f"{name}.yaml").data)


# --------------------------------------------------------------------------- teams and supplies
# The tiny township's plan is activated by ``township_head`` at 15.75 minutes: detection (5),
# three hops of decision, ring and talk (3 x 3.25), then the head's own decision (1).


def add_team(
    data: dict[str, Any],
    team_id: str = "volunteers",
    *,
    base: str = "c1",
    members: Iterable[int] = (4,),
    muster: Any = "10m",
    level: int = 1,
    task: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A team led by a ``team_leader`` at ``base``, activated by the township head, who calls
    the leader by phone; the plan dispatches it at ``level`` with ``task``."""
    if not any(r["id"] == "team_leader" for r in data["roles"]):
        data["roles"].append(_role("team_leader", "community"))
    team = {
        "id": team_id,
        "name": f"Team {team_id}",
        "kind": "volunteer",
        "base": base,
        "leader": "team_leader",
        "activated_by": ["township_head"],
        "channel": "phone",
        "levels": [{"members": m} for m in members],
        "muster_time": muster,
    }
    team.update(extra)
    data.setdefault("teams", []).append(team)
    rule: dict[str, Any] = {"team": team_id, "level": level}
    if task is not None:
        rule["task"] = task
    plan(data).setdefault("teams", []).append(rule)
    return team


def add_depots(
    data: dict[str, Any],
    *,
    community_stock: int = 100,
    township_stock: int = 1000,
    item: str = "water",
    restock: Any = None,
    release_by: str | None = None,
    per_person_per_day: Any = 15.0,
    people: int = 144,
) -> dict[str, Any]:
    """A community depot in c1 and a township depot in t1 holding ``item`` (litres), each with
    its own keeper reached by phone; the incident affects ``people`` who each need
    ``per_person_per_day``. With 144 people at 15 L/day the demand is 1.5 L a minute."""
    for role_id, level in (("community_keeper", "community"), ("township_keeper", "township")):
        if not any(r["id"] == role_id for r in data["roles"]):
            data["roles"].append(_role(role_id, level))
    data.setdefault("items", []).append(
        {"id": item, "name": item.replace("_", " "), "unit": "L", "unit_cost": 1.0}
    )
    township_depot = {
        "id": "t1_depot",
        "name": "Township depot",
        "level": "township",
        "place": "t1",
        "keepers": ["township_keeper"],
        "keeper_channel": "phone",
        "loading_time": "30m",
        "stock": [{"item": item, "quantity": township_stock}],
    }
    if restock is not None:
        township_depot["restock_lead_time"] = restock
    community_depot = {
        "id": "c1_depot",
        "name": "Community depot",
        "level": "community",
        "place": "c1",
        "keepers": ["community_keeper"],
        "keeper_channel": "phone",
        "loading_time": "30m",
        "stock": [{"item": item, "quantity": community_stock}],
    }
    for depot in (township_depot, community_depot):
        if release_by is not None:
            depot["release_by"] = release_by
    data.setdefault("depots", []).extend([community_depot, township_depot])
    plan(data).setdefault("supplies", []).append(
        {"item": item, "per_person_per_day": per_person_per_day}
    )
    for inc in data["incidents"]:
        inc.setdefault("affected", {"people": people})
    return data


# --------------------------------------------------------------------------- reading traces


def story(
    trace: Trace,
    kinds: Iterable[EventKind],
    *,
    actor: str | None = None,
    incident: str | None = None,
) -> list[tuple[str, str | None, str | None, float]]:
    """The trace as ``(kind, actor, subject, time)`` rows, keeping only ``kinds``
    (and only events by ``actor`` / of ``incident`` when given)."""
    wanted = set(kinds)
    return [
        (event.kind.value, event.actor, event.subject, event.time)
        for event in trace.events
        if event.kind in wanted
        and (actor is None or event.actor == actor)
        and (incident is None or event.incident == incident)
    ]


def first(trace: Trace, kind: EventKind, **match: Any):
    """The first event of ``kind`` whose attributes equal ``match`` (AssertionError if none)."""
    for event in trace.events:
        if event.kind is kind and all(getattr(event, k) == v for k, v in match.items()):
            return event
    raise AssertionError(f"no {kind.value} event with {match}")


def stochastic(data: dict[str, Any]) -> dict[str, Any]:
    """Make the tiny township realistic: random detection, decisions, talk and report-in
    times, and a phone that is not always answered (figures as in ningbo_relay.yaml)."""
    phone = channel(data, "phone")
    phone["answer_probability"] = {"day": 0.85, "night": 0.6}
    phone["talk_time"] = {"lognormal": {"median": "1m30s", "p90": "4m"}}
    phone["max_attempts"] = 10
    for item in data["roles"]:
        item["decision_time"] = {"lognormal": {"median": "2m", "p90": "8m"}}
    role(data, "township_head")["decision_time"] = {"lognormal": {"median": "5m", "p90": "15m"}}
    for item in data["incidents"]:
        item["detection_delay"] = {"lognormal": {"median": "5m", "p90": "20m"}}
    for item in data["departments"]:
        item["report_in_time"] = {"pert": {"min": "5m", "mode": "12m", "max": "30m"}}
    return data
