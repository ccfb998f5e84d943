"""Benchmark: N certificates in one DOCX, fast path vs render-one-by-one + docxcompose.

    python -m bench.certificates --count 1000

The fast path is ``awards.documents.certificates.render_certificates`` (one template
page compiled once and rendered per recipient, QR codes from awards.documents.qr,
pages spliced into one document.xml). The baseline renders N single certificates
one by one with the same function and template, then merges them with docxcompose
(a page break before each appended certificate). Every certificate has its own QR.

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

import docx

from bench.memory import current_rss_mb, maxrss_mb

from awards.documents.certificates import render_certificates, sample_certificates


def baseline(items) -> bytes:
    """Render each certificate alone, then merge with docxcompose."""
    from docxcompose.composer import Composer

    singles = [render_certificates([item]) for item in items]
    composer = Composer(docx.Document(io.BytesIO(singles[0])))
    for blob in singles[1:]:
        composer.doc.add_page_break()
        composer.append(docx.Document(io.BytesIO(blob)))
    out = io.BytesIO()
    composer.save(out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates")
    parser.add_argument("--repeat", type=int, default=3, help="fast renders to time (median)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the slow baseline")
    parser.add_argument(
        "--baseline-count",
        type=int,
        default=None,
        help="time the baseline on the first K certificates and scale linearly to --count "
        "(docxcompose grows faster than linearly, so this understates the baseline); default: all",
    )
    args = parser.parse_args(argv)

    items = sample_certificates(args.count)
    render_certificates(sample_certificates(2))  # warm-up

    rss_before = current_rss_mb()
    peak_before = maxrss_mb()
    times = []
    cpu_times = []
    output = b""
    for i in range(max(1, args.repeat)):
        start = time.perf_counter()
        cpu_start = time.process_time()
        output = render_certificates(items)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
        if i == 0:
            peak_mb = max(0.0, maxrss_mb() - max(peak_before, rss_before))
    seconds = statistics.median(times)

    document = docx.Document(io.BytesIO(output))
    assert len(document.inline_shapes) == args.count

    baseline_seconds = None
    measured = min(args.baseline_count or args.count, args.count)
    if not args.no_baseline:
        start = time.perf_counter()
        baseline(items[:measured])
        baseline_seconds = (time.perf_counter() - start) * args.count / measured

    print(
        f"certificates: {args.count}: fast {seconds:.3f} s (runs {', '.join(f'{t:.3f}' for t in times)}), "
        f"baseline {baseline_seconds if baseline_seconds is None else round(baseline_seconds, 3)} s, "
        f"output {len(output) / 1e6:.2f} MB",
        flush=True,
    )
    result = {
        "name": "certificates",
        "count": args.count,
        "seconds": round(seconds, 4),
        "baseline_seconds": None if baseline_seconds is None else round(baseline_seconds, 4),
        "speedup": None if baseline_seconds is None else round(baseline_seconds / seconds, 1),
        "peak_mb": round(peak_mb, 1),
        "peak_mb_method": "growth of peak RSS (ru_maxrss) during the first fast render",
        "cpu_seconds": round(statistics.median(cpu_times), 4),
        "baseline_measured_count": None if args.no_baseline else measured,
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
