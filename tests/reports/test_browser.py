"""The run report in a real browser: headless Chromium loads it without console errors, shows
every figure and the milestones and numbers of results.json, and screenshots and prints it.

Skipped, with the reason printed, only when no Chromium can be had (``.ci/run`` installs
Debian's ``chromium`` when apt-get works).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
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


@pytest.fixture(scope="module")
def cli_report(tmp_path_factory) -> Path:
    """The default scenario's report folder as ``preparedness run --pdf`` writes it."""
    out = tmp_path_factory.mktemp("cli") / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "preparedness", "run", "-n", "10", "--workers", "0", "--pdf"]
        + ["--out", str(out), "-q"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1784000000"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    written = re.search(r"^Report written to (.+)$", done.stdout, re.MULTILINE)
    assert written, done.stdout
    assert "PDF report:" in done.stdout
    return Path(written.group(1)).parent


def test_the_cli_written_report_in_the_browser(cli_report) -> None:
    results = json.loads((cli_report / "results.json").read_text("utf-8"))
    dump = dump_page(cli_report / "report.html")
    assert dump.console == []
    plots = sorted(p.stem for p in (cli_report / "plots").glob("*.png"))
    assert plots and sorted(re.findall(r'<figure class="chart" id="([^"]+)"', dump.dom)) == plots
    assert dump.dom.count("<svg") == len(plots)
    for incident in results["incidents"]:
        assert incident["name"] in dump.text
        for row in incident["milestones"]:
            assert row["label"] in dump.text
    story = results["story"]
    assert f"The timelines draw run {story['replication']} " in dump.text
    pdf = (cli_report / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf_page_count(pdf) >= 3
    print(f"CLI report.pdf: {pdf_page_count(pdf)} pages")
