"""Draw a matplotlib figure into a deterministic SVG and PNG, packed with its caption and data.

Text stays text in the SVG (``svg.fonttype: none``) so Chinese names render in the reader's
fonts and can be searched and selected; ``svg.hashsalt`` and the removed dates make the same
inputs give byte-identical files (matplotlib's SVG backend documentation on ``metadata``).
Each figure keeps the numbers it drew, so tests can hold them against results.json.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import matplotlib

matplotlib.use("Agg")
# Fonts of FONTS that are not installed are skipped; saying so for every figure is noise.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402
from matplotlib.font_manager import FontProperties, fontManager  # noqa: E402

from ..drawn import Figure  # noqa: E402

__all__ = ["CAUSE_COLOURS", "Figure", "figure", "finish", "place", "text_inches"]

#: Fonts tried in order; DejaVu ships with matplotlib, the CJK ones draw Chinese in PNGs.
FONTS = [
    "DejaVu Sans",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
]


def _drawing_fonts() -> list[str]:
    """The fonts of ``FONTS`` this machine has, at most one for Chinese: what the figures are
    measured and rasterised with.

    matplotlib looks every family of the list up again for each text it lays out, and falls
    back glyph by glyph through every CJK font listed; fonts the machine lacks only cost
    lookups. The SVG still names the whole of ``FONTS`` (:func:`finish` writes it back), so
    a reader's browser picks whichever of them it has.
    """
    installed = {font.name for font in fontManager.ttflist}
    chinese = [name for name in FONTS[1:] if name in installed][:1]
    return [FONTS[0], *chinese]


def _css_families(names: list[str]) -> str:
    """A font list as matplotlib's SVG backend writes it in a ``font-family`` style."""
    return ", ".join(repr(name) for name in names)


DRAWING_FONTS = _drawing_fonts()

STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "preparedness",
    "font.family": DRAWING_FONTS,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "path.simplify": False,
}

#: One fixed colour per delay cause, the same in every figure and report.
CAUSE_COLOURS: dict[str, str] = {
    "detection": "#9e9e9e",
    "answer_wait": "#e6550d",
    "retries": "#fd8d3c",
    "queued": "#fdae6b",
    "talk": "#3182bd",
    "off_duty": "#756bb1",
    "decision": "#31a354",
    "centre_activation": "#74c476",
    "fallback": "#de2d26",
    "silo_detour": "#a50f15",
    "mobilisation": "#6baed6",
    "door_knocking": "#8c6d31",
    "loudspeaker": "#bd9e39",
    "release": "#7b4173",
    "keeper": "#a55194",
    "transfer": "#ce6dbd",
    "restock": "#de9ed6",
    "team_busy": "#636363",
    "muster": "#9ecae1",
    "travel": "#08519c",
    "task": "#006d2c",
    "waiting_for_demand": "#d9d9d9",
    "shared_stock": "#bdbdbd",
}

#: No date, creator or RDF block: the SVG depends on the figure only, and names no URL.
SVG_METADATA: dict[str, Any] = {"Date": None, "Creator": None, "Format": None, "Type": None}

DEADLINE_COLOUR = "#c0392b"
MEDIAN_COLOUR = "#2c3e50"
P90_COLOUR = "#7f8c8d"


@contextmanager
def figure(width: float, height: float) -> Iterator[MplFigure]:
    """A new figure in the report style; closed afterwards so nothing leaks between figures."""
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(width, height))
        try:
            yield fig
        finally:
            plt.close(fig)


def place(
    fig: MplFigure,
    *,
    left: float,
    bottom: float,
    right: float = 0.15,
    top: float = 0.15,
    wspace: float = 0.0,
    hspace: float = 0.0,
    rows: int = 1,
    columns: int = 1,
) -> None:
    """Set the subplot margins and gaps in inches, once, instead of ``tight_layout``.

    ``tight_layout`` lays out every text of the figure once more before the two saves draw
    it again; margins sized from the fonts and the known labels cost nothing to draw.
    """
    width, height = fig.get_size_inches()
    panel_w = max(0.1, (width - left - right - (columns - 1) * wspace) / columns)
    panel_h = max(0.1, (height - bottom - top - (rows - 1) * hspace) / rows)
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
        wspace=wspace / panel_w,
        hspace=hspace / panel_h,
    )


def text_inches(fig: MplFigure, texts: list[str], size: float) -> float:
    """The width in inches of the widest of ``texts`` at ``size`` points (0 for none): the
    room a column of tick labels needs, measured in the report's fonts."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    font = FontProperties(size=size)
    widths = [renderer.get_text_width_height_descent(t, font, ismath=False)[0] for t in texts]
    return max(widths, default=0.0) / fig.dpi


_PROLOG = re.compile(r"\A<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.DOTALL)
_ID = re.compile(r'(id="|url\(#|xlink:href="#|href="#)([A-Za-z_][\w.-]*)')


def finish(
    fig: MplFigure, figure_id: str, title: str, caption: str, data: Mapping[str, Any]
) -> Figure:
    """Save ``fig`` as SVG (prolog stripped, ids prefixed per figure) and PNG, deterministically.

    Ids are prefixed with the figure id so several SVGs inlined on one page never share a
    clip path or glyph id. The figure's margins are set when it is drawn (:func:`place`);
    no layout pass runs here.
    """
    prefix = re.sub(r"[^\w-]", "_", figure_id, flags=re.ASCII)
    with plt.rc_context(STYLE), warnings.catch_warnings():
        # Glyphs a font lacks (CJK without a CJK font installed) draw as boxes in the PNG
        # only; the SVG keeps the text, so the warning is noise here.
        warnings.simplefilter("ignore", UserWarning)
        svg_buffer = io.StringIO()
        fig.savefig(svg_buffer, format="svg", metadata=SVG_METADATA)
        png_buffer = io.BytesIO()
        # Light compression: the copies are for report.md, and zlib's default level costs
        # several times the time for files a fifth smaller.
        light = {"compress_level": 1}
        fig.savefig(png_buffer, format="png", metadata={"Software": None}, pil_kwargs=light)
    svg = _PROLOG.sub("", svg_buffer.getvalue())
    svg = svg.replace(
        f"font-family: {_css_families(DRAWING_FONTS)}", f"font-family: {_css_families(FONTS)}"
    )
    svg = _ID.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    return Figure(figure_id, title, svg, png_buffer.getvalue(), caption, dict(data))
