"""User text prints as written, and only as text, in every output (README, "What a run writes").

rich turns ``:100:`` into an emoji even with markup off, so an error on line 100 printed as
``file.yaml💯24:``; a name ``Flood :warning:`` printed as ``Flood ⚠``. Names with terminal
escape sequences reached the terminal through ``validate``'s ``ok (NAME)`` line; an item's
unit reached sizing.md's "hold:" lines unescaped. An unknown sub-command was reported as a
scenario file that cannot be read. Each case runs the real command line in this process.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from preparedness.cli import COMMANDS, main
from tests.builders import SCENARIOS, minimal_scenario

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x7f\x9b31m"


def _write(path: Path, data: dict, padding: int = 0) -> Path:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text("# padding\n" * padding + text, encoding="utf-8")
    return path


@pytest.mark.parametrize("line", [100, 1234])
def test_a_diagnostic_on_line_100_prints_its_line_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: int
) -> None:
    data = minimal_scenario(replications="many")
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    at = next(k for k, row in enumerate(text.splitlines(), 1) if row.startswith("replications"))
    path = _write(tmp_path / "file.yaml", data, padding=line - at)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"file\.yaml:{line}:\d+: replications: ", err), err
    assert "💯" not in err and "🔢" not in err


def test_names_print_as_written_with_no_emoji_and_no_escape_sequences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "named.yaml", minimal_scenario(name=f"Flood :warning: [b]x{ESCAPES}"))
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Flood :warning: [b]x" in out and "⚠" not in out
    assert not any(ch in out for ch in "\x1b\x07\x7f\x9b"), repr(out)


def test_the_run_summary_shows_emoji_codes_and_bidi_controls_neutrally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = minimal_scenario(name="Flood :warning: abc\u202edcba")
    data["incidents"][0]["name"] = "Storm :100: \u2066x\u2069"
    path = _write(tmp_path / "named.yaml", data)
    out_dir = str(tmp_path / "out")
    code = main(["run", str(path), "-n", "2", "--workers", "0", "--no-figures", "--out", out_dir])
    out = capsys.readouterr().out
    assert code == 0
    assert "Flood :warning: abc\ufffddcba" in out and "Storm :100: \ufffdx\ufffd" in out
    assert "⚠" not in out and "💯" not in out
    (md,) = (tmp_path / "out").rglob("report.md")
    report = md.read_text(encoding="utf-8")
    assert "\u202e" not in report and "\u2066" not in report
    assert "abc\ufffddcba" in report
    for csv_file in md.parent.glob("*.csv"):
        body = csv_file.read_text(encoding="utf-8")
        assert "\u202e" not in body and "\u2066" not in body, csv_file.name


def test_sizing_hold_lines_escape_the_unit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load((SCENARIOS / "ningbo_flood_supplies.yaml").read_text(encoding="utf-8"))
    (sandbags,) = [item for item in data["items"] if item["id"] == "sandbags"]
    sandbags["unit"] = "<script>|x"
    path = _write(tmp_path / "supplies.yaml", data)
    out = tmp_path / "out"
    args = ["size-stockpiles", str(path), "-n", "2", "--workers", "0", "--no-check", "-q"]
    assert main([*args, "--out", str(out)]) == 0, capsys.readouterr().err
    (sizing,) = out.rglob("sizing.md")
    hold = [line for line in sizing.read_text(encoding="utf-8").splitlines() if "**" in line]
    assert any("&lt;script&gt;\\|x" in line for line in hold), hold
    assert not any("<script>" in line for line in hold)


def test_an_unknown_command_is_named_with_the_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["tabletop"]) == 2
    err = capsys.readouterr().err
    assert "unknown command 'tabletop'" in err
    assert all(command in err for command in COMMANDS)
    assert "cannot read" not in err
    assert main(["--debug", "valdate"]) == 2
    assert "did you mean 'validate'?" in capsys.readouterr().err


@pytest.mark.parametrize("word", ["tabletop.yaml", "sub/tabletop", "tabletop"])
def test_a_path_still_runs_as_the_default_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    """A path (separator, extension, or an existing file of that name) is a scenario to run."""
    monkeypatch.chdir(tmp_path)
    if word == "tabletop":
        Path(word).write_text("name: [unclosed\n", encoding="utf-8")
    assert main([word, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{word}:"), err
    assert "unknown command" not in err
