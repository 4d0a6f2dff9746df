"""The documentation site builds with ``mkdocs build --strict`` and without a warning."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = (
    "index.md",
    "getting-started.md",
    "guides/planner.md",
    "guides/stockpiles.md",
    "guides/trainer.md",
    "guides/drill-logs.md",
    "reference/scenario.md",
    "reference/results.md",
    "reference/api.md",
)


def test_mkdocs_build_strict(tmp_path):
    if shutil.which("mkdocs") is None:
        reason = "mkdocs is not installed: pip install -e '.[docs]'"
        print(reason)
        pytest.skip(reason)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "NO_MKDOCS_2_WARNING": "1",  # Material's end-of-life notice, not a problem in our pages
    }
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "WARNING" not in output, output
    built = sorted(
        str(page.relative_to(site))
        for page in site.rglob("index.html")
        if "assets" not in page.parts
    )
    expected = sorted(
        "index.html" if page == "index.md" else page.removesuffix(".md") + "/index.html"
        for page in PAGES
    )
    assert built == expected
