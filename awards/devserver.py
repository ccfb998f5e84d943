"""`make run`: the development server plus exactly one scheduler process beside it.

The reloader is off, so there is one server process and one scheduler (engineering.md §3)."""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys

from .demo import DEMO_PASSWORD, demo_logins


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--no-scheduler", action="store_true")
    args = parser.parse_args()

    from . import create_app

    app = create_app()
    scheduler = None
    if not args.no_scheduler and "scheduler" in app.cli.commands:
        scheduler = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "scheduler"])
    print(f"\n  Hệ thống thi đua, khen thưởng: http://{args.host}:{args.port}")
    print(f"  Tài khoản mẫu (mật khẩu: {DEMO_PASSWORD}):")
    for username, roles in demo_logins():
        print(f"    {username:<18} {roles}")
    print(flush=True)
    def _terminate(_signum, _frame):
        raise SystemExit(0)  # run the finally below, which stops the scheduler too

    signal.signal(signal.SIGTERM, _terminate)
    try:
        app.run(host=args.host, port=args.port, debug=False, use_reloader=False, threaded=True)
    finally:
        if scheduler is not None:
            scheduler.send_signal(signal.SIGTERM)
            scheduler.wait(timeout=10)


if __name__ == "__main__":
    main()
