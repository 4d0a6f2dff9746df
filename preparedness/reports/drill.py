"""Drill reports: a replay, a calibration or a what-if as one page model, written as HTML and
Markdown into an atomic report folder, with ``calibrated.yaml`` for a calibration.

The page model (sections of paragraphs, tables and figures) is built once from the result
and rendered twice, so the HTML page and the Markdown file say the same things; every word
comes from the ``drill.`` keys of the language catalogue.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from .atomic import ReportFolder, clean_stale_partials, unique_run_label
from .escape import md_cell
from .figures import Figure
from .figures.swimlane import swimlane_figure
from .folder import scenario_folder_name
from .html import _ENV, HTML_LANG, report_date
from .i18n import Catalogue, catalogue, milestone_label
from .post_names import localise_posts

__all__ = ["calibrated_yaml", "render_drill_pages", "staged_calibration", "write_drill_report"]


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)


def calibrated_yaml(document: dict) -> str:
    """The interventions file of a calibration, as YAML text (UTF-8 names kept)."""
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


@contextmanager
def staged_calibration(document: dict) -> Iterator[Path]:
    """``calibrated.yaml`` written to a private temporary folder, for the loader to read back."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calibrated.yaml"
        path.write_text(calibrated_yaml(document), encoding="utf-8")
        yield path


def _label(cat: Catalogue, placement_or_change: Any) -> str:
    return milestone_label(placement_or_change.milestone, placement_or_change.label, cat)


def _placements(drill, cat: Catalogue, heading: str) -> Section:
    section = Section(heading)
    section.header = [
        cat("drill.col.milestone"),
        cat("drill.col.observed"),
        cat("drill.col.median"),
        cat("drill.col.p90"),
        cat("drill.col.percentile"),
        cat("drill.col.words"),
    ]
    for p in drill.replay.placements:
        section.rows.append(
            [
                _label(cat, p),
                cat.minutes(p.observed),
                cat.minutes(p.median),
                cat.minutes(p.p90),
                cat("value.none")
                if p.percentile is None
                else cat("drill.percentile", value=cat.number(p.percentile, 0)),
                cat(f"drill.place.{p.words}"),
            ]
        )
    return section


def _split(drill, cat: Catalogue) -> Section:
    section = Section(cat("drill.section.split"))
    section.header = [
        cat("drill.col.milestone"),
        cat("drill.col.cause"),
        cat("drill.col.drill_minutes"),
        cat("drill.col.model_minutes"),
    ]
    for p in drill.replay.placements:
        if p.deadline is None or not p.drill_split:
            continue
        causes = [c for c in p.model_split if c not in p.drill_split]
        for cause in [*p.drill_split, *causes]:
            drill_minutes = p.drill_split.get(cause)
            model_minutes = p.model_split.get(cause)
            if (drill_minutes or 0) < 0.05 and (model_minutes or 0) < 0.05:
                continue
            section.rows.append(
                [
                    _label(cat, p),
                    cat(f"cause.{cause}"),
                    cat.minutes(drill_minutes),
                    cat.minutes(model_minutes),
                ]
            )
    return section


def _aar(drill, cat: Catalogue) -> Section:
    draft = drill.replay.aar()
    section = Section(
        cat("drill.section.aar"),
        [
            cat("drill.aar.rubric"),
            cat("drill.aar.summary", strengths=len(draft.strengths), areas=len(draft.areas)),
        ],
    )
    section.header = [
        cat("drill.col.milestone"),
        cat("drill.col.deadline"),
        cat("drill.col.observed"),
        cat("drill.col.rating"),
        cat("drill.col.improve"),
    ]
    for p in drill.replay.placements:
        if p.rating is None:
            continue
        cause = p.top_cause
        section.rows.append(
            [
                _label(cat, p),
                cat.minutes(p.deadline),
                cat.minutes(p.observed),
                cat(f"drill.rating.{p.rating.value}"),
                cat(f"cause.{cause}") if cause else cat("value.none"),
            ]
        )
    return section


def _swimlanes(drill, cat: Catalogue, number: int) -> Section:
    section = Section(cat("drill.section.swimlanes"))
    results = localise_posts(drill.experiment.summary(), cat)
    incident_id = drill.log.incidents()[0]
    incident = next(i for i in results["incidents"] if i["id"] == incident_id)
    known = {row["post"] for row in results["people"]}
    for post, info in drill.trace.posts.items():
        if post not in known:
            results["people"].append({"post": post, "name": f"{info.role_name} ({info.unit})"})
    drill_figure = swimlane_figure(results, incident, drill.trace, 0, "index", cat, number)
    drill_figure = replace(
        drill_figure,
        id=f"drill-{drill_figure.id}",
        caption=cat("drill.caption.swimlane_drill", log=drill.log.file),
    )
    model_figure = swimlane_figure(
        results, incident, drill.median_trace, drill.median_replication, "median", cat, number + 1
    )
    section.figures = [
        {"figure": drill_figure, "number": number},
        {"figure": model_figure, "number": number + 1},
    ]
    return section


def _period(cat: Catalogue, period: str) -> str:
    return cat(f"drill.period.{period or 'all'}")


def _subject(cat: Catalogue, subject: str) -> str:
    if ":" in subject:
        channel, link = subject.split(":", 1)
        sender, receiver = link.split(">", 1)
        return cat("drill.link", channel=channel, sender=sender, receiver=receiver)
    return subject


#: Quantities that are shares (shown as percentages) rather than times.
_SHARES = ("answer_probability", "answer_if_present", "away_share")


def _value(cat: Catalogue, quantity: str, value: float) -> str:
    return cat.share(value) if quantity in _SHARES else cat.minutes(value)


def _sample(cat: Catalogue, quantity: str, observed: int, censored: int) -> str:
    if quantity == "away_share":
        return cat("drill.sample_people", people=observed)
    if quantity == "answer_if_present":
        return cat("drill.sample_attempts", attempts=observed)
    return cat("drill.sample", observed=observed, censored=censored)


def _estimates(result, cat: Catalogue) -> list[Section]:
    notes = [cat("drill.estimates.read"), cat("drill.away_share.read")]
    if result.calibration.unidentified:
        roles = ", ".join(result.calibration.unidentified)
        notes.append(cat("drill.away_share.unidentified", roles=roles))
    table = Section(cat("drill.section.estimates"), notes)
    table.header = [
        cat("drill.col.quantity"),
        cat("drill.col.subject"),
        cat("drill.col.period"),
        cat("drill.col.prior"),
        cat("drill.col.fitted"),
        cat("drill.col.interval"),
        cat("drill.col.n"),
    ]
    for e in result.calibration.estimates:
        quantity, subject, period = e.key
        share = quantity in _SHARES
        table.rows.append(
            [
                cat(f"drill.quantity.{quantity}"),
                _subject(cat, subject),
                _period(cat, period),
                _value(cat, quantity, e.prior_value),
                _value(cat, quantity, e.fitted.value),
                cat.interval((e.fitted.low, e.fitted.high), share=share),
                _sample(cat, quantity, e.observed, e.censored),
            ]
        )
    fit = Section(cat("drill.section.fit"), [cat("drill.fit.read")])
    fit.header = [
        cat("drill.col.quantity"),
        cat("drill.col.subject"),
        cat("drill.col.period"),
        cat("drill.col.test"),
        cat("drill.col.p_value"),
        cat("drill.col.verdict"),
    ]
    for f in result.fits:
        quantity, subject, period = f.key
        fit.rows.append(
            [
                cat(f"drill.quantity.{quantity}"),
                _subject(cat, subject),
                _period(cat, period),
                cat(f"drill.test.{f.test}", drill=f.drill_n, model=f.model_n),
                cat.number(f.p_value, 2),
                cat("drill.fit.consistent" if f.consistent else "drill.fit.inconsistent"),
            ]
        )
    return [table, fit]


def _whatif(result, cat: Catalogue) -> Section:
    section = Section(cat("drill.section.whatif"))
    section.header = [
        cat("drill.col.milestone"),
        cat("drill.col.intervention"),
        cat("drill.col.observed"),
        cat("drill.col.change"),
        cat("drill.col.interval"),
        cat("drill.col.would_be"),
    ]
    names = {name: result.experiment.variant_name(name) for name in result.interventions}
    for change in result.changes:
        if change.mean_change is None:
            continue
        interval = None if change.low is None else (change.low, change.high)
        section.rows.append(
            [
                _label(cat, change),
                names[change.intervention],
                cat.minutes(change.observed),
                cat.minutes(change.mean_change),
                cat.interval(interval),
                cat.minutes(change.drill_would_be),
            ]
        )
        if interval is not None and abs(change.mean_change) >= 0.5 and change.observed is not None:
            key = "drill.whatif.earlier" if change.mean_change < 0 else "drill.whatif.later"
            low, high = sorted(abs(v) for v in interval)
            if interval[0] < 0 < interval[1]:
                key = "drill.whatif.unclear"
            section.paragraphs.append(
                cat(
                    key,
                    intervention=names[change.intervention],
                    milestone=_label(cat, change),
                    minutes=cat.number(abs(change.mean_change), 0),
                    low=cat.number(low, 0),
                    high=cat.number(high, 0),
                )
            )
    return section


def _meta(drill, cat: Catalogue) -> str:
    return cat(
        "drill.meta",
        replications=drill.experiment.replications,
        seed=str(drill.experiment.seed),
        rows=len(drill.log.rows),
        log=drill.log.file,
    )


def render_drill_pages(kind: str, result, lang: str) -> tuple[str, str, list[Figure]]:
    """The HTML page, the Markdown text and the figures of a drill result."""
    cat = catalogue(lang)
    if kind == "replay":
        drill = result
        title = cat("drill.replay_title", scenario=drill.scenario.name, log=drill.log.file)
        sections = [
            _placements(drill, cat, cat("drill.section.placements")),
            _split(drill, cat),
            _aar(drill, cat),
            _swimlanes(drill, cat, 1),
        ]
    elif kind == "calibrate":
        drill = result.replays[0]
        logs = cat("list.separator").join(log.file for log in result.logs)
        title = cat("drill.calibrate_title", scenario=drill.scenario.name, logs=logs)
        sections = [*_estimates(result, cat)]
        for replay in result.replays:
            sections.append(
                _placements(replay, cat, cat("drill.section.after", log=replay.log.file))
            )
    else:
        drill = result.drill
        title = cat("drill.whatif_title", scenario=drill.scenario.name, log=drill.log.file)
        sections = [_whatif(result, cat), _aar(drill, cat)]
    meta = _meta(drill, cat)
    html = _ENV.get_template("drill_report.html.j2").render(
        t=cat,
        html_lang=HTML_LANG[lang],
        title=title,
        meta=meta,
        sections=sections,
        generated=report_date(lang),
    )
    figures = [f["figure"] for s in sections for f in s.figures]
    return html, _markdown(title, meta, sections, cat), figures


def _markdown(title: str, meta: str, sections: list[Section], cat: Catalogue) -> str:
    lines = [f"# {md_cell(title)}", "", md_cell(meta), ""]
    for section in sections:
        lines += [f"## {md_cell(section.heading)}", ""]
        for paragraph in section.paragraphs:
            lines += [md_cell(paragraph), ""]
        if section.header:
            lines.append("| " + " | ".join(md_cell(h) for h in section.header) + " |")
            lines.append("|" + "---|" * len(section.header))
            for row in section.rows:
                lines.append("| " + " | ".join(md_cell(c) for c in row) + " |")
            lines.append("")
        for shown in section.figures:
            fig = shown["figure"]
            number = cat("figure.label", number=shown["number"])
            lines += [f"![{md_cell(fig.title)}](figures/{fig.id}.svg)", ""]
            lines += [f"{md_cell(number)} {md_cell(fig.caption)}", ""]
    return "\n".join(lines)


def write_drill_report(
    kind: str, result, out_root: str | Path, lang: str = "en", now: datetime | None = None
) -> Path:
    """Write report.html, report.md, figures/ and drill.json (and calibrated.yaml for a
    calibration) into a new folder under ``out_root``; all or nothing."""
    now = now or datetime.now().astimezone()
    html, markdown, figures = render_drill_pages(kind, result, lang)
    drill = (
        result if kind == "replay" else result.replays[0] if kind == "calibrate" else result.drill
    )
    parent = Path(out_root) / scenario_folder_name(drill.scenario.name)
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale_partials(parent)
    final = parent / f"drill-{kind}-{unique_run_label(parent, now)}"
    with ReportFolder(final) as staging:
        (staging / "report.html").write_text(html, encoding="utf-8")
        (staging / "report.md").write_text(markdown, encoding="utf-8")
        if figures:
            (staging / "figures").mkdir()
            for fig in figures:
                (staging / "figures" / f"{fig.id}.svg").write_text(fig.svg, encoding="utf-8")
        if kind == "calibrate":
            (staging / "calibrated.yaml").write_text(
                calibrated_yaml(result.document), encoding="utf-8"
            )
        data = _data(kind, result)
        (staging / "drill.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return final


def _data(kind: str, result) -> dict[str, Any]:
    """The numbers of the report, for a reader who wants them without the words."""
    drill = (
        result if kind == "replay" else result.replays[0] if kind == "calibrate" else result.drill
    )
    data: dict[str, Any] = {
        "kind": kind,
        "log": drill.log.file,
        "replications": drill.experiment.replications,
        "seed": drill.experiment.seed,
        "placements": [
            {
                "incident": p.incident,
                "milestone": p.milestone,
                "observed": p.observed,
                "percentile": p.percentile,
                "words": p.words,
                "median": p.median,
                "p90": p.p90,
                "deadline": p.deadline,
                "rating": p.rating.value if p.rating else None,
                "drill_split": p.drill_split,
                "model_split": p.model_split,
            }
            for p in drill.replay.placements
        ],
    }
    if kind == "calibrate":
        data["estimates"] = [
            {
                "quantity": e.key[0],
                "subject": e.key[1],
                "period": e.key[2],
                "prior": e.prior_value,
                "fitted": e.fitted.value,
                "ci95": [e.fitted.low, e.fitted.high],
                "method": e.fitted.method,
                "observed": e.observed,
                "censored": e.censored,
                "path": e.path,
            }
            for e in result.calibration.estimates
        ]
        data["away_share_not_identifiable"] = list(result.calibration.unidentified)
        data["fits"] = [
            {
                "quantity": f.key[0],
                "subject": f.key[1],
                "period": f.key[2],
                "test": f.test,
                "p_value": f.p_value,
                "drill_n": f.drill_n,
                "model_n": f.model_n,
            }
            for f in result.fits
        ]
    if kind == "whatif":
        data["changes"] = [
            {
                "milestone": c.milestone,
                "intervention": c.intervention,
                "observed": c.observed,
                "mean_change": c.mean_change,
                "ci95": [c.low, c.high],
                "drill_would_be": c.drill_would_be,
            }
            for c in result.changes
        ]
    return data
