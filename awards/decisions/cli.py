"""`flask --app wsgi sample-decision`: a provincial Bằng khen decision for the demo province with
synthetic recipients, rendered through the clerk's code path (money from the rule set in force on
the date, the authority's header, signer and căn cứ, then awards.documents.context)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask

from ..db import db


def build_sample_decision(session, *, collectives: int, individuals: int, households: int,
                          day: date, number: int | None = None):
    """A transient Decision (never saved) with synthetic recipients, priced on ``day``."""
    from ..documents.samples import sample_recipients
    from ..documents.vietnamese import canonical_name, fold
    from ..models import Award, AwardForm, Decision, Signer
    from ..services.decisions import DecisionError, apply_money

    form = session.scalar(sa.select(AwardForm).where(AwardForm.code == "BK-TINH"))
    if form is None or form.authority is None:
        raise click.ClickException("Chưa có dữ liệu mẫu: chạy `flask --app wsgi seed-demo` trước.")
    signer = session.scalar(sa.select(Signer).where(Signer.authority_id == form.authority_id, Signer.active,
                                                    Signer.is_head.is_(False)).order_by(Signer.position_order))
    decision = Decision(authority=form.authority, award_form=form, title=f"Về việc tặng {form.name}",
                        achievement_phrase=("đã có thành tích xuất sắc trong thực hiện Phong trào thi đua "
                                            "“Vì người nghèo - Không để ai bị bỏ lại phía sau” giai đoạn 2021 - 2025"),
                        fund_source=form.authority.fund_source, signer=signer, decision_date=day,
                        year=day.year, number=number, state="draft")
    r = sample_recipients(collectives, individuals, households)
    rows = ([("collective", c.name, None, None, None, c.address) for c in r.collectives]
            + [("individual", i.name, i.gender, i.position, i.workplace, None) for i in r.individuals]
            + [("household", h.head_name, h.gender, None, None, h.address) for h in r.households])
    decision.awards = [
        Award(kind=kind, name=name, canonical_name=canonical_name(name), name_key=fold(name), gender=gender,
              position_title=position, workplace=workplace, address=address, position=i, amount=0,
              status="proposed")
        for i, (kind, name, gender, position, workplace, address) in enumerate(rows)
    ]
    try:
        apply_money(session, decision, day)
    except DecisionError as e:
        raise click.ClickException(str(e)) from None
    return decision


def register_cli(app: Flask) -> None:
    @app.cli.command("sample-decision")
    @click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--collectives", default=5, show_default=True, type=click.IntRange(0))
    @click.option("--individuals", default=12, show_default=True, type=click.IntRange(0))
    @click.option("--households", default=3, show_default=True, type=click.IntRange(0))
    @click.option("--date", "day", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
                  help="Decision date (default: today)")
    @click.option("--number", default=None, type=click.IntRange(1), help="Decision number (default: blank draft)")
    def sample_decision(out: Path, collectives: int, individuals: int, households: int, day, number) -> None:
        """Render a Bằng khen của Chủ tịch UBND tỉnh decision for the demo province."""
        from ..documents.context import decision_docx
        from ..models import utcnow

        if collectives + individuals + households == 0:
            raise click.ClickException("Cần ít nhất một tập thể, cá nhân hoặc hộ gia đình.")
        when = day.date() if day else utcnow().date()
        session = db.session
        decision = build_sample_decision(session, collectives=collectives, individuals=individuals,
                                         households=households, day=when, number=number)
        data, _ = decision_docx(decision, session)
        session.rollback()  # nothing of the sample is kept
        out.write_bytes(data)
        from ..documents.vietnamese import format_number

        click.echo(f"Đã tạo {out} ({format_number(len(data))} byte): {collectives} tập thể, {individuals} cá nhân, "
                   f"{households} hộ gia đình; tổng tiền thưởng {format_number(decision.total_amount)} đồng.")
