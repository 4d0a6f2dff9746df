"""No data lost: a real ``preparedness run`` interrupted by SIGINT or killed by SIGKILL.

An interrupted run leaves no partial report folder and never damages an earlier one (README,
"What a run writes"). SIGINT (Ctrl-C) while replicating is caught: the run exits 130 and
writes nothing; once writing has begun the run holds Ctrl-C and finishes its report. SIGKILL
cannot be caught; a run killed while writing leaves its ``.partial-*`` staging folder, which
the next run in the same folder removes at once because the staging folder's ``.owner``
marker names a process that is gone (``reports/atomic.py``).

The runs are stopped at named stages, not at random moments: ``PREPAREDNESS_PAUSE_AT`` makes
the run write a marker file at that stage and wait (``preparedness/reports/stages.py``); the
test waits for the marker, then signals. Every test here drives a real subprocess; only the
marker semantics are also tested in-process.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from preparedness.reports.atomic import OWNER_FILE, ReportFolder, clean_stale_partials
from preparedness.reports.folder import scenario_folder_name
from preparedness.reports.stages import PAUSE_AT, PAUSE_FILE

from ._cli import ROOT, SCENARIOS, Child, run_cli

SCENARIO = SCENARIOS / "ningbo_relay.yaml"
REPORT_FILES = {"report.md", "results.json", "replications.csv", "trace.csv", "manifest.json"}
#: Stages before the staging folder exists / while it is written / after it has its name.
BEFORE_STAGING = ["writing"]
#: The first and the last file stand for every file written in between.
STAGED = ["staged", "wrote:report.md", "wrote:manifest.json", "renaming"]
AFTER_RENAME = ["renamed"]
#: Generous: the run only has to start and simulate two replications on a loaded machine.
MARKER_TIMEOUT = 120.0


@pytest.fixture(scope="module")
def scenario_dir_name() -> str:
    return scenario_folder_name("", str(SCENARIO))


@pytest.fixture(scope="module")
def earlier_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reports folder holding one complete report, made once and copied by each test."""
    root = tmp_path_factory.mktemp("earlier")
    done = run_cli(
        "run",
        SCENARIO,
        "-n",
        "2",
        "--out",
        root / "reports",
        "-q",
        "--workers",
        "0",
        "--no-figures",
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    return root / "reports"


def _earlier_report(out: Path, earlier_reports: Path) -> Path:
    shutil.copytree(earlier_reports, out)
    (parent,) = [p for p in out.iterdir() if p.is_dir()]  # beside it: the index.html of runs
    (folder,) = [p for p in parent.iterdir() if not p.name.startswith(".")]
    return folder


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes and its mtime."""
    return {
        str(path.relative_to(folder)): f"{hashlib.sha256(path.read_bytes()).hexdigest()}"
        f"@{path.stat().st_mtime_ns}"
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _assert_complete(folder: Path) -> None:
    names = {p.name for p in folder.iterdir()}
    assert REPORT_FILES <= names, f"{folder} is missing {REPORT_FILES - names}"
    assert not any(name.startswith(".") for name in names), names
    json.loads((folder / "results.json").read_text(encoding="utf-8"))
    json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (folder / "report.md").read_text(encoding="utf-8").endswith("\n")


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith((".partial-", ".tmp-")))


def _finals(parent: Path) -> set[str]:
    return {p.name for p in parent.iterdir() if not p.name.startswith(".")}


def _wait_gone(child: Child, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while child.group_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not child.group_alive()


def _paused_run(out: Path, cwd: Path, stage: str) -> tuple[Child, Path]:
    """A serial two-replication run that stops at ``stage``; returns once it is there.

    Without figures: they are drawn before the staging folder exists, so the stages are the
    same, and drawing them would be most of each run's time."""
    marker = cwd / "paused"
    marker.unlink(missing_ok=True)  # left by a run killed at its pause
    child = Child(
        "run",
        SCENARIO,
        "-n",
        "2",
        "--out",
        out,
        "-q",
        "--workers",
        "0",
        "--no-figures",
        cwd=cwd,
        **{PAUSE_AT: stage, PAUSE_FILE: str(marker)},
    )
    deadline = time.monotonic() + MARKER_TIMEOUT
    while not marker.exists() and child.process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        text = marker.read_text(encoding="utf-8")
    except FileNotFoundError:
        child.kill_group()
        pytest.fail(f"the run never reached stage {stage!r}: {child.stderr[-2000:]}")
    assert text == f"{stage} {child.process.pid}\n"
    return child, marker


# --------------------------------------------------------------------------------- SIGINT


@pytest.mark.parametrize(
    ("target", "workers"),
    [("process group", None), ("parent only", "0")],
    ids=["ctrl-c-to-the-group-with-worker-processes", "kill-INT-to-a-serial-run"],
)
def test_sigint_during_replications_exits_130_and_writes_nothing(
    tmp_path: Path, earlier_reports: Path, scenario_dir_name: str, target: str, workers: str | None
) -> None:
    out = tmp_path / "reports"
    earlier = _earlier_report(out, earlier_reports)
    before = _snapshot(earlier)
    extra = [] if workers is None else ["--workers", workers]
    # TTY_COMPATIBLE makes rich draw its progress bar into the pipe: the run has started
    # replicating once "k/2000" shows up.
    child = Child(
        "run",
        SCENARIO,
        "--replications",
        "2000",
        "--out",
        out,
        "--no-figures",
        *extra,
        cwd=tmp_path,
        TTY_COMPATIBLE="1",
        COLUMNS="100",
    )
    try:
        assert child.wait_for_stderr(r"\d+/2000"), child.stderr[-2000:]
        time.sleep(0.5)  # let the worker processes start, as a planner's Ctrl-C would
        assert child.process.poll() is None, "the run ended before it could be interrupted"
        if target == "process group":
            child.signal_group(signal.SIGINT)
        else:
            child.signal(signal.SIGINT)
        code = child.wait(60)
        assert _wait_gone(child), "worker processes outlived the interrupted run"
    finally:
        child.kill_group()
    assert code == 130, child.stderr[-2000:]
    assert "interrupted; no report was written" in child.stderr
    assert "Traceback" not in child.stderr
    parent = out / scenario_dir_name
    assert sorted(p.name for p in parent.iterdir()) == [earlier.name]
    assert _snapshot(earlier) == before


# ------------------------------------------------------------------- SIGKILL, then SIGINT


@pytest.mark.parametrize("stage", [*BEFORE_STAGING, *STAGED, *AFTER_RENAME])
def test_run_killed_at_a_stage_leaves_at_most_a_partial_the_next_run_removes(
    tmp_path: Path, earlier_reports: Path, scenario_dir_name: str, stage: str
) -> None:
    """SIGKILL at ``stage``, then the next run in the same folder, hit by Ctrl-C at the
    same stage.

    The killed run leaves nothing (before its staging folder exists), its staging folder
    marked with its dead owner and no report (while writing), or a complete report (after
    the rename). The next run removes the partial at once. From the moment writing begins
    the command line holds Ctrl-C until it exits, so that run finishes its report: exit 0,
    "Report written to <folder>", the folder complete. (Before the hold, a Ctrl-C just
    after the rename printed "no report was written" next to a complete report, and one
    after ``main`` returned printed a KeyboardInterrupt traceback or killed the interpreter
    mid-shutdown, exit -2.) The earlier report is never touched.
    """
    out = tmp_path / "reports"
    earlier = _earlier_report(out, earlier_reports)
    before = _snapshot(earlier)
    parent = out / scenario_dir_name

    killed, _marker = _paused_run(out, tmp_path, stage)
    try:
        killed.signal_group(signal.SIGKILL)
        assert killed.wait(30) == -signal.SIGKILL
    finally:
        killed.kill_group()
    left, new = _leftovers(parent), _finals(parent) - {earlier.name}
    if stage in STAGED:
        (partial,) = left
        assert partial.startswith(".partial-"), left
        assert (parent / partial / OWNER_FILE).exists()
        assert new == set()
    elif stage in BEFORE_STAGING:
        assert (left, new) == ([], set())
    else:  # whatever got its final name is whole
        assert left == []
        (name,) = new
        _assert_complete(parent / name)
    assert _snapshot(earlier) == before

    interrupted, marker = _paused_run(out, tmp_path, stage)
    try:
        interrupted.signal(signal.SIGINT)
        marker.unlink()  # let the run go on: it must finish, not stop half-way
        code = interrupted.wait(60)
    finally:
        interrupted.kill_group()
    assert "Traceback" not in interrupted.stderr
    assert code == 0, interrupted.stderr[-2000:]
    assert _leftovers(parent) == [], "the next run must remove partials of dead runs"
    (name,) = _finals(parent) - new - {earlier.name}
    _assert_complete(parent / name)
    assert f"{name}/report.md" in interrupted.stdout
    for folder in parent.iterdir():
        _assert_complete(folder)
    assert _snapshot(earlier) == before


# --------------------------------------------------------------------------------- owner marker


_HOLD_A_STAGING_FOLDER = """
import sys, time
from pathlib import Path
from preparedness.reports.atomic import ReportFolder
with ReportFolder(Path(sys.argv[1]) / "20261121-143005") as staging:
    (staging / "report.md").write_text("half")
    print("staged", flush=True)
    time.sleep(600)
"""


def _hold_staging_folder(parent: Path) -> subprocess.Popen:
    writer = subprocess.Popen(
        [sys.executable, "-c", _HOLD_A_STAGING_FOLDER, str(parent)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert writer.stdout.readline().strip() == "staged"
    return writer


def test_partial_of_a_live_writer_is_kept_and_of_a_killed_one_removed(tmp_path: Path) -> None:
    writer = _hold_staging_folder(tmp_path)
    try:
        (partial,) = tmp_path.iterdir()
        assert (partial / OWNER_FILE).exists()
        assert clean_stale_partials(tmp_path) == []  # fresh, and its writer is alive
        writer.kill()
        writer.wait(10)
        assert clean_stale_partials(tmp_path) == [partial]
        assert list(tmp_path.iterdir()) == []
    finally:
        writer.kill()
        writer.wait(10)


def test_owner_marker_never_reaches_the_final_folder(tmp_path: Path) -> None:
    with ReportFolder(tmp_path / "run") as staging:
        assert json.loads((staging / OWNER_FILE).read_text())["pid"] == os.getpid()
        (staging / "report.md").write_text("done")
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["report.md"]


def _partial_with_marker(parent: Path, record: object) -> Path:
    partial = parent / ".partial-20261121-143005-0123456789abcdef"
    partial.mkdir()
    (partial / OWNER_FILE).write_text(json.dumps(record), encoding="utf-8")
    return partial


@pytest.mark.parametrize(
    "record",
    [
        {"pid": 1, "host": "another-machine.example", "boot": None, "start": None},
        "not a mapping",
        {"pid": "12", "host": socket.gethostname()},
        {"pid": True, "host": socket.gethostname()},
    ],
    ids=["other-host", "garbage", "pid-as-text", "pid-as-bool"],
)
def test_unsure_owner_falls_back_to_the_age_rule(tmp_path: Path, record: object) -> None:
    partial = _partial_with_marker(tmp_path, record)
    assert clean_stale_partials(tmp_path) == []
    assert partial.exists()


def test_reused_pid_is_recognised_by_its_start_time(tmp_path: Path) -> None:
    if not Path(f"/proc/{os.getpid()}/stat").exists():
        pytest.skip("needs /proc to read process start times")
    from preparedness.reports.atomic import _owner_record

    record = _owner_record(os.getpid())  # a live pid ...
    record["start"] -= 1  # ... that started at another time: not the writer
    partial = _partial_with_marker(tmp_path, record)
    assert clean_stale_partials(tmp_path) == [partial]
