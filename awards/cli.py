"""Flask commands: init-db, seed-demo, create-user, workflows check."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app

from .db import db

ROOT = Path(__file__).resolve().parent.parent


def alembic_config():
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    return cfg


def upgrade_database(engine=None) -> None:
    from alembic import command

    engine = engine or db.engine
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def register_cli(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db() -> None:
        """Apply the migrations to DATABASE_URL."""
        upgrade_database()
        click.echo(f"Cơ sở dữ liệu đã cập nhật: {db.engine.url.render_as_string(hide_password=True)}")

    @app.cli.command("seed-demo")
    @click.option("--no-dossiers", is_flag=True,
                  help="Only the province, users, forms, rules and the open round: no demo dossiers")
    def seed_demo_cmd(no_dossiers: bool) -> None:
        """Load the demo province and its demo dossiers (idempotent)."""
        from .demo import DEMO_PASSWORD, demo_logins, seed_demo

        with db.transaction() as s:
            created = seed_demo(s)
        click.echo("Đã tạo dữ liệu mẫu tỉnh Ninh Bình." if created else "Dữ liệu mẫu đã có sẵn, không thay đổi.")
        if not no_dossiers:
            _seed_demo_dossiers()
        click.echo(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, roles in demo_logins():
            click.echo(f"  {username:<18} {roles}")

    @app.cli.command("create-user")
    @click.option("--username", required=True)
    @click.option("--full-name", required=True)
    @click.option("--unit", "unit_code", required=True, help="Unit code, e.g. SNV")
    @click.option("--role", "roles", multiple=True, required=True,
                  help="ROLE or ROLE:UNITCODE (scope defaults to the user's unit); repeatable")
    @click.option("--email", default=None)
    @click.password_option()
    def create_user_cmd(username, full_name, unit_code, roles, email, password) -> None:
        """Create a user with roles scoped to units."""
        from .services.users import UserError, create_user

        with db.transaction() as s:
            try:
                user = create_user(s, actor=None, username=username, full_name=full_name, unit_code=unit_code,
                                   roles=list(roles), email=email, password=password,
                                   min_length=current_app.config["PASSWORD_MIN_LENGTH"])
            except UserError as e:
                raise click.ClickException(str(e)) from None
        click.echo(f"Đã tạo tài khoản {user.username}.")

    @app.cli.group("workflows")
    def workflows_group() -> None:
        """Workflow definitions."""

    @workflows_group.command("check")
    def workflows_check() -> None:
        """Validate every definition in workflows/definitions (non-zero exit on any error)."""
        from workflows.engine import DefinitionError

        from .workflow import load_all

        try:
            loaded = load_all()
        except DefinitionError as e:
            for err in e.errors:
                click.echo(f"LỖI: {err}", err=True)
            raise SystemExit(1) from None
        for wf in loaded.values():
            click.echo(f"OK  {wf.name}: {len(wf.states)} bước, {len(wf.transitions)} thao tác — {wf.label}")

    @app.cli.command("backup")
    @click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Output file (default: backups/awards-<UTC time>.db|.dump)")
    def backup_cmd(out: Path | None) -> None:
        """Back up the database (SQLite online backup, or pg_dump for PostgreSQL)."""
        from .backup import BackupError, backup, default_name

        url = current_app.config["DATABASE_URL"]
        out = out or ROOT / "backups" / default_name(url)
        try:
            backup(url, out)
        except BackupError as e:
            raise click.ClickException(str(e)) from None
        click.echo(f"Đã sao lưu vào {out} ({out.stat().st_size:,} byte).")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation")
    def restore_cmd(source: Path, yes: bool) -> None:
        """Replace the database with a backup (stop the web and scheduler processes first)."""
        from .backup import BackupError, restore

        if not yes:
            click.confirm("Toàn bộ dữ liệu hiện tại sẽ bị thay thế. Tiếp tục?", abort=True)
        db.engine.dispose()
        try:
            restore(current_app.config["DATABASE_URL"], source)
        except BackupError as e:
            raise click.ClickException(str(e)) from None
        click.echo(f"Đã phục hồi từ {source}.")

    _ = sa  # keep the import for commands added by other modules


def _seed_demo_dossiers() -> None:
    """The demo dossiers in their own transaction, then what is in the demo round. A failure is
    reported without failing the command: the province is loaded and `make run` goes on."""
    from .demo_dossiers import DemoDossierError, demo_summary, seed_demo_dossiers

    try:
        with db.transaction() as s:
            created = seed_demo_dossiers(s)
    except DemoDossierError as e:
        click.echo(f"Không tạo được hồ sơ mẫu: {e}", err=True)
        return
    summary = demo_summary(db.session)
    db.session.rollback()  # end the read
    click.echo(f"Đã tạo {summary.total} hồ sơ mẫu qua đúng quy trình (có lịch sử, nhật ký):" if created
               else f"Hồ sơ mẫu đã có sẵn, không thay đổi ({summary.total} hồ sơ trong đợt mẫu):")
    for label, rows in summary.by_workflow:
        click.echo(f"  {label}")
        for state, n in rows:
            click.echo(f"    {n:>2}  {state}")
    if summary.sample is not None:
        code, name, form, number = summary.sample
        base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
        click.echo(f"Mã xác minh mẫu ({form}, Quyết định số {number}, {name}): {code}")
        click.echo(f"  dán vào trang tra cứu công khai {base}/registry/verify hoặc mở {base}/registry/verify/{code}")
