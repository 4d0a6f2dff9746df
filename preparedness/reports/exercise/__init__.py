"""Write a tabletop exercise package's folder: HTML pages, CSV files, CAP alerts and, when
Chromium is available, the situation manual as PDF; atomically, like every report."""

from .write import write_exercise

__all__ = ["write_exercise"]
