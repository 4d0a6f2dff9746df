"""``preparedness exercise`` on the command line: the folder in English, and a bad incident
said in words with exit code 2."""

from __future__ import annotations

from preparedness.cli import EXIT_BAD_INPUT, EXIT_OK, main

from .conftest import RELAY


def test_exercise_command_writes_the_folder(tmp_path, capsys):
    code = main(
        [
            "exercise",
            str(RELAY),
            "--duration",
            "90m",
            "--difficulty",
            "hard",
            "--lang",
            "en",
            "-n",
            "3",
            "--workers",
            "0",
            "-q",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == EXIT_OK
    (index,) = tmp_path.glob("*/exercise/*/index.html")
    assert "Tabletop exercise package" in index.read_text("utf-8")
    manual = (index.parent / "situation-manual.html").read_text("utf-8")
    assert "a hard run" in manual and "90 min" in manual
    assert "Exercise package written to" in capsys.readouterr().out


def test_unknown_incident_is_a_usage_error(tmp_path, capsys):
    code = main(["exercise", str(RELAY), "--incident", "tsunami", "--out", str(tmp_path)])
    assert code == EXIT_BAD_INPUT
    assert "no incident 'tsunami'" in capsys.readouterr().err
