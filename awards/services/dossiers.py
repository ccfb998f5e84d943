"""Use cases of a unit preparing a dossier: create and edit it, add/edit/remove nominees, their
reports and indicators, attachments, Excel import, and what changed between two submissions.

Every change goes through :func:`_begin_edit` (state must be draft or returned, the version the
form was loaded with must still be current) and touches the dossier row, so that the dossier's
``version`` (SQLAlchemy ``version_id_col``) moves on every edit and a concurrent change is
refused with transitions.STALE_MESSAGE instead of being silently overwritten. Services flush and
write audit rows; the caller commits."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workflows.messages import Msg

from ..documents import vietnamese as vn
from ..models import (
    Attachment,
    AttachmentKind,
    AwardForm,
    Dossier,
    MovementIndicator,
    Nominee,
    NomineeIndicatorValue,
    RecipientKind,
    Role,
    Round,
    RoundExtension,
    RoundStatus,
    Unit,
    User,
    utcnow,
)
from ..workflow import get_workflow
from . import audit
from .transitions import STALE_MESSAGE, StaleDossier
from .uploads import DEFAULT_MAX_BYTES, check_upload

EDITABLE_STATES = ("draft", "returned")
UNIT_ROLES = frozenset({Role.unit_clerk.value, Role.unit_head.value})

# ------------------------------------------------------------------------------ nominee fields

TEXT_LIMITS = {
    "name": 255, "position_title": 255, "workplace": 255, "ethnicity": 60, "address": 255, "hamlet": 120,
    "contribution": 4000, "achievements": 8000,
}
MULTILINE = {"contribution", "achievements"}
REQUIRED = {
    RecipientKind.collective.value: ("name",),
    RecipientKind.individual.value: ("name", "gender", "birth_year", "position_title", "workplace"),
    RecipientKind.household.value: ("name", "gender", "address", "hamlet", "contribution", "contribution_value"),
}
KIND_FIELDS = {
    RecipientKind.collective.value: {"name", "address", "award_form_id", "achievements"},
    RecipientKind.individual.value: {"name", "gender", "birth_year", "position_title", "workplace", "citizen_id",
                                     "ethnicity", "is_leader", "posthumous", "award_form_id", "achievements"},
    RecipientKind.household.value: {"name", "gender", "address", "hamlet", "contribution", "contribution_value",
                                    "award_form_id", "achievements"},
}
NOMINEE_FIELDS = ("kind", "name", "gender", "birth_year", "position_title", "workplace", "citizen_id", "ethnicity",
                  "is_leader", "posthumous", "address", "hamlet", "contribution", "contribution_value",
                  "award_form_id", "achievements")
# User-facing texts of this module are workflows.messages.Msg: the Vietnamese text, translated
# where it is shown (awards.i18n.tr); the Excel import and the CLI see the Vietnamese.
FIELD_LABELS = {
    "kind": Msg("Loại đối tượng"), "name": Msg("Tên / họ và tên"), "gender": Msg("Giới tính"),
    "birth_year": Msg("Năm sinh"), "position_title": Msg("Chức vụ"), "workplace": Msg("Nơi công tác"),
    "citizen_id": Msg("Số CCCD"), "ethnicity": Msg("Dân tộc"), "is_leader": Msg("Là lãnh đạo, quản lý"),
    "posthumous": Msg("Truy tặng"), "address": Msg("Địa chỉ"), "hamlet": Msg("Thôn, xóm, tổ dân phố"),
    "contribution": Msg("Nội dung đóng góp"), "contribution_value": Msg("Giá trị đóng góp (đồng)"),
    "award_form_id": Msg("Hình thức đề nghị"), "achievements": Msg("Tóm tắt thành tích"),
    "title": Msg("Tên hồ sơ"), "summary": Msg("Ghi chú của hồ sơ"),
}
MIN_BIRTH_YEAR = 1900
CITIZEN_ID_RE = re.compile(r"^\d{12}$")

# The báo cáo thành tích follows the headings of the decree's templates (Phụ lục NĐ 152/2025).
REPORT_SECTIONS = {
    RecipientKind.individual.value: [
        ("background", "I. SƠ LƯỢC LÝ LỊCH"),
        ("duties", "II. 1. Quyền hạn, nhiệm vụ được giao"),
        ("achievements", "II. 2. Thành tích đạt được"),
        ("awards", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"),
    ],
    RecipientKind.collective.value: [
        ("background", "I. ĐẶC ĐIỂM, TÌNH HÌNH"),
        ("duties", "I. 2. Chức năng, nhiệm vụ"),
        ("achievements", "II. THÀNH TÍCH ĐẠT ĐƯỢC"),
        ("awards", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"),
    ],
    RecipientKind.household.value: [
        ("background", "I. SƠ LƯỢC VỀ HỘ GIA ĐÌNH"),
        ("duties", "I. 2. Hoàn cảnh, điều kiện kinh tế"),
        ("achievements", "II. THÀNH TÍCH, ĐÓNG GÓP ĐẠT ĐƯỢC"),
        ("awards", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"),
    ],
}
REPORT_LIMIT = 20000


class NotEditable(Exception):
    """The dossier is past the unit's stage (only draft or returned dossiers can be edited)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or Msg(
            "Hồ sơ đã trình, không thể chỉnh sửa (chỉ sửa khi đang chuẩn bị hoặc bị trả lại)."))


class InvalidInput(ValueError):
    """Input the service refuses; ``errors`` maps field names to Vietnamese messages (Msg)."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__(Msg.joined(Msg("%(field)s: %(error)s", field=FIELD_LABELS.get(k, k), error=v)
                                    for k, v in self.errors.items()))


# ------------------------------------------------------------------------------ predicates


def unit_roles_over(user: User, unit: Unit) -> frozenset[str]:
    return user.roles_covering(unit) & UNIT_ROLES


def can_create(user: User) -> bool:
    return bool(unit_roles_over(user, user.unit))


def can_edit(user: User, dossier: Dossier, check_state: bool = True) -> bool:
    if not unit_roles_over(user, dossier.unit):
        return False
    return not check_state or dossier.state in EDITABLE_STATES


def state_label(dossier: Dossier) -> str:
    return get_workflow(dossier.workflow).state(dossier.state).label


# ------------------------------------------------------------------------------ rounds


def unit_deadline(session: Session, rnd: Round, unit: Unit) -> datetime:
    ext = session.scalar(sa.select(RoundExtension.closes_dt).where(
        RoundExtension.round_id == rnd.id, RoundExtension.unit_id == unit.id))
    return ext if ext is not None else rnd.closes_dt


def open_rounds(session: Session, unit: Unit, now: datetime | None = None) -> list[tuple[Round, datetime]]:
    """Rounds open to ``unit`` now, with the unit's deadline (an extension counts)."""
    now = now or utcnow()
    ext = sa.select(RoundExtension.round_id, RoundExtension.closes_dt).where(
        RoundExtension.unit_id == unit.id).subquery()
    rows = session.execute(
        sa.select(Round, ext.c.closes_dt)
        .outerjoin(ext, ext.c.round_id == Round.id)
        .where(Round.status == RoundStatus.open.value, Round.opens_dt <= now,
               sa.func.coalesce(ext.c.closes_dt, Round.closes_dt) > now)
        .order_by(Round.closes_dt)
    ).unique().all()
    return [(r, extended or r.closes_dt) for r, extended in rows]


# ------------------------------------------------------------------------------ editing helpers


def _begin_edit(dossier: Dossier, expected_version: int | None) -> None:
    if dossier.state not in EDITABLE_STATES:
        raise NotEditable()
    if expected_version is not None and int(expected_version) != dossier.version:
        raise StaleDossier()


def _flush(session: Session, dossier: Dossier) -> None:
    """Touch the dossier (its version moves) and flush; a concurrent change raises StaleDossier."""
    dossier.updated_dt = utcnow()
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleDossier() from None


def _text(value: Any, key: str) -> str | None:
    if value is None:
        return None
    s = vn.nfc(str(value)).strip() if key in MULTILINE else vn.collapse_spaces(str(value))
    if key in MULTILINE:
        s = s.replace("\r\n", "\n")
    return s or None


def _year(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    text = str(raw).strip()
    return int(text) if re.fullmatch(r"\d{1,4}", text) else None


def clean_nominee_data(data: Mapping[str, Any], allowed_forms: Mapping[int, AwardForm],
                       *, current_year: int | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalise and validate one nominee's fields; returns (values, {field: error}).

    ``allowed_forms`` are the award forms of the round. Fields that do not belong to the kind
    are cleared. The same function validates the editor's form and every Excel row."""
    errors: dict[str, str] = {}
    current_year = current_year or utcnow().year
    kind = str(data.get("kind") or "")
    if kind not in REQUIRED:
        return {}, {"kind": Msg("Loại đối tượng phải là Tập thể, Cá nhân hoặc Hộ gia đình.")}
    fields = KIND_FIELDS[kind]
    out: dict[str, Any] = {"kind": kind}
    for key in NOMINEE_FIELDS:
        if key == "kind":
            continue
        raw = data.get(key)
        if key not in fields:
            out[key] = False if key in ("is_leader", "posthumous") else None
            continue
        if key in TEXT_LIMITS:
            val = _text(raw, key)
            if val is not None and len(val) > TEXT_LIMITS[key]:
                errors[key] = Msg("Dài quá %(max)s ký tự (hiện có %(length)s).", max=TEXT_LIMITS[key], length=len(val))
            out[key] = val
        elif key in ("is_leader", "posthumous"):
            out[key] = bool(raw)
        elif key == "gender":
            val = str(raw or "").strip()
            if val and val not in ("male", "female"):
                errors[key] = Msg("Giới tính phải là Nam hoặc Nữ.")
            out[key] = val or None
        elif key == "birth_year":
            if raw in (None, ""):
                out[key] = None
            else:
                year = _year(raw)
                if year is None:
                    errors[key] = Msg("Năm sinh phải là một số có 4 chữ số, ví dụ 1975.")
                elif not (MIN_BIRTH_YEAR <= year <= current_year):
                    errors[key] = Msg("Năm sinh phải trong khoảng %(first)s–%(last)s.", first=MIN_BIRTH_YEAR,
                                      last=current_year)
                out[key] = year
        elif key == "citizen_id":
            val = re.sub(r"\s", "", str(raw)) if raw not in (None, "") else ""
            if val and not CITIZEN_ID_RE.match(val):
                errors[key] = Msg("Số CCCD phải gồm đúng 12 chữ số (nhập dạng văn bản để giữ số 0 ở đầu).")
            out[key] = val or None
        elif key == "contribution_value":
            if raw in (None, ""):
                out[key] = None
            else:
                try:
                    dec = Decimal(str(raw).replace(".", "").replace(",", "").replace(" ", "")
                                  if isinstance(raw, str) else str(raw))
                    if dec != dec.to_integral_value():
                        raise InvalidOperation
                    amount = int(dec)
                except (InvalidOperation, ValueError):
                    errors[key] = Msg("Giá trị đóng góp phải là số tiền nguyên (đồng), ví dụ 50000000.")
                    amount = None
                if amount is not None and amount < 0:
                    errors[key] = Msg("Giá trị đóng góp không được âm.")
                elif amount is not None and amount > 10**15:
                    errors[key] = Msg("Giá trị đóng góp quá lớn.")
                out[key] = amount
        elif key == "award_form_id":
            try:
                fid = int(raw) if raw not in (None, "") else None
            except (TypeError, ValueError):
                fid = None
            form = allowed_forms.get(fid) if fid is not None else None
            if fid is None:
                errors[key] = Msg("Chưa chọn hình thức khen thưởng đề nghị.")
            elif form is None:
                errors[key] = Msg("Hình thức này không thuộc đợt khen thưởng.")
            elif not form.allows(kind):
                label = {"collective": Msg("tập thể"), "individual": Msg("cá nhân"),
                         "household": Msg("hộ gia đình")}[kind]
                errors[key] = Msg("Hình thức «%(form)s» không áp dụng cho %(kind)s.", form=form.name, kind=label)
            out[key] = fid
    for key in REQUIRED[kind]:
        if out.get(key) in (None, "") and key not in errors:
            errors[key] = Msg("Bắt buộc nhập.")
    if out.get("name"):
        out["canonical_name"] = vn.canonical_name(out["name"])
        out["name_key"] = vn.fold(out["name"])
        if kind != RecipientKind.collective.value:
            out["name"] = out["canonical_name"]
    return out, errors


def clean_report(kind: str, report: Mapping[str, Any] | None) -> dict[str, str] | None:
    if not report:
        return None
    keys = [k for k, _ in REPORT_SECTIONS[kind]]
    out = {}
    for k in keys:
        val = _text(report.get(k), "achievements") or ""
        if len(val) > REPORT_LIMIT:
            raise InvalidInput({"report": Msg("Mục báo cáo dài quá %(max)s ký tự.", max=REPORT_LIMIT)})
        if val:
            out[k] = val
    return out or None


def clean_indicators(indicators: Mapping[int, Any] | None, allowed: Iterable[MovementIndicator]) -> dict[int, Decimal | None]:
    ids = {i.id: i for i in allowed}
    out: dict[int, Decimal | None] = {}
    errors: dict[str, str] = {}
    for iid, raw in (indicators or {}).items():
        if iid not in ids:
            continue
        if raw in (None, ""):
            out[iid] = None
            continue
        try:
            val = Decimal(str(raw).replace(",", "."))
        except InvalidOperation:
            errors[f"indicator_{iid}"] = Msg("«%(indicator)s» phải là số.", indicator=ids[iid].label)
            continue
        if val < 0 or not val.is_finite():
            errors[f"indicator_{iid}"] = Msg("«%(indicator)s» không được âm.", indicator=ids[iid].label)
            continue
        out[iid] = val.quantize(Decimal("0.01"))
    if errors:
        raise InvalidInput(errors)
    return out


def round_forms(dossier: Dossier) -> dict[int, AwardForm]:
    return {f.id: f for f in dossier.round.award_forms}


# ------------------------------------------------------------------------------ dossier


def create_dossier(session: Session, *, rnd: Round, award_form: AwardForm, unit: Unit, title: str,
                   summary: str | None, actor: User, now: datetime | None = None) -> Dossier:
    now = now or utcnow()
    if not unit_roles_over(actor, unit):
        raise NotEditable(Msg("Bạn không có quyền lập hồ sơ cho đơn vị này."))
    if award_form.id not in {f.id for f in rnd.award_forms}:
        raise InvalidInput({"award_form_id": Msg("Hình thức này không thuộc đợt khen thưởng.")})
    if rnd.status != RoundStatus.open.value or now < rnd.opens_dt:
        raise InvalidInput({"round_id": Msg("Đợt «%(round)s» chưa mở nhận hồ sơ.", round=rnd.name)})
    if now >= unit_deadline(session, rnd, unit):
        raise InvalidInput({"round_id": Msg("Đã hết hạn nộp hồ sơ của đợt «%(round)s».", round=rnd.name)})
    wf = get_workflow(award_form.workflow)
    title = vn.collapse_spaces(title)
    if not title:
        raise InvalidInput({"title": Msg("Bắt buộc nhập.")})
    d = Dossier(round=rnd, unit=unit, award_form=award_form, workflow=wf.name, state=wf.initial,
                state_since_dt=now, title=title[:255], summary=_text(summary, "achievements"),
                created_by_id=actor.id, created_dt=now, updated_dt=now)
    session.add(d)
    session.flush()
    audit.record(session, "dossier.create", actor=actor, obj=d, new_state=d.state,
                 details={"round_id": rnd.id, "award_form_id": award_form.id})
    return d


def update_dossier(session: Session, dossier: Dossier, *, title: str, summary: str | None, actor: User,
                   expected_version: int | None) -> None:
    _begin_edit(dossier, expected_version)
    title = vn.collapse_spaces(title)
    if not title:
        raise InvalidInput({"title": Msg("Bắt buộc nhập.")})
    new = {"title": title[:255], "summary": _text(summary, "achievements")}
    changes = audit.diff(dossier, list(new), new)
    for k, v in new.items():
        setattr(dossier, k, v)
    _flush(session, dossier)
    audit.record(session, "dossier.update", actor=actor, obj=dossier, details={"changes": changes})


# ------------------------------------------------------------------------------ nominees


def _apply_extras(session: Session, nominee: Nominee, report: Mapping[str, Any] | None,
                  indicators: Mapping[int, Any] | None) -> None:
    if report is not None:
        nominee.report = clean_report(nominee.kind, report)
    if indicators is not None:
        values = clean_indicators(indicators, nominee.dossier.round.movement.indicators)
        current = {v.indicator_id: v for v in nominee.indicator_values}
        for iid, val in values.items():
            if val is None:
                if iid in current:
                    nominee.indicator_values.remove(current[iid])
            elif iid in current:
                current[iid].value = val
            else:
                nominee.indicator_values.append(NomineeIndicatorValue(indicator_id=iid, value=val))


def add_nominee(session: Session, dossier: Dossier, data: Mapping[str, Any], *, actor: User,
                expected_version: int | None, report: Mapping[str, Any] | None = None,
                indicators: Mapping[int, Any] | None = None) -> Nominee:
    _begin_edit(dossier, expected_version)
    values, errors = clean_nominee_data(data, round_forms(dossier))
    if errors:
        raise InvalidInput(errors)
    position = (max((n.position for n in dossier.nominees), default=-1)) + 1
    n = Nominee(position=position, **values)
    dossier.nominees.append(n)  # not Nominee(dossier=...): that would list it twice in the collection
    _apply_extras(session, n, report, indicators)
    _flush(session, dossier)
    audit.record(session, "nominee.add", actor=actor, obj=n, unit_id=dossier.unit_id,
                 details={"dossier_id": dossier.id, "kind": n.kind, "name": n.name})
    return n


def update_nominee(session: Session, nominee: Nominee, data: Mapping[str, Any], *, actor: User,
                   expected_version: int | None, report: Mapping[str, Any] | None = None,
                   indicators: Mapping[int, Any] | None = None) -> None:
    dossier = nominee.dossier
    _begin_edit(dossier, expected_version)
    payload = dict(data)
    payload["kind"] = nominee.kind  # the kind of a nominee does not change
    values, errors = clean_nominee_data(payload, round_forms(dossier))
    if errors:
        raise InvalidInput(errors)
    changes = audit.diff(nominee, list(values), values)
    for k, v in values.items():
        setattr(nominee, k, v)
    old_report = nominee.report
    _apply_extras(session, nominee, report, indicators)
    if nominee.report != old_report:
        changes["report"] = ["…", "…"]
    _flush(session, dossier)
    audit.record(session, "nominee.update", actor=actor, obj=nominee, unit_id=dossier.unit_id,
                 details={"dossier_id": dossier.id, "changes": changes})


def remove_nominee(session: Session, nominee: Nominee, *, actor: User, expected_version: int | None) -> None:
    dossier = nominee.dossier
    _begin_edit(dossier, expected_version)
    for a in [a for a in dossier.attachments if a.nominee_id == nominee.id]:
        dossier.attachments.remove(a)
    dossier.nominees.remove(nominee)
    audit.record(session, "nominee.remove", actor=actor, object_type="nominee", object_id=nominee.id,
                 unit_id=dossier.unit_id, details={"dossier_id": dossier.id, "name": nominee.name})
    _flush(session, dossier)


# ------------------------------------------------------------------------------ attachments


def add_attachment(session: Session, dossier: Dossier, *, kind: str, filename: str | None, data: bytes,
                   actor: User, expected_version: int | None, nominee_id: int | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> Attachment:
    """Check the file by content and store it in the database. Raises UploadRejected."""
    _begin_edit(dossier, expected_version)
    if kind not in AttachmentKind.values():
        raise InvalidInput({"kind": Msg("Loại tài liệu không hợp lệ.")})
    if nominee_id is not None and nominee_id not in {n.id for n in dossier.nominees}:
        raise InvalidInput({"nominee_id": Msg("Đối tượng không thuộc hồ sơ này.")})
    checked = check_upload(data, filename, max_bytes=max_bytes)
    a = Attachment(kind=kind, filename=checked.filename, content_type=checked.content_type, size=checked.size,
                   sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by_id=actor.id,
                   nominee_id=nominee_id if kind == AttachmentKind.report.value else None)
    dossier.attachments.append(a)
    _flush(session, dossier)
    audit.record(session, "attachment.upload", actor=actor, obj=a, unit_id=dossier.unit_id,
                 details={"dossier_id": dossier.id, "kind": kind, "filename": a.filename, "size": a.size,
                          "sha256": a.sha256})
    return a


def remove_attachment(session: Session, attachment: Attachment, *, actor: User, expected_version: int | None) -> None:
    dossier = attachment.dossier
    _begin_edit(dossier, expected_version)
    dossier.attachments.remove(attachment)
    audit.record(session, "attachment.remove", actor=actor, object_type="attachment", object_id=attachment.id,
                 unit_id=dossier.unit_id, details={"dossier_id": dossier.id, "filename": attachment.filename})
    _flush(session, dossier)


def record_download(session: Session, attachment: Attachment, *, actor: User, preview: bool = False) -> None:
    """One audit row per fetch of the file; ``preview``: shown in the browser rather than saved."""
    details = {"dossier_id": attachment.dossier_id, "filename": attachment.filename}
    if preview:
        details["preview"] = True
    audit.record(session, "attachment.download", actor=actor, obj=attachment, unit_id=attachment.dossier.unit_id,
                 details=details)
    session.flush()


# ------------------------------------------------------------------------------ import


def import_nominees(session: Session, dossier: Dossier, rows: list[dict[str, Any]], *, actor: User,
                    expected_version: int | None, filename: str | None = None) -> int:
    """Insert already validated rows (see awards.dossiers.imports) in bulk, all or nothing.

    Each row holds the nominee's cleaned fields plus ``indicators`` {indicator id: Decimal}."""
    _begin_edit(dossier, expected_version)
    if not rows:
        return 0
    start = session.scalar(sa.select(sa.func.coalesce(sa.func.max(Nominee.position), -1))
                           .where(Nominee.dossier_id == dossier.id)) + 1
    params = []
    for i, row in enumerate(rows):
        values = {k: v for k, v in row.items() if k != "indicators"}
        values.update(dossier_id=dossier.id, position=start + i, version=1, outcome="pending")
        params.append(values)
    # Core executemany (no RETURNING: SQLAlchemy splices RETURNING batches row by row, which is
    # quadratic); the new ids are read back by position, which is unique within the dossier here.
    session.execute(sa.insert(Nominee.__table__), params)
    ids = session.scalars(
        sa.select(Nominee.id).where(Nominee.dossier_id == dossier.id, Nominee.position >= start)
        .order_by(Nominee.position)
    ).all()
    indicator_rows = [
        {"nominee_id": nid, "indicator_id": iid, "value": val}
        for nid, row in zip(ids, rows) for iid, val in (row.get("indicators") or {}).items() if val is not None
    ]
    if indicator_rows:
        session.execute(sa.insert(NomineeIndicatorValue.__table__), indicator_rows)
    session.expire(dossier, ["nominees"])
    audit.record(session, "dossier.import", actor=actor, obj=dossier,
                 details={"rows": len(rows), "filename": filename})
    _flush(session, dossier)
    return len(ids)


# ------------------------------------------------------------------------------ submissions


@dataclass
class SnapshotDiff:
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[str, list[tuple[str, Any, Any]]]] = field(default_factory=list)
    dossier_changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    files_added: list[dict[str, Any]] = field(default_factory=list)
    files_removed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.dossier_changes
                    or self.files_added or self.files_removed)


def _display(key: str, value: Any, forms: Mapping[int, str]) -> Any:
    if value is None or value == "":
        return "—"
    if key == "award_form_id":
        return forms.get(value, value)
    if key == "gender":
        return {"male": Msg("Nam"), "female": Msg("Nữ")}.get(value, value)
    if key == "kind":
        return {"collective": Msg("Tập thể"), "individual": Msg("Cá nhân"),
                "household": Msg("Hộ gia đình")}.get(value, value)
    if isinstance(value, bool):
        return Msg("Có") if value else Msg("Không")
    if key == "contribution_value":
        return vn.format_number(int(value))
    return value


def diff_snapshots(old: Mapping[str, Any], new: Mapping[str, Any], forms: Mapping[int, str]) -> SnapshotDiff:
    """What changed between two submission snapshots (transitions.snapshot), per nominee and field."""
    d = SnapshotDiff()
    for key in ("title", "summary"):
        if (old.get(key) or None) != (new.get(key) or None):
            d.dossier_changes.append((FIELD_LABELS[key], _display(key, old.get(key), forms),
                                      _display(key, new.get(key), forms)))
    on, nn = old.get("nominees") or {}, new.get("nominees") or {}
    for nid in nn.keys() - on.keys():
        d.added.append(nn[nid])
    for nid in on.keys() - nn.keys():
        d.removed.append(on[nid])
    for nid in sorted(on.keys() & nn.keys(), key=lambda k: int(k)):
        a, b = on[nid], nn[nid]
        fields = []
        for key in list(dict.fromkeys([*a.keys(), *b.keys()])):
            if (a.get(key) if a.get(key) != "" else None) != (b.get(key) if b.get(key) != "" else None):
                fields.append((FIELD_LABELS.get(key, key), _display(key, a.get(key), forms),
                               _display(key, b.get(key), forms)))
        if fields:
            d.changed.append((b.get("name") or a.get("name") or "", fields))
    of, nf = old.get("attachments") or {}, new.get("attachments") or {}
    d.files_added = [nf[k] for k in nf.keys() - of.keys()]
    d.files_removed = [of[k] for k in of.keys() - nf.keys()]
    d.added.sort(key=lambda x: vn.name_sort_key(x.get("name")))
    d.removed.sort(key=lambda x: vn.name_sort_key(x.get("name")))
    return d


def submissions(dossier: Dossier) -> list:
    return [h for h in dossier.history if h.snapshot is not None]


def last_submissions_diff(session: Session, dossier: Dossier) -> tuple[Any, Any, SnapshotDiff] | None:
    """(previous submission, last submission, diff) or None before the second submission."""
    subs = submissions(dossier)
    if len(subs) < 2:
        return None
    prev, last = subs[-2], subs[-1]
    return prev, last, diff_snapshots(prev.snapshot, last.snapshot, form_names(session))


def changes_since_last_submission(session: Session, dossier: Dossier) -> SnapshotDiff | None:
    from .transitions import snapshot

    subs = submissions(dossier)
    if not subs:
        return None
    return diff_snapshots(subs[-1].snapshot, snapshot(dossier), form_names(session))


def form_names(session: Session) -> dict[int, str]:
    return dict(session.execute(sa.select(AwardForm.id, AwardForm.name)).all())


def last_return(dossier: Dossier):
    """The history entry that returned the dossier to the unit most recently, if any."""
    for h in reversed(dossier.history):
        if h.to_state == "returned":
            return h
    return None


__all__ = [
    "EDITABLE_STATES", "NotEditable", "InvalidInput", "StaleDossier", "STALE_MESSAGE", "create_dossier",
    "update_dossier", "add_nominee", "update_nominee", "remove_nominee", "add_attachment", "remove_attachment",
    "record_download", "import_nominees", "diff_snapshots", "last_submissions_diff", "can_edit", "can_create",
]
