"""A comparison reports the change in the share of runs that reach a milestone or meet its
deadline, and never calls such a change "no clear difference"."""

from __future__ import annotations

import csv
import io

from rich.console import Console

from preparedness.experiment.compare import compare
from preparedness.experiment.replicate import run_replications
from preparedness.reports.comparison import comparison_markdown, print_comparison
from preparedness.reports.exports import variants_csv
from tests.builders import build, channel, minimal_scenario, plan

N = 30


def _experiments():
    flaky = minimal_scenario(seed=777)
    channel(flaky, "phone").update(answer_probability=0.5, max_attempts=1)
    plan(flaky)["activate_within"] = "30m"
    reliable = minimal_scenario(seed=777)
    channel(reliable, "phone").update(answer_probability=1.0, max_attempts=1)
    plan(reliable)["activate_within"] = "30m"
    return {
        "base": run_replications(build(flaky), N, 777),
        "reliable_phone": run_replications(build(reliable), N, 777),
    }


def test_a_variant_that_makes_a_link_reliable_is_reported_as_raising_the_reach_share() -> None:
    experiments = _experiments()
    comparison = compare(
        experiments, "base", {"base": "the flaky phone", "reliable_phone": "a reliable phone"}, 777
    )
    milestone = next(
        m for m in comparison["incidents"][0]["milestones"] if m["id"] == "plan_activated"
    )
    row = milestone["interventions"][0]
    reached = row["reached"]
    assert reached["alt"] == N and reached["base"] < N // 2  # four calls each at p = 0.5
    assert reached["clear"] and reached["change_ci95"][0] > 0
    assert row["deadline_met"]["alt"] == N
    results = {"replications": N, "comparison": comparison}
    text = "\n".join(comparison_markdown(results))
    base = reached["base"]
    assert (
        f"it raises the share of runs that reach “Plan 'Flood plan' activated” from {base} "
        f"to {N} of {N}"
    ) in text
    for line in text.splitlines():
        if "no clear difference" in line:
            assert "activated" not in line
    ranking = comparison["ranking"]
    assert [(r["milestone"], r["best"], r["clear"]) for r in ranking] == [
        ("plan_activated", "reliable_phone", True)
    ]
    assert (
        f"“Plan 'Flood plan' activated” within 30 min (Flood flood): a reliable phone helps "
        f"most, met in {N} of {N} runs against {row['deadline_met']['base']}"
    ) in text


def test_variants_csv_has_a_deadline_met_column() -> None:
    experiments = _experiments()
    rows = list(csv.DictReader(io.StringIO(variants_csv(experiments))))
    activated = [r for r in rows if r["milestone"] == "plan_activated"]
    assert {r["deadline_met"] for r in activated if r["variant"] == "reliable_phone"} == {"True"}
    assert "False" in {r["deadline_met"] for r in activated if r["variant"] == "base"}
    assert {r["deadline_met"] for r in rows if r["milestone"] == "detected"} == {""}


def test_comparison_console_fits_80_columns_and_keeps_variant_ids() -> None:
    experiments = _experiments()
    comparison = compare(
        experiments, "base", {"base": "the flaky phone", "reliable_phone": "a reliable phone"}, 777
    )
    console = Console(width=80, record=True, highlight=False)
    print_comparison(console, {"comparison": comparison})
    text = console.export_text()
    assert "Flood flood — reliable_phone (a reliable phone) against base" in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
