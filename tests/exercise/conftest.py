"""One small exercise package of the Ningbo relay scenario, shared by the exercise tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import preparedness as pp

ROOT = Path(__file__).resolve().parents[2]
RELAY = ROOT / "scenarios" / "ningbo_relay.yaml"
REPLICATIONS = 8
SEED = 20260714
EPOCH = "1780000000"


@pytest.fixture(scope="session")
def package():
    return pp.prepare_exercise(RELAY, replications=REPLICATIONS, seed=SEED, workers=0)


@pytest.fixture(scope="session")
def folder(package, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return pp.write_exercise(package, tmp_path_factory.mktemp("ex"), lang="zh", pdf=False)
