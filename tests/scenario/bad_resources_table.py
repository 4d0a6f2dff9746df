"""Bad teams, roads, items and depots: the exact, located diagnostics of each fixture.

Each file in ``bad/resources/`` is ``bad/resources/_valid_resources.yaml`` (the minimal
scenario of ``bad/`` with two communities, teams, roads, items and depots) with one defect.
The table holds the exact lines ``python -m preparedness validate`` prints for each, after
the file name; ``test_bad_scenarios.py`` checks it exactly as it checks its own table.
"""

from __future__ import annotations

from pathlib import Path

BAD = Path(__file__).resolve().parent / "bad" / "resources"
SHOWN_DIR = "tests/scenario/bad/resources"
VALID = BAD / "_valid_resources.yaml"

NAMED_ON_MAP = "places, depots and teams are named on the road map by id, so choose another"

#: fixture name -> the exact diagnostics, after `tests/scenario/bad/resources/<name>.yaml:`.
EXPECTED: dict[str, list[str]] = {
    # ---- ids
    "duplicate_team_id": ["108:9: teams[1].id: team id 'volunteers' is already used by teams[0]"],
    "duplicate_item_id": ["121:10: items[3].id: item id 'water' is already used by items[1]"],
    "duplicate_depot_id": [
        "133:9: depots[1].id: depot id 'linjiang_depot' is already used by depots[0]"
    ],
    "depot_id_is_place_id": [
        "122:9: depots[0].id: depot id 'linjiang' is already used by places.townships[0]; "
        + NAMED_ON_MAP
    ],
    "team_id_is_place_id": [
        "108:9: teams[1].id: team id 'shiqiao' is already used by "
        "places.townships[0].communities[1]; " + NAMED_ON_MAP
    ],
    # ---- teams
    "team_base_unknown": [
        "101:11: teams[0].base: no community, township or district has id 'xiajiancoa'; "
        "did you mean 'xiajiancao'?"
    ],
    "team_base_is_depot": [
        "111:11: teams[1].base: no community, township or district has id 'linjiang_depot'; "
        "did you mean 'linjiang'? (a team gathers at a place, not at a depot)"
    ],
    "team_leader_unknown": [
        "102:13: teams[0].leader: no role has id 'volunteer_captian'; "
        "did you mean 'volunteer_captain'?"
    ],
    "team_activated_by_unknown": [
        "103:35: teams[0].activated_by[1]: no role has id 'community_secretry'; "
        "did you mean 'community_secretary'?"
    ],
    "team_channel_unknown": ["114:14: teams[1].channel: no channel has id 'radio'"],
    "team_calls_unknown_team": [
        "107:31: teams[0].levels[1].teams[0]: no team has id 'resuce'; did you mean 'rescue'?"
    ],
    "team_calls_itself": [
        "107:31: teams[0].levels[1].teams[0]: team 'volunteers' cannot call itself out"
    ],
    "team_call_cycle": [
        "107:31: teams[0].levels[1].teams[0]: teams call each other out in a circle: "
        "volunteers -> rescue -> volunteers"
    ],
    "team_leader_at_grid_level": [
        "102:13: teams[0].leader: leader must be a community, township or district role; "
        "'grid_worker' is a grid role"
    ],
    "team_leader_below_base": [
        "112:13: teams[1].leader: 'volunteer_captain' is a community role, with no post at "
        "township 'linjiang'; the leader of a team based there must be a township or "
        "district role"
    ],
    # ---- plans
    "plan_team_unknown": [
        "72:15: plans[0].teams[0].team: no team has id 'volunters'; did you mean 'volunteers'?"
    ],
    "plan_team_level_too_high": [
        "73:16: plans[0].teams[0].level: team 'volunteers' has 2 mobilisation levels; "
        "level must be at most 2"
    ],
    "supply_item_unknown": [
        "77:16: plans[0].supplies[1].item: no item has id 'watr'; did you mean 'water'?"
    ],
    "standard_needs_contains": [
        "78:46: plans[0].supplies[2].per_person_per_day: 'sphere_food' counts kcal "
        "(2100 kcal per person per day), but item 'food_kit' is counted in kit; say what one "
        "kit holds: give the item 'contains: {amount: 2100, of: kcal}' with its own amount"
    ],
    "per_task_unit_without_task": [
        "75:41: plans[0].supplies[0].per_task_unit: per_task_unit needs a team task to count "
        "units of, but none of this plan's teams has a 'task'; give one a task or use another "
        "rule"
    ],
    "item_supplied_twice": [
        "79:16: plans[0].supplies[3].item: item 'water' already has a rule in this plan "
        "(supplies[1]); give each item one rule"
    ],
    # ---- incidents
    "affected_cap_below_people": [
        "86:41: incidents[0].affected.max_people: max_people (500) cannot be below people (600)"
    ],
    "affected_cap_above_population": [
        "86:41: incidents[0].affected.max_people: max_people (9,000) cannot exceed the "
        "population of 'xiajiancao' (8,200)"
    ],
    "affected_above_population": [
        "86:24: incidents[0].affected.people: 9,000 people cannot be affected in 'xiajiancao', "
        "which has 8,200 residents"
    ],
    "incident_without_affected": [
        "80:5: incidents[0].affected: plan 'flood_plan' hands out supplies per person per day; "
        "say how many people this incident affects, e.g. 'affected: {people: 300}'"
    ],
    "cut_unknown_road": [
        "88:9: incidents[0].cuts_roads[0]: no road runs from 'linjiang' to 'underpas'; "
        "a cut must name a road in travel.roads"
    ],
    "cut_one_way_reversed": [
        "88:9: incidents[0].cuts_roads[0]: the road from 'shiqiao' to 'xiajiancao' is one way; "
        "cut it from 'shiqiao' to 'xiajiancao'"
    ],
    # ---- depots
    "depot_place_unknown": [
        "136:12: depots[1].place: no community has id 'xiajiancoa'; did you mean 'xiajiancao'?"
    ],
    "depot_place_wrong_level": [
        "136:12: depots[1].place: 'linjiang' is a township, but this is a community depot; "
        "give a community id, or make it a township depot (level: township)"
    ],
    "two_depots_one_place": [
        "145:12: depots[2].place: there is already a community depot at 'xiajiancao' "
        "(depots[1]); put this stock in that one"
    ],
    "keeper_unknown": [
        "126:15: depots[0].keepers[0]: no role has id 'township_keper'; "
        "did you mean 'township_keeper'?"
    ],
    "keeper_below_depot_level": [
        "126:15: depots[0].keepers[0]: 'community_secretary' is a community role, with no post "
        "at township 'linjiang'; a township depot's keeper must be a township or district role"
    ],
    "keeper_grid_role": [
        "137:15: depots[1].keepers[0]: 'grid_worker' is a grid role, with no post at community "
        "'xiajiancao'; a community depot's keeper must be a community, township or district "
        "role"
    ],
    "release_by_below_level": [
        "128:17: depots[0].release_by: 'community_secretary' is a community role, with no post "
        "at township 'linjiang'; a township depot's release authority must be a township or "
        "district role"
    ],
    "keeper_channel_unknown": ["138:21: depots[1].keeper_channel: no channel has id 'radio'"],
    "supplied_by_unknown": [
        "139:18: depots[1].supplied_by: no depot has id 'linjiang_dept'; "
        "did you mean 'linjiang_depot'?"
    ],
    "supplied_by_lower_level": [
        "129:18: depots[0].supplied_by: 'xiajiancao_depot' is a community depot; a township "
        "depot is resupplied from a higher level: name a district depot"
    ],
    "supplied_by_itself": [
        "139:18: depots[1].supplied_by: depot 'xiajiancao_depot' cannot resupply itself"
    ],
    "restock_with_parent": [
        "139:24: depots[1].restock_lead_time: depot 'xiajiancao_depot' is resupplied by "
        "'linjiang_depot', so it does not restock on its own; remove restock_lead_time "
        "(or give it to 'linjiang_depot', which nobody resupplies)"
    ],
    "lot_item_unknown": [
        "140:16: depots[1].stock[0].item: no item has id 'food_kits'; did you mean 'food_kit'?"
    ],
    "stocked_in_future": [
        "140:53: depots[1].stock[0].stocked_on: stocked on 2026-08-01, after the scenario "
        "starts (2026-07-14); give the date the stock came in"
    ],
    # ---- roads
    "depot_not_on_road": [
        "132:9: depots[1].id: depot 'xiajiancao_depot' is not on any road; add a road from it"
    ],
    # One misspelt road end leaves both the incident's community and the team's base off
    # the map; the message points at the likely typo.
    "road_end_typo": [
        "84:16: incidents[0].community: community 'xiajiancao' is not on any road; add a road "
        "from it (a road ends at 'xiajiancoa': a typo?)",
        "101:11: teams[0].base: base 'xiajiancao' is not on any road; add a road from it "
        "(a road ends at 'xiajiancoa': a typo?)",
    ],
    "road_graph_with_roads": [
        "90:15: travel.road_graph: give roads inline or in road_graph, not both"
    ],
    "road_graph_missing": [
        "90:15: travel.road_graph: cannot read road graph 'roads.graphml': no such file"
    ],
    "road_graph_outside_folder": [
        "90:15: travel.road_graph: road graph '../roads.graphml' is outside the scenario "
        "file's folder; keep it in that folder or below it"
    ],
    "road_graph_absolute_path": [
        "90:15: travel.road_graph: give the road graph's path relative to the scenario file's "
        "folder, not as an absolute path"
    ],
}
