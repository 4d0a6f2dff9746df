"""The run manifest: what produced an output folder, so any figure can be traced and rerun."""

from __future__ import annotations

import platform
import sys
from importlib import metadata


def package_version() -> str:
    try:
        return metadata.version("preparedness")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def build_manifest(
    *,
    scenario_file: str,
    sha256: str,
    seed: int,
    replications: int,
    started_at: str,
    finished_at: str,
    elapsed_seconds: float,
    command: list[str],
    interventions: list[str] | None = None,
    executor: str | None = None,
    interventions_file: str | None = None,
    interventions_sha256: str | None = None,
) -> dict:
    """``executor`` is informational only: results never depend on where they ran."""
    versions: dict[str, str | None] = {}
    for name in ("simpy", "numpy", "pydantic", "networkx", "scipy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "scenario_file": scenario_file,
        "scenario_sha256": sha256,
        "seed": seed,
        "replications": replications,
        "interventions": interventions or [],
        "interventions_file": interventions_file,
        "interventions_sha256": interventions_sha256,
        "executor": executor,
        "package_version": package_version(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "dependencies": versions,
        "command": command,
        "started_at": started_at,
        "finished_at": finished_at,
        "elapsed_seconds": round(elapsed_seconds, 3),
    }
