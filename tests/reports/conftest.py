"""Real results for the report tests: small experiments of the reference scenarios, run once.

Each fixture runs the same code path as ``preparedness run`` (replicate, then aggregate) so the
figures and pages are tested against a results.json the engine really writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from preparedness.analysis.aggregate import aggregate
from preparedness.experiment.compare import compare
from preparedness.experiment.replicate import VariantRun, run_replications
from preparedness.reports.figures import (
    ReportFigures,
    SwimlaneInput,
    experiment_minutes,
    run_figures,
)
from preparedness.scenario.interventions import load_variants
from preparedness.scenario.load import load_scenario
from preparedness.scenario.models import Scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SEED = 20260714

#: Names a hostile or careless scenario author might write (issue: escaping).
NASTY = {
    "incident": "<script>alert(1)</script> 洪水",
    "community": "</svg><b>下涧槽</b>",
    "role": '社区书记" onmouseover="alert(2)',
    "plan": "{{ 7*7 }} 预案 {% raw %}",
    "township": "临江镇\u202ecod.exe",
}


@dataclass(frozen=True)
class Run:
    """One experiment with the results.json body the CLI would write for it."""

    scenario: Scenario
    experiment: VariantRun
    results: dict[str, Any]

    def minutes(self) -> dict[tuple[str, str], list[float | None]]:
        return experiment_minutes(self.results, self.experiment.results)

    def figures(self, lang: str, **extra: Any) -> ReportFigures:
        return run_figures(
            self.results,
            lang,
            minutes=self.minutes(),
            swimlane=SwimlaneInput(self.experiment.example_trace, 0, "index"),
            **extra,
        )


def _run(scenario: Scenario, file: str, replications: int) -> Run:
    experiment = run_replications(scenario, replications, SEED)
    results = {
        "scenario": {
            "name": scenario.name,
            "file": file,
            "sha256": "0" * 64,
            "description": scenario.description,
        },
        **aggregate(scenario, experiment.results, SEED),
    }
    return Run(scenario, experiment, results)


@pytest.fixture(scope="session")
def relay() -> Run:
    """20 replications of ningbo_relay.yaml, the default scenario of the reports."""
    path = SCENARIOS / "ningbo_relay.yaml"
    return _run(load_scenario(path).scenario, str(path.name), 20)


@pytest.fixture(scope="session")
def relay_variants(relay: Run) -> dict[str, VariantRun]:
    """ningbo_relay.yaml's base and its joint command centre, 20 replications each."""
    variants = load_variants(SCENARIOS / "ningbo_relay.yaml")
    joint = run_replications(variants.scenario("joint_centre"), 20, SEED)
    return {"base": relay.experiment, "joint_centre": joint}


@pytest.fixture(scope="session")
def relay_compare(relay_variants: dict[str, VariantRun]) -> dict[str, Any]:
    """The ``comparison`` section of results.json for ``relay_variants``."""
    names = {"base": "the scenario as written", "joint_centre": "the joint duty command centre"}
    return compare(relay_variants, "base", names, SEED)


@pytest.fixture(scope="session")
def warning() -> Run:
    path = SCENARIOS / "beijing_fringe_warning.yaml"
    return _run(load_scenario(path).scenario, path.name, 4)


@pytest.fixture(scope="session")
def supplies() -> Run:
    path = SCENARIOS / "ningbo_flood_supplies.yaml"
    return _run(load_scenario(path).scenario, path.name, 4)


@pytest.fixture(scope="session")
def relay_figures_en(relay: Run) -> ReportFigures:
    return relay.figures("en")


@pytest.fixture(scope="session")
def relay_figures_zh(relay: Run) -> ReportFigures:
    return relay.figures("zh")


@pytest.fixture(scope="session")
def nasty(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """ningbo_relay.yaml with names holding markup, template syntax and an RTL override."""
    text = (SCENARIOS / "ningbo_relay.yaml").read_text("utf-8")
    replacements = {
        "name: 下涧槽社区 flash flood": f"name: {_quoted(NASTY['incident'])}",
        "name: 下涧槽社区\n": f"name: {_quoted(NASTY['community'])}\n",
        "name: 社区书记\n": f"name: {_quoted(NASTY['role'])}\n",
        "name: 防汛防台应急预案": f"name: {_quoted(NASTY['plan'])}",
        "name: 临江镇\n": f"name: {_quoted(NASTY['township'])}\n",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path_factory.mktemp("nasty") / "nasty.yaml"
    path.write_text(text, "utf-8")
    return _run(load_scenario(path).scenario, path.name, 3)


def _quoted(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace('"', '\\"').replace("\u202e", "\\u202E")
    return f'"{escaped}"'
