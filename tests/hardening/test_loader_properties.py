"""Property tests of the scenario loader: whatever a file holds, the loader's contract holds.

The contract (README, "Reading errors"): loading returns a ``Scenario`` or raises
``ScenarioError`` whose every diagnostic points inside the file; no other exception escapes.
Inputs: arbitrary text and bytes, arbitrary YAML documents, and the reference scenarios
mutated at random (keys dropped, list items duplicated, keys renamed, scalars replaced by
hostile values). A mutant the loader accepts must also run one replication without an
exception: "nothing they feed it can crash it".

Hypothesis runs derandomized with no example database, so every run tries the same
examples: deterministic, never flaky.
"""

from __future__ import annotations

import copy
import math
import re
from functools import cache
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from preparedness import simulate_replication
from preparedness.scenario.diagnostics import ScenarioError
from preparedness.scenario.durations import DURATION_PATTERN
from preparedness.scenario.load import validate_document
from preparedness.scenario.models import Scenario
from preparedness.scenario.yaml_source import parse_yaml_text, read_yaml
from tests.builders import SCENARIOS

FIXED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def load_text(text: str | bytes, file: str = "prop.yaml") -> Scenario | None:
    """Load like the CLI does; return the scenario, or None after checking the diagnostics."""
    try:
        return validate_document(parse_yaml_text(text, file))
    except ScenarioError as error:
        raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        # PyYAML counts \r, \n, \r\n, NEL, LS and PS as line breaks: never more lines than that.
        lines = 1 + sum(
            raw.count(b)
            for b in (b"\n", b"\r", "\x85".encode(), "\u2028".encode(), "\u2029".encode())
        )
        assert error.diagnostics
        for d in error.diagnostics:
            assert d.file == file
            assert 1 <= d.line <= lines, (d, lines)
            assert d.column >= 1 and d.message, d
        return None


# ------------------------------------------------------------------------- arbitrary input


@settings(FIXED, max_examples=400)
@given(st.text(max_size=3000))
def test_any_text_gives_a_scenario_or_located_diagnostics(text: str) -> None:
    load_text(text)


@settings(FIXED, max_examples=400)
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_scenario_or_located_diagnostics(data: bytes) -> None:
    load_text(data)


_keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=30),
)
_documents = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=4),
    max_leaves=30,
)


@settings(FIXED, max_examples=300)
@given(_documents, st.booleans())
def test_any_yaml_document_gives_a_scenario_or_located_diagnostics(
    document: Any, flow: bool
) -> None:
    load_text(yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True))


# ------------------------------------------------------------------------- mutated references


@cache
def reference(name: str) -> dict[str, Any]:
    return read_yaml(SCENARIOS / f"{name}.yaml").data


REFERENCES = sorted(path.stem for path in SCENARIOS.glob("*.yaml"))


def _places(value: Any, path: tuple = ()) -> list[tuple]:
    """Paths to every value inside the document (not the root)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*path, key))
            found.extend(_places(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((*path, index))
            found.extend(_places(item, (*path, index)))
    return found


def _container(data: Any, path: tuple) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


#: Keys that exist somewhere in the reference scenarios: a renamed key is often a real one.
@cache
def known_keys() -> tuple[str, ...]:
    keys: set[str] = set()
    for name in REFERENCES:
        for path in _places(reference(name)):
            if isinstance(path[-1], str):
                keys.add(path[-1])
    return tuple(sorted(keys))


HOSTILE_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 10**6, 10**7, 99_999_999, 10**12, 2**63, 2**64]),
    st.floats(),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -0.0, 5e-324]),
    st.text(max_size=20),
    st.sampled_from(
        [
            "0s",
            "-1m",
            "1e9d",
            "30d",
            "31d",
            "99999999d",
            "24:00",
            "25:61",
            "yes",
            "0574",
            ".nan",
            "",
            " ",
            "1h30",
            "1m1m",
            "2026-13-40",
            "always",
            "~",
            "grid",
            "building",
            "city",
            "queue",
            "call_back",
            "phone",
            "x-",
        ]
    ),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(
        st.sampled_from(["day", "night", "constant", "exponential", "mean", "min", "max", "mode"]),
        st.sampled_from(["1m", 0.5, -1]),
        max_size=2,
    ),
)


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(REFERENCES))
    data = copy.deepcopy(reference(name))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        places = _places(data)
        if not places:
            break
        path = draw(st.sampled_from(places))
        container, key = _container(data, path), path[-1]
        operation = draw(st.sampled_from(["drop", "duplicate", "retag", "replace", "replace"]))
        if operation == "drop":
            del container[key]
        elif operation == "duplicate":
            if isinstance(container, list):
                container.insert(key, copy.deepcopy(container[key]))
            else:
                other = draw(st.sampled_from(known_keys()))
                container[other] = copy.deepcopy(container[key])
        elif operation == "retag":
            if isinstance(container, dict):
                new = draw(st.sampled_from(known_keys()) | _keys)
                container[new] = container.pop(key)
            else:
                container[key] = {draw(st.sampled_from(known_keys())): container[key]}
        else:
            container[key] = draw(HOSTILE_SCALARS)
    return name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


_DURATION = re.compile(DURATION_PATTERN)
_VOCABULARIES = [
    ("building", "grid", "community", "township", "district", "city"),
    ("siloed_relay", "whistle_and_report", "joint_command_centre"),
    ("queue", "call_back"),
    ("natural_disaster", "accident", "public_health", "social_security"),
    ("I", "II", "III", "IV"),
    ("incident_community", "township"),
]


@st.composite
def plausible_mutants(draw: st.DrawFn) -> tuple[str, str]:
    """Edits a planner might make: drop a key, copy a list item, or change a value to another
    of its kind (a duration, a probability, a small count, another level or mode)."""
    name = draw(st.sampled_from(REFERENCES))
    data = copy.deepcopy(reference(name))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_places(data)))
        container, key = _container(data, path), path[-1]
        old = container[key]
        operation = draw(st.sampled_from(["drop", "duplicate", "change", "change", "change"]))
        if operation == "drop":
            del container[key]
        elif operation == "duplicate" and isinstance(container, list):
            container.insert(key, copy.deepcopy(old))
        elif isinstance(old, bool):
            container[key] = not old
        elif isinstance(old, int):
            container[key] = draw(st.integers(min_value=0, max_value=60))
        elif isinstance(old, float):
            container[key] = draw(st.floats(min_value=0.0, max_value=1.0))
        elif isinstance(old, str) and _DURATION.match(old):
            amount = draw(st.integers(min_value=0, max_value=600))
            container[key] = f"{amount}{draw(st.sampled_from('smh'))}"
        elif isinstance(old, str):
            for words in _VOCABULARIES:
                if old in words:
                    container[key] = draw(st.sampled_from(words))
    return name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _small(scenario: Scenario) -> bool:
    """Small enough to simulate within the test's time budget (size is bench's business)."""
    communities = [c for t in scenario.places.townships for c in t.communities]
    return (
        sum(c.grid_cells + c.buildings for c in communities) <= 5_000
        and sum(c.households for c in communities) <= 1_000_000
        and all((r.per_1000_residents or 0) <= 50 for r in scenario.roles)
    )


@settings(FIXED, max_examples=100)
@given(mutants())
def test_mutated_reference_scenarios_load_or_explain_and_accepted_ones_run(
    mutant: tuple[str, str],
) -> None:
    _name, text = mutant
    scenario = load_text(text)
    if scenario is not None and _small(scenario):
        trace = simulate_replication(scenario, 0)
        assert trace.events
        assert all(0 <= event.time <= scenario.horizon + 1e-9 for event in trace.events)


@settings(FIXED, max_examples=80)
@given(plausible_mutants())
def test_plausible_edits_load_or_explain_and_accepted_ones_run(mutant: tuple[str, str]) -> None:
    _name, text = mutant
    scenario = load_text(text)
    if scenario is not None and _small(scenario):
        trace = simulate_replication(scenario, 0)
        assert trace.events
        assert all(0 <= event.time <= scenario.horizon + 1e-9 for event in trace.events)


def test_reference_scenarios_round_trip_through_a_dump() -> None:
    for name in REFERENCES:
        scenario = load_text((SCENARIOS / f"{name}.yaml").read_bytes(), f"{name}.yaml")
        assert scenario is not None, name
        dumped = yaml.safe_dump(
            scenario.model_dump(mode="json", by_alias=True), allow_unicode=True, sort_keys=False
        )
        assert load_text(dumped, f"{name}-dumped.yaml") == scenario, name
