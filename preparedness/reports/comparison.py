"""What-if comparisons and precision in plain words: Markdown sections and a console table.

Renders the ``comparison`` and ``precision`` sections of results.json. A change is
*intervention minus base*: negative minutes are minutes saved. A difference is called
"clear" only when its 95% interval excludes zero; otherwise the sentence says there is no
clear difference and gives the interval, so a planner never reads noise as a finding.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from .escape import md_cell, terminal_text
from .text import share, share_interval

__all__ = [
    "change_sentence",
    "comparison_markdown",
    "precision_markdown",
    "precision_sentence",
    "print_comparison",
]


def _num(value: float) -> str:
    """Minutes as a planner reads them: whole minutes, one decimal below ten."""
    value = abs(value) if abs(value) < 0.05 else value
    return f"{value:.1f}" if abs(value) < 10 else f"{value:.0f}"


def _range(low: float, high: float) -> str:
    return f"{_num(low)}–{_num(high)}"


def _signed_range(ci) -> str:
    if ci is None:
        return "—"
    low, high = ci
    return f"{_signed(low)} to {_signed(high)}"


def _signed(value: float) -> str:
    text = _num(value)
    return text if text.startswith("-") or text in ("0", "0.0") else f"+{text}"


def _names(comparison: dict) -> dict[str, str]:
    return {variant["id"]: variant["name"] for variant in comparison["variants"]}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _points(value: float) -> str:
    """A change of share in percentage points, signed: "+27 points"."""
    points = round(100 * value)
    return f"{'+' if points > 0 else ''}{points} points"


def _points_range(ci) -> str:
    low, high = (round(100 * x) for x in ci)
    return f"{'+' if low > 0 else ''}{low} to {'+' if high > 0 else ''}{high}"


def share_change_words(what: str, change: dict | None, n: int) -> str | None:
    """ "raises the share of runs that reach X from 70 to 97 of 100 (+27 points, 95% CI ...)",
    when the change is beyond its interval; None otherwise."""
    if not change or not change["clear"]:
        return None
    verb = "raises" if change["change"] > 0 else "lowers"
    return (
        f"{verb} the share of runs that {what} from {change['base']} to {change['alt']} "
        f"of {n} ({_points(change['change'])}, 95% CI "
        f"{_points_range(change['change_ci95'])})"
    )


def _share_texts(label: str, row: dict) -> list[str]:
    n = row["n_replications"]
    texts = [
        share_change_words(f"reach “{label}”", row.get("reached"), n),
        share_change_words(f"meet the deadline for “{label}”", row.get("deadline_met"), n),
    ]
    return [text for text in texts if text]


def _shares_clear(row: dict) -> bool:
    return any((row.get(key) or {}).get("clear") for key in ("reached", "deadline_met"))


def _both_hold(row: dict, median_cut: bool) -> str:
    """Why "cuts the median" and "faster in 44% of runs" (or the reverse) can both be true."""
    faster, tied, slower = row["prob_faster"], row.get("prob_tied"), row.get("prob_slower")
    if faster is None or tied is None or slower is None:
        return ""
    if median_cut and faster >= 0.5 or not median_cut and faster <= 0.5:
        return ""
    return (
        f" Both hold: the median compares the middle run of each variant, while "
        f"“faster” counts pairs run by run; in {share(tied)} of pairs the two took exactly "
        f"the same time (the change did not touch what held them up) and in "
        f"{share(slower)} the intervention was slower, so the middle moves even though "
        f"{'fewer' if median_cut else 'more'} than half of the pairs are faster."
    )


def change_sentence(name: str, label: str, row: dict) -> str:
    """One milestone, one intervention, in words, e.g. "The joint centre cuts the median
    time to 'police ordered' from 140 to 102 minutes (95% CI 32–44 minutes saved)", with the
    change in the share of runs that reach the milestone and meet its deadline when that
    change is beyond its interval."""
    what = f"“{label}”"
    shares = _share_texts(label, row)
    share_tail = "".join(f"; it {text}" for text in shares)
    if row["n_pairs"] == 0:
        # Reaching it in one variant only says the reach change already; keep the deadline.
        met = share_change_words(
            f"meet the deadline for {what}", row.get("deadline_met"), row["n_replications"]
        )
        share_tail = f"; it {met}" if met else ""
        if row["only_alt_reached"]:
            return (
                f"{_capital(name)} reaches {what} in {row['only_alt_reached']} of "
                f"{row['n_replications']} runs; the base never does{share_tail}."
            )
        if row["only_base_reached"]:
            return (
                f"With {name}, {what} is never reached; the base reaches it in "
                f"{row['only_base_reached']} of {row['n_replications']} runs{share_tail}."
            )
        return f"Neither reaches {what}."
    if row["identical"]:
        return f"{_capital(name)} leaves {what} unchanged in every paired run."
    base, alt = row["base"]["median"], row["alt"]["median"]
    ci = row["median_change_ci95"]
    mean_ci = row["mean_change_ci95"]
    faster = (
        f"; faster in {share(row['prob_faster'])} of paired runs "
        f"(95% CI {share_interval(row['prob_faster_ci95'])})"
    )
    median_cut = median_later = False
    if _excludes_zero(ci) and ci[1] < 0:
        median_cut = True
        text = (
            f"{_capital(name)} cuts the median time to {what} from {_num(base)} to "
            f"{_num(alt)} minutes (95% CI {_range(-ci[1], -ci[0])} minutes saved)"
        )
    elif _excludes_zero(ci):
        median_later = True
        text = (
            f"{_capital(name)} delays {what}: the median goes from {_num(base)} to "
            f"{_num(alt)} minutes (95% CI {_range(ci[0], ci[1])} minutes later)"
        )
    elif _excludes_zero(mean_ci):
        change = row["mean_change"]
        words = (
            ("cuts the mean time to", "minutes saved", -mean_ci[1], -mean_ci[0])
            if change < 0
            else ("adds to the mean time to", "minutes more", *mean_ci)
        )
        text = (
            f"{_capital(name)} {words[0]} {what} by {_num(abs(change))} minutes (95% CI "
            f"{_range(words[2], words[3])} {words[1]}); the median stays near "
            f"{_num(base)} minutes (median change {_signed_range(ci)} min)"
        )
    elif shares:
        text = (
            f"With {name}, the runs that reach {what} take about as long (median "
            f"{_num(base)} against {_num(alt)} minutes; 95% CI of the change "
            f"{_signed_range(ci)} min)"
        )
    else:
        text = (
            f"{_capital(name)} makes no clear difference to {what} (median {_num(base)} "
            f"against {_num(alt)} minutes; 95% CI of the change {_signed_range(ci)} min)"
        )
    text += share_tail
    unpaired = row["only_base_reached"] + row["only_alt_reached"]
    if unpaired and not (row.get("reached") or {}).get("clear"):
        text += (
            f"; {unpaired} run{'s' if unpaired != 1 else ''} reached it in one variant only"
            f" ({row['only_base_reached']} base only, {row['only_alt_reached']} with it)"
        )
    text += faster + "."
    if median_cut or median_later:
        text += _both_hold(row, median_cut)
    return text


def _excludes_zero(ci) -> bool:
    return ci is not None and (ci[1] < 0 or ci[0] > 0)


def _clear(row: dict) -> bool:
    """A difference worth a sentence: an interval that excludes zero (of a time or of a share
    of runs), or a milestone that only one of the two variants reaches."""
    if _shares_clear(row):
        return True
    if row["n_pairs"] == 0:
        return bool(row["only_alt_reached"] or row["only_base_reached"])
    if row["identical"]:
        return False
    return _excludes_zero(row["median_change_ci95"]) or _excludes_zero(row["mean_change_ci95"])


def ranking_lines(comparison: dict) -> list[str]:
    """One line per plan deadline: which variant raises the share of runs meeting it most."""
    names = _names(comparison)
    lines = []
    for row in comparison.get("ranking", []):
        n = row["n_replications"]
        deadline = f"“{row['label']}” within {_num(row['deadline'])} min"
        if row["clear"] and row["change"] > 0:
            lines.append(
                f"{deadline} ({row['incident_name']}): {names[row['best']]} helps most, met in "
                f"{row['met_alt']} of {n} runs against {row['met_base']} "
                f"({_points(row['change'])}, 95% CI {_points_range(row['change_ci95'])})."
            )
        else:
            ci = _points_range(row["change_ci95"]) if row["change_ci95"] else "—"
            lines.append(
                f"{deadline} ({row['incident_name']}): no variant clearly meets it more often "
                f"(met in {row['met_base']} of {n} runs as written; best {names[row['best']]}: "
                f"{row['met_alt']} of {n}, 95% CI of the change {ci} points)."
            )
    return lines


def _never_reached(row: dict) -> bool:
    return row["n_pairs"] == 0 and not row["only_alt_reached"] and not row["only_base_reached"]


def comparison_markdown(results: dict) -> list[str]:
    """The "What the interventions change" section of report.md."""
    comparison = results["comparison"]
    names = _names(comparison)
    reference = comparison["reference"]
    lines = [
        "## What the interventions change",
        "",
        f"Each variant ran {results['replications']} replications with the same root seed and "
        "replication numbers, so replication *i* of every variant shares the random draws of "
        "everything the intervention leaves alone (common random numbers). Changes are "
        f"*with the intervention* minus *{md_cell(names[reference])}*, over the runs where both "
        "reached the milestone; negative is faster. Intervals are 95%: Student-t for the mean "
        f"change, a paired bootstrap ({comparison['bootstrap_resamples']} resamples) for the "
        "median and p90 changes, Wilson for the share of runs that were faster, and "
        "Newcombe's interval for paired proportions (Newcombe 1998, method 10) for the change "
        "in the share of runs that reach a milestone or meet its deadline. A change is called "
        "clear when its interval excludes zero.",
        "",
    ]
    ranked = ranking_lines(comparison)
    if ranked:
        lines += ["Which variant helps most, for each plan deadline:", ""]
        lines += [f"- {md_cell(line)}" for line in ranked]
        lines.append("")
    for variant in comparison["variants"]:
        if variant["id"] != reference:
            lines.append(f"- {md_cell(variant['id'])}: {md_cell(variant['name'])}")
    lines.append("")
    for incident in comparison["incidents"]:
        lines += [f"### {md_cell(incident['name'])}", ""]
        for variant in comparison["variants"]:
            if variant["id"] == reference:
                continue
            clear, unclear = [], []
            for milestone in incident["milestones"]:
                row = _row_for(milestone, variant["id"])
                if _never_reached(row):
                    continue
                if _clear(row):
                    clear.append(change_sentence(variant["name"], milestone["label"], row))
                else:
                    unclear.append(milestone["label"])
            for sentence in clear:
                lines.append(f"- {md_cell(sentence)}")
            if unclear:
                labels = ", ".join(f"“{label}”" for label in unclear)
                lines.append(
                    f"- {md_cell(_capital(variant['name']))}: no clear difference to "
                    f"{md_cell(labels)}."
                )
        lines += [
            "",
            "| Milestone | Intervention | Median, base → with | Median change (95% CI) | "
            "Mean change (95% CI) | p90 change (95% CI) | Faster in (95% CI) | "
            "Reached, base → with (change, 95% CI) | Met deadline, base → with "
            "(change, 95% CI) | Pairs |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for milestone in incident["milestones"]:
            for row in milestone["interventions"]:
                if not _never_reached(row):
                    lines.append(_table_row(milestone, row))
        lines.append("")
    return lines


def _row_for(milestone: dict, variant: str) -> dict:
    return next(row for row in milestone["interventions"] if row["intervention"] == variant)


def _table_row(milestone: dict, row: dict) -> str:
    if row["n_pairs"]:
        medians = f"{_num(row['base']['median'])} → {_num(row['alt']['median'])}"
        median = f"{_signed(row['median_change'])} ({_signed_range(row['median_change_ci95'])})"
        mean = f"{_signed(row['mean_change'])} ({_signed_range(row['mean_change_ci95'])})"
        p90 = f"{_signed(row['p90_change'])} ({_signed_range(row['p90_change_ci95'])})"
        faster = f"{share(row['prob_faster'])} ({share_interval(row['prob_faster_ci95'])})"
    else:
        medians = median = mean = p90 = faster = "—"
    pairs = f"{row['n_pairs']}/{row['n_replications']}"
    if row["only_alt_reached"]:
        pairs += f"; {row['only_alt_reached']} only with it"
    if row["only_base_reached"]:
        pairs += f"; {row['only_base_reached']} only in base"
    return (
        f"| {md_cell(milestone['label'])} | {md_cell(row['intervention'])} | {medians} | "
        f"{median} | {mean} | {p90} | {faster} | {_share_cell(row.get('reached'))} | "
        f"{_share_cell(row.get('deadline_met'))} | {pairs} |"
    )


def _share_cell(change: dict | None) -> str:
    if not change:
        return "—"
    ci = _points_range(change["change_ci95"]) if change["change_ci95"] else "—"
    return f"{change['base']} → {change['alt']} ({_points(change['change'])}, {ci})"


def _share_short(change: dict | None) -> str:
    """ "70→97" for the console: runs with a yes, base → with the intervention."""
    if not change:
        return "—"
    return f"{change['base']}→{change['alt']}"


def precision_sentence(precision: dict) -> str:
    target = _num(precision["target_half_width"])
    rounds = ", ".join(str(n) for n in precision["rounds"])
    widest = precision["widest_half_width"]
    widest_text = (
        "no key milestone was reached twice"
        if widest is None
        else f"the widest is ±{_num(widest)} min"
    )
    if precision["met"]:
        return (
            f"Precision target ±{target} min met after {precision['replications']} "
            f"replications (rounds ending at {rounds}); {widest_text}."
        )
    return (
        f"Precision target ±{target} min NOT met: stopped at {precision['replications']} "
        f"replications (maximum {precision['max_replications']}; rounds ending at {rounds});"
        f" {widest_text}."
    )


def precision_markdown(results: dict) -> list[str]:
    """The "Precision" section of report.md."""
    precision = results["precision"]
    lines = [
        "## Precision",
        "",
        precision_sentence(precision),
        "",
        f"The target is the half-width of the 95% confidence interval of the mean, for "
        f"{precision['key_milestones']}.",
        "",
        "| Incident | Milestone | Against base | Reached | ± half-width | Within target |",
        "|---|---|---|---:|---:|---|",
    ]
    for row in precision["milestones"]:
        width = "—" if row["half_width"] is None else f"±{_num(row['half_width'])} min"
        met = {True: "yes", False: "no", None: "no interval"}[row["met"]]
        lines.append(
            f"| {md_cell(row['incident'])} | {md_cell(row['label'])} | "
            f"{md_cell(row['intervention'] or '—')} | {row['n_reached']} | {width} | {met} |"
        )
    return [*lines, ""]


#: One line at 80 columns under the comparison tables.
COMPARISON_LEGEND = "Minutes, base→with; Change: 95% CI; Faster: share of pairs; Reached, Met: runs"


def print_comparison(console: Console, results: dict) -> None:
    """A rich table per incident and intervention: medians before and after, the change,
    P(faster), and the runs that reach the milestone and meet its deadline, base → with.
    One table per intervention, its id and name in the title, so no id is ever cut."""
    from .console import compact_table

    comparison = results["comparison"]
    names = _names(comparison)
    for incident in comparison["incidents"]:
        for variant in comparison["variants"]:
            if variant["id"] == comparison["reference"]:
                continue
            title = terminal_text(
                f"{incident['name']} — {variant['id']} "
                f"({names[variant['id']]}) against "
                f"{comparison['reference']}"
            )
            table = compact_table(title)
            table.add_column("Milestone", justify="left", ratio=1, min_width=16, overflow="fold")
            for column in ("Median", "Change (CI)", "Faster", "Reached", "Met"):
                table.add_column(column, justify="right", no_wrap=True)
            for milestone in incident["milestones"]:
                row = _row_for(milestone, variant["id"])
                if _never_reached(row):
                    continue
                if row["n_pairs"]:
                    medians = f"{_num(row['base']['median'])}→{_num(row['alt']['median'])}"
                    bounds = row["median_change_ci95"]
                    ci = "—" if bounds is None else f"{_signed(bounds[0])}…{_signed(bounds[1])}"
                    change = f"{_signed(row['median_change'])} ({ci})"
                    faster = share(row["prob_faster"])
                else:
                    medians, faster, change = "—", "—", "—"
                good = _clear(row) and (
                    (row["median_change"] or 0) < 0
                    or any(
                        (row.get(k) or {}).get("clear") and row[k]["change"] > 0
                        for k in ("reached", "deadline_met")
                    )
                )
                bad = _clear(row) and not good
                style = "green" if good else ("red" if bad else "")
                table.add_row(
                    Text(terminal_text(milestone["label"])),
                    medians,
                    Text(change, style=style),
                    faster,
                    _share_short(row.get("reached")),
                    _share_short(row.get("deadline_met")),
                )
            console.print(table)
    console.print(Text(COMPARISON_LEGEND, style="dim"))
