"""Names from scenarios reach every output escaped for its format (README, "What a run writes").

A scenario whose names hold ``<script>``, Markdown, spreadsheet formulas, line breaks,
terminal escape sequences and CJK is run through the real command line; then:

* report.md shows every name literally: no raw ``<script>``/``<img``, no live Markdown
  emphasis or link, and every table row has as many unescaped ``|`` as its header;
* CSV cells never start a formula (``= + - @``, tab, CR) unless they are plain numbers;
* results.json and manifest.json round-trip the exact original strings;
* the console summary carries no escape sequence from a name.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from preparedness.reports.escape import csv_cell, md_cell, terminal_text
from tests.builders import minimal_scenario, plan, role, township

from ._cli import run_cli

NAMES = {
    "scenario": "<script>alert(1)</script> **x** | [a](b) ../../escape",
    "community": "=cmd|' /C calc'!A0",
    "township": "+SUM(1,2)\n第二行 | 镇\u202etxt.exe",
    "district": "区 & co <b>bold</b>",
    "grid_worker": "@evil\r\nrow | two",
    "community_secretary": "社区书记 | 网格 `code` <i>",
    "township_duty_officer": "-2+3 \\| already escaped?",
    "township_head": '<img src=x onerror="alert(1)">',
    "district_office": "[link](javascript:alert(1)) ![img](x)",
    "police_dept": '**Police** | =HYPERLINK("http://x","y")',
    "plan": "Flood </script> plan # not a heading _em_ ~~strike~~",
    "incident": "Flood\n| injected | row |\n\u2028[bold red]alarm[/bold red]"
    "\x1b[2J\x1b]0;pwned\x07",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def hostile_names_scenario() -> dict:
    data = minimal_scenario()
    data["name"] = NAMES["scenario"]
    data["description"] = "<script>alert('description')</script>"
    data["places"]["district"]["name"] = NAMES["district"]
    township(data)["name"] = NAMES["township"]
    township(data)["communities"][0]["name"] = NAMES["community"]
    for role_id in (
        "grid_worker",
        "community_secretary",
        "township_duty_officer",
        "township_head",
        "district_office",
    ):
        role(data, role_id)["name"] = NAMES[role_id]
    data["departments"][0]["name"] = NAMES["police_dept"]
    plan(data)["name"] = NAMES["plan"]
    plan(data)["notify"] = [{"level": "district", "within": "1m"}]  # missed: listed at risk
    data["incidents"][0]["name"] = NAMES["incident"]
    return data


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("escaping")
    path = tmp / "hostile_names.yaml"
    path.write_text(
        yaml.safe_dump(hostile_names_scenario(), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    out = tmp / "out"
    done = run_cli("run", path, "-n", "3", "--workers", "0", "--out", out, cwd=tmp)
    assert done.returncode == 0, done.stderr[-3000:]
    folders = [p for p in out.rglob("report.md")]
    assert len(folders) == 1, folders
    folder = folders[0].parent
    return {
        "tmp": tmp,
        "out": out,
        "folder": folder,
        "stdout": done.stdout,
        "stderr": done.stderr,
        "md": (folder / "report.md").read_text(encoding="utf-8"),
    }


def unescaped_pipes(line: str) -> int:
    """``|`` not preceded by an odd number of backslashes."""
    count = 0
    for match in re.finditer(r"(\\*)\|", line):
        if len(match.group(1)) % 2 == 0:
            count += 1
    return count


def test_report_folder_stays_inside_out(report: dict) -> None:
    folder: Path = report["folder"]
    assert folder.resolve().is_relative_to(report["out"].resolve())
    assert folder.parent.parent == report["out"]
    assert ".." not in folder.parent.name and "/" not in folder.parent.name


def test_markdown_has_no_raw_html(report: dict) -> None:
    md = report["md"]
    assert "<" not in md and ">" not in md.replace("→", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert '&lt;img src=x onerror="alert(1)"&gt;' in md


def test_markdown_shows_markdown_syntax_literally(report: dict) -> None:
    md = report["md"]
    assert "**x**" not in md and r"\*\*x\*\*" in md
    assert "[a](b)" not in md and r"\[a\](b)" in md
    assert "[link](javascript" not in md and "![img](x)" not in md
    assert "~~strike~~" not in md and "_em_" not in md
    assert "`code`" not in md
    assert "社区书记" in md and "第二行" in md  # CJK as is


def test_markdown_headings_are_only_the_reports_own(report: dict) -> None:
    for line in report["md"].splitlines():
        if line.startswith("#"):
            assert re.match(r"#{1,3} ", line), line
        assert not line.startswith("# not a heading")
    assert "\\# not a heading" in report["md"]


def test_markdown_tables_keep_their_columns(report: dict) -> None:
    lines = report["md"].splitlines()
    tables, current = [], []
    for line in lines:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    assert len(tables) >= 2
    for table in tables:
        header = unescaped_pipes(table[0])
        for row in table:
            assert unescaped_pipes(row) == header, row
    assert not any(line.startswith("| injected") for line in lines)


def test_markdown_keeps_names_on_one_line(report: dict) -> None:
    md = report["md"]
    assert "\r" not in md and "\x1b" not in md and "\u2028" not in md and "\x07" not in md
    assert md_cell(NAMES["incident"]) in md  # the whole name, escaped, on one line


def _csv_files(folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.csv"))
    assert {"replications.csv", "trace.csv"} <= {p.name for p in files}
    return files


def test_csv_cells_never_start_a_formula(report: dict) -> None:
    for path in _csv_files(report["folder"]):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert len(rows) > 1
        for row in rows:
            for cell in row:
                if cell.startswith(FORMULA_START):
                    assert PLAIN_NUMBER.fullmatch(cell), f"{path.name}: {cell!r}"


@pytest.mark.parametrize("name", sorted(NAMES))
def test_csv_guard_quotes_every_formula_name(name: str) -> None:
    from preparedness.reports.exports import csv_text

    text = NAMES[name]
    (header, row) = list(csv.reader(io.StringIO(csv_text(["name"], [[text]]))))
    assert header == ["name"]
    shown = text.replace("\r\n", " ").replace("\n", " ").replace("\u202e", "\ufffd")
    shown = "".join(" " if ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 else ch for ch in shown)
    shown = shown.replace("\u2028", " ")
    if text.startswith(FORMULA_START):
        assert row == ["'" + shown]
    else:
        assert row == [shown]
    assert csv_cell(text) == row[0]


def test_json_round_trips_the_exact_names(report: dict) -> None:
    results = json.loads((report["folder"] / "results.json").read_text(encoding="utf-8"))
    assert results["scenario"]["name"] == NAMES["scenario"]
    assert results["scenario"]["description"] == "<script>alert('description')</script>"
    (incident,) = results["incidents"]
    assert incident["name"] == NAMES["incident"]
    assert incident["community_name"] == NAMES["community"]
    assert incident["plan_name"] == NAMES["plan"]
    labels = {row["id"]: row["label"] for row in incident["milestones"]}
    assert labels["ordered:police"] == f"{NAMES['police_dept']} ordered"
    assert labels["plan_activated"] == f"Plan '{NAMES['plan']}' activated"
    people = {row["post"]: row["name"] for row in results["people"]}
    assert people["grid_worker@c1/grid1"] == f"{NAMES['grid_worker']} ({NAMES['community']} grid1)"
    assert people["township_head@t1"] == f"{NAMES['township_head']} ({NAMES['township']})"
    manifest = json.loads((report["folder"] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario_file"].endswith("hostile_names.yaml")


def test_csv_cells_hold_no_control_or_bidi_characters(report: dict) -> None:
    for path in _csv_files(report["folder"]):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:
                assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in cell), cell
                assert "\u202e" not in cell, cell


def test_no_output_passes_a_bidi_override(report: dict) -> None:
    assert "\u202e" not in report["md"]
    assert "\u202e" not in report["stdout"] + report["stderr"]
    assert "\ufffdtxt.exe" in report["md"]


def test_console_summary_prints_names_literally_without_escape_sequences(report: dict) -> None:
    out = report["stdout"] + report["stderr"]
    assert "\x1b" not in out and "\x07" not in out
    assert "[bold red]alarm[/bold red]" in out  # rich markup in a name is shown, not applied
    assert "<script>alert(1)</script>" in out  # a terminal shows text; nothing to escape


def test_terminal_text_removes_every_control_character() -> None:
    cleaned = terminal_text("".join(map(chr, range(0x00, 0xA0))) + "\u2028\u2029社区")
    assert cleaned.endswith("社区")
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in cleaned)
    assert "\u2028" not in cleaned and "\u2029" not in cleaned
