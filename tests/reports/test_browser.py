"""The run report in a real browser: headless Chromium loads it without console errors, shows
every figure and the milestones and numbers of results.json, and screenshots and prints it.

Skipped, with the reason printed, only when no Chromium can be had (``.ci/run`` installs
Debian's ``chromium`` when apt-get works).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from preparedness.reports.browser import (
    dump_page,
    find_chromium,
    pdf_page_count,
    print_pdf,
    screenshot,
)
from preparedness.reports.html import render_run_report

CHROMIUM = find_chromium()
if CHROMIUM is None:
    print(
        "browser tests skipped: no Chromium (install Debian's 'chromium' or set "
        "PREPAREDNESS_CHROMIUM)"
    )
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium: install Debian's 'chromium' or set PREPAREDNESS_CHROMIUM",
)


@pytest.fixture(scope="module")
def page(relay, relay_figures_en, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "report.html"
    path.write_text(render_run_report(relay.results, relay_figures_en, "en"), "utf-8")
    return path


def test_the_page_loads_without_console_errors_and_shows_results_json(
    relay, relay_figures_en, page
) -> None:
    dump = dump_page(page)
    assert dump.console == []
    for figure in relay_figures_en.all():
        assert f'id="{figure.id}"' in dump.dom
        assert figure.caption in dump.text
    assert dump.dom.count("<svg") == len(relay_figures_en.all())
    for incident in relay.results["incidents"]:
        assert incident["name"] in dump.text
        for row in incident["milestones"]:
            assert row["label"] in dump.text
            median = row["median"]
            shown = f"{median:.0f} min" if median >= 10 else f"{median:.1f} min"
            assert shown in dump.text


def test_a_console_error_is_caught(tmp_path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><script>console.error('broken page')</script>", "utf-8")
    assert any("broken page" in line for line in dump_page(bad).console)


def test_a_screenshot_at_1280_px_and_a_printed_a4_pdf(page, tmp_path) -> None:
    shot = screenshot(page, tmp_path / "report.png", width=1280, height=1600)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1280, 1600)
    pdf = print_pdf(page, tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = pdf_page_count(pdf)
    # A4 portrait (595 x 842 points) and one page break before each incident at least
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45]\.\d+ 84[12]\.\d+\s*\]", pdf)
    assert pages >= 3
    print(f"report.pdf: {pages} pages")
