"""A killed run leaves nothing running, and what it left on disk goes with the next run.

SIGKILL cannot be caught, so a run with worker processes cannot stop them itself: the
workers must notice on their own (``experiment/executor.py``: a parent-death signal on
Linux and a watchdog thread everywhere). The run is stopped at the named stage
``replicating`` (workers started, nothing done; ``preparedness/reports/stages.py``), its
workers are found through ``/proc``, the parent alone is killed, and the workers must go.

A staging folder left by a kill is removed by the next run into the same ``--out``,
whatever scenario or command that run is (``reports/atomic.py``, ``clean_stale_reports``).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from preparedness.cli import main
from preparedness.reports.atomic import OWNER_FILE, PARTIAL_PREFIX, clean_stale_reports
from preparedness.reports.stages import PAUSE_AT, PAUSE_FILE

from ._cli import SCENARIOS, Child

SCENARIO = SCENARIOS / "ningbo_relay.yaml"
OTHER = SCENARIOS / "longgang_whistle.yaml"
SUPPLIES = SCENARIOS / "ningbo_flood_supplies.yaml"
#: Generous: a loaded machine may take long to start a run and its workers, or to let the
#: kernel reap them; no test waits this long when things work.
TIMEOUT = 120.0

linux_only = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds worker processes through /proc"
)


def _stat(pid: int) -> list[str] | None:
    """Fields of ``/proc/<pid>/stat`` after the command name (state first), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and fields[1] == str(pid):
                found.add(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """A process that still exists and is not a zombie waiting to be reaped."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


@linux_only
def test_workers_die_when_their_parent_is_killed(tmp_path: Path) -> None:
    marker = tmp_path / "paused"
    child = Child(
        "run",
        SCENARIO,
        "-n",
        "8",
        "--workers",
        "2",
        "-q",
        "--no-figures",
        "--out",
        tmp_path / "reports",
        cwd=tmp_path,
        **{PAUSE_AT: "replicating", PAUSE_FILE: str(marker)},
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while not marker.exists() and child.process.poll() is None:
            assert time.monotonic() < deadline, "the run never started replicating"
            time.sleep(0.02)
        assert marker.exists(), child.stderr[-2000:]
        workers = _children(child.process.pid)
        assert len(workers) >= 2, workers  # the two pool workers (and a resource tracker)
        os.kill(child.process.pid, signal.SIGKILL)
        child.wait(TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = sorted(pid for pid in workers if _running(pid))
        assert not alive, f"worker processes outlived their killed parent: {alive}"
    finally:
        child.kill_group()


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped) on this machine."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def _partial(folder: Path, pid: int) -> Path:
    """A staging folder as a run killed while writing leaves it, its owner ``pid``."""
    partial = folder / f"{PARTIAL_PREFIX}20260101-000000-{'ab' * 8}"
    partial.mkdir(parents=True)
    (partial / "report.md").write_text("half a rep", encoding="utf-8")
    record = {"pid": pid, "host": socket.gethostname(), "boot": None, "start": None}
    (partial / OWNER_FILE).write_text(json.dumps(record), encoding="utf-8")
    return partial


@pytest.mark.parametrize(
    "command",
    [
        ["run", str(OTHER), "-n", "2", "--workers", "0", "-q", "--no-figures"],
        [
            "size-stockpiles",
            str(SUPPLIES),
            "-n",
            "2",
            "--workers",
            "0",
            "-q",
            "--no-check",
            "--no-figures",
        ],
    ],
    ids=["run-of-another-scenario", "size-stockpiles"],
)
@pytest.mark.skipif(os.name != "posix", reason="a dead owner is known only on POSIX")
def test_the_next_run_of_any_command_removes_a_dead_runs_partial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    out = tmp_path / "reports"
    dead = _partial(out / "some-other-scenario", _dead_pid())
    alive = _partial(out / "a-scenario-being-written", os.getpid())
    assert main([*command, "--out", str(out)]) == 0, capsys.readouterr().err
    assert not dead.exists(), "a killed run's staging folder survived the next run"
    assert alive.exists(), "a live run's staging folder was removed"


@pytest.mark.skipif(os.name != "posix", reason="a dead owner is known only on POSIX")
def test_the_sweep_stays_within_the_out_folder(tmp_path: Path) -> None:
    """Only ``--out`` and its scenario folders are swept; a symlinked folder is not followed."""
    out = tmp_path / "reports"
    outside = tmp_path / "elsewhere"
    stale = _partial(out / "scenario", _dead_pid())
    deeper = _partial(out / "scenario" / "20260101-000000", _dead_pid())
    linked = _partial(outside, _dead_pid())
    (out / "linked").symlink_to(outside, target_is_directory=True)
    assert clean_stale_reports(out) == [stale]
    assert deeper.exists() and linked.exists()
