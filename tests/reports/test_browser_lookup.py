"""Finding Chromium: the environment variable wins, and no browser is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from preparedness.reports import browser


def test_the_environment_variable_names_the_browser(monkeypatch, tmp_path) -> None:
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PREPAREDNESS_CHROMIUM", str(fake))
    assert browser.find_chromium() == str(fake)


def test_no_browser_is_a_clear_error(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PREPAREDNESS_CHROMIUM", str(tmp_path / "missing"))
    assert browser.find_chromium() is None
    with pytest.raises(browser.BrowserUnavailable, match="PREPAREDNESS_CHROMIUM"):
        browser.print_pdf(Path("report.html"), tmp_path / "report.pdf")


def test_pages_are_counted_without_counting_the_page_tree() -> None:
    pdf = (
        b"1 0 obj <</Type /Pages /Kids [2 0 R 3 0 R]>> "
        b"2 0 obj <</Type /Page>> 3 0 obj <</Type/Page >>"
    )
    assert browser.pdf_page_count(pdf) == 2
