"""Stockpile sizing of a township with 10 depots and 8 items, on 2 workers.

The township is built here in code from the Ningbo flood scenario's organisation
(``scenarios/ningbo_flood_supplies.yaml``: its roles, channels, plan and teams): one
township depot and nine community depots, eight items, and nine incidents, one in each
community, so every item has demand: per affected person per day (at every depot), per
responder per shift or per metre of flood wall (where the volunteer team works). It is
validated like a loaded file. Each repeat collects the replications' supply frames on a
2-worker process pool (``collect_frames``, as ``size-stockpiles`` does) and sizes every
depot and item (``size_stockpiles``); with ``--check`` it also re-simulates the
recommendation on as many new replications (timed apart, not part of the target). Prints
the median wall time of each phase and of the total. Target: under 60 s on 2
cores.

    python bench/sizing.py [--replications 200] [--repeats 3] [--check]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

from _common import SCENARIOS, load_note, spread, wait_for_quiet

from preparedness.experiment.executor import PoolExecutor
from preparedness.planning.stock_runs import collect_frames, resimulate
from preparedness.planning.stockpiles import size_stockpiles
from preparedness.scenario.crosscheck import cross_check
from preparedness.scenario.models import Scenario
from preparedness.scenario.yaml_source import read_yaml

WORKERS = 2
TARGET_SECONDS = 60.0
SERVICE_LEVEL = 0.95

#: The six new communities: id, name, population, (x_km, y_km).
NEW_COMMUNITIES = [
    ("beihe", "北河社区", 6400, (3.0, 4.5)),
    ("dongpo", "东坡村", 2900, (7.5, 2.0)),
    ("xiyuan", "西苑社区", 9100, (-4.0, -1.0)),
    ("liushu", "柳树村", 2100, (-6.5, 3.5)),
    ("qiaotou", "桥头社区", 5600, (1.5, -5.0)),
    ("shanxia", "山下村", 1800, (9.0, -6.0)),
]
#: Floods added to the reference's two incidents: community, start after, people affected.
NEW_INCIDENTS = [
    ("beihe", "1h30m", 400),
    ("xiyuan", "2h", 700),
    ("qiaotou", "3h", 300),
    ("dongpo", "4h", 200),
    ("liushu", "5h", 150),
    ("shanxia", "6h", 120),
    ("nantang", "8h", 500),
]
NEW_ITEMS = [
    {
        "id": "washing_water",
        "name": "生活用水 water for washing",
        "unit": "L",
        "unit_cost": 0.4,
        "pack_size": 1000,
    },
    {
        "id": "hygiene_kit",
        "name": "卫生包 hygiene kit",
        "unit": "kit",
        "unit_cost": 25.0,
        "pack_size": 20,
        "shelf_life": "730d",
    },
    {
        "id": "masks",
        "name": "口罩 masks",
        "unit": "piece",
        "unit_cost": 0.8,
        "pack_size": 50,
        "shelf_life": "1095d",
    },
    {"id": "gloves", "name": "手套 work gloves", "unit": "pair", "unit_cost": 6.0, "pack_size": 12},
    {
        "id": "tarpaulins",
        "name": "篷布 tarpaulins",
        "unit": "sheet",
        "unit_cost": 45.0,
        "pack_size": 5,
    },
]
NEW_SUPPLIES = [
    {"item": "washing_water", "per_person_per_day": "sphere_water"},
    {"item": "hygiene_kit", "per_person_per_day": 0.2},
    {"item": "masks", "per_responder_per_shift": 2, "shift": "8h"},
    {"item": "gloves", "per_responder_per_shift": 1, "shift": "12h"},
    {"item": "tarpaulins", "per_task_unit": 0.2},
]


def township() -> Scenario:
    """The synthetic township, validated (models, then every cross-check)."""
    data = copy.deepcopy(read_yaml(SCENARIOS / "ningbo_flood_supplies.yaml").data)
    data["name"] = "bench township: 10 depots, 8 items"
    communities = data["places"]["townships"][0]["communities"]
    roads = data["travel"]["roads"]
    template = next(d for d in data["depots"] if d["level"] == "community")
    for cid, name, population, (x, y) in NEW_COMMUNITIES:
        communities.append(
            {
                "id": cid,
                "name": name,
                "population": population,
                "households": population // 3,
                "share_elderly": 0.2,
                "share_without_smartphone": 0.15,
                "grid_cells": max(1, population // 700),
                "buildings": population // 40,
                "location": {"x_km": x, "y_km": y},
            }
        )
        roads.append(
            {"from": "linjiang", "to": cid, "length_km": round(1.3 * (x * x + y * y) ** 0.5, 1)}
        )
        roads.append({"from": f"{cid}_depot", "to": cid, "time": "2m"})
        depot = copy.deepcopy(template)
        depot.update({"id": f"{cid}_depot", "name": f"{name}物资储备点", "place": cid, "stock": []})
        data["depots"].append(depot)
    flood = data["incidents"][0]
    for cid, after, people in NEW_INCIDENTS:
        incident = copy.deepcopy(flood)
        incident.update(
            {
                "id": f"flood_{cid}",
                "name": f"{cid} flood",
                "community": cid,
                "start_after": after,
                "cuts_roads": [],
                "affected": {"people": people, "growth_per_hour": 0.05, "max_people": people * 3},
            }
        )
        data["incidents"].append(incident)
    data["items"] += NEW_ITEMS
    data["plans"][0]["supplies"] += NEW_SUPPLIES
    scenario = Scenario.model_validate(data)
    problems = cross_check(scenario)
    if problems:
        raise SystemExit(f"the bench township does not validate: {problems}")
    return scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--replications", type=int, default=None, help="default: the scenario's (200)"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--check", action="store_true", help="also time the re-simulation of the recommendation"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for the machine to be 90%% idle",
    )
    args = parser.parse_args()
    scenario = township()
    n = args.replications or scenario.replications
    items = {rule.item for plan in scenario.plans for rule in plan.supplies}
    print(
        f"{scenario.name}: {len(scenario.depots)} depots x {len(items)} items, "
        f"{len(scenario.incidents)} incidents, {n} replications, service level "
        f"{SERVICE_LEVEL}; median of {args.repeats} runs on {WORKERS} workers; "
        f"{load_note()}; {wait_for_quiet(args.wait_quiet)}"
    )
    phases: dict[str, list[float]] = {"simulate": [], "size": [], "total": []}
    if args.check:
        phases["check"] = []
    with PoolExecutor(WORKERS) as pool:
        pool.start()
        for _ in range(args.repeats):
            started = time.perf_counter()
            frames = collect_frames(scenario, n, scenario.seed, pool)
            simulated = time.perf_counter()
            sizing = size_stockpiles(scenario, frames, SERVICE_LEVEL)
            sized = time.perf_counter()
            phases["simulate"].append(simulated - started)
            phases["size"].append(sized - simulated)
            phases["total"].append(sized - started)
            if args.check:
                checked = resimulate(scenario, sizing, n, scenario.seed, pool)
                phases["check"].append(time.perf_counter() - sized)
    for phase, times in phases.items():
        print(f"  {phase + ':':10s}{statistics.median(times):7.2f} s (runs {spread(times)})")
    total = statistics.median(phases["total"])
    verdict = "met" if total < TARGET_SECONDS else f"MISSED by {total / TARGET_SECONDS:.1f}x"
    reachable = sum(row.reachable for row in sizing.rows)
    held = sum(row.quantity > 0 for row in sizing.rows)
    print(
        f"  {len(sizing.rows)} depot-item rows ({reachable} reachable, {held} to hold), "
        f"total cost {sizing.total_cost:,.2f} yuan"
    )
    if args.check:
        met = sum(row.meets_target for row in checked)
        print(f"  re-simulated: {met} of {len(checked)} rows meet the target within their CI")
    print(
        f"target: sizing (simulate + size) under {TARGET_SECONDS:.0f} s on {WORKERS} cores: "
        f"{verdict}"
    )


if __name__ == "__main__":
    main()
