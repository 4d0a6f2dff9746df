"""The Markdown report: what a township official reads first, in plain words with uncertainty."""

from __future__ import annotations

from .comparison import comparison_markdown, precision_markdown
from .escape import md_cell
from .i18n import Catalogue, catalogue, translate
from .missed_words import attempts_words, cohort_how_words, message_words, post_state_words
from .post_names import localise_posts
from .text import interval, milestone_sentence, milestone_words, minutes, share, share_interval


def render_markdown(results: dict, manifest: dict, lang: str = "en") -> str:
    """report.md in ``lang``: every word from the catalogue, names as the scenario writes them."""
    cat = catalogue(lang)
    results = localise_posts(results, cat)
    scenario = results["scenario"]
    lines = [
        f"# {md_cell(scenario['name'])}",
        "",
        cat("md.file", file=md_cell(scenario["file"]), sha=scenario["sha256"][:12]),
        cat("md.mode", mode=cat(f"mode.{results['command_mode']}")),
        cat(
            "md.replications",
            replications=str(results["replications"]),
            seed=str(results["seed"]),
            rest=_observation_words(results, cat),
        ),
        cat(
            "md.written",
            finished=manifest["finished_at"],
            version=manifest["package_version"],
        ),
        "",
        cat("md.read_intro"),
        "",
    ]
    lines[5:5] = _variant_lines(results, cat)
    if "precision" in results:
        lines += precision_markdown(results, lang)
    if "comparison" in results:
        lines += comparison_markdown(results, lang)
        lines += [cat("md.sections_describe", name=md_cell(_reference_name(results, cat))), ""]
    missed = []
    for incident in results["incidents"]:
        lines += _incident_section(incident, cat)
        for row in incident["milestones"]:
            if row["deadline"] is not None and (row["deadline_met_share"] or 0) < 0.9:
                missed.append((incident, row))
    lines += [cat("md.at_risk_heading"), ""]
    if not missed:
        lines += [cat("md.at_risk_none"), ""]
    for incident, row in missed:
        lines.append(
            cat(
                "md.at_risk",
                incident=md_cell(incident["name"]),
                label=md_cell(milestone_words(row, cat)),
                deadline=minutes(row["deadline"], cat),
                share=share(row["deadline_met_share"]),
                ci=share_interval(row["deadline_met_ci95"]),
                rule=md_cell(_rule_words(incident, row, cat)),
            )
        )
    lines += [
        "",
        *_stock_section(results, cat),
        *_people_section(results, cat),
        *_links_section(results, cat),
    ]
    return "\n".join(lines).rstrip() + "\n"


def _observation_words(results: dict, cat: Catalogue) -> str:
    """How long each incident is watched, on the clock of every figure (its own start)."""
    horizon = results["horizon_minutes"]
    own = [i for i in results["incidents"] if i["observed_minutes"] != horizon]
    return cat(
        "md.observed",
        horizon=minutes(horizon, cat),
        unless=cat("md.observed_own") if own else "",
        run=minutes(results["run_minutes"], cat),
    )


def _incident_timing(incident: dict, cat: Catalogue) -> str:
    """When the incident starts in the run and for how long it is observed."""
    start, observed = incident["start_minutes"], incident["observed_minutes"]
    if start == 0:
        return cat("md.starts_with_run", observed=minutes(observed, cat))
    return cat(
        "md.starts_into_run",
        start=minutes(start, cat),
        observed=minutes(observed, cat),
        end=f"{start + observed:.0f}",
    )


def _rule_words(incident: dict, row: dict, cat: Catalogue) -> str:
    """Which plan rule sets a deadline: results.json words it in English; other languages
    name the plan instead."""
    if cat.lang == "en":
        return row["deadline_rule"] or ""
    return cat("md.deadline_rule", plan=incident["plan_name"] or cat("md.plan_none"))


def _cause_words(part: dict, cat: Catalogue) -> str:
    """A cause of delay: results.json's English label, or the catalogue's words for it."""
    return part["label"] if cat.lang == "en" else cat(f"cause.{part['cause']}")


def _incident_section(incident: dict, cat: Catalogue) -> list[str]:
    level = cat("md.level", level=incident["level"]) if incident["level"] else ""
    lines = [
        f"## {md_cell(incident['name'])}",
        "",
        cat(
            "md.incident_meta",
            category=md_cell(cat(f"category.{incident['category']}")),
            level=level,
            community=md_cell(incident["community_name"]),
            plan=md_cell(incident["plan_name"] or cat("md.plan_none")),
            timing=_incident_timing(incident, cat),
        ),
        "",
    ]
    lines += [f"- {md_cell(milestone_sentence(row, cat))}" for row in incident["milestones"]]
    lines += [
        "",
        cat("md.table_head"),
        "|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for row in incident["milestones"]:
        met = (
            f"{share(row['deadline_met_share'])} ({share_interval(row['deadline_met_ci95'])})"
            if row["deadline"] is not None
            else "—"
        )
        lines.append(
            f"| {md_cell(milestone_words(row, cat))} | "
            f"{row['n_reached']}/{row['n_replications']} | "
            f"{minutes(row['median'], cat)} | {minutes(row['p90'], cat)} | "
            f"{minutes(row['p95'], cat)} | "
            f"{minutes(row['mean'], cat)} ({interval(row['ci95_mean'])}) | "
            f"{minutes(row['deadline'], cat)} | {met} |"
        )
    lines += ["", _methods_line(incident, cat), *_not_reached_lines(incident, cat)]
    return [
        *lines,
        "",
        *_callout_section(incident, cat),
        *_warning_section(incident, cat),
        *_where_time_went(incident, cat),
    ]


def miss_words(row: dict, cat: Catalogue | None = None) -> str:
    """One reason a milestone was missed, in words (a ``not_reached`` row of results.json)."""
    cat = cat or catalogue("en")
    reason = row["reason"]
    message = message_words(row["message"], cat) if row.get("message") else cat("md.message")
    if reason == "message_given_up":
        link = row["link"]
        attempts = (
            cat("md.miss_attempts", detail=attempts_words(row["detail"], cat))
            if row.get("detail")
            else ""
        )
        return cat(
            "md.miss_given_up",
            message=message,
            receiver=link["to_name"],
            sender=link["from_name"],
            attempts=attempts,
        )
    if reason == "cohort_unreachable":
        cohort = row["cohort"]
        known = cohort["cohort"] in ("smartphone", "without_smartphone")
        words = cat(f"cohort.{cohort['cohort']}") if known else cohort["cohort"]
        detail = row.get("detail")
        # analysis/missed words the one case no channel covers exactly as the catalogue does
        if not detail or detail == translate("en", "md.miss_no_channel"):
            how = cat("md.miss_no_channel")
        else:
            how = cat("md.miss_they", detail=cohort_how_words(detail, cat))
        return cat("md.miss_cohort", cohort=words, community=cohort["community_name"], how=how)
    if reason == "post_not_ready":
        return cat(
            "md.miss_post",
            post=row["post"]["name"],
            message=message,
            detail=post_state_words(row["detail"], cat),
        )
    if reason == "deadline_after_run":
        return cat("md.miss_deadline_after_run")
    if reason == "not_started":
        return cat("md.miss_not_started")
    return cat("md.miss_run_ended")


def not_reached_sentence(row: dict, cat: Catalogue | None = None) -> str | None:
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
    cat = cat or catalogue("en")
    parts = []
    for rows in groups.values():
        count = sum(r["count"] for r in rows)
        if len(rows) == 1:
            parts.append(cat("md.miss_in", count=str(count), words=miss_words(rows[0], cat)))
            continue
        link = rows[0]["link"]
        how = cat("list.separator").join(
            cat("md.miss_after", count=str(r["count"]), detail=attempts_words(r["detail"], cat))
            for r in rows
        )
        parts.append(
            cat(
                "md.miss_given_up_many",
                count=str(count),
                message=message_words(rows[0]["message"], cat)
                if rows[0].get("message")
                else cat("md.message"),
                receiver=link["to_name"],
                sender=link["from_name"],
                how=how,
            )
        )
    return cat(
        "md.not_reached",
        label=milestone_words(row, cat),
        missed=str(missed),
        n=str(row["n_replications"]),
        parts=cat("sizing.rule_separator").join(parts),
    )


def _not_reached_lines(incident: dict, cat: Catalogue) -> list[str]:
    sentences = [not_reached_sentence(row, cat) for row in incident["milestones"]]
    kept = [s for s in sentences if s is not None]
    if not kept:
        return []
    return ["", cat("md.not_reached_heading"), "", *(f"- {md_cell(s)}" for s in kept)]


#: The interval methods of results.json's ``ci_method`` with words in the catalogue.
_METHODS = ("student-t", "bootstrap-t", "percentile-bootstrap", "exact")


def _method_words(method: str, cat: Catalogue) -> str:
    if method not in _METHODS:
        return method
    return cat("md.method_" + method.replace("-", "_"))


def _methods_line(incident: dict, cat: Catalogue) -> str:
    """Which interval each mean in the table has, counted (the method of every row is in
    results.json's ``ci_method``)."""
    counts: dict[str, int] = {}
    for row in incident["milestones"]:
        method = (row.get("ci_method") or {}).get("mean")
        if method is not None:
            counts[method] = counts.get(method, 0) + 1
    if not counts:
        return cat("md.methods_none")
    parts = cat("list.separator").join(
        cat(
            "md.methods_part_one" if count == 1 else "md.methods_part",
            method=_method_words(method, cat),
            count=str(count),
        )
        for method, count in counts.items()
    )
    return cat("md.methods", parts=parts)


def _callout_section(incident: dict, cat: Catalogue) -> list[str]:
    callout = incident.get("callout")
    if not callout:
        return []
    return [
        cat("md.callout_heading"),
        "",
        cat(
            "md.callout",
            roster=str(callout["roster"]),
            mean=share(callout["reached_share_mean"]),
            ci=share_interval(callout["reached_share_ci95"]),
            median=share(callout["reached_share_median"]),
            p10=share(callout["reached_share_p10"]),
            lowest=share(callout["reached_share_min"]),
            everyone=share(callout["all_reached_share"]),
        ),
        "",
    ]


def _warning_section(incident: dict, cat: Catalogue) -> list[str]:
    warning = incident.get("warning")
    if not warning:
        return []
    lines = [cat("md.warning_heading"), ""]
    total = sum(c["households"] for c in warning["cohorts"].values())
    lines.append(cat("md.warning_total", total=f"{total:,}"))
    for cohort, row in warning["cohorts"].items():
        words = cat(
            "md.cohort_smartphone" if cohort == "smartphone" else "md.cohort_without_smartphone"
        )
        lines.append(
            cat(
                "md.warning_cohort",
                cohort=words,
                households=f"{row['households']:,}",
                never=f"{row['never_reached_mean']:.0f}",
                ci=interval(row["never_reached_ci95"]),
            )
        )
    return [*lines, "", cat("md.warning_curve"), ""]


def _where_time_went(incident: dict, cat: Catalogue) -> list[str]:
    """The delay split of every milestone that has one, in sentences: the reporting chain,
    and also teams on scene, depots opened, supplies delivered, departments reported in and
    the joint centre, whose delays (muster, travel, the keeper) are as actionable."""
    rows = [row for row in incident["milestones"] if row["delay_split"]]
    if not rows:
        return []
    lines = [cat("md.time_heading"), "", cat("md.time_intro"), ""]
    for row in rows:
        parts = cat("list.separator").join(
            cat(
                "md.time_part",
                share=share(part["share_of_latency"]),
                cause=md_cell(_cause_words(part, cat)),
                minutes=minutes(part["mean"], cat),
                ci=interval(part["ci95_mean"]),
            )
            for part in row["delay_split"][:4]
        )
        lines.append(
            cat(
                "md.time_row",
                label=md_cell(milestone_words(row, cat)),
                mean=minutes(row["mean"], cat),
                parts=parts,
            )
        )
        people = cat("sizing.rule_separator").join(
            cat(
                "md.time_who_part",
                name=md_cell(p["name"]),
                share=share(p["on_path_share"]),
                minutes=minutes(p["mean_minutes"], cat),
            )
            for p in row["critical_people"][:3]
        )
        if people:
            lines.append(cat("md.time_who", people=people))
    return [*lines, ""]


def _stock_section(results: dict, cat: Catalogue) -> list[str]:
    """Did each depot run out, when, and by how much; what the incidents still lacked."""
    stock = results.get("stock")
    if not stock:
        return []
    lines = [
        cat("md.stock_heading"),
        "",
        cat("md.stock_intro", replications=str(stock["replications"])),
        "",
        cat("md.stock_table_head"),
        "|---|---|---:|---:|---|---:|---|---:|",
    ]
    for row in stock["depots"]:
        if row["presented_mean"] <= 0 and row["initial"] <= 0:
            continue
        ran_out = 1.0 - row["no_stockout_share"]
        bounds = row["no_stockout_ci95"]
        ci = f"{share(1.0 - bounds[1])}–{share(1.0 - bounds[0])}" if bounds else "—"
        unit = md_cell(row["unit"])
        first = _hours(row["first_stockout_median"], cat) if row["stockout_runs"] else "—"
        expiring = row["expiring_within_horizon"] + row["expired_at_start"]
        usable = row["initial"] - row["expired_at_start"]
        lines.append(
            f"| {md_cell(row['depot_name'])} | {md_cell(row['item_name'])} | "
            f"{usable:,.0f} {unit} | {row['presented_mean']:,.0f} {unit} | "
            f"{share(ran_out)} ({ci}) | {first} | {row['shortfall_mean']:,.0f} {unit} "
            f"({interval(row['shortfall_ci95'])}) | {expiring:,.0f} {unit} |"
        )
    lines += ["", cat("md.stock_after"), ""]
    short = [row for row in stock["supplies"] if row["unmet_runs"]]
    if short:
        lines += [cat("md.stock_short_heading"), ""]
        for row in short:
            lines.append(
                cat(
                    "md.stock_short",
                    incident=md_cell(row["incident"]),
                    item=md_cell(row["item_name"]),
                    unmet=f"{row['unmet_mean']:,.0f}",
                    unit=md_cell(row["unit"]),
                    ci=interval(row["unmet_ci95"]),
                    demand=f"{row['demand_mean']:,.0f}",
                    runs=str(row["unmet_runs"]),
                    n=str(row["n_replications"]),
                )
            )
        lines.append("")
    return lines


def _hours(value: float | None, cat: Catalogue) -> str:
    """Long spans in hours, short ones in minutes (stock lasts hours or days)."""
    if value is None:
        return "—"
    return minutes(value, cat) if value < 180 else cat("md.hours", value=f"{value / 60:.1f}")


def _people_section(results: dict, cat: Catalogue) -> list[str]:
    lines = [
        cat("md.people_heading"),
        "",
        cat("md.people_intro"),
        "",
        cat("md.people_table_head"),
        "|---|---:|---|---:|---:|",
    ]
    for row in results["people"][:12]:
        lines.append(
            f"| {md_cell(row['name'])} | {row['staff']} | {share(row['utilisation_mean'])} "
            f"({share_interval(row['utilisation_ci95'])}) | {row['calls_mean']:.1f} | "
            f"{minutes(row['time_held_mean'], cat)} |"
        )
    return [*lines, ""]


def _links_section(results: dict, cat: Catalogue) -> list[str]:
    rows = [
        row for row in results["links"] if row["failures_mean"] > 0 or row.get("given_up_mean")
    ][:12]
    lines = [cat("md.links_heading"), ""]
    if not rows:
        return [*lines, cat("md.links_none"), ""]
    lines += [
        cat("md.links_intro"),
        "",
        cat("md.links_table_head"),
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


def _reference_name(results: dict, cat: Catalogue) -> str:
    comparison = results["comparison"]
    if comparison["reference"] == "base":
        return cat("compare.base_name")
    names = {variant["id"]: variant["name"] for variant in comparison["variants"]}
    return names[comparison["reference"]]


def _variant_lines(results: dict, cat: Catalogue) -> list[str]:
    """Which intervention a run applied, or which variants it compared."""
    if "comparison" in results:
        # Plain escaped text, not code spans: a backslash escape shows literally inside `...`.
        ids = cat("list.separator").join(
            md_cell(v["id"]) for v in results["comparison"]["variants"]
        )
        reference = md_cell(results["comparison"]["reference"])
        return [cat("md.variants_compared", ids=ids, reference=reference)]
    variant = results.get("variant")
    if variant and variant["id"] != "base":
        return [
            cat("md.with_intervention", id=md_cell(variant["id"]), name=md_cell(variant["name"]))
        ]
    return []
