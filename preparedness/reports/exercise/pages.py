"""Render the exercise package's HTML pages (index, situation manual, MSEL, inject cards,
questions, EEG, AAR/IP, role cards) from templates that extend ``base.html.j2``: autoescaped,
strict, every word from the catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...planning.exercise import ExercisePackage
from ..html import HTML_LANG, _environment, report_date
from ..i18n import Catalogue, catalogue
from .rows import (
    MSEL_COLUMNS,
    eeg_rows,
    improvement_rows,
    msel_rows,
    objective_text,
    story_sentence,
)
from .text import clock, exercise_clock, say

__all__ = ["PAGES", "render_pages"]

#: Page file -> its title key, in the order the index lists them.
PAGES = {
    "situation-manual.html": "exercise.page.situation_manual",
    "msel.html": "exercise.page.msel",
    "inject-cards.html": "exercise.page.inject_cards",
    "questions.html": "exercise.page.questions",
    "eeg.html": "exercise.page.eeg",
    "aar-ip.html": "exercise.page.aar_ip",
    "roles.html": "exercise.page.roles",
}

_ENV = _environment()


def _modules(package: ExercisePackage, cat: Catalogue) -> list[dict[str, Any]]:
    modules = []
    for module in package.modules:
        injects = [i for i in package.injects if i.module == module.id and not i.contingency]
        modules.append(
            {
                "id": module.id,
                "title": cat(f"exercise.module.{module.id}"),
                "window": cat(
                    "exercise.module.window",
                    start=clock(cat, package.start_iso, module.scenario_start - _offset(package)),
                    end=clock(cat, package.start_iso, module.scenario_end - _offset(package)),
                ),
                "budget": cat(
                    "exercise.module.budget",
                    start=exercise_clock(cat, module.exercise_start),
                    minutes=cat.minutes(module.exercise_minutes),
                ),
                "narrative": [say(cat, i.text) for i in injects],
                "questions": [say(cat, q.text) for q in package.questions if q.module == module.id],
            }
        )
    return modules


def _offset(package: ExercisePackage) -> float:
    """Minutes from the scenario's start to the incident's (module windows are in trace time)."""
    start = datetime.fromisoformat(package.start_iso)
    return (start - package.scenario.start).total_seconds() / 60


def _schedule(package: ExercisePackage, cat: Catalogue) -> list[dict[str, str]]:
    rows = [{"time": exercise_clock(cat, 0), "what": cat("exercise.schedule.briefing")}]
    for module in package.modules:
        rows.append(
            {
                "time": exercise_clock(cat, module.exercise_start),
                "what": cat(f"exercise.module.{module.id}"),
            }
        )
    end = package.modules[-1].exercise_start + package.modules[-1].exercise_minutes
    rows.append({"time": exercise_clock(cat, end), "what": cat("exercise.schedule.hot_wash")})
    rows.append(
        {"time": exercise_clock(cat, package.duration), "what": cat("exercise.schedule.end")}
    )
    return rows


def _roles(package: ExercisePackage, cat: Catalogue) -> list[dict[str, Any]]:
    none = cat("value.none")
    sep = cat("list.separator")
    return [
        {
            "name": say(cat, card.name),
            "level": cat(f"exercise.level.{card.level}"),
            "critical": card.on_critical_path,
            "calls": sep.join(say(cat, post) for post in card.calls) or none,
            "called_by": sep.join(say(cat, post) for post in card.called_by) or none,
            "objectives": [objective_text(package, cat, o.id) for o in card.objectives],
        }
        for card in package.roles
    ]


def render_pages(package: ExercisePackage, lang: str) -> dict[str, str]:
    """Every HTML page of the package, by file name; the same package gives the same bytes."""
    cat = catalogue(lang)
    scenario = package.scenario
    incident = package.results["incidents"][package.incident_index]
    plan = incident["plan_name"] or cat("value.none")
    common = {
        "t": cat,
        "html_lang": HTML_LANG[lang],
        "generated": report_date(lang),
        "story": story_sentence(package, cat),
        "pages": [{"file": f, "title": cat(k)} for f, k in PAGES.items()],
        "subtitle": cat(
            "exercise.subtitle",
            scenario=scenario.name,
            incident=incident["name"],
            duration=cat.minutes(package.duration),
        ),
    }
    msel = msel_rows(package, cat)
    eeg = eeg_rows(package, cat)
    context: dict[str, dict[str, Any]] = {
        "index.html": {},
        "situation-manual.html": {
            "purpose": cat(
                "exercise.sm.purpose_text",
                scenario=scenario.name,
                incident=incident["name"],
                plan=plan,
            ),
            "scope": cat(
                "exercise.sm.scope_text",
                duration=cat.minutes(package.duration),
                audience=package.audience or cat("exercise.sm.audience_default"),
                modules=len(package.modules),
            ),
            "objectives": [objective_text(package, cat, o.id) for o in package.objectives],
            "modules": _modules(package, cat),
            "participants": _roles(package, cat),
            "rules": [cat(f"exercise.sm.rule.{k}") for k in range(1, 6)],
            "schedule": _schedule(package, cat),
        },
        "msel.html": {
            "columns": [cat(f"exercise.msel.{c}") for c in MSEL_COLUMNS],
            "rows": msel,
            "keys": MSEL_COLUMNS,
        },
        "inject-cards.html": {"rows": msel},
        "questions.html": {"modules": _modules(package, cat)},
        "eeg.html": {"rows": eeg},
        "aar-ip.html": {
            "overview": [
                cat(
                    "exercise.aar.overview_name",
                    name=cat(
                        "exercise.subtitle",
                        scenario=scenario.name,
                        incident=incident["name"],
                        duration=cat.minutes(package.duration),
                    ),
                ),
                cat("exercise.aar.overview_scenario", description=scenario.description.strip()),
                cat("exercise.aar.overview_plan", plan=plan),
            ],
            "ratings": [
                {
                    "objective": objective_text(package, cat, r.objective),
                    "rating": cat(f"exercise.rating.{r.rating.value}"),
                    "observed": cat.minutes(r.observed),
                }
                for r in package.aar.rated
            ],
            "strengths": [objective_text(package, cat, r.objective) for r in package.aar.strengths],
            "areas": [objective_text(package, cat, r.objective) for r in package.aar.areas],
            "improvements": improvement_rows(package, cat),
        },
        "roles.html": {"roles": _roles(package, cat)},
    }
    pages = {}
    for file, extra in context.items():
        title = cat(PAGES.get(file, "exercise.page.index"))
        template = _ENV.get_template(f"exercise/{file.removesuffix('.html')}.html.j2")
        pages[file] = template.render(**common, **extra, title=title, page=file)
    return pages
