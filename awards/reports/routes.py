"""Reports of a movement's round: figures, SVG charts, XLSX export and the DOCX report (NĐ 30/2020)."""
from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from flask import abort, current_app, render_template, request, send_file
from flask_babel import gettext
from flask_login import current_user

from ..authz import role_required
from ..db import db
from ..documents import report as report_doc
from ..documents.context import unit_head_name
from ..i18n import label, tr
from ..models import Movement, Role, Round, Unit, utcnow
from ..services import reports
from . import bp
from .charts import bar_chart
from .forms import ReportForm

REPORT_ROLES = (Role.board_specialist, Role.board_lead, Role.signer, Role.admin)


def _selection():
    """The form and the chosen movement and round (defaults: the newest movement, every round).

    :raise 404: the movement or round does not exist, or the round is not the movement's.
    """
    movements = reports.report_choices(db.session)
    form = ReportForm(formdata=request.args)
    form.set_choices(movements)
    if not movements:
        return form, None, None
    movement_id = form.movement_id.data if request.args.get("movement_id") else movements[0].id
    movement = next((m for m in movements if m.id == movement_id), None)
    if movement is None:
        abort(404)
    form.movement_id.data = movement.id
    round_ = None
    if form.round_id.data:
        round_ = next((r for r in movement.rounds if r.id == form.round_id.data), None)
        if round_ is None:
            abort(404)
    return form, movement, round_


def _query_args(movement: Movement, round_: Round | None) -> dict:
    args = {"movement_id": movement.id}
    if round_ is not None:
        args["round_id"] = round_.id
    return args


def _charts(rep: reports.RoundReport) -> list:
    outcome_rows = [(tr(o.label), [o.nominees]) for o in rep.outcomes if o.code != "proposed"]
    both = [gettext("Đề nghị"), gettext("Được khen thưởng")]
    return [
        bar_chart(gettext("Đề nghị và được khen thưởng theo đơn vị"),
                  [(r.label, [r.proposed, r.awarded]) for r in rep.by_unit], both),
        bar_chart(gettext("Theo hình thức khen thưởng"), [(r.label, [r.proposed, r.awarded]) for r in rep.by_form],
                  both),
        bar_chart(gettext("Theo đối tượng"), [(label(r.label), [r.proposed, r.awarded]) for r in rep.by_kind],
                  both),
        bar_chart(gettext("Kết quả xét (số trường hợp)"), outcome_rows, [gettext("Số trường hợp")]),
        bar_chart(gettext("Tiền thưởng theo đơn vị (đồng)"), [(r.label, [r.amount]) for r in rep.by_unit if r.amount],
                  [gettext("Tiền thưởng")]),
    ]


@bp.route("/")
@role_required(*REPORT_ROLES)
def index():
    """Báo cáo kết quả khen thưởng theo phong trào và đợt."""
    form, movement, round_ = _selection()
    rep = reports.round_report(db.session, current_user, movement, round_) if movement is not None else None
    return render_template("reports/index.html", form=form, report=rep, charts=_charts(rep) if rep else [],
                           args=_query_args(movement, round_) if movement is not None else {},
                           quantity=report_doc.quantity, percent=report_doc.percent)


def _filename(movement: Movement, round_: Round | None, ext: str) -> str:
    suffix = f"-dot-{round_.id}" if round_ is not None else ""
    return f"bao-cao-khen-thuong-phong-trao-{movement.id}{suffix}.{ext}"


@bp.route("/export.xlsx")
@role_required(*REPORT_ROLES)
def export_xlsx():
    """Tải số liệu báo cáo dạng Excel."""
    _form, movement, round_ = _selection()
    if movement is None:
        abort(404)
    rep = reports.round_report(db.session, current_user, movement, round_)
    db.session.commit()  # end the (read) transaction before building the file
    data = report_doc.report_xlsx(rep)
    return send_file(io.BytesIO(data), mimetype=report_doc.XLSX_MIMETYPE, as_attachment=True,
                     download_name=_filename(movement, round_, "xlsx"))


def _heading(movement: Movement) -> report_doc.ReportHeading:
    """Header strings: the user's agency (a Phòng reports through its Sở) under its governing body."""
    unit: Unit = current_user.unit
    issuing = unit.parent if unit.kind == "office" and unit.parent is not None else unit
    governing = issuing.parent
    authority = movement.authority
    code = (authority.proposal_symbol.split("-", 1)[1] if authority and "-" in authority.proposal_symbol
            else issuing.code)
    today = utcnow().astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()
    governing_name = governing.name.upper() if governing is not None else ""
    if len(governing_name) > 26:  # the governing body's line stays on one line: "UBND TỈNH NINH BÌNH"
        governing_name = governing_name.replace("ỦY BAN NHÂN DÂN", "UBND")
    return report_doc.ReportHeading(
        governing_body=governing_name,
        issuing_body=issuing.name,
        place=authority.place_name if authority else "",
        report_date=today,
        symbol=f"BC-{code}",
        signer_title=(issuing.head_title or "Thủ trưởng").upper(),
        signer_name=unit_head_name(db.session, issuing),  # "" (a blank to sign over) when not known
        recipients=[f"{authority.name} (để báo cáo)" if authority else "Cấp trên (để báo cáo)",
                    "Các cơ quan, đơn vị, địa phương"],
        archive=f"VT, {authority.archive_code}" if authority else "VT",
    )


@bp.route("/report.docx")
@role_required(*REPORT_ROLES)
def export_docx():
    """Tải Báo cáo kết quả khen thưởng (DOCX, thể thức theo Nghị định 30/2020/NĐ-CP)."""
    _form, movement, round_ = _selection()
    if movement is None:
        abort(404)
    rep = reports.round_report(db.session, current_user, movement, round_)
    heading = _heading(movement)
    db.session.commit()  # end the (read) transaction: never hold the SQLite write lock while rendering
    data = report_doc.report_docx(rep, heading)
    return send_file(io.BytesIO(data), mimetype=report_doc.DOCX_MIMETYPE, as_attachment=True,
                     download_name=_filename(movement, round_, "docx"))
