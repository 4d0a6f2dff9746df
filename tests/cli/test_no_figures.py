"""``--no-figures``: the report folder without figures, for scripts that read results.json.

The pages keep every table and sentence and say the figures were left out; no plots/ folder
is written, matplotlib is never imported, and results.json is the one a full run writes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RELAY = "scenarios/ningbo_relay.yaml"
SUPPLIES = "scenarios/ningbo_flood_supplies.yaml"
WRITTEN = re.compile(r"^(?:Report written to|报告已写入) (.+)$", re.MULTILINE)
#: Stops the run if matplotlib is imported: the option must not pay for it.
NO_MATPLOTLIB = (
    "import sys, runpy\n"
    "class Refuse:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name == 'matplotlib': raise ImportError('matplotlib imported')\n"
    "sys.meta_path.insert(0, Refuse())\n"
    "sys.argv = ['preparedness', *sys.argv[1:]]\n"
    "runpy.run_module('preparedness', run_name='__main__')\n"
)


def cli(*args: object, guard: bool = False) -> Path:
    prefix = ["-c", NO_MATPLOTLIB] if guard else ["-m", "preparedness"]
    environment = {**os.environ, "SOURCE_DATE_EPOCH": "1784000000"}
    environment.pop("DASK_SCHEDULER_ADDRESS", None)
    done = subprocess.run(
        [sys.executable, *prefix, *map(str, args)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    (written,) = WRITTEN.findall(done.stdout)
    return Path(written).parent


def test_a_run_without_figures_says_so_and_keeps_every_number(tmp_path: Path) -> None:
    common = ["run", RELAY, "-n", 3, "-q", "--workers", 0, "--lang", "zh"]
    plain = cli(*common, "--no-figures", "--out", tmp_path / "plain", guard=True)
    full = cli(*common, "--out", tmp_path / "full")

    assert not (plain / "plots").exists() and (full / "plots").is_dir()
    html = (plain / "report.html").read_text(encoding="utf-8")
    markdown = (plain / "report.md").read_text(encoding="utf-8")
    for page in (html, markdown):
        assert "未绘制图表（--no-figures）" in page
    assert "<svg" not in html and "<svg" in (full / "report.html").read_text(encoding="utf-8")
    assert "plots/" not in markdown
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")
    assert json.loads((plain / "results.json").read_text(encoding="utf-8")) == json.loads(
        (full / "results.json").read_text(encoding="utf-8")
    )


def test_a_sizing_report_without_figures_says_so(tmp_path: Path) -> None:
    args = ["size-stockpiles", SUPPLIES, "-n", 4, "-q", "--no-figures", "--no-check"]
    folder = cli(*args, "--out", tmp_path, guard=True)

    assert not (folder / "plots").exists()
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "The figures were left out of this report (--no-figures)" in html
    assert "<svg" not in html
