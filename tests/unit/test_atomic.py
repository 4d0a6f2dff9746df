"""Atomic report writes: a reader sees the old report or the new one, never half of one."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import pytest

from preparedness.reports.atomic import (
    ReportFolder,
    atomic_write_bytes,
    atomic_write_text,
    clean_stale_partials,
    unique_run_label,
)

NAME = "下涧槽社区"
NOW = datetime(2026, 11, 21, 14, 30, 5)
HEX16 = "0123456789abcdef"


def _partials(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".partial-"))


def _temps(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".tmp-"))


# --- single files -------------------------------------------------------------------------------


def test_atomic_write_text_keeps_utf8_and_newlines_exactly(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    text = f"# {NAME}\nline two\n"
    atomic_write_text(target, text)
    assert target.read_bytes() == text.encode("utf-8")
    assert target.read_text(encoding="utf-8") == text
    assert _temps(tmp_path) == []


def test_atomic_write_bytes_replaces_old_content(tmp_path: Path) -> None:
    target = tmp_path / "data.bin"
    target.write_bytes(b"old")
    atomic_write_bytes(target, b"\x00new\xff")
    assert target.read_bytes() == b"\x00new\xff"
    assert _temps(tmp_path) == []


def test_failed_replace_leaves_old_content_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.md"
    target.write_text("old report", encoding="utf-8")

    def fail(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new report")
    assert target.read_text(encoding="utf-8") == "old report"
    assert _temps(tmp_path) == []


def test_failed_write_of_new_file_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(tmp_path / "new.bin", b"data")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_new_file_gets_ordinary_permissions_not_tempfile_0600(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    atomic_write_text(tmp_path / "atomic.txt", "x")
    assert (tmp_path / "atomic.txt").stat().st_mode == plain.stat().st_mode


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write_text(target, "new")
    assert target.stat().st_mode & 0o777 == 0o640


# --- whole report folders -------------------------------------------------------------------------


def test_final_folder_appears_only_after_success(tmp_path: Path) -> None:
    final = tmp_path / "20261121-143005"
    with ReportFolder(final) as staging:
        assert not final.exists()
        assert staging.parent == tmp_path
        assert staging.name.startswith(".partial-20261121-143005-")
        atomic_write_text(staging / "report.md", NAME)
        (staging / "plots").mkdir()
        (staging / "plots" / "a.svg").write_text("<svg/>")
        assert not final.exists()
    assert final.is_dir()
    assert (final / "report.md").read_text(encoding="utf-8") == NAME
    assert (final / "plots" / "a.svg").read_text() == "<svg/>"
    assert _partials(tmp_path) == []


def test_exception_midway_leaves_no_final_folder_and_no_partial(tmp_path: Path) -> None:
    final = tmp_path / "run"
    with pytest.raises(RuntimeError, match="render failed"):
        with ReportFolder(final) as staging:
            (staging / "report.md").write_text("half")
            raise RuntimeError("render failed")
    assert not final.exists()
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_midway_leaves_no_final_folder_and_no_partial(tmp_path: Path) -> None:
    final = tmp_path / "run"
    with pytest.raises(KeyboardInterrupt):
        with ReportFolder(final) as staging:
            (staging / "report.md").write_text("half")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_earlier_report_folder_is_untouched(tmp_path: Path) -> None:
    earlier = tmp_path / "20261121-090000"
    earlier.mkdir()
    (earlier / "report.md").write_text("earlier", encoding="utf-8")
    with ReportFolder(tmp_path / "20261121-143005") as staging:
        (staging / "report.md").write_text("later", encoding="utf-8")
    with pytest.raises(ValueError):
        with ReportFolder(tmp_path / "20261121-150000"):
            raise ValueError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["20261121-090000", "20261121-143005"]
    assert (earlier / "report.md").read_text(encoding="utf-8") == "earlier"


@pytest.mark.parametrize("with_content", [True, False])
def test_existing_final_folder_is_refused_before_any_work(
    tmp_path: Path, with_content: bool
) -> None:
    # An empty folder matters too: on POSIX a rename onto it would silently succeed.
    final = tmp_path / "run"
    final.mkdir()
    if with_content:
        (final / "report.md").write_text("keep me")
    entered = False
    with pytest.raises(FileExistsError):
        with ReportFolder(final):
            entered = True
    assert not entered
    assert _partials(tmp_path) == []
    assert [p.name for p in final.iterdir()] == (["report.md"] if with_content else [])


def test_folder_claimed_by_another_run_during_writing_is_not_overwritten(
    tmp_path: Path,
) -> None:
    final = tmp_path / "run"
    with pytest.raises(FileExistsError):
        with ReportFolder(final) as staging:
            (staging / "report.md").write_text("ours")
            final.mkdir()  # another process picked the same label meanwhile
    assert list(final.iterdir()) == []
    assert _partials(tmp_path) == []


def test_parent_folder_is_created(tmp_path: Path) -> None:
    final = tmp_path / "out" / "nested" / "run"
    with ReportFolder(final) as staging:
        (staging / "x.txt").write_text("x")
    assert (final / "x.txt").read_text() == "x"


# --- stale leftovers -----------------------------------------------------------------------------


def _age(path: Path, seconds: float) -> None:
    old = time.time() - seconds
    for p in [*path.rglob("*"), path]:
        os.utime(p, (old, old), follow_symlinks=False)


def test_clean_stale_partials_removes_only_old_leftovers(tmp_path: Path) -> None:
    stale = tmp_path / f".partial-20261120-100000-{HEX16}"
    (stale / "plots").mkdir(parents=True)
    (stale / "plots" / "a.png").write_bytes(b"png")
    _age(stale, 7200)
    fresh = tmp_path / f".partial-20261121-143005-{HEX16}"
    fresh.mkdir()
    stale_tmp = tmp_path / ".tmp-abc123"
    stale_tmp.write_text("half")
    _age(stale_tmp, 7200)
    old_report = tmp_path / "20261101-080000"
    old_report.mkdir()
    _age(old_report, 10 * 86400)

    removed = clean_stale_partials(tmp_path, older_than_seconds=3600)

    assert removed == sorted([stale, stale_tmp])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fresh.name, old_report.name])


def test_partial_with_a_recent_file_inside_is_not_stale(tmp_path: Path) -> None:
    busy = tmp_path / f".partial-run-{HEX16}"
    busy.mkdir()
    _age(busy, 7200)
    (busy / "just-written.md").write_text("x")
    assert clean_stale_partials(tmp_path) == []
    assert busy.exists()


def test_clean_stale_partials_on_missing_folder(tmp_path: Path) -> None:
    assert clean_stale_partials(tmp_path / "nope") == []


# --- run labels ----------------------------------------------------------------------------------


def test_unique_run_label_uses_the_timestamp(tmp_path: Path) -> None:
    assert unique_run_label(tmp_path, NOW) == "20261121-143005"
    assert unique_run_label(tmp_path / "missing", NOW) == "20261121-143005"


def test_unique_run_label_counts_up_past_existing_folders_and_partials(tmp_path: Path) -> None:
    (tmp_path / "20261121-143005").mkdir()
    assert unique_run_label(tmp_path, NOW) == "20261121-143005-2"
    (tmp_path / f".partial-20261121-143005-2-{HEX16}").mkdir()
    assert unique_run_label(tmp_path, NOW) == "20261121-143005-3"


def test_partial_of_a_suffixed_label_does_not_block_the_base_label(tmp_path: Path) -> None:
    (tmp_path / f".partial-20261121-143005-2-{HEX16}").mkdir()
    assert unique_run_label(tmp_path, NOW) == "20261121-143005"


def test_labels_from_report_folder_round_trip(tmp_path: Path) -> None:
    labels = []
    for _ in range(3):
        label = unique_run_label(tmp_path, NOW)
        with ReportFolder(tmp_path / label):
            assert unique_run_label(tmp_path, NOW) != label  # its partial already claims it
        labels.append(label)
    assert labels == ["20261121-143005", "20261121-143005-2", "20261121-143005-3"]
