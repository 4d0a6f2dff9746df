"""The console line for a PDF copy names the file it is about and why it is missing."""

from pathlib import Path

import pytest

from preparedness.reports import pages


def test_a_missing_pdf_is_named_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "find_chromium", lambda: None)
    note = pages.pdf_note("en", tmp_path, "situation-manual.pdf")
    assert note.startswith("situation-manual.pdf not written: no Chromium found")
    monkeypatch.setattr(pages, "find_chromium", lambda: "/usr/bin/chromium")
    assert pages.pdf_note("zh", tmp_path) == (
        "未生成 report.pdf：Chromium 无法打印该页面；report.html 完整可用。"
    )
    (tmp_path / "report.pdf").write_bytes(b"%PDF")
    assert pages.pdf_note("en", tmp_path) == f"PDF report: {tmp_path / 'report.pdf'}"
