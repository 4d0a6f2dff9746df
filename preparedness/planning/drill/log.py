"""Read a drill log (CSV) and check it against its scenario: every problem with its line.

A drill log is one row per observed event: ``time`` (ISO 8601 with a UTC offset, or
minutes from the drill start), ``event`` (one of ``EVENTS``), ``from`` and ``to`` (posts
written ``role@place``, a role id or a role's name when the role has one post, a
department, team or depot id), ``channel``, ``count`` and ``note``; an optional
``incident`` column names the scenario incident a row belongs to (default: the first).
The format is documented in docs/guides/drill-logs.md.

Nothing downstream sees the CSV: a log that passes every check is a tuple of typed
``LogRow`` values, minutes from the drill start, with every name resolved to the
scenario's own ids. Problems are collected, sorted by line and raised together as a
``DrillLogError`` (``drill.csv:12: to: no post 'xx'; did you mean ...``), as scenario
diagnostics are (STYLE habit 2).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ...engine.command import liaison_role
from ...engine.command_modes import mode_named
from ...engine.streams import Streams
from ...engine.trace import PostInfo
from ...engine.world import Places, World, post_level_unit
from ...scenario.diagnostics import did_you_mean
from ...scenario.models import Level, Scenario

__all__ = [
    "COLUMNS",
    "EVENTS",
    "DrillLog",
    "DrillLogError",
    "LogProblem",
    "LogRow",
    "parse_log",
    "read_log",
    "scenario_posts",
]

#: The columns of a drill log, in the order the documentation lists them.
COLUMNS = ("time", "event", "from", "to", "channel", "count", "note", "incident")
REQUIRED = ("time", "event")

#: Events a log may hold: what each needs in ``from`` and ``to`` ("post", "target", "").
#: ``target`` is a department, team, depot or plan; ``post`` a post of the scenario.
EVENTS: dict[str, tuple[str, str]] = {
    "started": ("", ""),  # the incident began (default: the drill start)
    "detected": ("post", ""),  # someone noticed the incident
    "call": ("post", "post"),  # a phone call (or radio call) was placed
    "answered": ("post", "post"),  # the call was picked up
    "no_answer": ("post", "post"),  # the call rang out
    "busy": ("post", "post"),  # the line was engaged
    "delivered": ("post", "post"),  # the message reached ``to`` (the call ended, or read)
    "message": ("post", "post"),  # a text or group message was sent
    "read": ("post", "post"),  # ``to`` read the message
    "at_desk": ("post", ""),  # an off-duty person reached the desk
    "decided": ("post", ""),  # a person decided what to do and started on it
    "activated": ("post", "target"),  # the plan was activated
    "centre_active": ("", ""),  # the joint command centre convened
    "ordered": ("", "target"),  # a department received its order
    "reported_in": ("", "target"),  # a department reported in
    "team_on_scene": ("", "target"),  # a team arrived on scene
    "depot_opened": ("", "target"),  # a depot's keeper opened it
    "controlled": ("", ""),  # every task done
    "households_warned": ("", ""),  # ``count`` more households warned
    "stock_issued": ("", "target"),  # ``count`` units issued from a depot
}

_COUNTED = ("households_warned", "stock_issued")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_MAX_BYTES = 20_000_000


@dataclass(frozen=True)
class LogProblem:
    """One problem at one line of a drill log (1-based; the header is line 1)."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class DrillLogError(Exception):
    """A drill log that cannot be used; carries every problem found, sorted by line."""

    def __init__(self, problems: Iterable[LogProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class LogRow:
    """One checked row: names resolved to scenario ids, time in minutes from the drill start."""

    line: int
    time: float
    event: str
    incident: str
    source: str | None
    target: str | None
    channel: str | None
    count: int | None
    note: str


@dataclass(frozen=True)
class DrillLog:
    """A checked drill log: its rows in file order and the wall-clock time of minute 0."""

    file: str
    rows: tuple[LogRow, ...]
    #: when the log uses ISO 8601 times: the drill start they are counted from
    start: datetime | None = None

    def incidents(self) -> list[str]:
        """Incidents the log has rows for, in order of first appearance."""
        return list(dict.fromkeys(row.incident for row in self.rows))


def scenario_posts(scenario: Scenario) -> dict[str, PostInfo]:
    """Every post the scenario can have (``role@place``), as the engine describes it.

    Posts are built the way the engine builds them (one per role and place of the role's
    level; liaisons in a joint command centre), so a log names exactly the engine's posts.
    """
    world = World.build(scenario, Streams(0, 0))
    places: Places = world.places
    units: dict[Level, list[str]] = {}
    for community in places.communities:
        units.setdefault(Level.grid, []).extend(places.cells_of(community))
        units.setdefault(Level.building, []).extend(places.buildings_of(community))
    for unit in list(places.units.values()):
        if unit.level not in (Level.grid, Level.building):
            units.setdefault(unit.level, []).append(unit.id)
    posts: dict[str, PostInfo] = {}
    for role in scenario.roles:
        for unit_id in units.get(post_level_unit(role), []):
            info = world.post(role.id, unit_id).info
            posts[info.id] = info
    centre = scenario.command.joint_centre
    if mode_named(scenario.command.mode).convenes_centre and centre is not None:
        commander = next(p for p in posts.values() if p.role == centre.commanded_by)
        for department in scenario.departments:
            role = liaison_role(world, department)
            info = world.post(role.id, commander.unit).info
            posts[info.id] = info
    return posts


class _Names:
    """How the log may name posts and targets, resolved to the scenario's ids."""

    def __init__(self, scenario: Scenario) -> None:
        self.posts = scenario_posts(scenario)
        by_role: dict[str, list[str]] = {}
        for post, info in self.posts.items():
            by_role.setdefault(info.role, []).append(post)
        self.aliases: dict[str, list[str]] = {}
        names = {role.id: role.name for role in scenario.roles}
        for role, posts in by_role.items():
            self.aliases.setdefault(role, posts)
            if role in names:
                self.aliases.setdefault(names[role], posts)
        self.targets: dict[str, str] = {}
        for kind in (scenario.departments, scenario.teams, scenario.depots, scenario.plans):
            for thing in kind:
                self.targets.setdefault(thing.id, thing.id)
                self.targets.setdefault(thing.name, thing.id)
        self.channels = [channel.id for channel in scenario.channels]
        if scenario.command.joint_centre is not None:
            self.channels.append(scenario.command.joint_centre.liaison_channel)
        self.incidents = [incident.id for incident in scenario.incidents]

    def post(self, text: str) -> tuple[str | None, str]:
        if text in self.posts:
            return text, ""
        posts = self.aliases.get(text)
        if posts is not None and len(posts) == 1:
            return posts[0], ""
        if posts:
            return None, (
                f"'{text}' names {len(posts)} posts; write one as role@place, e.g. '{posts[0]}'"
            )
        return None, f"no post '{text}'{did_you_mean(text, [*self.posts, *self.aliases])}"

    def target(self, text: str) -> tuple[str | None, str]:
        if text in self.targets:
            return self.targets[text], ""
        if text in self.posts or (text in self.aliases and len(self.aliases[text]) == 1):
            return self.post(text)
        known = [*self.targets, *self.posts]
        return None, f"no department, team, depot, plan or post '{text}'{did_you_mean(text, known)}"


def read_log(path: str | Path, scenario: Scenario, *, display_name: str | None = None) -> DrillLog:
    """Read and check the drill log at ``path``; raise ``DrillLogError`` with every problem."""
    name = display_name or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise DrillLogError(
            [LogProblem(name, 1, "", f"cannot read the log: {error.strerror}")]
        ) from None
    return parse_log(raw, scenario, name)


def _decode(raw: bytes, file: str) -> str:
    if not raw:
        raise DrillLogError(
            [
                LogProblem(
                    file,
                    1,
                    "",
                    "the file is empty; a drill log needs a header row "
                    "(time,event,from,to,channel,count,note) and one row per event",
                )
            ]
        )
    if len(raw) > _MAX_BYTES:
        raise DrillLogError([LogProblem(file, 1, "", "the log is larger than 20 MB")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        raise DrillLogError(
            [
                LogProblem(
                    file, line, "", f"not UTF-8 text (byte 0x{byte:02x}); save the log as UTF-8"
                )
            ]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DrillLogError([LogProblem(file, line, "", "a NUL byte: this is not a text file")])
    return text


def parse_log(raw: bytes, scenario: Scenario, file: str) -> DrillLog:
    """Check ``raw`` (the bytes of a CSV drill log) against ``scenario``."""
    text = _decode(raw, file)
    records = list(csv.reader(io.StringIO(text, newline="")))
    header = [cell.strip() for cell in records[0]] if records else []
    problems = _check_header(header, file)
    if problems:
        raise DrillLogError(problems)
    rows = [
        (n, record)
        for n, record in enumerate(records[1:], start=2)
        if any(c.strip() for c in record)
    ]
    if not rows:
        raise DrillLogError([LogProblem(file, 1, "", "no events after the header row")])
    checker = _RowChecker(scenario, file, header)
    for line, record in rows:
        checker.check(line, record)
    checker.check_order()
    if checker.problems:
        raise DrillLogError(checker.problems)
    return DrillLog(file, tuple(checker.rows), checker.start)


def _check_header(header: list[str], file: str) -> list[LogProblem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name not in COLUMNS:
            problems.append(
                LogProblem(file, 1, "", f"unknown column '{name}'{did_you_mean(name, COLUMNS)}")
            )
        elif name in seen:
            problems.append(LogProblem(file, 1, "", f"column '{name}' appears twice"))
        seen.add(name)
    for name in REQUIRED:
        if name not in header:
            problems.append(
                LogProblem(
                    file, 1, "", f"no '{name}' column; the header names {','.join(COLUMNS[:7])}"
                )
            )
    return problems


class _RowChecker:
    """Checks rows one by one, keeping what later rows are checked against."""

    def __init__(self, scenario: Scenario, file: str, header: list[str]) -> None:
        self.names = _Names(scenario)
        self.file, self.header = file, header
        self.problems: list[LogProblem] = []
        self.rows: list[LogRow] = []
        self.start: datetime | None = None
        self.iso: bool | None = None
        self.seen: dict[tuple[str, ...], int] = {}
        self.calls: set[tuple[str, str, str]] = set()

    def problem(self, line: int, field: str, message: str) -> None:
        self.problems.append(LogProblem(self.file, line, field, message))

    def check(self, line: int, record: list[str]) -> None:
        if len(record) != len(self.header):
            self.problem(line, "", f"{len(record)} fields, but the header has {len(self.header)}")
            return
        cells = {name: cell.strip() for name, cell in zip(self.header, record, strict=True)}
        key = tuple(cells[name] for name in self.header)
        if key in self.seen:
            self.problem(line, "", f"the same row as line {self.seen[key]}")
            return
        self.seen[key] = line
        before = len(self.problems)
        time = self._time(line, cells["time"])
        event = cells["event"]
        if event not in EVENTS:
            self.problem(line, "event", f"unknown event '{event}'{did_you_mean(event, EVENTS)}")
            return
        incident = self._incident(line, cells.get("incident", ""))
        needs_from, needs_to = EVENTS[event]
        source = self._name(line, "from", cells.get("from", ""), needs_from, event)
        target = self._name(line, "to", cells.get("to", ""), needs_to, event)
        channel = self._channel(line, cells.get("channel", ""))
        count = self._count(line, cells.get("count", ""), event)
        if len(self.problems) > before or time is None or incident is None:
            return
        if event in ("answered", "no_answer", "busy") and source and target:
            if (incident, source, target) not in self.calls:
                self.problem(
                    line, "event", f"'{event}' with no 'call' from {source} to {target} before it"
                )
                return
        if event == "call" and source and target:
            self.calls.add((incident, source, target))
        note = cells.get("note", "")
        self.rows.append(
            LogRow(line, time, event, incident, source, target, channel or None, count, note)
        )

    def _time(self, line: int, text: str) -> float | None:
        if not text:
            self.problem(line, "time", "empty; every row needs a time")
            return None
        if _ISO.match(text):
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                moment = None
            if moment is None:
                self.problem(line, "time", f"'{text}' is not a valid ISO 8601 date and time")
                return None
            if moment.utcoffset() is None:
                self.problem(line, "time", f"'{text}' has no UTC offset; add one, e.g. +08:00")
                return None
            return self._form(line, True, text) and self._since_start(line, moment)
        try:
            minutes = float(text)
        except ValueError:
            self.problem(
                line,
                "time",
                f"'{text}' is not a time: write ISO 8601 with an offset "
                "(2026-07-14T02:40:00+08:00) or minutes from the drill start (12.5)",
            )
            return None
        if not math.isfinite(minutes):
            self.problem(line, "time", f"'{text}' is not a finite number of minutes")
            return None
        if minutes < 0:
            self.problem(line, "time", f"{text} is before the drill start (minute 0)")
            return None
        return minutes if self._form(line, False, text) else None

    def _form(self, line: int, iso: bool, text: str) -> bool:
        if self.iso is None:
            self.iso = iso
        if self.iso != iso:
            first, other = ("ISO 8601 times", "minutes") if self.iso else ("minutes", "ISO 8601")
            self.problem(
                line, "time", f"'{text}' is {other}, but earlier rows use {first}; use one form"
            )
            return False
        return True

    def _since_start(self, line: int, moment: datetime) -> float | None:
        if self.start is None:
            self.start = moment
        minutes = (moment - self.start).total_seconds() / 60.0
        if minutes < 0:
            self.problem(line, "time", f"{moment.isoformat()} is before the first row's time")
            return None
        return minutes

    def _incident(self, line: int, text: str) -> str | None:
        known = self.names.incidents
        if not text:
            return known[0]
        if text not in known:
            self.problem(line, "incident", f"no incident '{text}'{did_you_mean(text, known)}")
            return None
        return text

    def _name(self, line: int, field: str, text: str, kind: str, event: str) -> str | None:
        if not text:
            if kind == "post":
                self.problem(line, field, f"a '{event}' row needs a post here")
            elif kind == "target" and event not in ("activated",):
                self.problem(line, field, f"a '{event}' row names what it is about here")
            return None
        resolved, message = self.names.post(text) if kind == "post" else self.names.target(text)
        if resolved is None:
            self.problem(line, field, message)
        return resolved

    def _channel(self, line: int, text: str) -> str | None:
        if text and text not in self.names.channels:
            self.problem(
                line, "channel", f"no channel '{text}'{did_you_mean(text, self.names.channels)}"
            )
            return None
        return text or None

    def _count(self, line: int, text: str, event: str) -> int | None:
        if not text:
            if event in _COUNTED:
                self.problem(line, "count", f"a '{event}' row needs a count")
            return None
        if not text.isdigit() or int(text) < 1:
            self.problem(line, "count", f"'{text}' is not a whole number of at least 1")
            return None
        return int(text)

    def check_order(self) -> None:
        """Rows of one post must go forward in time (a log is written as things happen)."""
        last: dict[str, LogRow] = {}
        for row in self.rows:
            if row.source is None:
                continue
            previous = last.get(row.source)
            if previous is not None and row.time < previous.time:
                self.problem(
                    row.line,
                    "time",
                    f"{_minutes(row.time)} is earlier than line {previous.line} "
                    f"({_minutes(previous.time)}) of the same post {row.source}",
                )
            else:
                last[row.source] = row


def _minutes(value: float) -> str:
    return f"minute {value:g}"
