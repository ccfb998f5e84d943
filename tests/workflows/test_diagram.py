"""The SVG diagram: well-formed, self-contained, complete and deterministic."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from workflows.diagram import render_svg
from workflows.engine import load_definition

from .conftest import SHIPPED

SVG = "{http://www.w3.org/2000/svg}"


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("name", SHIPPED)
def test_svg_parses_and_shows_every_state_and_transition(definitions, name):
    wf = definitions[name]
    svg = render_svg(wf)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox")
    content = texts(root)
    joined = " ".join(content)
    titles = [el.text for el in root.iter(f"{SVG}title")]
    for state in wf.states.values():
        # A label may wrap over several lines: its words appear in order, and the box title is whole.
        assert state.label in titles
        assert " ".join(state.label.split()) in joined or all(word in joined for word in state.label.split())
    for t in wf.transitions:
        assert t.label in content, t.label
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "state"]
    assert len(groups) == len(wf.states)


@pytest.mark.parametrize("name", SHIPPED)
def test_final_states_have_a_double_border(definitions, name):
    wf = definitions[name]
    root = ET.fromstring(render_svg(wf))
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "state":
            continue
        state = g.get("id").rsplit("-state-", 1)[1]
        rects = g.findall(f"{SVG}rect")
        assert len(rects) == (2 if wf.state(state).final else 1), state


@pytest.mark.parametrize("name", SHIPPED)
def test_svg_is_deterministic_and_self_contained(definitions, name):
    wf = definitions[name]
    svg = render_svg(wf)
    assert svg == render_svg(wf)
    assert "<script" not in svg and "href" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "@import" not in svg and "url(http" not in svg


def test_vote_failure_is_drawn_dashed(definitions):
    root = ET.fromstring(render_svg(definitions["de_nghi_cap_tren"]))
    dashed = [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray")]
    assert len(dashed) == 1
    assert "Không thông qua" in texts(root)


def test_text_is_escaped(write_toml, registry):
    text = '''
name = "esc"
label = "A & B <C> \\"D\\""
[[states]]
name = "draft"
label = "Nháp <b>&amp;</b>"
initial = true
[[states]]
name = "done"
label = "Xong & hết"
final = true
[[transitions]]
name = "finish"
label = "Hoàn tất <i>'ngay'</i>"
from = ["draft"]
to = "done"
roles = ["unit_head"]
[[transitions]]
name = "again"
label = "Lặp lại"
from = ["draft"]
to = "draft"
roles = ["unit_head"]
'''
    wf = load_definition(write_toml("esc.toml", text), registry)
    root = ET.fromstring(render_svg(wf))
    content = texts(root)
    assert "Nháp <b>&amp;</b>" in content
    assert "Xong & hết" in content
    assert "Hoàn tất <i>'ngay'</i>" in content
    assert "Lặp lại" in content  # a self-loop is drawn too
    assert [el.text for el in root.iter(f"{SVG}title")][0] == 'A & B <C> "D"'
