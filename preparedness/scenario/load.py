"""Load a scenario file: read YAML once with positions, validate, cross-check, or explain why not.

This is the only place that turns a file into a ``Scenario``. Every problem found, in the
YAML, in a field or between fields, is reported together with its ``file:line:col``
location (README, "Reading errors"); nothing downstream ever sees raw YAML or dicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .crosscheck import cross_check
from .diagnostics import (
    Diagnostic,
    ScenarioError,
    diagnostics_from_validation_error,
    format_field_path,
    locate,
)
from .gc_pause import paused_gc
from .models import Scenario
from .road_graph import with_road_graph
from .yaml_source import YamlDocument, read_yaml

#: Top-level keys starting with this prefix are ignored: a home for YAML anchors.
EXTENSION_PREFIX = "x-"


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and where it came from (for the manifest)."""

    scenario: Scenario
    file: str
    sha256: str


def load_scenario(path: str | Path, *, display_name: str | None = None) -> LoadedScenario:
    """Read, validate and cross-check a scenario file; raise ``ScenarioError`` on any problem."""
    document = read_yaml(path, display_name=display_name)
    scenario = validate_document(document, base_dir=Path(path).parent)
    return LoadedScenario(scenario, document.file, document.sha256)


def validate_document(document: YamlDocument, *, base_dir: str | Path | None = None) -> Scenario:
    """Validate and cross-check a read document; ``base_dir`` is the folder files it names
    (``travel.road_graph``) are read from, by default the folder of ``document.file``."""
    with paused_gc():  # a big scenario builds many models; see gc_pause
        return _validate(document, base_dir)


def _validate(document: YamlDocument, base_dir: str | Path | None) -> Scenario:
    data = document.data
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if not str(k).startswith(EXTENSION_PREFIX)}
    folder = Path(base_dir) if base_dir is not None else Path(document.file).parent
    data, file_problems = with_road_graph(data, folder)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(
            _located(document, file_problems)
            + diagnostics_from_validation_error(error, document.file, document.root)
        ) from None
    # A road graph that could not be read leaves no roads, so the road checks would only
    # repeat its problem.
    problems = file_problems or cross_check(scenario)
    if problems:
        raise ScenarioError(_located(document, problems))
    return scenario


def _located(document: YamlDocument, problems: list[tuple[tuple, str]]) -> list[Diagnostic]:
    diagnostics = []
    for loc, message in problems:
        line, column, _exact = locate(document.root, loc)
        field = format_field_path(loc, document.root)
        diagnostics.append(Diagnostic(document.file, line, column, field, message))
    return diagnostics
