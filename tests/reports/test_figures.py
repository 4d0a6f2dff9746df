"""Golden tests of the figures' data: the numbers each figure draws are results.json's (or, for
inputs results.json lacks, the experiment's), and the same inputs give byte-identical files."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import subprocess
import sys

import pytest

from preparedness.analysis.aggregate import critical_link_minutes
from preparedness.analysis.critical_path import split_delay
from preparedness.analysis.milestones import milestone_times
from preparedness.reports.figures.compare import forest_figure, sizing_figure
from preparedness.reports.figures.graph import graph_figure
from preparedness.reports.figures.milestones import delay_figure, key_milestones
from preparedness.reports.figures.supplies import coverage_figure, stock_figure
from preparedness.reports.i18n import catalogue


def _by_id(incident):
    return {row["id"]: row for row in incident["milestones"]}


def test_ecdf_draws_every_runs_minutes_and_the_results_json_marks(relay, relay_figures_en):
    minutes = relay.minutes()
    for incident in relay.results["incidents"]:
        figure = relay_figures_en.incidents[incident["id"]][0]
        assert figure.id.startswith("ecdf-")
        rows = _by_id(incident)
        drawn = figure.data["milestones"]
        assert [d["id"] for d in drawn] == [r["id"] for r in key_milestones(incident)]
        for d in drawn:
            row = rows[d["id"]]
            assert (d["median"], d["p90"], d["deadline"]) == (
                row["median"],
                row["p90"],
                row["deadline"],
            )
            values = minutes[(incident["id"], d["id"])]
            assert d["reached"] == sorted(v for v in values if v is not None)
            assert len(d["reached"]) == row["n_reached"]
            assert d["n_replications"] == row["n_replications"]


def test_delay_bars_are_the_results_json_delay_split(relay, relay_figures_en):
    for incident in relay.results["incidents"]:
        figure = relay_figures_en.incidents[incident["id"]][1]
        rows = _by_id(incident)
        for d in figure.data["milestones"]:
            split = rows[d["id"]]["delay_split"]
            assert d["segments"] == [
                {"cause": p["cause"], "mean": p["mean"], "share": p["share_of_latency"]}
                for p in split
            ]
            assert math.isclose(
                sum(s["mean"] for s in d["segments"]), rows[d["id"]]["mean"], rel_tol=1e-9
            )


def test_swimlane_marks_the_traced_runs_milestones_and_its_bars_add_up(relay, relay_figures_en):
    trace = relay.experiment.example_trace
    run = relay.experiment.results[0]
    for incident in relay.results["incidents"]:
        figure = relay_figures_en.incidents[incident["id"]][2]
        assert figure.id.startswith("swimlane-")
        reached = milestone_times(trace)[incident["id"]]
        for mark in figure.data["milestones"]:
            assert mark["minutes"] == run.milestones[incident["id"]][mark["id"]]
            assert mark["lane"] in figure.data["lanes"]
            # the bars on this milestone's critical path add up to its latency
            split = split_delay(trace, reached[mark["id"]].event_id, siloed=True)
            assert math.isclose(sum(split.by_cause.values()), mark["minutes"], rel_tol=1e-9)
        for bar in figure.data["bars"]:
            assert bar["lane"] in figure.data["lanes"] and bar["end"] > bar["start"]
        assert figure.data["arrows"]


def test_command_graph_draws_utilisation_and_link_minutes_as_given(relay, relay_figures_en):
    figure = relay_figures_en.overall[0]
    assert figure.id.startswith("graph-")
    use = {p["post"]: p["utilisation_mean"] for p in relay.results["people"]}
    assert {p["post"]: p["utilisation"] for p in figure.data["posts"]} == use
    levels = {p["post"]: p["level"] for p in relay.results["people"]}
    assert {p["post"]: p["level"] for p in figure.data["posts"]} == levels
    written = {(r["from"], r["to"]): r["critical_minutes_mean"] for r in relay.results["links"]}
    assert {(link["from"], link["to"]): link["minutes"] for link in figure.data["links"]} == written
    minutes = critical_link_minutes(relay.experiment.results)
    for pair, value in written.items():
        assert value == minutes.get(pair, 0.0)
    # the top link of each milestone in results.json is drawn with at least its minutes
    for incident in relay.results["incidents"]:
        for row in incident["milestones"]:
            for top in row["critical_links"]:
                assert minutes[(top["from"], top["to"])] >= top["mean_minutes"] * (1 - 1e-12)
    assert max(minutes.values()) == pytest.approx(
        max(
            top["mean_minutes"]
            for i in relay.results["incidents"]
            for r in i["milestones"]
            for top in r["critical_links"]
        )
    )


def test_coverage_draws_the_results_json_curves(warning):
    incident = next(i for i in warning.results["incidents"] if i["warning"])
    figure = coverage_figure(incident, catalogue("en"), 1)
    assert figure.data["minutes"] == incident["warning"]["curve_minutes"]
    assert figure.data["curves"] == {k: dict(v) for k, v in incident["warning"]["curves"].items()}
    assert figure.data["deadline"] == _by_id(incident)["warned:90"]["deadline"]


def test_stock_draws_the_results_json_levels_and_stockouts(supplies):
    stock = {**supplies.results["stock"], "depots": supplies.results["stock"]["depots"][:3]}
    figure = stock_figure(stock, catalogue("zh"), 1)  # three panels keep the test quick
    for drawn, row in zip(figure.data["depots"], stock["depots"], strict=True):
        assert (drawn["mean"], drawn["p10"], drawn["p90"]) == (
            row["level_mean"],
            row["level_p10"],
            row["level_p90"],
        )
        assert drawn["first_stockout_median"] == row["first_stockout_median"]
        assert drawn["stockout_runs"] == row["stockout_runs"]


def test_forest_draws_the_comparison_and_the_change_in_deadline_share(relay_compare):
    figure = forest_figure(relay_compare, catalogue("en"), 1)
    rows = {(r["incident"], r["milestone"]): r for r in figure.data["rows"]}
    for incident in relay_compare["incidents"]:
        for milestone in incident["milestones"]:
            for row in milestone["interventions"]:
                if row["n_pairs"]:
                    drawn = rows[(incident["id"], milestone["id"])]
                    assert drawn["mean_change"] == row["mean_change"]
                    assert drawn["ci95"] == row["mean_change_ci95"]
                    met = row["deadline_met"]
                    if met is None:
                        assert drawn["met_change_points"] is None
                    else:
                        points = 100 * (met["alt_share"] - met["base_share"])
                        assert drawn["met_change_points"] == points
    assert any(r["met_change_points"] for r in figure.data["rows"])
    assert "joint duty command centre" in figure.caption


def test_the_comparisons_deadline_shares_are_the_reference_runs_results_json(relay, relay_compare):
    """The forest plot's deadline panel reads each comparison row's ``deadline_met``; its
    reference share is the reference run's ``deadline_met_share``."""
    compared = {
        (i["id"], m["id"]): m["interventions"][0]
        for i in relay_compare["incidents"]
        for m in i["milestones"]
    }
    for incident in relay.results["incidents"]:
        for row in incident["milestones"]:
            met = compared[(incident["id"], row["id"])]["deadline_met"]
            if row["deadline"] is None:
                assert met is None
            else:
                assert met["base_share"] == pytest.approx(row["deadline_met_share"], abs=1e-12)


def test_sizing_draws_the_curve_given_and_the_chosen_point():
    sizing = {
        "service_level": 0.95,
        "total_cost": 1234.5,
        "rows": [
            {
                "depot": "d",
                "depot_name": "下涧槽社区物资储备点",
                "item": "water",
                "item_name": "饮用水",
                "unit": "L",
                "quantity": 480,
                "service_level": 0.96,
                "cost": 1234.5,
            }
        ],
    }
    curve = [(0.0, 0.0), (240.0, 0.5), (480.0, 0.96), (720.0, 1.0)]
    figure = sizing_figure(sizing, {("d", "water"): curve}, catalogue("zh"), 1)
    assert figure.data["rows"][0]["curve"] == curve
    assert figure.data["rows"][0]["quantity"] == 480
    assert "1,234" in figure.caption and "95%" in figure.caption


def test_same_inputs_give_byte_identical_svg_and_png(relay):
    incident = relay.results["incidents"][0]
    first = delay_figure(incident, catalogue("zh"), 7)
    second = delay_figure(incident, catalogue("zh"), 7)
    assert first.svg == second.svg and first.png == second.png
    assert "<text" in first.svg and "<?xml" not in first.svg
    assert "发现事件" in first.svg  # text stays text (svg.fonttype none)
    assert 'id="delay-flash_flood-7-' in first.svg  # ids are unique per figure on a page


def test_every_post_of_the_graph_has_its_roles_level(relay):
    figure = graph_figure(relay.results, catalogue("en"), 1)
    drawn = {p["post"]: p["level"] for p in figure.data["posts"]}
    assert set(drawn.values()) == {"grid", "community", "township", "district"}
    assert drawn["grid_worker@xiajiancao/grid4"] == "grid"
    assert drawn["community_secretary@xiajiancao"] == "community"


_GRAPH_IN_ANOTHER_PROCESS = """
import hashlib, json, sys
from preparedness.reports.figures.graph import graph_figure
from preparedness.reports.i18n import catalogue
data = json.load(open(sys.argv[1], encoding="utf-8"))
figure = graph_figure(data["results"], catalogue("zh"), 1)
print(hashlib.sha256(figure.svg.encode() + figure.png).hexdigest())
"""


def test_the_graph_is_the_same_under_another_string_hash_seed(relay, tmp_path):
    """networkx groups tiers into sets; a layout built on their order would move with
    PYTHONHASHSEED, so the same inputs must give the same files in another process."""
    figure = graph_figure(relay.results, catalogue("zh"), 1)
    data = tmp_path / "graph.json"
    data.write_text(json.dumps({"results": relay.results}), "utf-8")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": os.pathsep.join(sys.path)}
    other = subprocess.run(
        [sys.executable, "-c", _GRAPH_IN_ANOTHER_PROCESS, str(data)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    assert other.stdout.strip() == hashlib.sha256(figure.svg.encode() + figure.png).hexdigest()


def test_svg_text_names_every_report_font_whatever_this_machine_has(relay_figures_en):
    """Figures are measured in the fonts installed here, but the SVG must offer a reader's
    browser the whole list, so the page is the same whichever machine wrote it."""
    from preparedness.reports.figures.render import DRAWING_FONTS, FONTS

    assert DRAWING_FONTS[0] == FONTS[0] and set(DRAWING_FONTS) <= set(FONTS)
    wanted = ", ".join(repr(name) for name in FONTS)
    for drawn in relay_figures_en.all():
        families = set(re.findall(r'font-family: ([^;"]*)', drawn.svg))
        assert families == {wanted}, drawn.id
