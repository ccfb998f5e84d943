"""Commands: ``scheduler`` (the one scheduler process), ``send-outbox``, ``run-jobs-once``."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask import Flask, current_app

from ..db import db


def _parse_at(value: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"«{value}» không phải thời điểm ISO, ví dụ 2026-11-22T08:00+07:00") from None
    if dt.tzinfo is None:
        from ..rules.calendar import VN_TZ

        dt = dt.replace(tzinfo=VN_TZ)  # a bare time is local (Asia/Ho_Chi_Minh)
    return dt.astimezone(timezone.utc)


def register_cli(app: Flask) -> None:
    @app.cli.command("scheduler")
    def scheduler_cmd() -> None:
        """Run the one scheduler process (blocks; stop with Ctrl+C or SIGTERM)."""
        from ..scheduler import run

        run(current_app._get_current_object())  # type: ignore[attr-defined]

    @app.cli.command("send-outbox")
    def send_outbox_cmd() -> None:
        """Send the queued e-mail now (the scheduler does this every minute)."""
        from ..services.notifications import SmtpSettings, send_outbox

        settings = SmtpSettings.from_config(current_app.config)
        result = send_outbox(db.session, settings)
        db.session.commit()
        click.echo(result.summary())
        if result.not_configured:
            raise SystemExit(2)

    @app.cli.command("run-jobs-once")
    @click.option("--at", "ats", multiple=True, help="Thời điểm chạy (ISO; không có múi giờ = giờ Việt Nam). "
                  "Lặp lại được; mặc định: bây giờ.")
    @click.option("--job", "names", multiple=True, help="Tên việc (lặp lại được); mặc định: mọi việc.")
    def run_jobs_once_cmd(ats: tuple[str, ...], names: tuple[str, ...]) -> None:
        """Run the jobs once at the given times, exactly as the scheduler would."""
        from ..jobs import JOBS, run_job

        unknown = [n for n in names if n not in JOBS]
        if unknown:
            raise click.BadParameter(f"không có việc {', '.join(unknown)}; các việc: {', '.join(JOBS)}")
        times = [_parse_at(a) for a in ats] or [datetime.now(timezone.utc)]
        failed = False
        for at in times:
            for name in names or tuple(JOBS):
                outcome = run_job(name, now=at)
                status = "LỖI" if outcome.error else ("BỎ QUA" if outcome.skipped else "OK")
                click.echo(f"{at.isoformat()} {name}: {status} {outcome.error or outcome.result}")
                failed = failed or bool(outcome.error)
        if failed:
            raise SystemExit(1)
