"""The fishbone SVG: every family, root causes marked, everything escaped."""

from __future__ import annotations

from xml.etree import ElementTree  # our own output, not untrusted input

from ameliora.events.fishbone import Bone, Cause, fishbone_svg


def test_it_draws_every_family_and_marks_root_causes() -> None:
    svg = fishbone_svg(
        "EI-2026-003",
        [
            Bone("Patient", [Cause("Aidante épuisée")]),
            Bone("Team", [Cause("Pas de transmission", is_root=True)]),
            Bone("Task", []),
        ],
        root_label="root cause",
    )

    root = ElementTree.fromstring(  # noqa: S314
        svg
    )  # well-formed
    texts = "".join(root.itertext())
    assert "Patient" in texts
    assert "Team" in texts
    assert "Task" in texts
    assert "EI-2026-003" in texts
    assert "▶ Pas de transmission" in texts
    assert "Pas de transmission (root cause)" in texts
    assert "– Aidante épuisée" in texts


def test_it_escapes_text_and_keeps_long_text_in_a_title() -> None:
    long = "<script>alert(1)</script> " + "très long facteur " * 5

    svg = fishbone_svg("<b>x</b>", [Bone("A & B", [Cause(long)])])

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "A &amp; B" in svg
    titles = [
        t.text
        for t in ElementTree.fromstring(  # noqa: S314
            svg
        ).iter("{http://www.w3.org/2000/svg}title")
    ]
    assert long in titles


def test_it_draws_an_empty_analysis() -> None:
    ElementTree.fromstring(  # noqa: S314
        fishbone_svg("EI", [])
    )


def test_long_family_names_wrap_instead_of_running_into_their_neighbours() -> None:
    bones = [Bone(name, []) for name in ("Environnement de travail", "Équipe", "Contexte institutionnel")]

    svg = fishbone_svg("EI-1", bones)

    for line in ("Environnement de", "travail", "Contexte", "institutionnel"):
        assert f">{line}</text>" in svg
    assert ">Environnement de travail</text>" not in svg
