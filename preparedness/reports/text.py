"""Plain-words formatting of minutes, intervals and shares, shared by every renderer."""

from __future__ import annotations

from .i18n import Catalogue, milestone_label


def minutes(value: float | None) -> str:
    """``87.3`` -> ``87 min``; ``None`` -> ``—``. Whole minutes are what a planner reads."""
    if value is None:
        return "—"
    if value < 10:
        return f"{value:.1f} min"
    return f"{value:.0f} min"


def interval(ci) -> str:
    if ci is None:
        return "—"
    lo, hi = ci
    if hi - lo < 10 and hi < 100:
        return f"{lo:.1f}–{hi:.1f}"
    return f"{lo:.0f}–{hi:.0f}"


def share(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def share_interval(ci) -> str:
    return "—" if ci is None else f"{100 * ci[0]:.0f}–{100 * ci[1]:.0f}%"


def milestone_words(row: dict, cat: Catalogue) -> str:
    """A milestone's label in ``cat``'s language: results.json holds the engine's English
    label, shown as is in English; other languages rebuild it from the milestone's id with
    the names inside kept as written."""
    if cat.lang == "en" or "id" not in row:
        return row["label"]
    return milestone_label(row["id"], row["label"], cat)


MODE_WORDS = {
    "siloed_relay": "siloed relay (each department acts only on its own chain's order)",
    "whistle_and_report": "whistle-and-report (the community summons departments directly)",
    "joint_command_centre": "joint command centre (liaisons on joint duty receive orders at once)",
}


def milestone_sentence(row: dict) -> str:
    """One milestone in a sentence, with its uncertainty and deadline record."""
    label = row["label"]
    n, reached = row["n_replications"], row["n_reached"]
    if reached == 0:
        return f"{label}: never reached in any of the {n} runs."
    text = (
        f"{label}: median {minutes(row['median'])}, 90% of runs within {minutes(row['p90'])} "
        f"(mean {minutes(row['mean'])}, 95% CI {interval(row['ci95_mean'])} min"
    )
    text += ")" if reached == n else f"; reached in {reached} of {n} runs)"
    if row["deadline"] is not None:
        text += (
            f". Deadline {minutes(row['deadline'])} met in {share(row['deadline_met_share'])} "
            f"of runs (95% CI {share_interval(row['deadline_met_ci95'])})"
        )
    return text + "."
