"""Plain-words formatting of minutes, intervals and shares, shared by every renderer; the
words come from the language catalogue (English unless a catalogue is given)."""

from __future__ import annotations

from .i18n import Catalogue, catalogue, milestone_label, translate

#: The command modes in words (English), for callers that have no catalogue.
MODE_WORDS = {
    mode: translate("en", f"mode.{mode}")
    for mode in ("siloed_relay", "whistle_and_report", "joint_command_centre")
}


def minutes(value: float | None, cat: Catalogue | None = None) -> str:
    """``87.3`` -> ``87 min`` / ``87 分钟``; ``None`` -> ``—``. Whole minutes are what a
    planner reads."""
    if value is None:
        return "—"
    number = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return (cat or catalogue("en"))("unit.minutes", value=number)


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


def milestone_sentence(row: dict, cat: Catalogue | None = None) -> str:
    """One milestone in a sentence, with its uncertainty and deadline record."""
    cat = cat or catalogue("en")
    label = milestone_words(row, cat)
    n, reached = row["n_replications"], row["n_reached"]
    if reached == 0:
        return cat("md.sentence_never", label=label, n=str(n))
    text = cat(
        "md.sentence",
        label=label,
        median=minutes(row["median"], cat),
        p90=minutes(row["p90"], cat),
        mean=minutes(row["mean"], cat),
        ci=interval(row["ci95_mean"]),
        reached="" if reached == n else cat("md.sentence_reached", reached=str(reached), n=str(n)),
    )
    if row["deadline"] is not None:
        text += cat(
            "md.sentence_deadline",
            deadline=minutes(row["deadline"], cat),
            share=share(row["deadline_met_share"]),
            ci=share_interval(row["deadline_met_ci95"]),
        )
    return text + cat("md.stop")
