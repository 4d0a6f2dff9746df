"""report.md gives the delay split of every milestone that has one, not only the reporting
chain: teams on scene, depots opened, supplies delivered, departments reported in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import preparedness as pp
from tests import builders as b


def test_every_milestone_with_a_delay_split_gets_its_sentence(tmp_path: Path) -> None:
    data = b.minimal_scenario()
    b.add_team(data, task={"name": "wall", "duration": "1h", "size": 60, "unit": "m"})
    b.add_depots(data)
    path = tmp_path / "supplies.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")

    folder = pp.write_report(pp.run_experiment(path, replications=2, workers=0), tmp_path)
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    report = (folder / "report.md").read_text(encoding="utf-8")
    section = report[report.index("### Where the time went") :]
    explained = set(re.findall(r"^- \*\*(.+?)\*\* \(mean", section, flags=re.MULTILINE))

    with_split = {m["label"] for m in results["incidents"][0]["milestones"] if m["delay_split"]}
    kinds = {m["id"].split(":")[0] for m in results["incidents"][0]["milestones"]}
    assert {"on_scene", "depot_opened", "supplied", "reported_in"} <= kinds
    assert with_split == explained
    for label in ("Team volunteers", "Community depot", "reported in"):
        assert any(label in line for line in explained), (label, explained)
