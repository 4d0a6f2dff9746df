"""Shared helpers for the experiment tests: the reference scenarios and scratch files."""

from __future__ import annotations

from pathlib import Path

import pytest

from preparedness.experiment.fingerprint import canonical  # noqa: F401 - used by the tests
from preparedness.scenario.interventions import load_variants

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
RELAY = SCENARIOS / "ningbo_relay.yaml"
LONGGANG = SCENARIOS / "longgang_whistle.yaml"


@pytest.fixture(scope="session")
def relay_variants():
    return load_variants(RELAY, display_name="ningbo_relay.yaml")


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """1-based line of the ``nth`` line containing ``needle``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[nth]


def with_interventions(tmp_path: Path, base: Path, block: str, name: str = "s.yaml") -> Path:
    """A copy of ``base`` whose ``interventions:`` block is replaced by ``block``."""
    text = base.read_text(encoding="utf-8")
    if "\ninterventions:" in text:
        text = text[: text.index("\ninterventions:") + 1]
    path = tmp_path / name
    path.write_text(text.rstrip("\n") + "\n\ninterventions:\n" + block, encoding="utf-8")
    return path
