"""What every sub-command shares: the consoles, exit codes, the usage error, located
problems, the progress bar, the API's notes on stderr, and Ctrl-C held while a report is
written. Its own lines are in the report's language (the catalogue, ``reports/lang``)."""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from ..errors import UsageError
from ..experiment.executor import DASK_ENV, Executor, PoolExecutor, SerialExecutor
from ..reports.escape import terminal_text
from ..reports.i18n import Catalogue, CatalogueError, catalogue
from ..reports.stages import pause_at

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILURE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "ProgressBar",
    "UsageError",
    "command_language",
    "diagnostic_line",
    "executor_words",
    "interrupts_held",
    "notes_to",
    "print_problems",
    "terminal_console",
]

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def terminal_console(stderr: bool = False) -> Console:
    """A console that prints text as written: no markup, no emoji codes, no highlighting.

    rich replaces ``:100:`` with an emoji even when markup is off (an error on line 100
    printed as ``file.yaml💯24:``) and reads ``[bold]`` in a name as a style; user text must
    come out as the user wrote it (README, "What a run writes"). Styles given explicitly
    (``Text`` with a style) still apply.
    """
    return Console(stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=True)


def command_language(args) -> str:
    """The language of a command's own lines: the report's, once the command knows it
    (``report_lang``: ``--lang``, else the scenario's ``language:``), else ``--lang``, else
    English (``validate``, ``schema`` and ``generate`` write no report and have no language)."""
    return getattr(args, "report_lang", None) or getattr(args, "lang", None) or "en"


def print_problems(err: Console, diagnostics, lang: str = "en") -> int:
    """Each problem as `file:line:col: field: message`, in ``lang``, then how many there were."""
    cat = catalogue(lang)
    for diagnostic in diagnostics:
        err.print(_one_line_each(diagnostic_line(diagnostic, cat)), markup=False)
    count = len(diagnostics)
    key = "cli.problems_one" if count == 1 else "cli.problems"
    err.print(catalogue(lang)(key, count=str(count)), markup=False)
    return EXIT_BAD_INPUT


def diagnostic_line(diagnostic, cat: Catalogue) -> str:
    """A located problem in ``cat``'s language: English as the scenario layer wrote it; in
    another language the location and field path as they are, the severity and message from
    the catalogue (``diag.*``), or the English message when it has no key there yet."""
    if cat.lang == "en":
        return str(diagnostic)
    message = _message_words(getattr(diagnostic, "key", ""), getattr(diagnostic, "params", {}), cat)
    if message is None:
        message = diagnostic.message
    where = f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}"
    if diagnostic.severity != "error":
        where = f"{where}: {cat('diag.' + diagnostic.severity)}"
    if diagnostic.field:
        return f"{where}: {diagnostic.field}: {message}"
    return f"{where}: {message}"


def _message_words(key: str, params: Mapping[str, str], cat: Catalogue) -> str | None:
    """``diag.<key>`` with ``params``, each worded in ``cat``'s language too when it is keyed
    itself (``scenario/wording.py``); None when the catalogue does not hold the message."""
    if not key or f"diag.{key}" not in cat.messages:
        return None
    values = {}
    for name, value in params.items():
        worded = _message_words(getattr(value, "key", ""), getattr(value, "params", {}), cat)
        values[name] = str(value) if worded is None else worded
    try:
        return cat(f"diag.{key}", **values)
    except CatalogueError:  # parameters out of step with the catalogue: say it in English
        return None


def _one_line_each(text: str) -> str:
    """A diagnostic may span lines (a hint under the message); each line is cleaned."""
    return "\n".join(terminal_text(line) for line in text.split("\n"))


def executor_words(executor: Executor, cat: Catalogue) -> str:
    """Where the replications run, in ``cat``'s language ("process pool, 2 workers"); a Dask
    executor keeps the words it gives itself (its scheduler's address)."""
    if isinstance(executor, SerialExecutor):
        return cat("cli.executor_serial")
    if isinstance(executor, PoolExecutor):
        if executor.workers == 1:
            return cat("cli.executor_pool_one")
        return cat("cli.executor_pool", workers=str(executor.workers))
    return executor.description


def _note(record: logging.LogRecord, cat: Catalogue) -> str:
    """An API note in words: the API logs its notes in English, with what they are about
    (``executor``, ``dask_from_env``) attached, so the console can say them in ``cat``'s."""
    executor = getattr(record, "executor", None)
    if isinstance(executor, Executor):
        return cat("cli.running_on", executor=terminal_text(executor_words(executor, cat)))
    address = getattr(record, "dask_from_env", None)
    if isinstance(address, str):
        return cat("cli.dask_from_env", address=terminal_text(address), variable=DASK_ENV)
    return record.getMessage()


class _ConsoleHandler(logging.Handler):
    def __init__(self, console: Console, level: int, lang: str) -> None:
        super().__init__(level)
        self.console = console
        self.cat = catalogue(lang)

    def emit(self, record: logging.LogRecord) -> None:
        self.console.print(terminal_text(_note(record, self.cat)), markup=False)


@contextmanager
def notes_to(err: Console, quiet: bool, lang: str = "en") -> Iterator[None]:
    """Print the API's notes on stderr in ``lang``: warnings always (a Dask scheduler taken
    from the environment), the executor used unless ``quiet``."""
    logger = logging.getLogger("preparedness")
    handler = _ConsoleHandler(err, logging.WARNING if quiet else logging.INFO, lang)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


class ProgressBar:
    """A transient bar on stderr, fed by the API's ``progress(stage, done, total)``.

    Started on the first call, which the API makes only after starting its workers: a
    worker forked while the bar's refresh thread holds a lock would inherit the lock held.
    """

    def __init__(self, err: Console, quiet: bool, lang: str = "en") -> None:
        self._cat = catalogue(lang)
        self._bar = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=quiet,
            transient=True,
        )
        self._task: TaskID | None = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        words = terminal_text(self._words(stage))
        if self._task is None:
            pause_at("replicating")  # workers started, nothing done: a test may kill here
            self._bar.start()
            self._task = self._bar.add_task(words, total=total)
        self._bar.update(self._task, description=words, completed=done, total=total)

    def _words(self, stage: str) -> str:
        """The stage in the report's language when the API says which it is, else as told."""
        key, values = getattr(stage, "key", None), getattr(stage, "values", {})
        if key is None:
            return stage
        if "hazard" in values:
            key += "_of_hazard"
        return self._cat(f"progress.{key}", **values)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._bar.stop()


@contextmanager
def interrupts_held(until_exit: bool = False) -> Iterator[list[int]]:
    """Hold Ctrl-C while the report folder is written and renamed into place.

    Interrupted before, the run writes nothing; once writing has begun, it finishes, so the
    folder is complete and any message can truthfully say where it is. (Without this, a
    Ctrl-C just after the rename said "no report was written".) Yields a list that holds
    the signal number if Ctrl-C was pressed meanwhile. With ``until_exit`` (the command
    line) Ctrl-C stays held until the process ends: the run is as good as done, and a
    KeyboardInterrupt raised later could only print a traceback.
    """
    held: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, _frame: held.append(signum))
    except ValueError:  # not the main thread: signals cannot be handled here anyway
        previous = None
    try:
        yield held
    finally:
        if previous is not None and not until_exit:
            signal.signal(signal.SIGINT, previous)
    if until_exit:
        held.clear()  # finishing is what the user gets: the report is complete
