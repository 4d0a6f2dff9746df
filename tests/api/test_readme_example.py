"""The README's "Use from Python" example and examples/ run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _python_block(section: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    body = readme.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", body, flags=re.S)
    return block


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def test_the_use_from_python_example_runs(tmp_path, monkeypatch, capsys):
    pytest.importorskip("pandas")
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    exec(compile(_python_block("Use from Python"), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    change = re.search(r"police ordered, median change: (-?[0-9.]+)", printed)
    assert change and float(change[1]) < 0  # the joint centre orders the police sooner
    (report,) = (tmp_path / "reports").rglob("report.md")
    assert str(report.parent.relative_to(tmp_path)) in printed


def test_the_default_scenario_table_example_runs():
    pytest.importorskip("pandas")
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "default_scenario_table.py"), "10"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(),
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "10 replications" in done.stdout
    assert "plan_activated" in done.stdout and "deadline_met" in done.stdout
