"""Coverage-guided fuzzing of the scenario loader with atheris (run by hand, never in CI).

The property under test is the loader's contract (README, "Reading errors"): whatever bytes
a file holds, loading it either returns a ``Scenario`` or raises ``ScenarioError`` with a
located message. Any other exception, a hang (``-timeout``) or a memory blow-up
(``-rss_limit_mb``) is a crash that libFuzzer saves as ``crash-*``/``timeout-*``/``oom-*``.

Usage (Linux, CPython 3.11, ``pip install atheris``)::

    python fuzz/fuzz_loader.py fuzz/corpus -max_total_time=600 -rss_limit_mb=2048 -timeout=10

The first run seeds ``fuzz/corpus`` (git-ignored) from ``scenarios/*.yaml`` and the bad
scenarios under ``tests/scenario/bad/``; libFuzzer then adds the inputs that reach new
code. Reproduce a crash with ``python fuzz/fuzz_loader.py crash-<hash>``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["yaml", "preparedness", "pydantic"]):
    from preparedness.scenario.diagnostics import ScenarioError
    from preparedness.scenario.load import validate_document
    from preparedness.scenario.yaml_source import parse_yaml_text

ROOT = Path(__file__).resolve().parents[1]
SEED_GLOBS = [ROOT / "scenarios", ROOT / "tests" / "scenario" / "bad"]


def test_one_input(data: bytes) -> None:
    """Load ``data`` as a scenario file; only ``ScenarioError`` may escape (and is swallowed)."""
    try:
        document = parse_yaml_text(data, "fuzz.yaml")
        validate_document(document)
    except ScenarioError as error:
        # The contract also says every diagnostic is located.
        for diagnostic in error.diagnostics:
            if diagnostic.line < 1 or diagnostic.column < 1 or not diagnostic.message:
                raise AssertionError(f"unlocated diagnostic: {diagnostic!r}") from error


def seed_corpus(corpus: Path) -> int:
    """Copy the reference and bad scenarios into an empty corpus folder; return how many."""
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return 0
    count = 0
    for folder in SEED_GLOBS:
        for path in sorted(folder.glob("*.yaml")):
            shutil.copyfile(path, corpus / f"seed-{folder.name}-{path.name}")
            count += 1
    return count


def main(argv: list[str]) -> None:
    corpora = [arg for arg in argv[1:] if not arg.startswith("-")]
    if corpora and not Path(corpora[0]).is_file():
        seeded = seed_corpus(Path(corpora[0]))
        if seeded:
            sys.stderr.write(f"seeded {corpora[0]} with {seeded} files\n")
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
