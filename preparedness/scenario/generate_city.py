"""Write a synthetic city-sized scenario: Chengdu's size unless told otherwise.

Chengdu manages 4,351 urban and rural communities, 21.2 million residents, close to 20,000
compounds, 15,329 grid cells and 13,445 full-time grid workers (Xinhua, "Chengdu
exploration" of grid governance, 2019-11-26). In Shenzhen's Longgang district, communities
range from 1,522 residents to over 150,000 (Longgang CPPCC proposal 20200001, 2020). The
generator spreads the city's totals over its communities exactly (largest-remainder
rounding), either equally or, with ``unequal``, with sizes from 1,522 residents up to
150,400 (when the city is large enough; a smaller city's largest community gets at most a
quarter of the residents above the minimum), drawn from a lognormal shape with a seeded
generator so the file is reproducible.

Grid workers are staffed per community through ``staff_per_1000`` so each community's count
is exactly its share; in unequal cities small communities get more workers per 1,000
residents than large ones (shares follow population to the power 0.75), as the Longgang
proposal describes (0.68 to 3.94 per 1,000). The response organisation is the Ningbo phone
relay with siloed police and fire (``ningbo_relay.yaml``); the whole city is the scenario's
one district.

Assumptions a planner should know, stated here and in the file: 2.62 residents per
household (China's 2020 census average); 17 communities per sub-district or township.
The result is text; the command line writes it (only ``reports/`` and ``cli.py`` write files).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["CHENGDU", "CitySize", "city_scenario_text"]

RESIDENTS_PER_HOUSEHOLD = 2.62  # 7th national census (2020), national average
COMMUNITIES_PER_TOWNSHIP = 17  # assumption: about 256 sub-districts/townships for Chengdu
SMALLEST_COMMUNITY = 1522  # Longgang proposal 20200001 (2020): 沙湾社区
LARGEST_COMMUNITY = 150_400  # same proposal: "over 150,000" (横岗六约社区)
WORKER_SHARE_EXPONENT = 0.75  # grid workers per community ~ population^0.75 when unequal


@dataclass(frozen=True)
class CitySize:
    """The totals a city is generated from."""

    communities: int
    grid_cells: int
    grid_workers: int
    compounds: int
    population: int

    def scaled(self, factor: float) -> CitySize:
        """Every total times ``factor`` (at least one per community where one is needed)."""
        if not (factor > 0 and math.isfinite(factor)):
            raise ValueError("the scale must be a positive number")
        if factor == 1:
            return self
        communities = max(1, round(self.communities * factor))
        return CitySize(
            communities,
            max(communities, round(self.grid_cells * factor)),
            max(communities, round(self.grid_workers * factor)),
            max(communities, round(self.compounds * factor)),
            max(communities, round(self.population * factor)),
        )

    def checked(self) -> CitySize:
        """Raise ``ValueError`` unless every community can have at least one of each."""
        for name in ("grid_cells", "grid_workers", "compounds", "population"):
            if getattr(self, name) < self.communities:
                raise ValueError(
                    f"{name.replace('_', ' ')} ({getattr(self, name):,}) must be "
                    f"at least the number of communities ({self.communities:,})"
                )
        return self

    def describe(self) -> str:
        return (
            f"{self.communities:,} communities, {self.population:,} residents, "
            f"{self.grid_cells:,} grid cells, {self.grid_workers:,} grid workers, "
            f"{self.compounds:,} compounds"
        )


CHENGDU = CitySize(
    communities=4351,
    grid_cells=15_329,
    grid_workers=13_445,
    compounds=20_000,
    population=21_200_000,
)


def _apportion(total: int, weights: np.ndarray, minimum: int = 1) -> np.ndarray:
    """Integers >= ``minimum`` summing to ``total``, proportional to ``weights`` (largest
    remainder, ties to the lower index, so the result is deterministic)."""
    n = len(weights)
    spare = total - minimum * n
    if spare < 0:
        raise ValueError(f"cannot give {n:,} communities at least {minimum} of {total:,}")
    exact = weights / weights.sum() * spare
    counts = np.floor(exact).astype(np.int64)
    left = spare - int(counts.sum())
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:left]] += 1
    return counts + minimum


def _populations(size: CitySize, unequal: bool, rng: np.random.Generator) -> np.ndarray:
    n = size.communities
    if not unequal or n == 1:
        return _apportion(size.population, np.ones(n))
    smallest = min(SMALLEST_COMMUNITY, size.population // n)
    spare = size.population - smallest * n
    weights = rng.lognormal(0.0, 1.0, n)
    low, high = int(np.argmin(weights)), int(np.argmax(weights))
    largest = min(LARGEST_COMMUNITY - smallest, spare // 4)
    weights[low] = 0.0
    weights[high] = 0.0
    rest = weights / weights.sum() * (spare - largest) if weights.sum() > 0 else weights
    # No other community may outgrow the largest: cap and spread the excess again.
    for _ in range(50):
        over = rest > largest
        if not over.any():
            break
        excess = float((rest[over] - largest).sum())
        rest[over] = largest
        room = ~over & (weights > 0)
        rest[room] += excess * rest[room] / rest[room].sum()
    rest[high] = largest
    counts = _apportion(spare, np.maximum(rest, 0.0) + 1e-12, minimum=0)
    return counts + smallest


def _ratio(workers: int, population: int) -> float:
    """People per 1,000 residents that the engine turns back into exactly ``workers`` staff
    (it staffs ``ceil(population / 1000 * ratio)``)."""
    ratio = workers * 1000 / population
    while math.ceil(population / 1000 * ratio) > workers:
        ratio = math.nextafter(ratio, 0.0)
    while math.ceil(population / 1000 * ratio) < workers:
        ratio = math.nextafter(ratio, math.inf)
    return ratio


def city_scenario_text(size: CitySize = CHENGDU, *, unequal: bool = False, seed: int = 2) -> str:
    """The scenario file's text for a city of ``size``."""
    size = size.checked()
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    population = _populations(size, unequal, rng)
    cells = _apportion(size.grid_cells, population.astype(float))
    compounds = _apportion(size.compounds, population.astype(float))
    worker_weights = population.astype(float) ** (WORKER_SHARE_EXPONENT if unequal else 1.0)
    workers = _apportion(size.grid_workers, worker_weights)
    households = np.maximum(1, np.round(population / RESIDENTS_PER_HOUSEHOLD)).astype(np.int64)
    n = size.communities
    width = len(str(n))
    townships = math.ceil(n / COMMUNITIES_PER_TOWNSHIP)
    t_width = len(str(townships))
    lines = [
        _header(size, unequal, seed, population, workers),
        "places:",
        "  district: {id: city, name: 蓉城市 (synthetic city)}",
        "  townships:",
    ]
    ids = [f"c{i + 1:0{width}d}" for i in range(n)]
    for t in range(townships):
        lines += [
            f"    - id: t{t + 1:0{t_width}d}",
            f"      name: 第{t + 1}街道",
            "      communities:",
        ]
        for i in range(t * COMMUNITIES_PER_TOWNSHIP, min(n, (t + 1) * COMMUNITIES_PER_TOWNSHIP)):
            ratio = _ratio(int(workers[i]), int(population[i]))
            lines.append(
                f"        - {{id: {ids[i]}, name: 第{i + 1}社区, population: {population[i]}, "
                f"households: {households[i]}, grid_cells: {cells[i]}, "
                f"buildings: {compounds[i]}, staff_per_1000: {{grid_worker: {ratio!r}}}}}"
            )
    order = np.argsort(population, kind="stable")
    largest, smallest, middle = ids[order[-1]], ids[order[0]], ids[order[n // 2]]
    lines.append(
        _ORGANISATION.format(
            default_ratio=repr(round(size.grid_workers * 1000 / size.population, 4)),
            largest=largest,
            smallest=smallest,
            middle=middle,
        )
    )
    return "\n".join(lines)


def _header(size: CitySize, unequal: bool, seed: int, population, workers) -> str:
    ratios = workers / population * 1000
    spread = (
        "equal communities"
        if not unequal
        else (
            f"unequal communities (as in Shenzhen's Longgang), {int(population.min()):,} to "
            f"{int(population.max()):,} residents"
        )
    )
    return f"""# yaml-language-server: $schema=./scenario.schema.json
#
# A synthetic city written by `preparedness generate city` (generator seed {seed}).
# Totals: {size.describe()} (Chengdu, Xinhua 2019, unless other sizes were asked for).
# {spread}; grid workers {ratios.min():.2f} to {ratios.max():.2f} per 1,000 residents.
# Assumed: {RESIDENTS_PER_HOUSEHOLD} residents per household (2020 census average),
# {COMMUNITIES_PER_TOWNSHIP} communities per sub-district. The response organisation is the
# Ningbo phone relay with siloed police and fire (scenarios/ningbo_relay.yaml). The engine
# builds posts only where an incident reaches, so a city this size runs like a township.
name: 蓉城市 — synthetic city, phone relay, siloed departments
description: >
  A synthetic city of {size.population:,} residents in {size.communities:,} communities. One
  night three incidents start in its largest, a middle-sized and its smallest community;
  reports climb by phone from the grid workers to the city's emergency office, police
  and fire act only on orders from their own city bureaus, and every household of the
  three sub-districts must be warned.
start: "2026-07-14T02:10:00+08:00"
seed: 2026071402
horizon: 12h
replications: 20
night: {{from: "22:00", to: "06:00"}}
"""


_ORGANISATION = """
channels:
  - id: duty_line
    kind: phone
    answer_probability: {{day: 0.95, night: 0.85}}
    retry_interval: 1m
    max_attempts: 5
    talk_time: {{lognormal: {{median: 2m, p90: 5m}}}}
    failure_probability: 0.01
  - id: phone
    kind: phone
    answer_probability: {{day: 0.85, night: 0.55}}
    retry_interval: 2m
    max_attempts: 10
    talk_time: {{lognormal: {{median: 1m30s, p90: 4m}}}}
    failure_probability: 0.01
  - id: wechat
    kind: group_message
    read_delay:
      day: {{lognormal: {{median: 4m, p90: 20m}}}}
      night: {{lognormal: {{median: 20m, p90: 2h}}}}
    never_read_share: 0.15
    confirm_within: 30m
  - id: residents_group
    kind: group_message
    read_delay:
      day: {{lognormal: {{median: 12m, p90: 1h30m}}}}
      night: {{lognormal: {{median: 2h, p90: 8h}}}}
    never_read_share: 0.12
    confirm_within: 30m

roles:
  - id: grid_worker
    name: 网格员
    level: grid
    # Each community's own ratio is in its staff_per_1000; this is the city's average.
    per_1000_residents: {default_ratio}
    on_duty: [{{from: "08:00", to: "18:00"}}]
    decision_time: {{lognormal: {{median: 3m, p90: 10m}}}}
    fallback: [phone, wechat]
    # Grid workers knock on the doors of households without smartphones (敲门行动, as in
    # the Beijing Majuqiao case, 2020).
    warns_households:
      door_knocking:
        time_per_household: {{lognormal: {{median: 4m, p90: 8m}}}}
        walk_between_buildings: 3m
        nobody_home: 0.15
  - id: community_secretary
    name: 社区书记
    level: community
    on_duty: [{{from: "08:30", to: "17:30"}}]
    decision_time:
      day: {{lognormal: {{median: 3m, p90: 10m}}}}
      night: {{lognormal: {{median: 6m, p90: 20m}}}}
    fallback: [phone, wechat]
    warns_households: {{group_message: residents_group}}
  - id: township_duty_officer
    name: 街道值班员
    level: township
    decision_time: {{lognormal: {{median: 2m, p90: 6m}}}}
    fallback: [phone]
  - id: township_head
    name: 街道分管领导
    level: township
    on_duty: [{{from: "08:30", to: "17:30"}}]
    decision_time:
      day: {{lognormal: {{median: 5m, p90: 15m}}}}
      night: {{lognormal: {{median: 10m, p90: 30m}}}}
    fallback: [duty_line, phone]
    off_duty: {{answer_factor: 0.9, response_delay: {{lognormal: {{median: 15m, p90: 40m}}}}}}
    authority: {{activate_plans: [flood_plan]}}
  - id: city_emergency_office
    name: 市应急管理局值班室
    level: district
    staff: 4
    decision_time: {{lognormal: {{median: 4m, p90: 12m}}}}
    fallback: [phone]
  - id: city_police_command
    name: 市公安局指挥中心
    level: district
    staff: 4
    decision_time: {{lognormal: {{median: 3m, p90: 10m}}}}
    fallback: [phone]
  - id: police_station
    name: 派出所值班室
    level: township
    decision_time: {{lognormal: {{median: 2m, p90: 6m}}}}
    fallback: [phone]
  - id: city_fire_command
    name: 市消防救援支队指挥中心
    level: district
    staff: 2
    decision_time: {{lognormal: {{median: 2m, p90: 5m}}}}
    fallback: [phone]
  - id: fire_station
    name: 消防站
    level: township
    decision_time: {{lognormal: {{median: 1m, p90: 3m}}}}
    fallback: [phone]

departments:
  - id: police
    name: 派出所 (police)
    chain: [city_police_command, police_station]
    answers_to: city_emergency_office
    channel: duty_line
    report_in_time: {{pert: {{min: 8m, mode: 15m, max: 40m}}}}
  - id: fire
    name: 消防 (fire and rescue)
    chain: [city_fire_command, fire_station]
    answers_to: city_emergency_office
    channel: duty_line
    report_in_time: {{pert: {{min: 5m, mode: 12m, max: 30m}}}}

command:
  mode: siloed_relay
  links:
    - {{from: grid_worker, to: community_secretary, channel: phone}}
    - {{from: community_secretary, to: township_duty_officer, channel: duty_line}}
    - {{from: township_duty_officer, to: township_head, channel: phone}}
    - {{from: township_head, to: city_emergency_office, channel: duty_line}}

plans:
  - id: flood_plan
    name: 防汛应急预案
    category: natural_disaster
    levels: [III, IV]
    report_up_to: district
    notify:
      - {{level: community, within: 20m}}
      - {{level: township, within: 30m}}
      - {{level: district, within: 1h}}
    activate_within: 1h
    departments:
      - {{department: police, ordered_within: 1h, report_in_within: 1h30m}}
      - {{department: fire, ordered_within: 45m, report_in_within: 1h15m}}
    # Every household of the incident's sub-district is warned: by the residents' group,
    # and at the door for those without smartphones (households as cohorts, not processes).
    warn: {{area: township, coverage: 0.9, within: 4h}}

incidents:
  - id: flood_largest
    name: flash flood in the largest community ({largest})
    category: natural_disaster
    level: IV
    start_after: 30m
    community: {largest}
    detected_by: grid_worker
    detection_delay: {{lognormal: {{median: 10m, p90: 30m}}}}
  - id: flood_middle
    name: flash flood in a middle-sized community ({middle})
    category: natural_disaster
    level: IV
    start_after: 40m
    community: {middle}
    detected_by: grid_worker
    detection_delay: {{lognormal: {{median: 10m, p90: 30m}}}}
  - id: landslide_smallest
    name: landslide risk in the smallest community ({smallest})
    category: natural_disaster
    level: IV
    start_after: 1h
    community: {smallest}
    detected_by: grid_worker
    detection_delay: {{lognormal: {{median: 15m, p90: 45m}}}}
"""
