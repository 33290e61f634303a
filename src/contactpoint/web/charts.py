"""The match explanation drawn as a chart: Altair (Vega-Lite) rendered server-side to SVG by vl-convert.

The page embeds the SVG as a data URI image, since the CSP forbids inline script and style. The chart
is drawn from field names, level labels and partial weights only: it never holds a personal value.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import altair as alt
import vl_convert

from contactpoint.app.feeds.review import MatchFactor
from contactpoint.web.labels import comparison_level

_AGREES = "counts for a match"
_DISAGREES = "counts against"


def explanation_chart_svg(factors: Sequence[MatchFactor]) -> str:
    """Each field's partial match weight as a horizontal bar, its level in the label."""
    rows = [
        {
            "factor": comparison_level(f.field, f.level),
            "weight": f.weight,
            "direction": _AGREES if f.weight >= 0 else _DISAGREES,
        }
        for f in factors
    ]
    chart = (
        alt.Chart(alt.InlineData(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("factor:N", sort=None, title=None, axis=alt.Axis(labelLimit=360)),
            x=alt.X("weight:Q", title="Partial match weight"),
            color=alt.Color(
                "direction:N",
                scale=alt.Scale(domain=[_AGREES, _DISAGREES], range=["#00703c", "#d4351c"]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
        )
        .properties(width=360, height=alt.Step(22))
    )
    svg: str = vl_convert.vegalite_to_svg(chart.to_dict())
    return svg


def as_data_uri(svg: str) -> str:
    """An SVG as an `img` source the CSP allows (`img-src 'self' data:`)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
