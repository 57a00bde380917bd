"""The SVG renderer: pure, so these run without Django (``-p no:django``)."""

from xml.dom import minidom  # parses our own output, not untrusted input

from ameliora.analytics import svg
from ameliora.analytics.report import analyse

ERRORS = [4, 5, 4, 6, 5, 4, 3, 5, 4, 5, 6, 4, 1, 2, 1, 1, 0, 1, 2, 1, 1, 2]


def _chart(**overrides: object) -> svg.Chart:
    results = analyse({"chart": "c", "y": ERRORS, "phases": [0] * 12 + [1] * 10, "rules": "anhoej"})
    values = {
        "title": "Erreurs <par> semaine",
        "description": "Amélioration significative",
        "x_labels": [f"{k + 1:02d}/03" for k in range(len(ERRORS))],
        "phase_labels": ["Référence", "Double contrôle"],
        "target": 2.0,
        "target_label": "Cible 2",
        "annotations": [svg.Annotation(index=12, text='Réunion "équipe" & <b>')],
        **overrides,
    }
    return svg.chart_from_analysis(results, **values)  # type: ignore[arg-type]


def test_the_output_is_well_formed_and_labelled_for_screen_readers() -> None:
    document = minidom.parseString(  # noqa: S318
        svg.render_chart(_chart())
    )
    root = document.documentElement
    assert root is not None
    assert root.tagName == "svg"
    assert root.getAttribute("role") == "img"
    assert root.getAttribute("aria-labelledby") == "chart-title chart-desc"
    assert root.getElementsByTagName("title")[0].firstChild.data == "Erreurs <par> semaine"  # type: ignore[union-attr]
    assert root.getElementsByTagName("desc")[0].firstChild.data == "Amélioration significative"  # type: ignore[union-attr]


def test_all_text_is_escaped() -> None:
    output = svg.render_chart(_chart(title="<script>alert(1)</script>\x07"))
    assert "<script>" not in output
    assert "&lt;script&gt;" in output
    assert "&quot;équipe&quot; &amp; &lt;b&gt;" in output


def test_each_phase_has_its_centre_line_and_a_labelled_separator() -> None:
    output = svg.render_chart(_chart())
    assert output.count('class="centre-line"') == 2
    assert output.count('class="phase-separator"') == 1
    assert ">Double contrôle</text>" in output
    assert output.count('class="target"') == 1
    assert output.count('class="control-limit"') >= 1


def test_every_point_has_a_tooltip_and_signals_differ_by_shape() -> None:
    chart = svg.Chart(
        title="t",
        description="d",
        x_labels=["a", "b", "c"],
        y=[1.0, None, 3.0],
        signals=[False, False, True],
        value_labels=["1", "", "3,0"],
    )
    output = svg.render_chart(chart)
    assert output.count('<circle class="point"') == 1
    assert output.count('class="point signal"') == 1  # a diamond path, not a recoloured circle
    assert "<title>c : 3,0 — Signal (special cause)</title>" in output


def test_varying_limits_are_drawn_as_steps() -> None:
    results = analyse({"chart": "p", "y": [5, 8, 3, 9], "n": [20, 40, 10, 50], "rules": "anhoej"})
    chart = svg.chart_from_analysis(results, title="p", description="", x_labels=["1", "2", "3", "4"], scale=100)
    paths = [p for p in svg.render_chart(chart).split("<path") if 'class="control-limit"' in p]
    assert len(paths) == 2
    assert paths[0].count("L") >= 7  # one horizontal step per point, joined


def test_an_empty_series_says_so() -> None:
    output = svg.render_chart(svg.Chart(title="t", description="d", x_labels=[], y=[], labels={"no_data": "Aucune"}))
    assert ">Aucune</text>" in output


def test_custom_ticks_and_number_format_are_used() -> None:
    chart = svg.Chart(title="t", description="", x_labels=["a", "b"], y=[0.0, 1.0], y_ticks=[(0, "non"), (1, "oui")])
    output = svg.render_chart(chart)
    assert ">oui</text>" in output
    assert ">non</text>" in output
    decimal_comma = svg.render_chart(
        svg.Chart(title="t", description="", x_labels=["a", "b"], y=[0.5, 1.5]),
        number=lambda v: f"{v:.1f}".replace(".", ","),
    )
    assert ">0,5</text>" in decimal_comma


def test_nice_ticks() -> None:
    assert svg.nice_ticks(0, 7) == [0, 2, 4, 6, 8]
    assert svg.nice_ticks(0, 100) == [0, 25, 50, 75, 100]


def test_an_excluded_point_is_a_hollow_square_in_the_legend_not_a_signal() -> None:
    y = [4, 5, 4, 6, 5, 4, 30, 5, 4, 5]
    results = analyse({"chart": "c", "y": y, "exclude": [7]})
    chart = svg.chart_from_analysis(results, title="t", description="d", x_labels=[str(k) for k in range(10)])

    output = svg.render_chart(chart)

    assert output.count('class="point excluded"') == 1  # its own shape, not only a colour
    assert 'class="point signal"' not in output  # 30 is far above the limits, but explained
    assert "<title>6 : 30 — Excluded from the limits</title>" in output
    assert ">Excluded from the limits</text>" in output  # the legend


def test_a_frozen_baseline_ends_with_a_labelled_line_and_a_legend_entry() -> None:
    results = analyse({"chart": "i", "y": [10, 12, 11, 13, 12, 10, 14, 15, 14, 16], "freeze": 6})
    chart = svg.chart_from_analysis(
        results, title="t", description="d", x_labels=[str(k) for k in range(10)], labels={"freeze": "Référence figée"}
    )

    document = minidom.parseString(svg.render_chart(chart))  # noqa: S318
    boundaries = [g for g in document.getElementsByTagName("g") if g.getAttribute("class") == "freeze-boundary"]

    assert len(boundaries) == 1
    line = boundaries[0].getElementsByTagName("line")[0]
    # After the 6th of 10 columns: left margin + 6 column widths.
    assert float(line.getAttribute("x1")) == round(
        svg.MARGIN_LEFT + 6 * (svg.WIDTH - svg.MARGIN_LEFT - svg.MARGIN_RIGHT) / 10, 1
    )
    assert boundaries[0].getElementsByTagName("text")[0].firstChild.data == "Référence figée"  # type: ignore[union-attr]
    assert svg.render_chart(chart).count(">Référence figée</text>") == 2  # on the line and in the legend


def test_no_freeze_line_when_the_baseline_is_the_whole_phase() -> None:
    results = analyse({"chart": "i", "y": [10, 12, 11, 13, 12, 10], "freeze": 6})
    chart = svg.chart_from_analysis(results, title="t", description="d", x_labels=[str(k) for k in range(6)])

    assert "freeze-boundary" not in svg.render_chart(chart)


def test_a_long_legend_wraps_onto_a_second_row_inside_the_chart() -> None:
    results = analyse({"chart": "c", "y": [4, 5, 4, 6, 5, 4, 30, 5, 4, 5, 12], "freeze": 6, "exclude": [7]})
    labels = {"centre": "Ligne centrale (médiane ou moyenne)", "excluded": "Exclu des limites (expliqué)"}
    chart = svg.chart_from_analysis(
        results,
        title="t",
        description="d",
        x_labels=[str(k) for k in range(11)],
        target=3.0,
        annotations=[svg.Annotation(index=3, text="note")],
        labels=labels,
    )

    document = minidom.parseString(svg.render_chart(chart))  # noqa: S318
    legend = next(g for g in document.getElementsByTagName("g") if g.getAttribute("class") == "legend")
    items = [g for g in legend.getElementsByTagName("g") if g.getAttribute("transform")]
    positions = [tuple(map(float, g.getAttribute("transform")[10:-1].split(","))) for g in items]
    texts = [g.getElementsByTagName("text")[0].firstChild.data for g in items]  # type: ignore[union-attr]

    assert len({y for _, y in positions}) == 2
    assert {"Annotation", "Exclu des limites (expliqué)", "Frozen baseline"} <= set(texts)
    assert all(
        x + 20 + 6.2 * len(label) <= svg.WIDTH - svg.MARGIN_RIGHT
        for (x, _), label in zip(positions, texts, strict=True)
    )
