"""`validate` and `run` print located warnings and go on (exit 0); `--strict` makes them
errors (exit 2) and nothing is run. In-process through ``preparedness.cli.main``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from preparedness.cli import main
from tests.builders import minimal_scenario, role

WARNING = re.compile(
    r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): warning: roles\[0\]\.fallback\[0\]: "
)


def _scenario(tmp_path: Path) -> Path:
    """The tiny township whose grid worker falls back to the phone it reports by."""
    data = minimal_scenario()
    role(data, "grid_worker")["fallback"] = ["phone"]
    path = tmp_path / "fallback.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _located(err: str, path: Path) -> tuple[int, int]:
    lines = [line for line in err.splitlines() if WARNING.match(line)]
    assert len(lines) == 1, err
    found = WARNING.match(lines[0])
    assert found is not None and found["file"].endswith(path.name)
    return int(found["line"]), int(found["col"])


def test_validate_prints_the_warning_at_its_place_and_passes(tmp_path, capsys) -> None:
    path = _scenario(tmp_path)

    status = main(["validate", str(path)])
    out, err = capsys.readouterr()

    assert status == 0
    line, column = _located(err, path)
    text = path.read_text(encoding="utf-8").splitlines()
    assert text[line - 1][column - 1 :].startswith("phone")
    assert "ok (Tiny township)" in out


def test_validate_strict_refuses_the_file(tmp_path, capsys) -> None:
    path = _scenario(tmp_path)

    status = main(["validate", "--strict", str(path)])
    out, err = capsys.readouterr()

    assert status == 2
    _located(err, path)
    assert "1 warning treated as error (--strict); nothing was run." in err
    assert "ok (" not in out


@pytest.mark.parametrize("strict", [False, True], ids=["warns-and-runs", "strict-runs-nothing"])
def test_run_prints_the_warning_and_strict_runs_nothing(tmp_path, capsys, strict: bool) -> None:
    path, out_dir = _scenario(tmp_path), tmp_path / "reports"
    options = ["--strict"] if strict else []

    status = main(
        ["run", str(path), "-n", "2", "--workers", "0", "-q", "--out", str(out_dir), *options]
    )
    _, err = capsys.readouterr()

    _located(err, path)
    assert status == (2 if strict else 0)
    assert out_dir.exists() is not strict
