"""No data lost: a real ``preparedness run`` interrupted by SIGINT or killed by SIGKILL.

Issue 6, "No data lost": an interrupted run leaves no partial report folder and never
damages an earlier one. SIGINT (Ctrl-C) is caught: the run exits 130 and writes nothing.
SIGKILL cannot be caught; a run killed while writing leaves its ``.partial-*`` staging
folder, which the next run in the same folder removes at once because the staging
folder's ``.owner`` marker names a process that is gone (``reports/atomic.py``). Every
test here drives a real subprocess; only the marker semantics are also tested in-process.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from preparedness.reports.atomic import OWNER_FILE, ReportFolder, clean_stale_partials
from preparedness.reports.folder import scenario_folder_name
from preparedness.scenario.load import load_scenario

from ._cli import ROOT, SCENARIOS, Child, run_cli

SCENARIO = SCENARIOS / "ningbo_relay.yaml"
#: Replications of the runs killed while writing: enough to make writing take tens of ms.
WRITING_RUN = "120"
REPORT_FILES = {"report.md", "results.json", "replications.csv", "trace.csv", "manifest.json"}


@pytest.fixture(scope="module")
def scenario_dir_name() -> str:
    return scenario_folder_name(load_scenario(SCENARIO).scenario.name)


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes and its mtime."""
    return {
        str(path.relative_to(folder)): f"{hashlib.sha256(path.read_bytes()).hexdigest()}"
        f"@{path.stat().st_mtime_ns}"
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _earlier_report(out: Path, tmp_path: Path) -> Path:
    done = run_cli("run", SCENARIO, "-n", "2", "--out", out, "-q", "--workers", "0",
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (parent,) = out.iterdir()
    (folder,) = [p for p in parent.iterdir() if not p.name.startswith(".")]
    return folder


def _assert_complete(folder: Path) -> None:
    names = {p.name for p in folder.iterdir()}
    assert REPORT_FILES <= names, f"{folder} is missing {REPORT_FILES - names}"
    assert not any(name.startswith(".") for name in names), names
    json.loads((folder / "results.json").read_text(encoding="utf-8"))
    json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (folder / "report.md").read_text(encoding="utf-8").endswith("\n")


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith((".partial-", ".tmp-")))


def _wait_gone(child: Child, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while child.group_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not child.group_alive()


# --------------------------------------------------------------------------------- SIGINT


@pytest.mark.parametrize(
    ("target", "workers"),
    [("process group", None), ("parent only", "0")],
    ids=["ctrl-c-to-the-group-with-worker-processes", "kill-INT-to-a-serial-run"],
)
def test_sigint_during_replications_exits_130_and_writes_nothing(
    tmp_path: Path, scenario_dir_name: str, target: str, workers: str | None
) -> None:
    out = tmp_path / "reports"
    earlier = _earlier_report(out, tmp_path)
    before = _snapshot(earlier)
    extra = [] if workers is None else ["--workers", workers]
    # TTY_COMPATIBLE makes rich draw its progress bar into the pipe: the run has started
    # replicating once "k/2000" shows up.
    child = Child("run", SCENARIO, "--replications", "2000", "--out", out, *extra,
                  cwd=tmp_path, TTY_COMPATIBLE="1", COLUMNS="100")
    try:
        assert child.wait_for_stderr(r"\d+/2000"), child.stderr[-2000:]
        time.sleep(0.5)
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


def test_sigint_while_the_report_is_written_leaves_all_or_nothing(
    tmp_path: Path, scenario_dir_name: str
) -> None:
    """Ctrl-C at random moments after the staging folder appears. From the moment writing
    begins the command line holds Ctrl-C until it exits, so the report is finished: exit 0,
    "Report written to <folder>", the folder complete. Had it been interrupted instead, it
    must say so truthfully: exit 130 and either "no report was written" (and none was) or
    "the report was already written to <folder>" (and that folder is complete).

    Before the hold, a Ctrl-C just after the rename printed "no report was written" next to
    a complete report, and one after ``main`` returned printed a KeyboardInterrupt
    traceback or killed the interpreter mid-shutdown (exit -2).
    """
    out = tmp_path / "reports"
    earlier = _earlier_report(out, tmp_path)
    before = _snapshot(earlier)
    parent = out / scenario_dir_name
    rng = random.Random(130)
    for _ in range(3):
        existing = {p.name for p in parent.iterdir() if not p.name.startswith(".")}
        child = Child("run", SCENARIO, "-n", WRITING_RUN, "--out", out, "-q", "--workers", "0",
                      cwd=tmp_path)
        try:
            staged = _wait_for_owner(parent, child)
            if staged:
                time.sleep(rng.uniform(0.0, 0.08))  # writing, renaming, or shutting down
                child.signal(signal.SIGINT)
            code = child.wait(60)
        finally:
            child.kill_group()
        new = {p.name for p in parent.iterdir() if not p.name.startswith(".")} - existing
        assert "Traceback" not in child.stderr
        assert _leftovers(parent) == []
        if code == 130 and "no report was written" in child.stderr:
            assert new == set(), "exit 130 says no report was written, but one was"
            continue
        (name,) = new
        _assert_complete(parent / name)
        if code == 130:
            assert f"the report was already written to {out}" in child.stderr
            assert f"{name}/report.md" in child.stderr
        else:
            assert code == 0, child.stderr[-2000:]
            assert f"{name}/report.md" in child.stdout
    assert _snapshot(earlier) == before


# --------------------------------------------------------------------------------- SIGKILL


def _wait_for_owner(parent: Path, child: Child, timeout: float = 90) -> bool:
    """Poll until the child's staging folder holds its owner marker (True), or it ends.

    The child's folder is a ``.partial-*`` folder that was not there before it started.
    """
    earlier = set(_leftovers(parent)) if parent.is_dir() else set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.process.poll() is None:
        if parent.is_dir():
            for entry in parent.iterdir():
                if (entry.name.startswith(".partial-") and entry.name not in earlier
                        and (entry / OWNER_FILE).exists()):
                    return True
        time.sleep(0.0005)
    return False


def test_sigkill_at_random_moments_leaves_at_most_a_partial_the_next_run_removes(
    tmp_path: Path, scenario_dir_name: str
) -> None:
    out = tmp_path / "reports"
    earlier = _earlier_report(out, tmp_path)
    before = _snapshot(earlier)
    parent = out / scenario_dir_name
    rng = random.Random(9)
    killed_while_writing = 0
    for attempt in range(4):
        before_start = set(_leftovers(parent))
        child = Child("run", SCENARIO, "-n", WRITING_RUN, "--out", out, "-q", "--workers", "0",
                      cwd=tmp_path)
        try:
            if attempt == 0:  # somewhere in loading or simulating
                time.sleep(rng.uniform(0.3, 2.0))
            elif _wait_for_owner(parent, child):
                time.sleep(rng.uniform(0.0, 0.05))
            # else it finished before we saw it writing: a complete report, checked below
            child.signal_group(signal.SIGKILL)
            child.wait(30)
        finally:
            child.kill_group()
        left = set(_leftovers(parent))
        # A run may remove earlier dead runs' partials (its clean-up) and leave its own.
        assert len(left - before_start) <= 1
        assert all(name.startswith(".partial-") for name in left), left
        killed_while_writing += bool(left - before_start)
        for folder in parent.iterdir():
            if not folder.name.startswith("."):
                _assert_complete(folder)  # whatever got its final name is whole
        assert _snapshot(earlier) == before
    assert killed_while_writing >= 1, "no kill landed while the report was being written"

    done = run_cli("run", SCENARIO, "-n", "2", "--out", out, "-q", "--workers", "0",
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _leftovers(parent) == [], "the next run must remove partials of dead runs"
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
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
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
