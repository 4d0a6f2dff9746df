"""The pause hook the interrupted-run tests use: silent unless asked, exact when asked."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from preparedness.reports import stages
from preparedness.reports.stages import PAUSE_AT, PAUSE_FILE, pause_at


def test_without_the_variable_the_hook_returns_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PAUSE_AT, raising=False)
    monkeypatch.setenv(PAUSE_FILE, str(tmp_path / "paused"))
    pause_at("staged")
    assert list(tmp_path.iterdir()) == []


def test_another_stage_does_not_pause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PAUSE_AT, "renamed")
    monkeypatch.setenv(PAUSE_FILE, str(tmp_path / "paused"))
    pause_at("staged")
    pause_at("wrote:renamed")
    assert list(tmp_path.iterdir()) == []


def test_the_named_stage_writes_its_marker_and_waits_until_it_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "paused"
    monkeypatch.setenv(PAUSE_AT, "wrote:results.json")
    monkeypatch.setenv(PAUSE_FILE, str(marker))
    seen: list[str] = []

    def release() -> None:
        while not marker.exists():
            time.sleep(0.005)
        seen.append(marker.read_text(encoding="utf-8"))
        marker.unlink()

    watcher = threading.Thread(target=release)
    watcher.start()
    pause_at("wrote:results.json")  # returns only once the watcher removed the marker
    watcher.join(30)
    assert seen == [f"wrote:results.json {os.getpid()}\n"]
    assert list(tmp_path.iterdir()) == []


def test_a_forgotten_pause_ends_on_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "paused"
    monkeypatch.setenv(PAUSE_AT, "renaming")
    monkeypatch.setenv(PAUSE_FILE, str(marker))
    monkeypatch.setattr(stages, "MAX_PAUSE_SECONDS", 0.05)
    pause_at("renaming")
    assert marker.read_text(encoding="utf-8") == f"renaming {os.getpid()}\n"
