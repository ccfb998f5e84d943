"""Web load: N nominees in the database, the app under gunicorn on loopback, 8 concurrent clients
on the board's review queue and dossier pages, and a trivial endpoint on the same server measured
in the same run as the baseline. Prints one JSON object as its last line.

    python -m bench.web_load --nominees 50000
    PAGE_CACHE_SIZE=0 python -m bench.web_load --nominees 50000   # the same pages, never cached

The server runs as deployed, page cache included (awards/pagecache.py); the line before the JSON
says how many answers were cache hits, from the X-Page-Cache header the clients saw.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PER_DOSSIER = 10  # a commune proposes a handful per form; 10 is generous
USER = "tdkt.chuyenvien"


def seed(url: str, nominees: int) -> list[int]:
    """Migrate a fresh database, load the demo province and bulk-insert the nominees."""
    import sqlalchemy as sa

    from awards import create_app
    from awards.cli import upgrade_database
    from awards.db import db
    from awards.demo import seed_demo
    from awards.documents.vietnamese import canonical_name, fold
    from awards.models import AwardForm, Dossier, Nominee, Round, Unit, utcnow
    from config import DevelopmentConfig

    cfg = DevelopmentConfig()
    cfg.DATABASE_URL = url
    app = create_app(cfg)
    with app.app_context():
        upgrade_database()
        seed_demo(db.session)
        db.session.commit()
        s = db.session
        rnd = s.scalar(sa.select(Round))
        form = s.scalar(sa.select(AwardForm).where(AwardForm.code == "BK-TINH"))
        units = s.scalars(sa.select(Unit).where(Unit.kind.in_(["commune", "ward", "department", "enterprise",
                                                                   "association"]))).all()
        n_dossiers = max(1, nominees // PER_DOSSIER)
        now = utcnow()
        states = ["submitted", "appraising"]
        rows = [{"round_id": rnd.id, "unit_id": units[i % len(units)].id, "award_form_id": form.id,
                 "workflow": "bang_khen_tinh", "state": states[i % 2], "state_since_dt": now,
                 "title": f"Hồ sơ đề nghị khen thưởng số {i + 1}", "created_dt": now, "updated_dt": now,
                 "overdue": i % 7 == 0, "version": 1} for i in range(n_dossiers)]
        s.execute(sa.insert(Dossier), rows)
        ids = s.scalars(sa.select(Dossier.id).order_by(Dossier.id)).all()
        # Names as varied as a province's: few family names, many middle and given names.
        family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đinh", "Ngô", "Đỗ", "Hồ",
                  "Dương", "Lý", "Phan", "Trương"]
        middle = ["Văn", "Thị", "Minh", "Thu", "Quang", "Hồng", "Ngọc", "Đức", "Thanh", "Xuân", "Hữu", "Kim",
                  "Bảo", "Gia", "Thành", "Phương", "Mạnh", "Tuấn", "Diệu", "Khánh", "Quốc", "Trung"]
        given = ["An", "Bình", "Cường", "Dung", "Hà", "Hòa", "Lan", "Nam", "Phúc", "Tâm", "Thủy", "Ánh", "Bảo",
                 "Châu", "Chi", "Đạt", "Điệp", "Giang", "Hải", "Hạnh", "Hiền", "Hiếu", "Hoa", "Hùng", "Huy",
                 "Hương", "Khoa", "Khôi", "Lâm", "Linh", "Loan", "Long", "Mai", "Minh", "My", "Nga", "Ngân",
                 "Nhung", "Oanh", "Phong", "Phương", "Quân", "Quyên", "Sơn", "Tài", "Thắng", "Thảo", "Thịnh",
                 "Thơ", "Trang", "Trí", "Trinh", "Tú", "Tuấn", "Uyên", "Vân", "Việt", "Vinh", "Xuân", "Yến"]
        rng = random.Random(2025)
        batch = []
        for k in range(nominees):
            name = f"{rng.choice(family)} {rng.choice(middle)} {rng.choice(given)}"
            batch.append({"dossier_id": ids[k % len(ids)], "kind": "individual", "position": k // len(ids),
                          "name": name, "canonical_name": canonical_name(name), "name_key": fold(name),
                          "gender": "female" if k % 2 else "male", "birth_year": rng.randint(1955, 2004),
                          "position_title": "Trưởng thôn", "workplace": "Xã Gia Viễn", "is_leader": False,
                          "posthumous": False, "award_form_id": form.id, "outcome": "pending",
                          "achievements": "Có nhiều đóng góp cho phong trào.", "version": 1})
            if len(batch) == 5000:
                s.execute(sa.insert(Nominee), batch)
                batch = []
        if batch:
            s.execute(sa.insert(Nominee), batch)
        s.commit()
        db.engine.dispose()
        return ids


def queries_per_page(url: str, paths: list[str]) -> int:
    """The most SQL statements any measured page runs (in-process, same code as the server)."""
    from sqlalchemy import event

    from awards import create_app
    from awards.db import db
    from awards.demo import DEMO_PASSWORD
    from config import DevelopmentConfig

    cfg = DevelopmentConfig()
    cfg.DATABASE_URL = url
    cfg.WTF_CSRF_ENABLED = False
    app = create_app(cfg)
    client = app.test_client()
    client.post("/auth/login", data={"username": USER, "password": DEMO_PASSWORD})
    with app.app_context():
        engine = db.engine
    counts = []
    for path in paths:
        n = [0]

        def count(conn, cursor, statement, *args):
            if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|PRAGMA|SAVEPOINT|RELEASE)", statement, re.I):
                n[0] += 1

        event.listen(engine, "before_cursor_execute", count)
        resp = client.get(path)
        event.remove(engine, "before_cursor_execute", count)
        assert resp.status_code == 200, (path, resp.status_code)
        counts.append(n[0])
    return max(counts)


class Client:
    """A keep-alive HTTP client with a session cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.cache: dict[str, int] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        for h, v in resp.getheaders():
            if h.lower() == "set-cookie" and v.startswith("awards_session="):
                self.cookie = v.split(";", 1)[0]
            elif h.lower() == "x-page-cache":
                self.cache[v] = self.cache.get(v, 0) + 1
        return resp.status, text

    def login(self) -> None:
        from awards.demo import DEMO_PASSWORD

        _, page = self.request("GET", "/auth/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
        csrf = next(g for g in token.groups() if g)
        status, _ = self.request("POST", "/auth/login", {"username": USER, "password": DEMO_PASSWORD,
                                                          "csrf_token": csrf})
        assert status == 302, status


def drive(port: int, paths: list[str], clients: int, seconds: float, login: bool,
          cache: dict[str, int] | None = None) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    errors: list[str] = []

    def worker(seed_: int) -> None:
        rng = random.Random(seed_)
        c = Client(port)
        if login:
            c.login()
        mine = []
        while time.perf_counter() < stop:
            path = rng.choice(paths)
            t = time.perf_counter()
            status, _ = c.request("GET", path)
            mine.append(time.perf_counter() - t)
            if status != 200:
                errors.append(f"{path}: {status}")
                break
        with lock:
            latencies.extend(mine)
            if cache is not None:
                for k, v in c.cache.items():
                    cache[k] = cache.get(k, 0) + v

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"errors under load: {errors[:5]}")
    return latencies, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nominees", type=int, default=50_000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)  # CPU-bound pages: one thread per worker process
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="web_load_")
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    t0 = time.perf_counter()
    ids = seed(url, args.nominees)
    print(f"seeded {args.nominees} nominees in {len(ids)} dossiers in {time.perf_counter() - t0:.1f} s", flush=True)

    rng = random.Random(1)
    sample = rng.sample(ids, min(40, len(ids)))
    pages = max(1, len(ids) // 2 // 20)
    paths = ([f"/review/?page={rng.randint(1, pages)}" for _ in range(10)] + ["/review/?per_page=100"]
             + [f"/review/{i}" for i in sample[:20]] + [f"/dossiers/{i}" for i in sample[20:]])
    qpp = queries_per_page(url, ["/review/", "/review/?per_page=100", f"/review/{sample[0]}",
                                 f"/dossiers/{sample[-1]}"])

    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, AWARDS_ENV="development", SECRET_KEY="bench-" + "x" * 40,
               RATELIMIT_STORAGE_URI="memory://", LOGIN_RATE_LIMIT="10000 per minute")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "--threads", str(args.threads),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                if Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        drive(port, paths, args.clients, 2.0, login=True)  # warm up
        cache: dict[str, int] = {}
        lat, elapsed = drive(port, paths, args.clients, args.seconds, login=True, cache=cache)
        triv, triv_elapsed = drive(port, ["/healthz"], args.clients, min(5.0, args.seconds), login=False)
    finally:
        server.terminate()
        server.wait(10)
    lat.sort()
    rps = len(lat) / elapsed
    trivial_rps = len(triv) / triv_elapsed
    result = {
        "name": "web_load",
        "nominees": args.nominees,
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p95_ms": round(lat[int(len(lat) * 0.95) - 1] * 1000, 1),
        "rps": round(rps, 1),
        "trivial_rps": round(trivial_rps, 1),
        "ratio": round(rps / trivial_rps, 3),
        "queries_per_page": qpp,
    }
    print(f"page cache: {cache.get('hit', 0)} hits, {cache.get('miss', 0)} misses, "
          f"{len(lat) - sum(cache.values())} answers not cacheable", flush=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
