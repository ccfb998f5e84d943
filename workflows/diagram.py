"""Draw a workflow as a self-contained SVG (no script, no external resource, deterministic).

States are boxes laid out top to bottom in layers: the longest path from the initial state once the
back edges (those closing a cycle, found by a depth-first walk in definition order) are set aside.
Final states have a double border. Transitions are arrows labelled in Vietnamese (or in the language
of the ``translate`` function given): an edge to the next layer is a straight arrow, a longer forward
edge is a curve on the left, a back edge (returning to an earlier or the same layer) is a curve on the
right, so the main path stays readable. The failure branch of a vote is dashed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .engine import Workflow, role_label
from .messages import Msg

__all__ = ["render_svg"]

_BOX_W = 236
_H_GAP = 44
_V_GAP = 74
_PAD_X = 10
_LINE = 17
_SMALL_LINE = 14
_TITLE_H = 56
_MARGIN = 24
_LABEL_CHARS = 30
_SMALL_CHARS = 38
_CHAR_W = 6.4  # an estimate of the width of one character of an 11px edge label

_COLORS = {
    "box": "#f4f7fb",
    "final": "#eef6ee",
    "stroke": "#2f4a6d",
    "edge": "#44546a",
    "fail": "#b3261e",
    "muted": "#5f6b7a",
}


@dataclass
class _Node:
    name: str
    label_lines: list[str]
    small_lines: list[str]
    final: bool
    initial: bool
    layer: int = 0
    x: float = 0.0  # left
    y: float = 0.0  # top
    h: float = 0.0

    @property
    def cx(self) -> float:
        return self.x + _BOX_W / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + _BOX_W

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass
class _Edge:
    source: str
    target: str
    labels: list[str]
    fail: bool


def _num(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines or [""]


def _edges(workflow: Workflow, translate: Callable[[str], str]) -> list[_Edge]:
    """One edge per (source, target, kind); transitions sharing one get their labels joined."""
    merged: dict[tuple[str, str, bool], _Edge] = {}
    for t in workflow.transitions:
        for source in t.sources:
            pairs = [(t.target, False, translate(t.label))]
            if t.vote is not None and t.fail_target is not None:
                pairs.append((t.fail_target, True, translate(Msg("Không thông qua"))))
            for target, fail, label in pairs:
                key = (source, target, fail)
                if key in merged:
                    merged[key].labels.append(label)
                else:
                    merged[key] = _Edge(source, target, [label], fail)
    return list(merged.values())


def _layers(workflow: Workflow, edges: list[_Edge]) -> tuple[dict[str, int], set[int]]:
    """Longest-path layers over the graph without its back edges; returns (layer, back-edge ids)."""
    out: dict[str, list[int]] = {name: [] for name in workflow.states}
    for index, e in enumerate(edges):
        out[e.source].append(index)

    back: set[int] = set()
    order: list[str] = []  # reverse post-order = a topological order of the forward graph
    colour: dict[str, int] = {}  # 1 on the stack, 2 done
    roots = [workflow.initial] + [n for n in workflow.states if n != workflow.initial]
    for root in roots:
        if root in colour:
            continue
        colour[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, it = stack[-1]
            for index in it:
                nxt = edges[index].target
                state = colour.get(nxt)
                if state == 1:
                    back.add(index)
                elif state is None:
                    colour[nxt] = 1
                    stack.append((nxt, iter(out[nxt])))
                    break
            else:
                colour[node] = 2
                order.append(node)
                stack.pop()
    order.reverse()

    layer = {name: 0 for name in workflow.states}
    for node in order:
        for index in out[node]:
            if index not in back:
                target = edges[index].target
                layer[target] = max(layer[target], layer[node] + 1)
    return layer, back


def _node(workflow: Workflow, name: str, translate: Callable[[str], str]) -> _Node:
    s = workflow.states[name]
    details = []
    if s.responsible_role:
        details.append(translate(role_label(s.responsible_role)))
    if s.time_limit_days:
        details.append(translate(Msg("%(days)s ngày làm việc", days=s.time_limit_days)))
    if s.final:
        details.append(translate(Msg("kết thúc")))
    label_lines = _wrap(translate(s.label), _LABEL_CHARS)
    small_lines = _wrap(" · ".join(details), _SMALL_CHARS) if details else []
    h = 14 + _LINE * len(label_lines) + _SMALL_LINE * len(small_lines) + 8
    return _Node(name, label_lines, small_lines, s.final, name == workflow.initial, h=h)


class _Box:
    """The bounding box of what has been drawn, to size the viewBox."""

    def __init__(self) -> None:
        self.x0 = self.y0 = float("inf")
        self.x1 = self.y1 = float("-inf")

    def add(self, x: float, y: float) -> None:
        self.x0, self.y0 = min(self.x0, x), min(self.y0, y)
        self.x1, self.y1 = max(self.x1, x), max(self.y1, y)

    def add_text(self, x: float, y: float, text: str, anchor: str, char_w: float = _CHAR_W) -> None:
        width = len(text) * char_w
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        self.add(left, y - 11)
        self.add(left + width, y + 4)


def _rounded(points: list[tuple[float, float]], radius: float = 9.0) -> str:
    """An SVG path through ``points`` with rounded corners."""
    out = [f"M{_num(points[0][0])},{_num(points[0][1])}"]
    for (px, py), (cx, cy), (nx, ny) in zip(points, points[1:], points[2:]):
        len_in = abs(cx - px) + abs(cy - py)
        len_out = abs(nx - cx) + abs(ny - cy)
        r = min(radius, len_in / 2, len_out / 2)
        if len_in == 0 or len_out == 0:
            continue
        ax = cx - (cx - px) / len_in * r
        ay = cy - (cy - py) / len_in * r
        bx = cx + (nx - cx) / len_out * r
        by = cy + (ny - cy) / len_out * r
        out.append(f"L{_num(ax)},{_num(ay)} Q{_num(cx)},{_num(cy)} {_num(bx)},{_num(by)}")
    out.append(f"L{_num(points[-1][0])},{_num(points[-1][1])}")
    return " ".join(out)


def _same(text: str) -> str:
    return str(text)


def render_svg(workflow: Workflow, translate: Callable[[str], str] = _same) -> str:
    """The workflow as an SVG document (a string starting with ``<svg``).

    ``translate`` turns every text drawn (the workflow's labels, which are message ids, and the
    diagram's own words, which are :class:`~workflows.messages.Msg`) into the reader's language;
    by default the drawing is in Vietnamese."""
    slug = re.sub(r"[^A-Za-z0-9_-]", "-", workflow.name) or "workflow"
    arrow_id, fail_arrow_id, title_id = f"wf-{slug}-arrow", f"wf-{slug}-arrow-fail", f"wf-{slug}-title"

    edges = _edges(workflow, translate)
    layer_of, back = _layers(workflow, edges)
    nodes = {name: _node(workflow, name, translate) for name in workflow.states}
    for name, n in nodes.items():
        n.layer = layer_of[name]
    depth = max(layer_of.values(), default=0) + 1
    file_order = {name: i for i, name in enumerate(workflow.states)}

    # Order each layer by the mean position of its forward predecessors (ties: definition order).
    rows: list[list[str]] = [[] for _ in range(depth)]
    position: dict[str, float] = {}
    preds: dict[str, list[str]] = {name: [] for name in workflow.states}
    for index, e in enumerate(edges):
        if index not in back and e.source != e.target:
            preds[e.target].append(e.source)
    for name in sorted(workflow.states, key=lambda n: (layer_of[n], file_order[n])):
        rows[layer_of[name]].append(name)
    for row in rows:
        def key(name: str) -> tuple[float, int]:
            placed = [position[p] for p in preds[name] if p in position]
            return (sum(placed) / len(placed) if placed else float(file_order[name]), file_order[name])

        row.sort(key=key)
        for i, name in enumerate(row):
            position[name] = i - (len(row) - 1) / 2

    widest = max(len(row) for row in rows)
    canvas_w = widest * _BOX_W + (widest - 1) * _H_GAP
    y = _TITLE_H + 30.0
    for row in rows:
        row_w = len(row) * _BOX_W + (len(row) - 1) * _H_GAP
        left = (canvas_w - row_w) / 2
        for i, name in enumerate(row):
            n = nodes[name]
            n.x, n.y = left + i * (_BOX_W + _H_GAP), y
        y += max((nodes[name].h for name in row), default=0) + _V_GAP

    def row_extent(a: int, b: int) -> tuple[float, float]:
        lo, hi = min(a, b), max(a, b)
        spanned = [nodes[name] for r in range(lo, hi + 1) for name in rows[r]]
        return min(n.x for n in spanned), max(n.right for n in spanned)

    box = _Box()
    box.add(0, 0)
    box.add(canvas_w, y - _V_GAP)
    parts: list[str] = []

    # Edges are drawn first, so boxes and labels sit on top of lines.
    edge_parts: list[str] = []
    label_parts: list[str] = []
    placed: list[tuple[float, float, float, float]] = [
        (n.x - 2, n.y - 2, n.right + 2, n.bottom + 2) for n in nodes.values()
    ]
    row_top = [min(nodes[name].y for name in row) for row in rows]
    row_bottom = [max(nodes[name].bottom for name in row) for row in rows]

    def stroke(e: _Edge) -> str:
        if e.fail:
            return f'stroke="{_COLORS["fail"]}" stroke-dasharray="6 4" marker-end="url(#{fail_arrow_id})"'
        return f'stroke="{_COLORS["edge"]}" marker-end="url(#{arrow_id})"'

    def free(rect: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = rect
        return all(x1 <= a or x0 >= c or y1 <= b or y0 >= d for a, b, c, d in placed)

    def put_label(
        e: _Edge,
        candidates: list[tuple[float, float]],
        anchor: str,
        fallback: list[tuple[float, float]] = (),
    ) -> None:
        """Place the edge's label at the first candidate point where it overlaps nothing placed;
        ``fallback`` points are tried next, with the text on the other side of the point."""
        lines = e.labels
        height = 13 * len(lines)
        width = max(len(text) for text in lines) * _CHAR_W
        other = {"start": "end", "end": "start", "middle": "middle"}[anchor]

        def rect(x: float, y: float, how: str) -> tuple[float, float, float, float]:
            left = {"start": x, "middle": x - width / 2, "end": x - width}[how]
            return (left - 2, y - height / 2 - 2, left + width + 2, y + height / 2 + 2)

        tries = [(x, y, anchor) for x, y in candidates] + [(x, y, other) for x, y in fallback]
        x, y, anchor = next((c for c in tries if free(rect(*c))), tries[0])
        placed.append(rect(x, y, anchor))
        colour = _COLORS["fail"] if e.fail else _COLORS["edge"]
        for k, text in enumerate(lines):
            ty = y + (k - (len(lines) - 1) / 2) * 13 + 4
            box.add_text(x, ty, text, anchor)
            label_parts.append(
                f'<text x="{_num(x)}" y="{_num(ty)}" text-anchor="{anchor}" class="edge-label" '
                f'fill="{colour}">{escape(text)}</text>'
            )

    def along(y0: float, y1: float) -> list[float]:
        """Candidate label heights on a vertical stretch, from its middle outwards."""
        lo, hi = min(y0, y1) + 10, max(y0, y1) - 10
        mid = (lo + hi) / 2
        result = [mid]
        step = 14.0
        while step <= (hi - lo) / 2:
            result += [mid + step, mid - step]
            step += 14.0
        return result

    # Straight edges between consecutive layers; their ends are spread along the box sides.
    straight = [i for i, e in enumerate(edges) if i not in back and layer_of[e.target] - layer_of[e.source] == 1]
    outs: dict[str, list[int]] = {}
    ins: dict[str, list[int]] = {}
    for i in straight:
        outs.setdefault(edges[i].source, []).append(i)
        ins.setdefault(edges[i].target, []).append(i)
    for group in list(outs.values()) + list(ins.values()):
        group.sort(key=lambda i: (nodes[edges[i].target].cx, nodes[edges[i].source].cx, i))

    def spread(n: _Node, group: list[int], i: int) -> float:
        k = group.index(i)
        step = min(40.0, (_BOX_W - 80) / max(1, len(group)))
        return n.cx + (k - (len(group) - 1) / 2) * step

    for i in straight:
        e = edges[i]
        a, b = nodes[e.source], nodes[e.target]
        x0, y0 = spread(a, outs[e.source], i), a.bottom
        x1, y1 = spread(b, ins[e.target], i), b.y - 2
        edge_parts.append(f'<path d="M{_num(x0)},{_num(y0)} L{_num(x1)},{_num(y1)}" fill="none" {stroke(e)}/>')
        ts = [0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75]
        points = [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t) for t in ts]
        if x1 < x0 - 1:  # going left: the label goes on the left of the line
            put_label(e, [(x - 6, y) for x, y in points], "end", fallback=[(x + 6, y) for x, y in points])
        else:
            put_label(e, [(x + 6, y) for x, y in points], "start", fallback=[(x - 6, y) for x, y in points])

    # Longer edges run in vertical lanes: forward ones on the left, back edges on the right, and
    # reach the lanes through the gaps between layers unless the box is at the end of its row.
    long_forward = [i for i, e in enumerate(edges) if i not in back and layer_of[e.target] - layer_of[e.source] > 1]
    long_forward.sort(key=lambda i: (layer_of[edges[i].target] - layer_of[edges[i].source], i))
    backward = sorted(back, key=lambda i: (abs(layer_of[edges[i].source] - layer_of[edges[i].target]), i))
    gap_use: dict[tuple[int, str], int] = {}
    side_use: dict[tuple[str, str], int] = {}

    def gap_y(row: int, where: str) -> float:
        """A fresh height in the gap below (``where='below'``) or above a row."""
        k = gap_use.get((row, where), 0)
        gap_use[(row, where)] = k + 1
        return row_bottom[row] + 10 + 7 * k if where == "below" else row_top[row] - 12 - 7 * k

    def side_offset(n: _Node, side: str) -> int:
        k = side_use.get((n.name, side), 0)
        side_use[(n.name, side)] = k + 1
        return k

    def route(i: int, lane: float, side: str) -> None:
        e = edges[i]
        a, b = nodes[e.source], nodes[e.target]
        row_a, row_b = rows[a.layer], rows[b.layer]
        at_end_a = row_a[0 if side == "left" else -1] == a.name
        at_end_b = row_b[0 if side == "left" else -1] == b.name
        edge_x = (lambda n: n.x) if side == "left" else (lambda n: n.right)
        inner = 1 if side == "left" else -1  # towards the inside of a box from its lane-side corner
        points: list[tuple[float, float]] = []
        if at_end_a:
            k = side_offset(a, side)
            start = (edge_x(a), a.cy + 4 + 8 * k)
            points += [start, (lane, start[1])]
        else:
            k = side_offset(a, "bottom-" + side)
            sx = edge_x(a) + inner * (16 + 10 * k)
            gy = gap_y(a.layer, "below")
            points += [(sx, a.bottom), (sx, gy), (lane, gy)]
        if at_end_b and not (a.name == b.name):
            k = side_offset(b, side)
            end = (edge_x(b) - inner * 2, b.cy - 4 - 8 * k)
            points += [(lane, end[1]), end]
        elif at_end_b:  # a loop on the row's end
            end = (edge_x(b) - inner * 2, b.cy - 8)
            points += [(lane, end[1]), end]
        else:
            k = side_offset(b, "top-" + side)
            tx = edge_x(b) + inner * (16 + 10 * k)
            gy = gap_y(b.layer, "above")
            points += [(lane, gy), (tx, gy), (tx, b.y - 2)]
        edge_parts.append(f'<path d="{_rounded(points)}" fill="none" {stroke(e)}/>')
        lane_ys = [y for x, y in points if x == lane]
        anchor = "end" if side == "left" else "start"
        dx = -5 if side == "left" else 5
        put_label(e, [(lane + dx, y) for y in along(min(lane_ys), max(lane_ys))], anchor)
        for x, y in points:
            box.add(x, y)

    for k, i in enumerate(long_forward):
        e = edges[i]
        lo, _ = row_extent(layer_of[e.source], layer_of[e.target])
        route(i, lo - 28 - 22 * k, "left")
    for k, i in enumerate(backward):
        e = edges[i]
        _, hi = row_extent(layer_of[e.source], layer_of[e.target])
        route(i, hi + 28 + 22 * k, "right")

    node_parts: list[str] = []
    for name in workflow.states:
        n = nodes[name]
        fill = _COLORS["final"] if n.final else _COLORS["box"]
        node_parts.append(f'<g class="state" id="{_attr(f"wf-{slug}-state-{name}")}">')
        node_parts.append(f"<title>{escape(translate(workflow.states[name].label))}</title>")
        node_parts.append(
            f'<rect x="{_num(n.x)}" y="{_num(n.y)}" width="{_BOX_W}" height="{_num(n.h)}" rx="8" '
            f'fill="{fill}" stroke="{_COLORS["stroke"]}" stroke-width="{2 if n.initial else 1.4}"/>'
        )
        if n.final:
            node_parts.append(
                f'<rect x="{_num(n.x + 4)}" y="{_num(n.y + 4)}" width="{_BOX_W - 8}" height="{_num(n.h - 8)}" '
                f'rx="5" fill="none" stroke="{_COLORS["stroke"]}" stroke-width="1.2"/>'
            )
        ty = n.y + 8 + _LINE - 3
        for line in n.label_lines:
            node_parts.append(
                f'<text x="{_num(n.cx)}" y="{_num(ty)}" text-anchor="middle" class="state-label">{escape(line)}</text>'
            )
            ty += _LINE
        for line in n.small_lines:
            node_parts.append(
                f'<text x="{_num(n.cx)}" y="{_num(ty)}" text-anchor="middle" class="state-detail">{escape(line)}</text>'
            )
            ty += _SMALL_LINE
        node_parts.append("</g>")
        if n.initial:
            sx, sy = n.cx, n.y - 26
            node_parts.append(f'<circle cx="{_num(sx)}" cy="{_num(sy)}" r="6" fill="{_COLORS["stroke"]}"/>')
            node_parts.append(
                f'<path d="M{_num(sx)},{_num(sy + 6)} L{_num(sx)},{_num(n.y - 2)}" '
                f'stroke="{_COLORS["stroke"]}" marker-end="url(#{arrow_id})"/>'
            )

    title = translate(workflow.label)
    title_lines = _wrap(title, 90)
    for k, line in enumerate(title_lines):
        box.add_text(0, 22 + k * 20, line, "start", char_w=9.6)

    x0, y0 = box.x0 - _MARGIN, box.y0 - _MARGIN
    width, height = box.x1 - box.x0 + 2 * _MARGIN, box.y1 - box.y0 + 2 * _MARGIN
    parts.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_num(x0)} {_num(y0)} {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" role="img" aria-labelledby="{title_id}" '
        f'class="workflow-diagram">'
    )
    parts.append(f'<title id="{title_id}">{escape(title)}</title>')
    parts.append(
        "<defs>"
        f'<marker id="{arrow_id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{_COLORS["edge"]}"/></marker>'
        f'<marker id="{fail_arrow_id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{_COLORS["fail"]}"/></marker>'
        "<style>"
        "text{font-family:system-ui,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif}"
        ".state-label{font-size:13px;font-weight:600;fill:#1c2b3f}"
        f".state-detail{{font-size:11px;fill:{_COLORS['muted']}}}"
        ".edge-label{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}"
        ".workflow-title{font-size:16px;font-weight:700;fill:#1c2b3f}"
        "</style>"
        "</defs>"
    )
    parts.append(f'<rect x="{_num(x0)}" y="{_num(y0)}" width="{_num(width)}" height="{_num(height)}" fill="#fff"/>')
    for k, line in enumerate(title_lines):
        parts.append(f'<text x="0" y="{_num(22 + k * 20)}" class="workflow-title">{escape(line)}</text>')
    parts.append('<g class="transitions">')
    parts.extend(edge_parts)
    parts.append("</g>")
    parts.append('<g class="states">')
    parts.extend(node_parts)
    parts.append("</g>")
    parts.append('<g class="transition-labels">')
    parts.extend(label_parts)
    parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
