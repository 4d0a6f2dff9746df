"""The run summary at 80 columns: names wrap over two lines at most, ids are never cut, the
title names the variant, and a one-line legend explains p90, CI and Met."""

from __future__ import annotations

from rich.console import Console

from preparedness.reports.console import LEGEND, print_summary


def _row(
    label: str,
    reached: int,
    median: float,
    p90: float,
    mean: float,
    ci: tuple[float, float],
    deadline: float | None,
    met: float | None,
) -> dict:
    return {
        "label": label,
        "n_reached": reached,
        "n_replications": 200,
        "median": median,
        "p90": p90,
        "mean": mean,
        "ci95_mean": ci,
        "deadline": deadline,
        "deadline_met_share": met,
    }


RESULTS = {
    "scenario": {"name": "临江镇 — phone relay"},
    "replications": 200,
    "seed": 7,
    "command_mode": "siloed_relay",
    "variant": {"id": "night_duty_for_secretaries", "name": "night duty for community secretaries"},
    "incidents": [
        {
            "name": "下涧槽社区 flash flood",
            "milestones": [
                _row("Incident detected", 200, 8.0, 27.4, 13.2, (9.1, 18.0), None, None),
                _row(
                    "Report reaches the community", 200, 32.1, 56.0, 36.0, (31.0, 41.0), 20.0, 0.15
                ),
                _row(
                    "Plan '防汛防台应急预案' activated",
                    197,
                    102.0,
                    135.0,
                    106.0,
                    (97.0, 116.0),
                    60.0,
                    0.02,
                ),
                _row(
                    "消防 (fire and rescue) reported in",
                    197,
                    171.0,
                    212.0,
                    165.0,
                    (154.0, 177.0),
                    75.0,
                    0.0,
                ),
                _row(
                    "Every task done (incident under control)",
                    150,
                    402.0,
                    655.0,
                    431.0,
                    (399.0, 470.0),
                    None,
                    None,
                ),
            ],
        }
    ],
}

SNAPSHOT = """\
临江镇 — phone relay — 200 runs, seed 7, siloed relay (each department acts only
on its own chain's order)
下涧槽社区 flash flood — with night duty for community secretaries
(night_duty_for_secretaries)
Milestone                          Reached  Median  p90      Mean (CI)  Due  Met
────────────────────────────────────────────────────────────────────────────────
Incident detected                  200/200     8.0   27    13 (9.1–18)    —    —
Report reaches the community       200/200      32   56     36 (31–41)   20  15%
Plan '防汛防台应急预案' activated  197/200     102  135   106 (97–116)   60   2%
消防 (fire and rescue) reported    197/200     171  212  165 (154–177)   75   0%
in
Every task done (incident under    150/200     402  655  431 (399–470)    —    —
control)
Minutes. p90: 9 of 10 runs within; CI: 95% interval of mean; Met: share by Due
"""


def test_summary_snapshot_at_80_columns() -> None:
    console = Console(width=80, record=True, highlight=False)
    print_summary(console, RESULTS)
    lines = [line.rstrip() for line in console.export_text().splitlines()]
    assert "\n".join(lines) + "\n" == SNAPSHOT
    assert max(len(line) for line in lines) <= 80
    assert lines[-1] == LEGEND
