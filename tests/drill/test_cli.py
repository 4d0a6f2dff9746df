"""``preparedness drill``: a bad log exits 2 with its located problems and writes nothing; a
good one writes the HTML and Markdown report, in either language."""

from __future__ import annotations

from pathlib import Path

import pytest

from preparedness.cli import main

ROOT = Path(__file__).parents[2]
RELAY = str(ROOT / "scenarios" / "ningbo_relay.yaml")
DRILL = str(ROOT / "examples" / "drills" / "ningbo_flood_drill.csv")
BAD = str(Path(__file__).parent / "bad" / "unknown_post.csv")


def test_a_bad_log_exits_2_with_located_problems_and_writes_nothing(tmp_path, capsys) -> None:
    out = tmp_path / "reports"
    code = main(["drill", "replay", RELAY, BAD, "-n", "2", "--workers", "0", "--out", str(out)])
    assert code == 2
    assert "unknown_post.csv:13: to: no post 'xx'" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_replay_writes_html_and_markdown(tmp_path, lang: str) -> None:
    args = ["drill", "replay", RELAY, DRILL, "-n", "4", "--workers", "0"]
    code = main([*args, "--lang", lang, "--out", str(tmp_path)])
    assert code == 0
    (folder,) = list(tmp_path.glob("*/drill-replay-*"))
    html = (folder / "report.html").read_text("utf-8")
    markdown = (folder / "report.md").read_text("utf-8")
    assert "<svg" in html and "drill.place" not in html
    words = {"en": "Where the drill sits", "zh": "演练在模拟结果中的位置"}[lang]
    assert words in html and words in markdown
    assert len(list((folder / "figures").glob("*.svg"))) == 2


def test_calibrate_then_whatif(tmp_path) -> None:
    common = ["-n", "4", "--workers", "0", "--out", str(tmp_path)]
    assert main(["drill", "calibrate", RELAY, DRILL, *common]) == 0
    (folder,) = list(tmp_path.glob("*/drill-calibrate-*"))
    calibrated = folder / "calibrated.yaml"
    assert "id: calibrated" in calibrated.read_text("utf-8")
    args = ["drill", "whatif", RELAY, DRILL, "--calibrated", str(calibrated)]
    assert main([*args, "--apply", "joint_centre", *common]) == 0
    (whatif,) = list(tmp_path.glob("*/drill-whatif-*"))
    assert "joint duty command centre" in (whatif / "report.md").read_text("utf-8")


def test_whatif_with_an_unknown_intervention_is_a_usage_error(tmp_path, capsys) -> None:
    calibrated = tmp_path / "calibrated.yaml"
    calibrated.write_text(
        "interventions:\n  - id: calibrated\n    name: c\n    changes:\n"
        "      - set: {path: 'channels[phone].answer_probability', value: 0.5}\n",
        encoding="utf-8",
    )
    args = ["drill", "whatif", RELAY, DRILL, "--calibrated", str(calibrated)]
    code = main(
        [*args, "--apply", "joint_centr", "-n", "2", "--workers", "0", "--out", str(tmp_path / "r")]
    )
    assert code == 2
    assert "did you mean 'joint_centre'" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
