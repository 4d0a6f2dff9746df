"""The command line's own lines are in the report's language: ``--lang``, else the scenario's
``language:``, else English, whose words stay exactly as they were."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from preparedness import api, cli
from preparedness.cli import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, main
from preparedness.cli.console import executor_words
from preparedness.cli.validate import refuse_warnings
from preparedness.experiment.executor import PoolExecutor, SerialExecutor
from preparedness.reports.i18n import catalogue
from tests.builders import minimal_scenario


def _scenario(tmp_path: Path, **overrides: object) -> Path:
    path = tmp_path / "tiny.yaml"
    text = yaml.safe_dump(minimal_scenario(**overrides), allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def _run(tmp_path: Path, *extra: str) -> list[str]:
    return ["run", "-n", "2", "--workers", "0", "-q", "--out", str(tmp_path / "out"), *extra]


def test_run_lines_are_chinese_with_lang_zh(tmp_path, capsys) -> None:
    scenario = _scenario(tmp_path)
    code = main(["run", "-n", "2", "--workers", "0", "--out", str(tmp_path / "out"),
                 "--lang", "zh", str(scenario)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    assert "运行方式：串行（在本进程内）" in err.splitlines()
    (report,) = (tmp_path / "out").glob("*/*/report.md")
    assert f"报告已写入 {report}" in out.splitlines()
    assert "Report written" not in out and "running on" not in err


def test_english_lines_are_unchanged(tmp_path, capsys) -> None:
    code = main(["run", "-n", "2", "--workers", "0", "--out", str(tmp_path / "out"),
                 str(_scenario(tmp_path))])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    assert "running on serial (in this process)" in err.splitlines()
    (report,) = (tmp_path / "out").glob("*/*/report.md")
    assert f"Report written to {report}" in out.splitlines()


@pytest.mark.parametrize("executor", [SerialExecutor(), PoolExecutor(1), PoolExecutor(3)])
def test_english_executor_words_are_the_executors_own(executor) -> None:
    assert executor_words(executor, catalogue("en")) == executor.description
    assert executor_words(executor, catalogue("zh")) != executor.description


def test_problems_are_counted_in_chinese(tmp_path, capsys) -> None:
    bad = _scenario(tmp_path, seed=-1)
    code = main([*_run(tmp_path, "--lang", "zh"), str(bad)])
    assert code == EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines()[-1] == "发现 1 个问题；未运行任何内容。"
    assert main([*_run(tmp_path), str(bad)]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines()[-1] == "1 problem found; nothing was run."


def _raise(error: BaseException):
    def run_experiment(*args: object, **kwargs: object) -> None:
        raise error

    return run_experiment


def test_an_interrupted_run_says_so_in_chinese(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(api, "run_experiment", _raise(KeyboardInterrupt()))
    code = main([*_run(tmp_path, "--lang", "zh"), str(_scenario(tmp_path))])
    assert code == EXIT_INTERRUPTED
    assert capsys.readouterr().err.splitlines()[-1] == "已中断；未写入任何报告"


def test_an_internal_error_is_said_in_the_scenarios_language(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(api, "run_experiment", _raise(RuntimeError("disk trouble")))
    code = main([*_run(tmp_path), str(_scenario(tmp_path, language="zh"))])
    assert code == EXIT_FAILURE
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "内部错误：RuntimeError：disk trouble",
        "请加 --debug 重新运行以查看回溯信息，并报告此问题",
    ]


def test_strict_refusal_is_said_in_the_language(capsys) -> None:
    err = Console(stderr=True, soft_wrap=True)
    assert refuse_warnings(err, 2, "zh") == EXIT_BAD_INPUT
    assert refuse_warnings(err, 1) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines() == [
        "2 个警告按错误处理（--strict）；未运行任何内容。",
        "1 warning treated as error (--strict); nothing was run.",
    ]


def test_exercise_and_drill_lines_are_chinese(tmp_path, capsys, monkeypatch) -> None:
    folder = tmp_path / "written"
    monkeypatch.setattr(api, "prepare_exercise", lambda *args, **kwargs: None)
    monkeypatch.setattr(api, "write_exercise", lambda *args, **kwargs: folder)
    monkeypatch.setattr(api, "replay_drill", lambda *args, **kwargs: None)
    monkeypatch.setattr(api, "write_drill_report", lambda *args, **kwargs: folder)
    scenario = str(_scenario(tmp_path))
    assert main(["exercise", scenario, "--lang", "zh", "-q"]) == EXIT_OK
    assert f"桌面推演资料包已写入 {folder / 'index.html'}" in capsys.readouterr().out
    log = tmp_path / "drill.csv"
    log.write_text("", encoding="utf-8")
    assert main(["drill", "replay", scenario, str(log), "--lang", "zh"]) == EXIT_OK
    assert f"报告已写入 {folder / 'report.html'}" in capsys.readouterr().out.splitlines()


#: Two words of letters, or any CJK character (as tests/reports/test_no_loose_words.py).
WORDS = re.compile(r"[A-Za-z]{2,}[,.;:!?]?\s+[A-Za-z]{2,}|[\u3400-\u9fff]")
#: Commands that write no report, so have no language: their lines stay English.
NO_LANGUAGE = {"generate.py", "schema.py"}


def test_the_cli_prints_no_sentence_of_its_own() -> None:
    """Every line a report-writing command prints comes from the catalogue: no ``print``
    call is given a literal sentence (argparse help texts are not printed lines)."""
    folder = Path(cli.__file__).parent
    modules = [path for path in sorted(folder.glob("*.py")) if path.name not in NO_LANGUAGE]
    assert len(modules) > 5
    loose = []
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "print"):
                continue
            for arg in node.args[:1]:
                texts = [
                    n.value
                    for n in ast.walk(arg)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                ]
                loose += [f"{module.name}:{node.lineno}: {t!r}" for t in texts if WORDS.search(t)]
    assert loose == []


def test_the_progress_bar_says_each_stage_in_the_report_language() -> None:
    import io

    from rich.console import Console

    from preparedness.api import Stage
    from preparedness.cli.console import ProgressBar

    def words(lang: str, stage: str) -> str:
        return ProgressBar(Console(file=io.StringIO()), True, lang)._words(stage)

    replications = Stage("replications", "replications")
    sizing = Stage("东湖区: sizing", "sizing", hazard="东湖区")
    assert words("zh", replications) == "模拟运行" and words("en", replications) == "replications"
    assert words("zh", sizing) == "东湖区：测算储备" and words("en", sizing) == str(sizing)
    assert words("zh", "a caller's own words") == "a caller's own words"
