"""A test hook that pauses a run at a named stage of writing its report, so tests can kill it there.

The hardening tests (``tests/hardening/test_interrupted_runs.py``) must interrupt a real run
at exact moments — after the staging folder appears, after each file, just before and just
after the rename into place — and not at random ones, which made them slow and flaky. With

    PREPAREDNESS_PAUSE_AT=<stage>  PREPAREDNESS_PAUSE_FILE=<path>

a run that reaches ``<stage>`` writes ``<stage> <pid>`` to ``<path>`` (atomically, so a
watcher never reads half of it) and then waits while that file exists. The watcher sends
SIGKILL or SIGINT, or deletes the file to let the run go on (e.g. after a Ctrl-C that the
run holds while it writes). The wait ends on its own after ``MAX_PAUSE_SECONDS`` so a
forgotten run cannot hang for ever. The stages, in the order a run reaches them:

``replicating``
    the worker processes have started and no replication is done yet (the first progress
    update of the command line); a test kills the parent here to see the workers die
``writing``
    the replications are done and summarised; nothing of this run is on disk yet
``staged``
    the ``.partial-*`` staging folder and its owner marker exist, no report file yet
``wrote:<file>``
    after ``<file>`` (e.g. ``wrote:results.json``) was written into the staging folder
``renaming``
    every file is written and fsynced, the owner marker still there; next is the rename
``renamed``
    the folder has its final name

With ``PREPAREDNESS_PAUSE_AT`` unset, :func:`pause_at` is one dictionary look-up.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = ["MAX_PAUSE_SECONDS", "PAUSE_AT", "PAUSE_FILE", "pause_at"]

PAUSE_AT = "PREPAREDNESS_PAUSE_AT"
PAUSE_FILE = "PREPAREDNESS_PAUSE_FILE"
#: Longest pause, in seconds: long enough for any watcher, short enough not to hang a suite.
MAX_PAUSE_SECONDS = 120.0
_POLL_SECONDS = 0.01


def pause_at(stage: str) -> None:
    """Pause here if ``PREPAREDNESS_PAUSE_AT`` names ``stage``; otherwise return at once."""
    if os.environ.get(PAUSE_AT) != stage:
        return
    marker = os.environ.get(PAUSE_FILE)
    if not marker:
        return
    path = Path(marker)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(f"{stage} {os.getpid()}\n", encoding="utf-8")
    os.replace(tmp, path)
    deadline = time.monotonic() + MAX_PAUSE_SECONDS
    while path.exists() and time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
