"""Benchmark: a decision with N annex rows, fast path vs python-docx add_row().

    python -m bench.decision_docx --rows 10000

The fast path is ``awards.documents.decision.render_decision`` (the template row is
compiled once, rows joined as strings and spliced into document.xml). The baseline
fills the same annex table of the same template with python-docx ``table.add_row()``
and ``row.cells[i].text = …`` for the same rows, then saves. Both produce DOCX bytes.

Prints one JSON object as its last line: seconds is the median wall time of
``--repeat`` fast renders; baseline_seconds one baseline run; peak_mb is the growth
of the process's peak RSS (ru_maxrss) during the first fast render.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from datetime import date

import docx

from bench.memory import current_rss_mb, maxrss_mb

from awards.documents.decision import annex_rows, render_decision, sample_decision_data
from awards.documents.docx_render import load_template


def split_rows(rows: int) -> tuple[int, int, int]:
    """10% collectives, 80% individuals, 10% households (at least one of each when rows ≥ 3)."""
    collectives = max(1, rows // 10) if rows >= 3 else 0
    households = max(1, rows // 10) if rows >= 3 else 0
    return collectives, rows - collectives - households, households


def baseline(data) -> bytes:
    """The same annex table filled with python-docx add_row() and cell text."""
    document = docx.Document(io.BytesIO(load_template("decision")))
    table = document.tables[-1]
    tbl = table._tbl
    for tr in tbl.tr_lst[1:]:  # drop the template rows, keep the header row
        tbl.remove(tr)
    for row in annex_rows(data.recipients, data.sort_mode):
        cells = table.add_row().cells
        if row.kind == "group":
            cells[0].text = row.title
        else:
            cells[0].text = row.stt
            cells[1].text = row.name
            cells[2].text = row.detail
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000, help="recipients in the annex")
    parser.add_argument("--repeat", type=int, default=3, help="fast renders to time (median)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the slow baseline")
    args = parser.parse_args(argv)

    data = sample_decision_data(*split_rows(args.rows), date(2027, 2, 5))
    render_decision(sample_decision_data(2, 3, 2, date(2027, 2, 5)))  # warm-up: imports, caches

    rss_before = max(current_rss_mb(), 0.0)
    peak_before = maxrss_mb()
    times = []
    cpu_times = []
    output = b""
    for i in range(max(1, args.repeat)):
        start = time.perf_counter()
        cpu_start = time.process_time()
        output = render_decision(data)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
        if i == 0:
            peak_mb = max(0.0, maxrss_mb() - max(peak_before, rss_before))
    seconds = statistics.median(times)

    # Sanity: the annex has one row per recipient (+ header + group rows).
    document = docx.Document(io.BytesIO(output))
    annex = document.tables[-1]._tbl.tr_lst
    groups = sum(1 for n in (data.recipients.collectives, data.recipients.individuals, data.recipients.households) if n)
    assert len(annex) == 1 + groups + args.rows, (len(annex), args.rows)

    baseline_seconds = None
    if not args.no_baseline:
        start = time.perf_counter()
        baseline(data)
        baseline_seconds = time.perf_counter() - start

    print(
        f"decision_docx: {args.rows} rows: fast {seconds:.3f} s (runs {', '.join(f'{t:.3f}' for t in times)}), "
        f"baseline {baseline_seconds if baseline_seconds is None else round(baseline_seconds, 3)} s, "
        f"output {len(output) / 1e6:.2f} MB",
        flush=True,
    )
    result = {
        "name": "decision_docx",
        "rows": args.rows,
        "seconds": round(seconds, 4),
        "baseline_seconds": None if baseline_seconds is None else round(baseline_seconds, 4),
        "speedup": None if baseline_seconds is None else round(baseline_seconds / seconds, 1),
        "peak_mb": round(peak_mb, 1),
        "peak_mb_method": "growth of peak RSS (ru_maxrss) during the first fast render",
        "cpu_seconds": round(statistics.median(cpu_times), 4),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
