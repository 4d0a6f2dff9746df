"""What-if comparisons and precision in plain words: Markdown sections and a console table.

Renders the ``comparison`` and ``precision`` sections of results.json. A change is
*intervention minus base*: negative minutes are minutes saved. A difference is called
"clear" only when its 95% interval excludes zero; otherwise the sentence says there is no
clear difference and gives the interval, so a planner never reads noise as a finding.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from .console import compact_table
from .escape import md_cell, terminal_text
from .i18n import Catalogue, catalogue, translate
from .text import milestone_words, share, share_interval

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


def _signed_range(ci, cat: Catalogue) -> str:
    if ci is None:
        return "—"
    low, high = ci
    return cat("compare.span", low=_signed(low), high=_signed(high))


def _signed(value: float) -> str:
    text = _num(value)
    return text if text.startswith("-") or text in ("0", "0.0") else f"+{text}"


def _names(comparison: dict, cat: Catalogue) -> dict[str, str]:
    """Each variant's name; ``base`` (the scenario as written) in the report's language."""
    return {
        variant["id"]: cat("compare.base_name") if variant["id"] == "base" else variant["name"]
        for variant in comparison["variants"]
    }


def _lead(name: str, cat: Catalogue) -> str:
    """A name opening an English sentence takes a capital; other languages show it as written."""
    return name[:1].upper() + name[1:] if cat.lang == "en" else name


def _points(value: float, cat: Catalogue) -> str:
    """A change of share in percentage points, signed: "+27 points"."""
    points = round(100 * value)
    return cat("unit.points", value=f"{'+' if points > 0 else ''}{points}")


def _points_range(ci, cat: Catalogue) -> str:
    low, high = (round(100 * x) for x in ci)
    return cat(
        "compare.span",
        low=f"{'+' if low > 0 else ''}{low}",
        high=f"{'+' if high > 0 else ''}{high}",
    )


def share_change_words(
    kind: str, label: str, change: dict | None, n: int, cat: Catalogue
) -> str | None:
    """ "raises the share of runs that reach X from 70 to 97 of 100 (+27 points, 95% CI ...)",
    when the change is beyond its interval; None otherwise. ``kind`` is ``reach`` or
    ``meet`` (the milestone's deadline)."""
    if not change or not change["clear"]:
        return None
    verb = "raises" if change["change"] > 0 else "lowers"
    return cat(
        f"compare.{kind}_{verb}",
        label=label,
        base=str(change["base"]),
        alt=str(change["alt"]),
        n=str(n),
        points=_points(change["change"], cat),
        ci=_points_range(change["change_ci95"], cat),
    )


def _share_texts(label: str, row: dict, cat: Catalogue) -> list[str]:
    n = row["n_replications"]
    texts = [
        share_change_words("reach", label, row.get("reached"), n, cat),
        share_change_words("meet", label, row.get("deadline_met"), n, cat),
    ]
    return [text for text in texts if text]


def _shares_clear(row: dict) -> bool:
    return any((row.get(key) or {}).get("clear") for key in ("reached", "deadline_met"))


def _both_hold(row: dict, median_cut: bool, cat: Catalogue) -> str:
    """Why "cuts the median" and "faster in 44% of runs" (or the reverse) can both be true."""
    faster, tied, slower = row["prob_faster"], row.get("prob_tied"), row.get("prob_slower")
    if faster is None or tied is None or slower is None:
        return ""
    if median_cut and faster >= 0.5 or not median_cut and faster <= 0.5:
        return ""
    key = "compare.both_hold_fewer" if median_cut else "compare.both_hold_more"
    return cat(key, tied=share(tied), slower=share(slower))


def change_sentence(name: str, label: str, row: dict, cat: Catalogue | None = None) -> str:
    """One milestone, one intervention, in words, e.g. "The joint centre cuts the median
    time to 'police ordered' from 140 to 102 minutes (95% CI 32–44 minutes saved)", with the
    change in the share of runs that reach the milestone and meet its deadline when that
    change is beyond its interval."""
    cat = cat or catalogue("en")
    lead = _lead(name, cat)
    shares = _share_texts(label, row, cat)
    share_tail = "".join(cat("compare.it", text=text) for text in shares)
    n = str(row["n_replications"])
    if row["n_pairs"] == 0:
        # Reaching it in one variant only says the reach change already; keep the deadline.
        met = share_change_words("meet", label, row.get("deadline_met"), row["n_replications"], cat)
        share_tail = cat("compare.it", text=met) if met else ""
        if row["only_alt_reached"]:
            return cat(
                "compare.only_alt",
                name=lead,
                label=label,
                runs=str(row["only_alt_reached"]),
                n=n,
                tail=share_tail,
            )
        if row["only_base_reached"]:
            return cat(
                "compare.only_base",
                name=name,
                label=label,
                runs=str(row["only_base_reached"]),
                n=n,
                tail=share_tail,
            )
        return cat("compare.neither", label=label)
    if row["identical"]:
        return cat("compare.identical", name=lead, label=label)
    base, alt = _num(row["base"]["median"]), _num(row["alt"]["median"])
    ci = row["median_change_ci95"]
    mean_ci = row["mean_change_ci95"]
    faster = cat(
        "compare.faster",
        share=share(row["prob_faster"]),
        ci=share_interval(row["prob_faster_ci95"]),
    )
    median_cut = median_later = False
    if _excludes_zero(ci) and ci[1] < 0:
        median_cut = True
        text = cat(
            "compare.median_cut",
            name=lead,
            label=label,
            base=base,
            alt=alt,
            ci=_range(-ci[1], -ci[0]),
        )
    elif _excludes_zero(ci):
        median_later = True
        text = cat(
            "compare.median_later",
            name=lead,
            label=label,
            base=base,
            alt=alt,
            ci=_range(ci[0], ci[1]),
        )
    elif _excludes_zero(mean_ci):
        change = row["mean_change"]
        cut = change < 0
        text = cat(
            "compare.mean_cut" if cut else "compare.mean_more",
            name=lead,
            label=label,
            change=_num(abs(change)),
            ci=_range(-mean_ci[1], -mean_ci[0]) if cut else _range(*mean_ci),
            base=base,
            median_ci=_signed_range(ci, cat),
        )
    elif shares:
        text = cat(
            "compare.as_long", name=name, label=label, base=base, alt=alt, ci=_signed_range(ci, cat)
        )
    else:
        text = cat(
            "compare.no_clear",
            name=lead,
            label=label,
            base=base,
            alt=alt,
            ci=_signed_range(ci, cat),
        )
    text += share_tail
    unpaired = row["only_base_reached"] + row["only_alt_reached"]
    if unpaired and not (row.get("reached") or {}).get("clear"):
        text += cat(
            "compare.unpaired_one" if unpaired == 1 else "compare.unpaired_many",
            runs=str(unpaired),
            base=str(row["only_base_reached"]),
            alt=str(row["only_alt_reached"]),
        )
    text += faster + cat("compare.stop")
    if median_cut or median_later:
        text += _both_hold(row, median_cut, cat)
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


def ranking_lines(comparison: dict, cat: Catalogue | None = None) -> list[str]:
    """One line per plan deadline: which variant raises the share of runs meeting it most."""
    cat = cat or catalogue("en")
    names = _names(comparison, cat)
    lines = []
    for row in comparison.get("ranking", []):
        n = str(row["n_replications"])
        common = {
            "label": milestone_words({"id": row["milestone"], "label": row["label"]}, cat),
            "deadline": _num(row["deadline"]),
            "incident": row["incident_name"],
            "best": names[row["best"]],
            "met_base": str(row["met_base"]),
            "met_alt": str(row["met_alt"]),
            "n": n,
        }
        if row["clear"] and row["change"] > 0:
            lines.append(
                cat(
                    "compare.rank_best",
                    **common,
                    points=_points(row["change"], cat),
                    ci=_points_range(row["change_ci95"], cat),
                )
            )
        else:
            ci = _points_range(row["change_ci95"], cat) if row["change_ci95"] else "—"
            lines.append(cat("compare.rank_none", **common, ci=ci))
    return lines


def _never_reached(row: dict) -> bool:
    return row["n_pairs"] == 0 and not row["only_alt_reached"] and not row["only_base_reached"]


def comparison_markdown(results: dict, lang: str = "en") -> list[str]:
    """The "What the interventions change" section of report.md."""
    cat = catalogue(lang)
    comparison = results["comparison"]
    names = _names(comparison, cat)
    reference = comparison["reference"]
    lines = [
        cat("compare.md_heading"),
        "",
        cat(
            "compare.md_method",
            replications=str(results["replications"]),
            reference=md_cell(names[reference]),
            resamples=str(comparison["bootstrap_resamples"]),
        ),
        "",
    ]
    ranked = ranking_lines(comparison, cat)
    if ranked:
        lines += [cat("compare.md_ranking"), ""]
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
                label = milestone_words(milestone, cat)
                if _clear(row):
                    clear.append(change_sentence(names[variant["id"]], label, row, cat))
                else:
                    unclear.append(label)
            for sentence in clear:
                lines.append(f"- {md_cell(sentence)}")
            if unclear:
                labels = cat("list.separator").join(
                    cat("compare.quoted", label=label) for label in unclear
                )
                lines.append(
                    "- "
                    + cat(
                        "compare.md_no_clear",
                        name=md_cell(_lead(names[variant["id"]], cat)),
                        labels=md_cell(labels),
                    )
                )
        lines += [
            "",
            cat("compare.md_table_head"),
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for milestone in incident["milestones"]:
            for row in milestone["interventions"]:
                if not _never_reached(row):
                    lines.append(_table_row(milestone, row, cat))
        lines.append("")
    return lines


def _row_for(milestone: dict, variant: str) -> dict:
    return next(row for row in milestone["interventions"] if row["intervention"] == variant)


def _table_row(milestone: dict, row: dict, cat: Catalogue) -> str:
    if row["n_pairs"]:
        medians = f"{_num(row['base']['median'])} → {_num(row['alt']['median'])}"
        median = (
            f"{_signed(row['median_change'])} ({_signed_range(row['median_change_ci95'], cat)})"
        )
        mean = f"{_signed(row['mean_change'])} ({_signed_range(row['mean_change_ci95'], cat)})"
        p90 = f"{_signed(row['p90_change'])} ({_signed_range(row['p90_change_ci95'], cat)})"
        faster = f"{share(row['prob_faster'])} ({share_interval(row['prob_faster_ci95'])})"
    else:
        medians = median = mean = p90 = faster = "—"
    pairs = f"{row['n_pairs']}/{row['n_replications']}"
    if row["only_alt_reached"]:
        pairs += cat("compare.pairs_only_alt", runs=str(row["only_alt_reached"]))
    if row["only_base_reached"]:
        pairs += cat("compare.pairs_only_base", runs=str(row["only_base_reached"]))
    return (
        f"| {md_cell(milestone_words(milestone, cat))} | {md_cell(row['intervention'])} | "
        f"{medians} | {median} | {mean} | {p90} | {faster} | "
        f"{_share_cell(row.get('reached'), cat)} | "
        f"{_share_cell(row.get('deadline_met'), cat)} | {pairs} |"
    )


def _share_cell(change: dict | None, cat: Catalogue) -> str:
    if not change:
        return "—"
    ci = _points_range(change["change_ci95"], cat) if change["change_ci95"] else "—"
    return f"{change['base']} → {change['alt']} ({_points(change['change'], cat)}, {ci})"


def _share_short(change: dict | None) -> str:
    """ "70→97" for the console: runs with a yes, base → with the intervention."""
    if not change:
        return "—"
    return f"{change['base']}→{change['alt']}"


def precision_sentence(precision: dict, lang: str = "en") -> str:
    """Whether the precision target was met, in one sentence for the console and report.md."""
    cat = catalogue(lang)
    target = _num(precision["target_half_width"])
    rounds = cat("list.separator").join(str(n) for n in precision["rounds"])
    widest = precision["widest_half_width"]
    widest_text = (
        cat("compare.precision_none_twice")
        if widest is None
        else cat("compare.precision_widest", width=_num(widest))
    )
    common = {
        "target": target,
        "replications": str(precision["replications"]),
        "rounds": rounds,
        "widest": widest_text,
    }
    if precision["met"]:
        return cat("compare.precision_met", **common)
    return cat("compare.precision_not_met", **common, maximum=str(precision["max_replications"]))


def precision_markdown(results: dict, lang: str = "en") -> list[str]:
    """The "Precision" section of report.md."""
    cat = catalogue(lang)
    precision = results["precision"]
    lines = [
        cat("compare.precision_heading"),
        "",
        precision_sentence(precision, lang),
        "",
        cat("compare.precision_target", rule=cat("compare.key_milestones_rule")),
        "",
        cat("compare.precision_table_head"),
        "|---|---|---|---:|---:|---|",
    ]
    for row in precision["milestones"]:
        width = (
            "—"
            if row["half_width"] is None
            else cat("compare.half_width", width=_num(row["half_width"]))
        )
        met = cat(
            {True: "compare.yes", False: "compare.no", None: "compare.no_interval"}[row["met"]]
        )
        lines.append(
            f"| {md_cell(row['incident'])} | {md_cell(milestone_words(row, cat))} | "
            f"{md_cell(row['intervention'] or '—')} | {row['n_reached']} | {width} | {met} |"
        )
    return [*lines, ""]


#: One line at 80 columns under the comparison tables.
COMPARISON_LEGEND = translate("en", "compare.legend")


def print_comparison(console: Console, results: dict, lang: str = "en") -> None:
    """A rich table per incident and intervention: medians before and after, the change,
    P(faster), and the runs that reach the milestone and meet its deadline, base → with.
    One table per intervention, its id and name in the title, so no id is ever cut."""
    cat = catalogue(lang)
    comparison = results["comparison"]
    names = _names(comparison, cat)
    for incident in comparison["incidents"]:
        for variant in comparison["variants"]:
            if variant["id"] == comparison["reference"]:
                continue
            title = terminal_text(
                cat(
                    "compare.console_title",
                    incident=incident["name"],
                    id=variant["id"],
                    name=names[variant["id"]],
                    reference=comparison["reference"],
                )
            )
            table = compact_table(title)
            table.add_column(
                cat("console.col_milestone"), justify="left", ratio=1, min_width=16, overflow="fold"
            )
            for column in ("median", "change", "faster", "reached", "met"):
                table.add_column(cat(f"compare.col_{column}"), justify="right", no_wrap=True)
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
                    Text(terminal_text(milestone_words(milestone, cat))),
                    medians,
                    Text(change, style=style),
                    faster,
                    _share_short(row.get("reached")),
                    _share_short(row.get("deadline_met")),
                )
            console.print(table)
    console.print(Text(cat("compare.legend"), style="dim"))
