"""The Markdown report: what a township official reads first, in plain words with uncertainty."""

from __future__ import annotations

from .comparison import comparison_markdown, precision_markdown
from .escape import md_cell
from .text import MODE_WORDS, interval, milestone_sentence, minutes, share, share_interval


def render_markdown(results: dict, manifest: dict) -> str:
    scenario = results["scenario"]
    lines = [
        f"# {md_cell(scenario['name'])}",
        "",
        f"- Scenario file: {md_cell(scenario['file'])} (SHA-256 {scenario['sha256'][:12]}…)",
        f"- Command mode: {MODE_WORDS[results['command_mode']]}",
        f"- Replications: {results['replications']}, root seed {results['seed']}; "
        f"{_observation_words(results)}",
        f"- Written {manifest['finished_at']} by preparedness {manifest['package_version']}",
        "",
        "Times are minutes from the start of each incident. Medians and percentiles are over the "
        "runs that reached the milestone; 'reached' says how many did. Runs that never reached a "
        "milestone count as missing its deadline. Intervals are 95% confidence intervals: "
        "for a mean, Student-t where the runs' times are near-symmetric and otherwise the "
        "bootstrap-t (the hull of the studentised bootstrap and Student-t intervals, which "
        "keeps its coverage on skewed delays); for a median or p90, the distribution-free "
        "order-statistic interval; for a share of runs, Wilson's. A time's interval never "
        "goes below zero, a share's stays within 0–100%.",
        "",
    ]
    lines[5:5] = _variant_lines(results)
    if "precision" in results:
        lines += precision_markdown(results)
    if "comparison" in results:
        lines += comparison_markdown(results)
        lines += [f"The sections below describe {md_cell(_reference_name(results))}.", ""]
    missed = []
    for incident in results["incidents"]:
        lines += _incident_section(incident)
        for row in incident["milestones"]:
            if row["deadline"] is not None and (row["deadline_met_share"] or 0) < 0.9:
                missed.append((incident, row))
    lines += ["## Plan deadlines at risk", ""]
    if not missed:
        lines += ["Every plan deadline was met in at least 90% of runs.", ""]
    for incident, row in missed:
        lines.append(
            f"- **{md_cell(incident['name'])}** — {md_cell(row['label'])}: deadline "
            f"{minutes(row['deadline'])} met in only {share(row['deadline_met_share'])} of runs "
            f"(95% CI {share_interval(row['deadline_met_ci95'])}); "
            f"{md_cell(row['deadline_rule'] or '')}."
        )
    lines += ["", *_stock_section(results), *_people_section(results), *_links_section(results)]
    return "\n".join(lines).rstrip() + "\n"


def _observation_words(results: dict) -> str:
    """How long each incident is watched, on the clock of every figure (its own start)."""
    horizon = results["horizon_minutes"]
    own = [i for i in results["incidents"] if i["observed_minutes"] != horizon]
    unless = "; an incident with its own window says so below" if own else ""
    return (
        f"each incident is observed for {minutes(horizon)} from its own start{unless}, "
        "and a milestone reached later counts as not reached; a run lasts "
        f"{minutes(results['run_minutes'])} from the scenario start, until the last "
        "incident's window ends"
    )


def _incident_timing(incident: dict) -> str:
    """When the incident starts in the run and for how long it is observed."""
    start, observed = incident["start_minutes"], incident["observed_minutes"]
    if start == 0:
        return f"Starts with the run; observed for {minutes(observed)}."
    return (
        f"Starts {minutes(start)} into the run; observed for {minutes(observed)} from its "
        f"start (to minute {start + observed:.0f} of the run)."
    )


def _incident_section(incident: dict) -> list[str]:
    level = f", level {incident['level']}" if incident["level"] else ""
    lines = [
        f"## {md_cell(incident['name'])}",
        "",
        f"{md_cell(incident['category'].replace('_', ' '))}{level}, in "
        f"{md_cell(incident['community_name'])}; plan: {md_cell(incident['plan_name'] or 'none')}. "
        f"{_incident_timing(incident)}",
        "",
    ]
    lines += [f"- {md_cell(milestone_sentence(row))}" for row in incident["milestones"]]
    lines += [
        "",
        "| Milestone | Reached | Median | p90 | p95 | Mean (95% CI) | Deadline | Met (95% CI) |",
        "|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for row in incident["milestones"]:
        met = (
            f"{share(row['deadline_met_share'])} ({share_interval(row['deadline_met_ci95'])})"
            if row["deadline"] is not None
            else "—"
        )
        lines.append(
            f"| {md_cell(row['label'])} | {row['n_reached']}/{row['n_replications']} | "
            f"{minutes(row['median'])} | {minutes(row['p90'])} | {minutes(row['p95'])} | "
            f"{minutes(row['mean'])} ({interval(row['ci95_mean'])}) | "
            f"{minutes(row['deadline'])} | {met} |"
        )
    lines += ["", _methods_line(incident), *_not_reached_lines(incident)]
    return [
        *lines,
        "",
        *_callout_section(incident),
        *_warning_section(incident),
        *_where_time_went(incident),
    ]


_COHORT_WORDS = {
    "smartphone": "smartphone users",
    "without_smartphone": "households without smartphones",
}


def miss_words(row: dict) -> str:
    """One reason a milestone was missed, in words (a ``not_reached`` row of results.json)."""
    reason = row["reason"]
    message = row.get("message") or "message"
    if reason == "message_given_up":
        link = row["link"]
        attempts = f" after {row['detail']}" if row.get("detail") else ""
        return (
            f"the {message} to {link['to_name']} from {link['from_name']} was given up"
            f"{attempts}, with no other channel left"
        )
    if reason == "cohort_unreachable":
        cohort = row["cohort"]
        words = _COHORT_WORDS.get(cohort["cohort"], cohort["cohort"])
        detail = row.get("detail") or "no channel of the warning plan reaches them"
        how = detail if detail.startswith("no channel") else f"they {detail}"
        return (
            f"some {words} of {cohort['community_name']} were beyond every channel of the "
            f"warning plan ({how})"
        )
    if reason == "post_not_ready":
        return f"{row['post']['name']} had the {message} but was {row['detail']} when the run ended"
    if reason == "deadline_after_run":
        return "the deadline falls after the end of the incident's observation window"
    if reason == "not_started":
        return "the incident had not started when the run ended"
    return "its observation window ended first"


def not_reached_sentence(row: dict) -> str | None:
    """ "Not reached in 30 of 100 runs: in 27 ...; in 3 its observation window ended first",
    or None."""
    reasons = row.get("not_reached") or []
    missed = row["n_replications"] - row["n_reached"]
    if missed <= 0 or not reasons:
        return None
    groups: dict[tuple, list[dict]] = {}
    for reason in reasons:  # one clause per link: its rows differ only in how calls failed
        link = reason.get("link") or {}
        key = (
            (
                reason["reason"],
                link.get("from"),
                link.get("to"),
                reason.get("message"),
                link.get("channel"),
            )
            if reason["reason"] == "message_given_up"
            else (id(reason),)
        )
        groups.setdefault(key, []).append(reason)
    parts = []
    for rows in groups.values():
        count = sum(r["count"] for r in rows)
        if len(rows) == 1:
            parts.append(f"in {count} {miss_words(rows[0])}")
            continue
        link = rows[0]["link"]
        how = ", ".join(f"{r['count']} after {r['detail']}" for r in rows)
        parts.append(
            f"in {count} the {rows[0].get('message') or 'message'} to "
            f"{link['to_name']} from {link['from_name']} was given up ({how}), with no "
            "other channel left"
        )
    return (
        f"{row['label']}: not reached in {missed} of {row['n_replications']} runs: "
        f"{'; '.join(parts)}."
    )


def _not_reached_lines(incident: dict) -> list[str]:
    sentences = [not_reached_sentence(row) for row in incident["milestones"]]
    kept = [s for s in sentences if s is not None]
    if not kept:
        return []
    return ["", "Why milestones were not reached:", "", *(f"- {md_cell(s)}" for s in kept)]


_METHOD_WORDS = {
    "student-t": "Student-t",
    "bootstrap-t": "bootstrap-t (skewed times)",
    "percentile-bootstrap": "percentile bootstrap (many tied times)",
    "exact": "exact (every run the same)",
}


def _methods_line(incident: dict) -> str:
    """Which interval each mean in the table has, counted (the method of every row is in
    results.json's ``ci_method``)."""
    counts: dict[str, int] = {}
    for row in incident["milestones"]:
        method = (row.get("ci_method") or {}).get("mean")
        if method is not None:
            counts[method] = counts.get(method, 0) + 1
    if not counts:
        return "Intervals of the mean: none (fewer than 2 runs reached any milestone)."
    parts = ", ".join(
        f"{_METHOD_WORDS.get(method, method)} for {count} milestone{'s' if count != 1 else ''}"
        for method, count in counts.items()
    )
    return (
        f"Intervals of the mean: {parts}; medians and p90s: order statistics; "
        "deadline shares: Wilson."
    )


def _callout_section(incident: dict) -> list[str]:
    callout = incident.get("callout")
    if not callout:
        return []
    return [
        "### Call-out",
        "",
        f"{callout['roster']} people on the roster. Share reached by the end of the run: "
        f"mean {share(callout['reached_share_mean'])} (95% CI "
        f"{share_interval(callout['reached_share_ci95'])}), median "
        f"{share(callout['reached_share_median'])}, 10th percentile "
        f"{share(callout['reached_share_p10'])}, lowest {share(callout['reached_share_min'])}; "
        f"everyone reached in {share(callout['all_reached_share'])} of runs. When the last "
        "call was made and when 50/90/100% were reached are the call-out milestones above.",
        "",
    ]


def _warning_section(incident: dict) -> list[str]:
    warning = incident.get("warning")
    if not warning:
        return []
    lines = ["### Warning every household", ""]
    total = sum(c["households"] for c in warning["cohorts"].values())
    lines.append(f"{total:,} households in the warning area.")
    for cohort, row in warning["cohorts"].items():
        words = (
            "smartphone users"
            if cohort == "smartphone"
            else ("households without smartphones (reached only at their door)")
        )
        lines.append(
            f"- {words}: {row['households']:,} households; never warned before the run ended: "
            f"{row['never_reached_mean']:.0f} on average (95% CI "
            f"{interval(row['never_reached_ci95'])})."
        )
    return [*lines, "", "The coverage curve over time is in coverage.csv.", ""]


def _where_time_went(incident: dict) -> list[str]:
    """The delay split of every milestone that has one, in sentences: the reporting chain,
    and also teams on scene, depots opened, supplies delivered, departments reported in and
    the joint centre, whose delays (muster, travel, the keeper) are as actionable."""
    rows = [row for row in incident["milestones"] if row["delay_split"]]
    if not rows:
        return []
    lines = [
        "### Where the time went",
        "",
        "Each milestone's critical path walked back to the incident's start and split into "
        "causes; means over the runs that reached it, with 95% confidence intervals.",
        "",
    ]
    for row in rows:
        parts = ", ".join(
            f"{share(part['share_of_latency'])} {md_cell(part['label'])} "
            f"({minutes(part['mean'])}, {interval(part['ci95_mean'])})"
            for part in row["delay_split"][:4]
        )
        lines.append(f"- **{md_cell(row['label'])}** (mean {minutes(row['mean'])}): {parts}.")
        people = "; ".join(
            f"{md_cell(p['name'])} on the path in {share(p['on_path_share'])} of runs, "
            f"{minutes(p['mean_minutes'])} on average"
            for p in row["critical_people"][:3]
        )
        if people:
            lines.append(f"  Who: {people}.")
    return [*lines, ""]


def _stock_section(results: dict) -> list[str]:
    """Did each depot run out, when, and by how much; what the incidents still lacked."""
    stock = results.get("stock")
    if not stock:
        return []
    lines = [
        "## Stockpiles",
        "",
        "Each depot's holding of each item against what was asked of it (its own community's "
        "needs, and what it sent on to the communities it resupplies), over "
        f"{stock['replications']} runs. A depot has *run out* when it was open, its stock "
        "was gone and the next delivery had not come. Stock levels over time are in "
        "stock.csv.",
        "",
        "| Depot | Item | Usable at the start | Asked of it (mean) | Ran out in (95% CI) | "
        "First ran out (median) | Short by (mean, 95% CI) | Expired or expiring |",
        "|---|---|---:|---:|---|---:|---|---:|",
    ]
    for row in stock["depots"]:
        if row["presented_mean"] <= 0 and row["initial"] <= 0:
            continue
        ran_out = 1.0 - row["no_stockout_share"]
        bounds = row["no_stockout_ci95"]
        ci = f"{share(1.0 - bounds[1])}–{share(1.0 - bounds[0])}" if bounds else "—"
        unit = md_cell(row["unit"])
        first = _hours(row["first_stockout_median"]) if row["stockout_runs"] else "—"
        expiring = row["expiring_within_horizon"] + row["expired_at_start"]
        usable = row["initial"] - row["expired_at_start"]
        lines.append(
            f"| {md_cell(row['depot_name'])} | {md_cell(row['item_name'])} | "
            f"{usable:,.0f} {unit} | {row['presented_mean']:,.0f} {unit} | "
            f"{share(ran_out)} ({ci}) | {first} | {row['shortfall_mean']:,.0f} {unit} "
            f"({interval(row['shortfall_ci95'])}) | {expiring:,.0f} {unit} |"
        )
    lines += [
        "",
        "'First ran out' is counted from the scenario's start, over the runs that ran out; "
        "'expired or expiring' counts stock past its shelf life at the start or during the "
        "run (the size-stockpiles rotation plan says what to replace when). "
        "To size the holdings for a service level, run "
        "`preparedness size-stockpiles` on this scenario.",
        "",
    ]
    short = [row for row in stock["supplies"] if row["unmet_runs"]]
    if short:
        lines += ["Still lacking when the run ended:", ""]
        for row in short:
            lines.append(
                f"- {md_cell(row['incident'])}, {md_cell(row['item_name'])}: "
                f"{row['unmet_mean']:,.0f} {md_cell(row['unit'])} on average "
                f"(95% CI {interval(row['unmet_ci95'])}) of "
                f"{row['demand_mean']:,.0f} needed; short in {row['unmet_runs']} of "
                f"{row['n_replications']} runs."
            )
        lines.append("")
    return lines


def _hours(value: float | None) -> str:
    """Long spans in hours, short ones in minutes (stock lasts hours or days)."""
    if value is None:
        return "—"
    return minutes(value) if value < 180 else f"{value / 60:.1f} h"


def _people_section(results: dict) -> list[str]:
    lines = [
        "## Who is busiest",
        "",
        "Share of the run each post spent on calls and decisions (all incidents together), "
        "calls made or answered, and minutes callers spent on hold waiting for them; "
        "means per run.",
        "",
        "| Post | Staff | Busy (95% CI) | Calls | Callers on hold |",
        "|---|---:|---|---:|---:|",
    ]
    for row in results["people"][:12]:
        lines.append(
            f"| {md_cell(row['name'])} | {row['staff']} | {share(row['utilisation_mean'])} "
            f"({share_interval(row['utilisation_ci95'])}) | {row['calls_mean']:.1f} | "
            f"{minutes(row['time_held_mean'])} |"
        )
    return [*lines, ""]


def _links_section(results: dict) -> list[str]:
    rows = [
        row for row in results["links"] if row["failures_mean"] > 0 or row.get("given_up_mean")
    ][:12]
    lines = ["## Links where calls fail", ""]
    if not rows:
        return [*lines, "No attempt failed on any link.", ""]
    lines += [
        "Attempts that went unanswered, found the line busy, or were lost, per run; 'given "
        "up' counts messages the sender gave up on after every channel failed (the channel "
        "is the last one tried).",
        "",
        "| From | To | Channel | Attempts | Failed | Failed share | Given up |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {md_cell(row['from_name'])} | {md_cell(row['to_name'])} | "
            f"{md_cell(row['channel'])} | {row['attempts_mean']:.2f} | "
            f"{row['failures_mean']:.2f} | {share(row['failure_share'])} | "
            f"{row.get('given_up_mean', 0.0):.2f} |"
        )
    return [*lines, ""]


def _reference_name(results: dict) -> str:
    comparison = results["comparison"]
    names = {variant["id"]: variant["name"] for variant in comparison["variants"]}
    return names[comparison["reference"]]


def _variant_lines(results: dict) -> list[str]:
    """Which intervention a run applied, or which variants it compared (issue 4)."""
    if "comparison" in results:
        # Plain escaped text, not code spans: a backslash escape shows literally inside `...`.
        ids = ", ".join(md_cell(v["id"]) for v in results["comparison"]["variants"])
        reference = md_cell(results["comparison"]["reference"])
        return [f"- Variants compared: {ids} (each against {reference})"]
    variant = results.get("variant")
    if variant and variant["id"] != "base":
        return [f"- With intervention {md_cell(variant['id'])}: {md_cell(variant['name'])}"]
    return []
