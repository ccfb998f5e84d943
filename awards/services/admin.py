"""Administration use cases: authorities and signers, award forms, dated rule sets, movements,
rounds, quotas, deadline extensions and calendar days.

Each function validates, mutates, writes its audit row and flushes; the caller commits. A refused
change raises ``AdminError`` with a Vietnamese message (a workflows.messages.Msg, translated where
it is shown) before anything is changed."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.messages import Msg

from ..models import (
    EligibilityRule,
    Role,
    RoleAssignment,
    Authority,
    AwardForm,
    CalendarDay,
    CalendarDayKind,
    Decision,
    Movement,
    MovementIndicator,
    NomineeIndicatorValue,
    RecipientKind,
    Round,
    RoundExtension,
    RoundForm,
    RoundQuota,
    RuleCoefficient,
    RuleSet,
    Signer,
    Unit,
    User,
)
from ..models.movements import RoundKind, RoundStatus
from . import audit


class AdminError(ValueError):
    """A Vietnamese message saying what to fix."""


def _apply(obj: Any, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    changes = audit.diff(obj, list(values), dict(values))
    for k, v in values.items():
        setattr(obj, k, v)
    return changes


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# -- authorities and signers ------------------------------------------------------------------------

AUTHORITY_FIELDS = (
    "code", "name", "unit_id", "header_parent", "header_name", "place_name", "doc_symbol", "proposal_symbol",
    "authority_title", "head_title", "extra_legal_basis", "proposer_title", "executors", "copy_recipients",
    "archive_code", "fund_source", "active",
)


def _check_authority(session: Session, values: Mapping[str, Any], authority_id: int | None) -> None:
    taken = session.scalar(sa.select(Authority.id).where(Authority.code == values["code"],
                                                         Authority.id != (authority_id or 0)))
    if taken is not None:
        raise AdminError(Msg("Mã «%(code)s» đã được dùng cho một cơ quan khác; vui lòng chọn mã khác.",
                             code=values["code"]))
    unit = session.get(Unit, values["unit_id"])
    if unit is None:
        raise AdminError(Msg("Đơn vị đã chọn không tồn tại."))
    if not (values.get("header_name") or "").strip():
        raise AdminError(Msg("Vui lòng nhập tên cơ quan ban hành."))


def create_authority(session: Session, *, actor: User | None, **values: Any) -> Authority:
    _check_authority(session, values, None)
    authority = Authority(**{k: values[k] for k in AUTHORITY_FIELDS if k in values})
    session.add(authority)
    session.flush()
    audit.record(session, "authority.create", actor=actor, obj=authority,
                 details={"code": authority.code, "name": authority.name})
    session.flush()
    return authority


def update_authority(session: Session, authority: Authority, *, actor: User | None, **values: Any) -> Authority:
    _check_authority(session, values, authority.id)
    changes = _apply(authority, {k: values[k] for k in AUTHORITY_FIELDS if k in values})
    if changes:
        audit.record(session, "authority.update", actor=actor, obj=authority, details=changes)
    session.flush()
    return authority


SIGNER_FIELDS = ("full_name", "position_title", "is_head", "position_order", "user_id", "active")


def _check_signer(session: Session, authority: Authority, values: Mapping[str, Any], signer_id: int | None,
                  linked_id: int | None = None) -> None:
    """``linked_id``: the account already linked; keeping it is allowed even if it has since lost
    its role (the approval then says so), linking a new one needs an eligible account."""
    if values.get("user_id") is not None and values["user_id"] != linked_id:
        user = session.get(User, values["user_id"])
        if user is None:
            raise AdminError(Msg("Tài khoản người dùng đã chọn không tồn tại."))
        if user not in signer_accounts(session, authority):
            raise AdminError(Msg("Tài khoản «%(username)s» không phải tài khoản đang hoạt động có vai trò người ký "
                                 "tại %(unit)s; hãy chọn tài khoản khác hoặc gán vai trò trước.",
                                 username=user.username, unit=authority.unit.name))
        other = session.scalar(sa.select(Signer).where(
            Signer.authority_id == authority.id, Signer.user_id == user.id, Signer.id != (signer_id or 0)))
        if other is not None:
            raise AdminError(Msg("Tài khoản «%(username)s» đã được liên kết với người ký %(name)s của cơ quan này.",
                                 username=user.username, name=other.full_name))
    if values.get("is_head") and values.get("active", True):
        other = session.scalar(sa.select(Signer).where(
            Signer.authority_id == authority.id, Signer.is_head.is_(True), Signer.active.is_(True),
            Signer.id != (signer_id or 0)))
        if other is not None:
            raise AdminError(Msg("«%(authority)s» đã có người đứng đầu đang hoạt động (%(name)s); "
                                 "hãy bỏ đánh dấu người đó trước.", authority=authority.name, name=other.full_name))


def signer_accounts(session: Session, authority: Authority) -> list[User]:
    """The accounts a signer of ``authority`` may be linked to: active users holding the signer role
    with the authority's unit as its scope (the level that approves its decisions)."""
    users = session.scalars(
        sa.select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(User.active.is_(True), RoleAssignment.role == Role.signer.value,
               RoleAssignment.scope_unit_id == authority.unit_id)
        .order_by(User.full_name, User.username)
    ).unique().all()
    return list(users)


def create_signer(session: Session, authority: Authority, *, actor: User | None, **values: Any) -> Signer:
    _check_signer(session, authority, values, None)
    signer = Signer(authority_id=authority.id, **{k: values[k] for k in SIGNER_FIELDS if k in values})
    session.add(signer)
    session.flush()
    audit.record(session, "signer.create", actor=actor, obj=signer, unit_id=authority.unit_id,
                 details={"authority_id": authority.id, "full_name": signer.full_name, "user_id": signer.user_id})
    return signer


def update_signer(session: Session, signer: Signer, *, actor: User | None, **values: Any) -> Signer:
    _check_signer(session, signer.authority, values, signer.id, signer.user_id)
    changes = _apply(signer, {k: values[k] for k in SIGNER_FIELDS if k in values})
    if changes:
        audit.record(session, "signer.update", actor=actor, obj=signer, unit_id=signer.authority.unit_id,
                     details=changes)
    session.flush()
    return signer


# -- award forms ------------------------------------------------------------------------------------

AWARD_FORM_FIELDS = (
    "code", "name", "certificate_title", "authority_id", "proposed_upward", "upward_authority_name", "workflow",
    "allow_collective", "allow_individual", "allow_household", "rank", "criteria", "active",
)


def _award_form_values(values: Mapping[str, Any]) -> dict[str, Any]:
    kinds = set(values.get("kinds") or ())
    out = {k: values[k] for k in AWARD_FORM_FIELDS if k in values}
    out.update(allow_collective=RecipientKind.collective.value in kinds,
               allow_individual=RecipientKind.individual.value in kinds,
               allow_household=RecipientKind.household.value in kinds)
    if not out["proposed_upward"]:
        out["upward_authority_name"] = None
    return out


def _check_award_form(session: Session, values: Mapping[str, Any], workflows: Iterable[str],
                      form_id: int | None) -> None:
    if session.scalar(sa.select(AwardForm.id).where(AwardForm.code == values["code"],
                                                    AwardForm.id != (form_id or 0))) is not None:
        raise AdminError(Msg("Mã hình thức «%(code)s» đã được dùng; vui lòng chọn mã khác.", code=values["code"]))
    if not (values["allow_collective"] or values["allow_individual"] or values["allow_household"]):
        raise AdminError(Msg("Chọn ít nhất một đối tượng (tập thể, cá nhân hoặc hộ gia đình)."))
    if values["workflow"] not in set(workflows):
        raise AdminError(Msg("Quy trình «%(workflow)s» không có trong các quy trình đã nạp.",
                             workflow=values["workflow"]))
    if values.get("authority_id") is not None and session.get(Authority, values["authority_id"]) is None:
        raise AdminError(Msg("Cơ quan quyết định đã chọn không tồn tại."))
    if not values["proposed_upward"] and values.get("authority_id") is None:
        raise AdminError(Msg("Chọn cơ quan quyết định, hoặc đánh dấu «Đề nghị cấp trên quyết định»."))
    if values["proposed_upward"] and not values.get("upward_authority_name"):
        raise AdminError(Msg("Nhập tên cấp trên quyết định (ví dụ Thủ tướng Chính phủ)."))


def create_award_form(session: Session, *, actor: User | None, workflows: Iterable[str], **values: Any) -> AwardForm:
    clean = _award_form_values(values)
    _check_award_form(session, clean, workflows, None)
    form = AwardForm(**clean)
    session.add(form)
    session.flush()
    audit.record(session, "award_form.create", actor=actor, obj=form, details={"code": form.code, "name": form.name})
    return form


def update_award_form(session: Session, form: AwardForm, *, actor: User | None, workflows: Iterable[str],
                      **values: Any) -> AwardForm:
    clean = _award_form_values(values)
    _check_award_form(session, clean, workflows, form.id)
    changes = _apply(form, clean)
    if changes:
        audit.record(session, "award_form.update", actor=actor, obj=form, details=changes)
    session.flush()
    return form


# -- rule sets --------------------------------------------------------------------------------------

RULE_SET_VALUE_FIELDS = (
    "name", "base_salary", "base_salary_source", "household_multiplier", "household_source", "rounding_unit",
    "rounding_source", "legal_basis", "needs_check", "min_household_contribution",
)

# A coefficient cell: (award form id, recipient kind) -> (coefficient, source) or None for "no row".
Coefficients = Mapping[tuple[int, str], "tuple[Decimal, str] | None"]


def rule_set_in_force(session: Session, day: date) -> RuleSet | None:
    return session.scalar(
        sa.select(RuleSet)
        .where(RuleSet.valid_from <= day, sa.or_(RuleSet.valid_to.is_(None), RuleSet.valid_to >= day))
        .order_by(RuleSet.valid_from.desc()).limit(1)
    )


def rule_set_decision_count(session: Session, rule_set: RuleSet) -> int:
    return session.scalar(sa.select(sa.func.count(Decision.id)).where(Decision.rule_set_id == rule_set.id)) or 0


def rule_set_edit_refusal(session: Session, rule_set: RuleSet) -> str | None:
    """Why the values of ``rule_set`` may not be edited, or None."""
    if rule_set.locked:
        return Msg("Giai đoạn này đã khóa: giá trị đã dùng cho các quyết định đã ban hành không bao giờ thay đổi. "
                   "Nếu quy định thay đổi, hãy thêm một giai đoạn mới.")
    used = rule_set_decision_count(session, rule_set)
    if used:
        return Msg("Giai đoạn này đã được %(count)s quyết định sử dụng: giá trị đã dùng cho các quyết định "
                   "không bao giờ thay đổi. Nếu quy định thay đổi, hãy thêm một giai đoạn mới.", count=used)
    return None


def _check_rule_values(values: Mapping[str, Any], coefficients: Coefficients) -> None:
    if not values.get("name"):
        raise AdminError(Msg("Vui lòng đặt tên giai đoạn."))
    if not values.get("base_salary") or values["base_salary"] <= 0:
        raise AdminError(Msg("Mức lương cơ sở phải là số dương."))
    if not values.get("household_multiplier") or Decimal(values["household_multiplier"]) <= 0:
        raise AdminError(Msg("Hệ số hộ gia đình phải lớn hơn 0."))
    if not values.get("rounding_unit") or values["rounding_unit"] <= 0:
        raise AdminError(Msg("Đơn vị làm tròn phải là số dương."))
    if not (values.get("legal_basis") or "").strip():
        raise AdminError(Msg("Vui lòng nhập ít nhất một dòng căn cứ."))
    for (_form_id, kind), cell in coefficients.items():
        if kind not in (RecipientKind.individual.value, RecipientKind.collective.value):
            raise AdminError(Msg("Hệ số chỉ nhập cho cá nhân và tập thể; hộ gia đình tính theo hệ số hộ gia đình."))
        if cell is not None:
            coef, source = cell
            if coef < 0:
                raise AdminError(Msg("Hệ số không được âm."))
            if not source:
                raise AdminError(Msg("Mỗi hệ số cần ghi nguồn (văn bản, điều khoản)."))


def _set_coefficients(session: Session, rule_set: RuleSet, coefficients: Coefficients) -> dict[str, Any]:
    forms = {f.id for f in session.scalars(sa.select(AwardForm).where(
        AwardForm.id.in_({fid for fid, _ in coefficients}))).all()}
    existing = {(c.award_form_id, c.recipient_kind): c for c in rule_set.coefficients}
    changes: dict[str, Any] = {}
    for key, cell in coefficients.items():
        if key[0] not in forms:
            raise AdminError(Msg("Hình thức khen thưởng của một hệ số không tồn tại."))
        row = existing.get(key)
        label = f"{key[0]}/{key[1]}"
        if cell is None:
            if row is not None:
                rule_set.coefficients.remove(row)
                changes[label] = [str(row.coefficient), None]
            continue
        coef, source = Decimal(cell[0]), cell[1]
        if row is None:
            rule_set.coefficients.append(RuleCoefficient(award_form_id=key[0], recipient_kind=key[1],
                                                         coefficient=coef, source=source))
            changes[label] = [None, str(coef)]
        elif Decimal(row.coefficient) != coef or row.source != source:
            changes[label] = [str(row.coefficient), str(coef)]
            row.coefficient, row.source = coef, source
    return changes


def add_rule_set(session: Session, *, actor: User | None, valid_from: date, values: Mapping[str, Any],
                 coefficients: Coefficients) -> RuleSet:
    """Add a dated period after the last one; the previous period ends the day before."""
    if valid_from is None:
        raise AdminError(Msg("Vui lòng nhập ngày bắt đầu áp dụng."))
    _check_rule_values(values, coefficients)
    last = session.scalar(sa.select(RuleSet).order_by(RuleSet.valid_from.desc()).limit(1))
    if last is not None:
        if valid_from <= last.valid_from:
            raise AdminError(Msg("Giai đoạn mới phải bắt đầu sau ngày %(date)s "
                                 "(ngày bắt đầu của giai đoạn gần nhất «%(name)s»).",
                                 date=_d(last.valid_from), name=last.name))
        if last.valid_to is not None and valid_from > last.valid_to + timedelta(days=1):
            raise AdminError(Msg("Giai đoạn gần nhất kết thúc ngày %(end)s: giai đoạn mới phải bắt đầu "
                                 "chậm nhất ngày %(latest)s để không có khoảng trống.",
                                 end=_d(last.valid_to), latest=_d(last.valid_to + timedelta(days=1))))
        later = session.scalar(sa.select(sa.func.count(Decision.id)).where(
            Decision.rule_set_id == last.id, Decision.decision_date >= valid_from))
        if later:
            raise AdminError(Msg("Đã có %(count)s quyết định từ ngày %(date)s trở đi dùng giai đoạn «%(name)s»; "
                                 "giai đoạn mới phải bắt đầu sau các quyết định đó.",
                                 count=later, date=_d(valid_from), name=last.name))
    rule_set = RuleSet(valid_from=valid_from, valid_to=None,
                       **{k: values.get(k) for k in RULE_SET_VALUE_FIELDS})
    session.add(rule_set)
    _set_coefficients(session, rule_set, coefficients)
    if last is not None:
        new_end = valid_from - timedelta(days=1)
        if last.valid_to != new_end:
            audit.record(session, "rule_set.close", actor=actor, obj=last,
                         details={"valid_to": [last.valid_to.isoformat() if last.valid_to else None,
                                               new_end.isoformat()]})
            last.valid_to = new_end
    session.flush()
    audit.record(session, "rule_set.create", actor=actor, obj=rule_set,
                 details={"valid_from": valid_from.isoformat(), "name": rule_set.name,
                          "base_salary": rule_set.base_salary})
    session.flush()
    return rule_set


def update_rule_set(session: Session, rule_set: RuleSet, *, actor: User | None, values: Mapping[str, Any],
                    coefficients: Coefficients) -> RuleSet:
    """Edit the values of a period nothing has used yet; refused once locked or used by a decision."""
    refusal = rule_set_edit_refusal(session, rule_set)
    if refusal:
        raise AdminError(refusal)
    _check_rule_values(values, coefficients)
    changes = _apply(rule_set, {k: values.get(k) for k in RULE_SET_VALUE_FIELDS})
    changes.update(_set_coefficients(session, rule_set, coefficients))
    if changes:
        audit.record(session, "rule_set.update", actor=actor, obj=rule_set, details=changes)
    session.flush()
    return rule_set


def lock_rule_set(session: Session, rule_set: RuleSet, *, actor: User | None) -> None:
    if rule_set.locked:
        raise AdminError(Msg("Giai đoạn này đã khóa."))
    rule_set.locked = True
    audit.record(session, "rule_set.lock", actor=actor, obj=rule_set)
    session.flush()


# -- movements --------------------------------------------------------------------------------------

MOVEMENT_FIELDS = ("name", "period_label", "start_year", "end_year", "plan_number", "plan_date", "authority_id",
                   "description", "active")


def _check_movement(session: Session, values: Mapping[str, Any]) -> None:
    if values["end_year"] < values["start_year"]:
        raise AdminError(Msg("Năm kết thúc không được trước năm bắt đầu."))
    if session.get(Authority, values["authority_id"]) is None:
        raise AdminError(Msg("Cơ quan phát động đã chọn không tồn tại."))


def _set_indicators(session: Session, movement: Movement, rows: list[Mapping[str, Any]]) -> dict[str, Any]:
    """rows: {id (or None), code, label, unit_label, remove}; rows with nothing typed are ignored."""
    by_id = {i.id: i for i in movement.indicators}
    keep: list[MovementIndicator] = []
    removed: list[MovementIndicator] = []
    added: list[str] = []
    seen_codes: set[str] = set()
    for row in rows:
        rid = int(row["id"]) if row.get("id") else None
        if rid is not None and rid not in by_id:
            raise AdminError(Msg("Một chỉ tiêu không thuộc phong trào này; vui lòng tải lại trang."))
        if row.get("remove") or not (row.get("code") or row.get("label") or row.get("unit_label")):
            if rid is not None:
                removed.append(by_id[rid])
            continue
        if not (row.get("code") and row.get("label") and row.get("unit_label")):
            raise AdminError(Msg("Mỗi chỉ tiêu cần đủ mã, tên và đơn vị tính."))
        if row["code"] in seen_codes:
            raise AdminError(Msg("Mã chỉ tiêu «%(code)s» bị trùng; mỗi chỉ tiêu một mã.", code=row["code"]))
        seen_codes.add(row["code"])
        if rid is None:
            ind = MovementIndicator(code=row["code"], label=row["label"], unit_label=row["unit_label"])
            added.append(row["code"])
        else:
            ind = by_id[rid]
            ind.code, ind.label, ind.unit_label = row["code"], row["label"], row["unit_label"]
        keep.append(ind)
    # Indicators not sent at all are kept (e.g. a stale form): only explicit removals delete.
    sent = {int(r["id"]) for r in rows if r.get("id")}
    for ind in movement.indicators:
        if ind.id not in sent:
            keep.append(ind)
            seen_codes.add(ind.code)
    if removed:
        used = session.scalar(sa.select(sa.func.count(NomineeIndicatorValue.id)).where(
            NomineeIndicatorValue.indicator_id.in_([i.id for i in removed])))
        if used:
            names = ", ".join(i.label for i in removed)
            raise AdminError(Msg("Không thể xóa chỉ tiêu (%(names)s): đã có hồ sơ khai báo số liệu cho chỉ tiêu này.",
                                 names=names))
    for pos, ind in enumerate(keep):
        ind.position = pos
    movement.indicators = keep
    changes: dict[str, Any] = {}
    if added:
        changes["indicators_added"] = added
    if removed:
        changes["indicators_removed"] = [i.code for i in removed]
    return changes


def create_movement(session: Session, *, actor: User | None, indicators: list[Mapping[str, Any]],
                    **values: Any) -> Movement:
    _check_movement(session, values)
    movement = Movement(**{k: values[k] for k in MOVEMENT_FIELDS if k in values})
    session.add(movement)
    _set_indicators(session, movement, indicators)
    session.flush()
    audit.record(session, "movement.create", actor=actor, obj=movement,
                 details={"name": movement.name, "indicators": [i.code for i in movement.indicators]})
    return movement


def update_movement(session: Session, movement: Movement, *, actor: User | None,
                    indicators: list[Mapping[str, Any]], **values: Any) -> Movement:
    _check_movement(session, values)
    # Indicator problems are found before any field changes.
    changes_ind = _set_indicators(session, movement, indicators)
    changes = _apply(movement, {k: values[k] for k in MOVEMENT_FIELDS if k in values})
    changes.update(changes_ind)
    if changes:
        audit.record(session, "movement.update", actor=actor, obj=movement, details=changes)
    session.flush()
    return movement


# -- rounds, quotas, extensions ---------------------------------------------------------------------

ROUND_FIELDS = ("name", "kind", "opens_dt", "closes_dt", "status", "reminder_days", "criteria")


def _check_round(session: Session, values: Mapping[str, Any], form_ids: Iterable[int]) -> list[AwardForm]:
    if values["closes_dt"] <= values["opens_dt"]:
        raise AdminError(Msg("Hạn nộp phải sau thời điểm mở nhận hồ sơ."))
    if values["kind"] not in RoundKind.values():
        raise AdminError(Msg("Loại đợt không hợp lệ."))
    if values["status"] not in RoundStatus.values():
        raise AdminError(Msg("Trạng thái đợt không hợp lệ."))
    ids = list(dict.fromkeys(form_ids))
    if not ids:
        raise AdminError(Msg("Chọn ít nhất một hình thức khen thưởng cho đợt."))
    forms = session.scalars(sa.select(AwardForm).where(AwardForm.id.in_(ids))).all()
    if len(forms) != len(ids):
        raise AdminError(Msg("Một hình thức khen thưởng đã chọn không tồn tại."))
    return list(forms)


def create_round(session: Session, movement: Movement, *, actor: User | None, form_ids: Iterable[int],
                 **values: Any) -> Round:
    forms = _check_round(session, values, form_ids)
    rnd = Round(movement=movement, **{k: values[k] for k in ROUND_FIELDS if k in values})
    for f in forms:
        rnd.forms.append(RoundForm(award_form=f))
    session.add(rnd)
    session.flush()
    audit.record(session, "round.create", actor=actor, obj=rnd,
                 details={"movement_id": movement.id, "name": rnd.name, "forms": [f.id for f in forms]})
    return rnd


def update_round(session: Session, rnd: Round, *, actor: User | None, form_ids: Iterable[int],
                 **values: Any) -> Round:
    forms = _check_round(session, values, form_ids)
    wanted = {f.id for f in forms}
    current = {rf.award_form_id for rf in rnd.forms}
    dropped = current - wanted
    if dropped:
        from ..models import Dossier

        in_use = session.scalar(sa.select(sa.func.count(Dossier.id)).where(
            Dossier.round_id == rnd.id, Dossier.award_form_id.in_(dropped)))
        if in_use:
            raise AdminError(Msg("Không thể bỏ hình thức khỏi đợt: đã có %(count)s hồ sơ đề nghị hình thức đó.",
                                 count=in_use))
    changes = _apply(rnd, {k: values[k] for k in ROUND_FIELDS if k in values})
    for rf in [rf for rf in rnd.forms if rf.award_form_id in dropped]:
        rnd.forms.remove(rf)
    for f in forms:
        if f.id not in current:
            rnd.forms.append(RoundForm(award_form=f))
    if wanted != current:
        changes["forms"] = [sorted(current), sorted(wanted)]
    if changes:
        audit.record(session, "round.update", actor=actor, obj=rnd, details=changes)
    session.flush()
    return rnd


def set_quotas(session: Session, rnd: Round, cells: Mapping[tuple[int, int], int | None], *,
               actor: User | None) -> dict[str, Any]:
    """Replace the round's quota table: (unit id, form id) -> max count, None for no limit."""
    eligible = {rf.award_form_id for rf in rnd.forms}
    unit_ids = {u for u, _ in cells}
    known_units = set(session.scalars(sa.select(Unit.id).where(Unit.id.in_(unit_ids))).all()) if unit_ids else set()
    for (unit_id, form_id), n in cells.items():
        if unit_id not in known_units:
            raise AdminError(Msg("Một đơn vị trong bảng chỉ tiêu không tồn tại; vui lòng tải lại trang."))
        if form_id not in eligible:
            raise AdminError(Msg("Chỉ tiêu chỉ đặt cho các hình thức được đề nghị trong đợt."))
        if n is not None and not 0 <= n <= 100_000:
            raise AdminError(Msg("Số lượng tối đa phải là số nguyên từ 0 đến 100000."))
    existing = {(q.unit_id, q.award_form_id): q for q in rnd.quotas}
    changes: dict[str, Any] = {}
    for key, n in cells.items():
        q = existing.get(key)
        label = f"{key[0]}/{key[1]}"
        if n is None:
            if q is not None:
                rnd.quotas.remove(q)
                changes[label] = [q.max_count, None]
        elif q is None:
            rnd.quotas.append(RoundQuota(unit_id=key[0], award_form_id=key[1], max_count=n))
            changes[label] = [None, n]
        elif q.max_count != n:
            changes[label] = [q.max_count, n]
            q.max_count = n
    if changes:
        audit.record(session, "round.quotas", actor=actor, obj=rnd, details=changes)
    session.flush()
    return changes


def set_extension(session: Session, rnd: Round, unit: Unit, *, actor: User | None, closes_dt: datetime,
                  reason: str) -> RoundExtension:
    """Give one unit a later deadline in the round (one extension per unit; a second one replaces it)."""
    if closes_dt <= rnd.closes_dt:
        raise AdminError(Msg("Hạn gia hạn phải sau hạn nộp chung của đợt."))
    if not reason:
        raise AdminError(Msg("Vui lòng ghi lý do gia hạn."))
    ext = session.scalar(sa.select(RoundExtension).where(RoundExtension.round_id == rnd.id,
                                                         RoundExtension.unit_id == unit.id))
    old = ext.closes_dt.isoformat() if ext else None
    if ext is None:
        ext = RoundExtension(round_id=rnd.id, unit_id=unit.id, closes_dt=closes_dt, reason=reason)
        session.add(ext)
    else:
        ext.closes_dt, ext.reason = closes_dt, reason
    session.flush()
    audit.record(session, "round.extension", actor=actor, obj=ext, unit_id=unit.id,
                 details={"round_id": rnd.id, "closes_dt": [old, closes_dt.isoformat()], "reason": reason})
    return ext


def remove_extension(session: Session, ext: RoundExtension, *, actor: User | None) -> None:
    audit.record(session, "round.extension_remove", actor=actor, obj=ext, unit_id=ext.unit_id,
                 details={"round_id": ext.round_id, "closes_dt": ext.closes_dt.isoformat()})
    session.delete(ext)
    session.flush()


# -- calendar ---------------------------------------------------------------------------------------


def add_calendar_day(session: Session, *, actor: User | None, day: date, kind: str, note: str) -> CalendarDay:
    if kind not in CalendarDayKind.values():
        raise AdminError(Msg("Loại ngày không hợp lệ."))
    if not note:
        raise AdminError(Msg("Vui lòng ghi chú lý do."))
    if session.scalar(sa.select(CalendarDay.id).where(CalendarDay.day == day)) is not None:
        raise AdminError(Msg("Ngày %(date)s đã có trong lịch; hãy xóa dòng cũ trước nếu muốn đổi.", date=_d(day)))
    if kind == CalendarDayKind.working_day.value and day.weekday() < 5:
        raise AdminError(Msg("Ngày %(date)s vốn là ngày làm việc; ngày làm việc bù phải là thứ Bảy hoặc Chủ nhật.",
                             date=_d(day)))
    cd = CalendarDay(day=day, kind=kind, note=note)
    session.add(cd)
    session.flush()
    audit.record(session, "calendar.add", actor=actor, obj=cd,
                 details={"day": day.isoformat(), "kind": kind, "note": note})
    return cd


def remove_calendar_day(session: Session, cd: CalendarDay, *, actor: User | None) -> None:
    audit.record(session, "calendar.remove", actor=actor, obj=cd,
                 details={"day": cd.day.isoformat(), "kind": cd.kind, "note": cd.note})
    session.delete(cd)
    session.flush()


# -- eligibility rules ------------------------------------------------------------------------------


ELIGIBILITY_RULE_FIELDS = ("award_form_id", "round_id", "valid_from", "valid_to", "allow_posthumous",
                           "no_repeat_in_round", "require_report", "min_household_contribution", "source")


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def _period(valid_from: date, valid_to: date | None) -> str:
    if valid_to is None:
        return Msg("%(start)s – nay", start=_d(valid_from))
    return f"{_d(valid_from)} – {_d(valid_to)}"


def _check_eligibility_rule(session: Session, values: Mapping[str, Any], rule_id: int | None) -> None:
    af = session.get(AwardForm, values["award_form_id"]) if values.get("award_form_id") is not None else None
    if af is None:
        raise AdminError(Msg("Hình thức khen thưởng đã chọn không tồn tại."))
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from is None:
        raise AdminError(Msg("Vui lòng nhập ngày bắt đầu áp dụng."))
    if valid_to is not None and valid_to < valid_from:
        raise AdminError(Msg("Ngày kết thúc (%(end)s) không được trước ngày bắt đầu áp dụng (%(start)s).",
                             end=_d(valid_to), start=_d(valid_from)))
    minimum = values.get("min_household_contribution")
    if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0):
        raise AdminError(Msg("Mức đóng góp tối thiểu là số nguyên không âm, tính bằng đồng (ví dụ 20000000)."))
    round_id = values.get("round_id")
    scope = Msg("mọi đợt")
    if round_id is not None:
        rnd = session.get(Round, round_id)
        if rnd is None:
            raise AdminError(Msg("Đợt khen thưởng đã chọn không tồn tại."))
        if af.id not in {rf.award_form_id for rf in rnd.forms}:
            raise AdminError(Msg("Đợt «%(round)s» không có hình thức «%(form)s»; hãy chọn đợt khác hoặc «mọi đợt».",
                                 round=rnd.name, form=af.name))
        scope = Msg("đợt «%(round)s»", round=rnd.name)
    clash = session.scalar(
        sa.select(EligibilityRule).where(
            EligibilityRule.award_form_id == af.id,
            EligibilityRule.round_id.is_(None) if round_id is None else EligibilityRule.round_id == round_id,
            EligibilityRule.id != (rule_id or 0),
            sa.or_(EligibilityRule.valid_to.is_(None), EligibilityRule.valid_to >= valid_from),
            *([EligibilityRule.valid_from <= valid_to] if valid_to is not None else []),
        ).order_by(EligibilityRule.valid_from).limit(1)
    )
    if clash is not None:
        raise AdminError(Msg(
            "Thời gian áp dụng trùng với quy định đã có của «%(form)s» cho %(scope)s "
            "(%(period)s). Hãy kết thúc quy định đó trước, "
            "hoặc chọn khoảng thời gian không trùng.",
            form=af.name, scope=scope, period=_period(clash.valid_from, clash.valid_to),
        ))


def create_eligibility_rule(session: Session, *, actor: User | None, **values: Any) -> EligibilityRule:
    """Add a dated eligibility rule for one award form (optionally one round)."""
    _check_eligibility_rule(session, values, None)
    rule = EligibilityRule(**{k: values[k] for k in ELIGIBILITY_RULE_FIELDS if k in values})
    session.add(rule)
    session.flush()
    audit.record(session, "eligibility_rule.create", actor=actor, obj=rule,
                 details={k: _plain(getattr(rule, k)) for k in ELIGIBILITY_RULE_FIELDS})
    session.flush()
    return rule


def update_eligibility_rule(session: Session, rule: EligibilityRule, *, actor: User | None,
                            **values: Any) -> EligibilityRule:
    values = {k: values[k] for k in ELIGIBILITY_RULE_FIELDS if k in values}
    _check_eligibility_rule(session, {**{k: getattr(rule, k) for k in ELIGIBILITY_RULE_FIELDS}, **values}, rule.id)
    changes = _apply(rule, values)
    if changes:
        audit.record(session, "eligibility_rule.update", actor=actor, obj=rule, details=changes)
    session.flush()
    return rule


def end_eligibility_rule(session: Session, rule: EligibilityRule, *, actor: User | None,
                         valid_to: date) -> EligibilityRule:
    """Stop a rule after ``valid_to`` (the last day it applies)."""
    if valid_to < rule.valid_from:
        raise AdminError(Msg("Ngày kết thúc (%(end)s) không được trước ngày bắt đầu áp dụng (%(start)s).",
                             end=_d(valid_to), start=_d(rule.valid_from)))
    values = {k: getattr(rule, k) for k in ELIGIBILITY_RULE_FIELDS}
    values["valid_to"] = valid_to
    _check_eligibility_rule(session, values, rule.id)
    old = rule.valid_to
    rule.valid_to = valid_to
    audit.record(session, "eligibility_rule.end", actor=actor, obj=rule,
                 details={"valid_to": [old.isoformat() if old else None, valid_to.isoformat()]})
    session.flush()
    return rule
