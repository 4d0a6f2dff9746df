"""Open a report in headless Chromium: print it to PDF, take a screenshot, read its text and
console messages.

Dependency-free: it runs the system browser (Debian's ``chromium``) with the flags of the
"Chrome Headless command-line reference" (``--print-to-pdf``, ``--screenshot``,
``--dump-dom``), each call in a fresh throw-away profile with networking extras switched
off. Console messages are read from the browser's log (``--enable-logging=stderr``), where
Chromium writes each as an ``INFO:CONSOLE`` line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

__all__ = [
    "BrowserUnavailable",
    "PageDump",
    "dump_page",
    "find_chromium",
    "pdf_page_count",
    "print_pdf",
    "screenshot",
]

#: Executables tried in order after ``$PREPAREDNESS_CHROMIUM``.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

FLAGS = (
    "--headless",
    "--no-sandbox",  # required as root and in containers
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
)

_CONSOLE = re.compile(r":CONSOLE(?:\(\d+\))?:?\d*\]\s*(.*)")
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


class BrowserUnavailable(RuntimeError):
    """No Chromium to be had: neither ``$PREPAREDNESS_CHROMIUM`` nor one on ``PATH``."""


def find_chromium() -> str | None:
    """The Chromium to use: ``$PREPAREDNESS_CHROMIUM`` if it names an executable, else the
    first of ``chromium``, ``chromium-browser``, ``google-chrome`` on ``PATH``."""
    chosen = os.environ.get("PREPAREDNESS_CHROMIUM")
    if chosen:
        found = shutil.which(chosen)
        return found
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(args: list[str], chromium: str | None, timeout: float) -> subprocess.CompletedProcess:
    browser = chromium or find_chromium()
    if browser is None:
        raise BrowserUnavailable(
            "no Chromium found: install Debian's 'chromium' package or set PREPAREDNESS_CHROMIUM"
        )
    with tempfile.TemporaryDirectory(prefix="preparedness-chromium-") as profile:
        return subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            timeout=timeout,
            check=False,
            env={**os.environ, "HOME": profile},
        )


def _checked(result: subprocess.CompletedProcess, what: str, out: Path | None = None) -> None:
    if result.returncode != 0 or (out is not None and not out.is_file()):
        tail = result.stderr.decode("utf-8", "replace")[-800:]
        raise RuntimeError(f"Chromium failed to {what} (exit {result.returncode}): {tail}")


def print_pdf(page: Path, out: Path, *, chromium: str | None = None, timeout: float = 120) -> Path:
    """Print ``page`` to ``out`` as PDF, without the browser's header and footer (the page's
    own ``@page`` rule sets A4)."""
    out = out.resolve()
    out.unlink(missing_ok=True)
    result = _run(
        [f"--print-to-pdf={out}", "--no-pdf-header-footer", page.resolve().as_uri()],
        chromium,
        timeout,
    )
    _checked(result, "print the page to PDF", out)
    return out


def screenshot(
    page: Path,
    out: Path,
    *,
    width: int = 1280,
    height: int = 2400,
    chromium: str | None = None,
    timeout: float = 120,
) -> Path:
    """A PNG of the top ``height`` pixels of ``page`` in a window ``width`` pixels wide."""
    out = out.resolve()
    out.unlink(missing_ok=True)
    result = _run(
        [f"--screenshot={out}", f"--window-size={width},{height}", page.resolve().as_uri()],
        chromium,
        timeout,
    )
    _checked(result, "take a screenshot", out)
    return out


@dataclass(frozen=True)
class PageDump:
    """The page as the browser built it: its DOM, its visible text, and console messages."""

    dom: str
    text: str
    console: list[str]


class _Text(HTMLParser):
    """Text of the rendered DOM, leaving out style and script contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def dom_text(dom: str) -> str:
    """Visible text of an HTML document, whitespace collapsed (SVG text included)."""
    parser = _Text()
    parser.feed(dom)
    return " ".join(" ".join(parser.parts).split())


def dump_page(page: Path, *, chromium: str | None = None, timeout: float = 120) -> PageDump:
    """Load ``page``, let it run, and return its DOM, text and every console message."""
    result = _run(
        ["--enable-logging=stderr", "--v=0", "--dump-dom", page.resolve().as_uri()],
        chromium,
        timeout,
    )
    _checked(result, "load the page")
    dom = result.stdout.decode("utf-8", "replace")
    console = [
        m.group(1)
        for line in result.stderr.decode("utf-8", "replace").splitlines()
        if (m := _CONSOLE.search(line))
    ]
    return PageDump(dom, dom_text(dom), console)


def pdf_page_count(pdf: bytes) -> int:
    """Pages of a PDF, counted as its ``/Type /Page`` objects (Chromium writes them
    uncompressed)."""
    return len(_PDF_PAGE.findall(pdf))
