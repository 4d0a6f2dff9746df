"""Run the real command line in a subprocess, as a planner would, and watch it from outside."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DASK_SCHEDULER_ADDRESS", None)  # never pick up a cluster from the shell
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def run_cli(*args: str | Path, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m preparedness <args>``; stdout and stderr as text."""
    return subprocess.run(
        [sys.executable, "-m", "preparedness", *map(str, args)],
        cwd=cwd,
        env=cli_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


@contextlib.contextmanager
def _sigint_not_ignored() -> Iterator[None]:
    """Let a child started here receive Ctrl-C even if pytest itself ignores SIGINT.

    A shell starts background jobs (``pytest &``, ``nohup``) with SIGINT ignored; an ignored
    signal stays ignored across ``exec``, and Python then never installs its Ctrl-C handler,
    so the SIGINT tests would wait for a run that cannot hear them. A handled signal is reset
    to the default at ``exec``, so handling it here for the moment of the fork is enough.
    """
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class Child:
    """A CLI run in its own session (so it can be signalled like a terminal's Ctrl-C), with
    its stderr read in the background."""

    def __init__(self, *args: str | Path, cwd: Path, **env: str) -> None:
        with _sigint_not_ignored():
            self.process = subprocess.Popen(
                [sys.executable, "-m", "preparedness", *map(str, args)],
                cwd=cwd,
                env=cli_env(**env),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        self._stderr, self._stdout = bytearray(), bytearray()
        self._readers = [
            threading.Thread(
                target=self._read, args=(self.process.stderr, self._stderr), daemon=True
            ),
            threading.Thread(
                target=self._read, args=(self.process.stdout, self._stdout), daemon=True
            ),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, sink: bytearray) -> None:
        while chunk := stream.read1(65536):
            sink.extend(chunk)

    @property
    def stderr(self) -> str:
        return bytes(self._stderr).decode("utf-8", errors="replace")

    @property
    def stdout(self) -> str:
        return bytes(self._stdout).decode("utf-8", errors="replace")

    def wait_for_stderr(self, pattern: str, timeout: float = 90) -> bool:
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            if regex.search(self.stderr):
                return True
            if self.process.poll() is not None:
                return bool(regex.search(self.stderr))
            time.sleep(0.02)
        return False

    def signal_group(self, signum: int) -> None:
        os.killpg(self.process.pid, signum)

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout)
        for reader in self._readers:
            reader.join(5)
        return code

    def group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill_group(self) -> None:
        """Last-resort cleanup of this child's own session only."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass
