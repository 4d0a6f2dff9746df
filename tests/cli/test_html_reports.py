"""The HTML reports as the command line writes them: report.html and plots/ in every report
folder (run, run --compare, size-stockpiles), --lang, --trace-replication, --pdf and the index
of reports, with real subprocesses and real files.

Runs use a handful of replications; the figures are what takes the time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from preparedness.engine.run import simulate_replication
from preparedness.reports.browser import dom_text
from preparedness.reports.exports import trace_csv
from preparedness.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[2]
RELAY = "scenarios/ningbo_relay.yaml"
SUPPLIES = "scenarios/ningbo_flood_supplies.yaml"
#: The run's line naming report.md, in English or (``--lang zh``) in Chinese.
WRITTEN = re.compile(r"^(?:Report written to|报告已写入) (.+)$", re.MULTILINE)
EPOCH = "1784000000"  # 2026-07-14 03:33:20 UTC
#: Figures each run report of ningbo_relay.yaml draws: per incident ECDF, delay split and
#: swimlane, then the command graph.
RELAY_FIGURES = 7


def cli(*args: object, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env}
    environment.pop("DASK_SCHEDULER_ADDRESS", None)
    return subprocess.run(
        [sys.executable, "-m", "preparedness", *map(str, args)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def folder_of(done: subprocess.CompletedProcess) -> Path:
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    found = WRITTEN.findall(done.stdout)
    assert len(found) == 1, done.stdout + done.stderr
    return Path(found[0]).parent


def results_of(folder: Path, name: str = "results.json") -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, re.DOTALL)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("html") / "reports"


@pytest.fixture(scope="module")
def runs(out) -> tuple[Path, Path]:
    """The default scenario run twice with the same seed (4 replications, serially)."""
    first = folder_of(cli("run", RELAY, "-n", 4, "--seed", 7, "--workers", 0, "--out", out))
    second = folder_of(cli("run", RELAY, "-n", 4, "--seed", 7, "--workers", 0, "--out", out))
    return first, second


@pytest.fixture(scope="module")
def compared(out) -> Path:
    return folder_of(
        cli("run", RELAY, "-n", 3, "--compare", "base,joint_centre", "--workers", 0, "--out", out)
    )


@pytest.fixture(scope="module")
def sized(out) -> Path:
    done = cli("size-stockpiles", SUPPLIES, "-n", 4, "--no-check", "--workers", 0, "--out", out)
    return folder_of(done)


def _pages_are_in(folder: Path, markdown: str, figures: int | None = None) -> None:
    html = (folder / "report.html").read_text(encoding="utf-8")
    plots = sorted((folder / "plots").glob("*.png"))
    assert plots and all(p.read_bytes().startswith(b"\x89PNG") for p in plots)
    assert len(svgs(html)) == len(plots)
    if figures is not None:
        assert len(plots) == figures
    text = (folder / markdown).read_text(encoding="utf-8")
    linked = re.findall(r"!\[[^\]]*\]\((plots/[^)]+\.png)\)", text)
    assert sorted(linked) == [f"plots/{p.name}" for p in plots]
    assert "<script" not in html
    assert not re.search(r"""(?:href|src)=["'](?!#|data:image/png;base64,)|url\((?!#)""", html)


def test_run_compare_and_sizing_folders_hold_report_html_and_plots(runs, compared, sized):
    _pages_are_in(runs[0], "report.md", RELAY_FIGURES)
    _pages_are_in(compared, "report.md", RELAY_FIGURES + 1)  # and the forest plot
    _pages_are_in(sized, "sizing.md", 1)
    assert any(p.name.startswith("forest-") for p in (compared / "plots").iterdir())


def test_same_inputs_and_seed_give_byte_identical_pages_and_svgs(runs):
    first, second = runs
    assert first != second
    page = (first / "report.html").read_bytes()
    assert page == (second / "report.html").read_bytes()
    assert "2026-07-14 03:33 UTC" in page.decode("utf-8")  # SOURCE_DATE_EPOCH
    for png in (first / "plots").iterdir():
        assert png.read_bytes() == (second / "plots" / png.name).read_bytes()


def test_results_json_says_which_run_the_timelines_draw(runs):
    results = results_of(runs[0])
    story = results["story"]
    assert story["rule"] == "median"
    assert (story["incident"], story["milestone"]) == ("flash_flood", "plan_activated")
    assert 0 <= story["replication"] < 4 and story["minutes"] is not None
    html = (runs[0] / "report.html").read_text(encoding="utf-8")
    assert f"The timelines draw run {story['replication']} (the run nearest the median" in html
    people = results["people"]
    assert {p["level"] for p in people} == {"grid", "community", "township", "district"}
    assert all("critical_minutes_mean" in link for link in results["links"])


@pytest.mark.parametrize("rule", ["worst", "2"])
def test_trace_replication_chooses_the_run_drawn_and_the_trace(rule, tmp_path):
    folder = folder_of(
        cli(
            "run", RELAY, "-n", 4, "--seed", 7, "--workers", 0, "--out", tmp_path,
            "--trace-replication", rule, "-q",
        )
    )  # fmt: skip
    story = results_of(folder)["story"]
    if rule == "worst":
        times = {}
        rows = (folder / "replications.csv").read_text(encoding="utf-8").splitlines()
        header = rows[0].split(",")
        for line in rows[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row["incident"] == "flash_flood" and row["milestone"] == "plan_activated":
                times[int(row["replication"])] = float(row["minutes"] or "inf")
        assert story["rule"] == "worst"
        assert times[story["replication"]] == max(times.values())
    else:
        assert (story["rule"], story["replication"]) == ("number", 2)
    scenario = load_scenario(REPO / RELAY).scenario
    expected = trace_csv(simulate_replication(scenario, story["replication"], 7), scenario.start)
    assert (folder / "trace.csv").read_text(encoding="utf-8") == expected
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert f"The timelines draw run {story['replication']} " in html


@pytest.mark.parametrize(
    ("value", "shown"),
    [("best", "must be median, p90, worst or a replication number"), ("9", "replication 9")],
)
def test_a_trace_replication_that_cannot_be_drawn_exits_2(value, shown, tmp_path):
    done = cli("run", RELAY, "-n", 3, "--trace-replication", value, "--out", tmp_path)
    assert done.returncode == 2, done.stderr
    assert shown in done.stderr and "Traceback" not in done.stderr
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def _names(scenario) -> set[str]:
    """Every name the scenario writes (places, people, plans, items, ...), and every id."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("name", "id") and isinstance(item, str):
                    found.add(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(scenario.model_dump(mode="json"))
    return found


def test_lang_zh_gives_a_page_whose_every_sentence_is_chinese(tmp_path):
    folder = folder_of(
        cli("run", RELAY, "-n", 3, "--workers", 0, "--out", tmp_path, "--lang", "zh")
    )
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    text = dom_text(html)
    scenario = load_scenario(REPO / RELAY).scenario
    for name in sorted(_names(scenario), key=len, reverse=True):
        text = text.replace(name, " ")
    # Grid cells are named by number (``grid3``) as the scenario's grid count makes them;
    # UTC is how Chinese writes the time zone too.
    text = re.sub(r"\bgrid\d+\b|\bUTC\b", " ", text)
    # Left: Chinese words, numbers, units and punctuation. No English word may remain.
    english = re.findall(r"[A-Za-z]{2,}", text)
    assert english == [], sorted(set(english))
    assert "时间线展示第" in text and "达标率" in text
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "报告目录" in index


def test_the_index_lists_every_folder_newest_first(runs, compared, sized, out):
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">', index)
    folders = [runs[0], runs[1], compared, sized]
    expected = sorted(
        folders,
        key=lambda f: (json.loads((f / "manifest.json").read_text("utf-8"))["finished_at"], f),
        reverse=True,
    )
    assert links == [(f / "report.html").relative_to(out).as_posix() for f in expected]
    assert "the joint duty command centre" in index and "stockpile sizing" in index
    assert "median" in index
    assert not list(out.glob(".tmp-*"))


def test_an_unreadable_folder_is_left_out_of_the_index(tmp_path):
    broken = tmp_path / "somewhere" / "20260101-000000"
    broken.mkdir(parents=True)
    (broken / "results.json").write_text("{not json", encoding="utf-8")
    plain = ["--workers", 0, "--out", tmp_path, "-q", "--no-figures"]  # the index is the subject
    folder = folder_of(cli("run", RELAY, "-n", 2, *plain))
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "somewhere" not in index
    assert (folder / "report.html").relative_to(tmp_path).as_posix() in index


def test_pdf_without_chromium_says_so_and_exits_0(tmp_path):
    done = cli(
        "run", RELAY, "-n", 2, "--workers", 0, "--out", tmp_path, "--pdf", "-q", "--no-figures",
        PREPAREDNESS_CHROMIUM="/nonexistent/chromium",
    )  # fmt: skip
    folder = folder_of(done)
    assert not (folder / "report.pdf").exists()
    assert "report.pdf not written: no Chromium found" in done.stdout
