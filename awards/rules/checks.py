"""Checks shared by the submission checklist (shown beside the button) and the workflow guards
(enforced on the server): completeness, the submission window, quotas, eligibility, duplicates.

Every ``*_problems`` function returns Vietnamese sentences saying what to fix (empty = passes), as
workflows.messages.Msg so the page translates them (awards.i18n.tr).
The guards in rules/guards.py call the same functions, so what the checklist shows is exactly
what the server enforces when the unit head fires "submit" or "resubmit"."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.messages import Msg

from ..models import (
    ATTACHMENT_KIND_LABELS,
    AttachmentKind,
    AwardForm,
    Dossier,
    EligibilityRule,
    Nominee,
    RecipientKind,
    Round,
    RoundExtension,
    RoundQuota,
    RoundStatus,
)
from .money import min_household_contribution_on

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REQUIRED_ATTACHMENTS = (AttachmentKind.proposal, AttachmentKind.minutes)
INACTIVE_STATES = ("withdrawn", "rejected")


def _fmt(n: int) -> str:
    return f"{int(n):,}".replace(",", ".")


def _names(items: list[str], limit: int = 5) -> str:
    return ", ".join(items[:limit]) + ("…" if len(items) > limit else ".")


# ------------------------------------------------------------------------------ rules in force


@dataclass(frozen=True)
class FormRule:
    """The eligibility settings in force for one form in one round on one day."""

    allow_posthumous: bool = EligibilityRule.DEFAULT_ALLOW_POSTHUMOUS
    no_repeat_in_round: bool = EligibilityRule.DEFAULT_NO_REPEAT_IN_ROUND
    require_report: bool = EligibilityRule.DEFAULT_REQUIRE_REPORT
    min_household_contribution: int | None = None


def form_rules(session: Session, round_id: int, form_ids: set[int], day: date) -> dict[int, FormRule]:
    """{form id: FormRule} — a rule naming the round wins over a form-wide rule; then the latest."""
    # One query: the rule set's minimum (a scalar subquery) beside the matching rules, if any.
    one = sa.select(sa.literal(1).label("one")).subquery()
    rows = session.execute(
        sa.select(min_household_contribution_on(day), EligibilityRule)
        .select_from(one)
        .outerjoin(EligibilityRule, sa.and_(
            EligibilityRule.award_form_id.in_(form_ids or {-1}),
            sa.or_(EligibilityRule.round_id.is_(None), EligibilityRule.round_id == round_id),
            EligibilityRule.valid_from <= day,
            sa.or_(EligibilityRule.valid_to.is_(None), EligibilityRule.valid_to >= day),
        ))
    ).all()
    rs_min = rows[0][0] if rows else None
    rules = [r for _, r in rows if r is not None]
    best: dict[int, EligibilityRule] = {}
    for r in rules:
        cur = best.get(r.award_form_id)
        if cur is None or ((r.round_id is not None), r.valid_from) > ((cur.round_id is not None), cur.valid_from):
            best[r.award_form_id] = r
    out = {}
    for fid in form_ids:
        r = best.get(fid)
        if r is None:
            out[fid] = FormRule(min_household_contribution=rs_min)
        else:
            out[fid] = FormRule(
                allow_posthumous=r.allow_posthumous, no_repeat_in_round=r.no_repeat_in_round,
                require_report=r.require_report,
                min_household_contribution=(r.min_household_contribution
                                            if r.min_household_contribution is not None else rs_min),
            )
    return out


# ------------------------------------------------------------------------------ completeness


def nominees_without_report(dossier: Dossier) -> list[Nominee]:
    """Nominees with neither a typed báo cáo thành tích nor an uploaded one."""
    uploaded = {a.nominee_id for a in dossier.attachments if a.kind == AttachmentKind.report.value}
    return [
        n for n in dossier.nominees
        if n.id not in uploaded and not any(str(v).strip() for v in (n.report or {}).values())
    ]


def completeness_problems(dossier: Dossier, rules: dict[int, FormRule] | None = None) -> list[str]:
    problems = []
    if not dossier.nominees:
        problems.append(Msg("Hồ sơ chưa có đối tượng đề nghị khen thưởng nào."))
    present = {a.kind for a in dossier.attachments}
    for kind in REQUIRED_ATTACHMENTS:
        if kind.value not in present:
            problems.append(Msg("Hồ sơ còn thiếu %(document)s.", document=Msg(ATTACHMENT_KIND_LABELS[kind]).lower()))
    missing = [n.name for n in dossier.nominees if not (n.achievements or "").strip()]
    if missing:
        problems.append(Msg("Chưa có tóm tắt thành tích của: %(names)s", names=_names(missing)))
    if rules:
        no_report = [n.name for n in nominees_without_report(dossier)
                     if rules.get(n.award_form_id, FormRule()).require_report]
        if no_report:
            problems.append(Msg("Chưa có báo cáo thành tích (nhập trực tiếp hoặc tải tệp lên) của: %(names)s",
                                names=_names(no_report)))
    return problems


# ------------------------------------------------------------------------------ window


def unit_deadline(session: Session, dossier: Dossier) -> datetime:
    """The round's deadline for the dossier's unit (an administrator's extension counts)."""
    ext = session.scalar(
        sa.select(RoundExtension.closes_dt).where(
            RoundExtension.round_id == dossier.round_id, RoundExtension.unit_id == dossier.unit_id
        )
    )
    return ext if ext is not None else dossier.round.closes_dt


def window_problems(session: Session, dossier: Dossier, now: datetime) -> list[str]:
    rnd: Round = dossier.round
    deadline = unit_deadline(session, dossier)
    if now < rnd.opens_dt or rnd.status == RoundStatus.planned.value:
        return [Msg("Đợt «%(round)s» chưa mở nhận hồ sơ.", round=rnd.name)]
    if now >= deadline:
        local = deadline.astimezone(LOCAL_TZ)
        return [Msg(
            "Đã hết hạn nộp hồ sơ của đợt «%(round)s» (hạn của đơn vị: %(time)s ngày %(date)s). "
            "Vui lòng liên hệ Phòng Thi đua - Khen thưởng để được gia hạn.",
            round=rnd.name, time=local.strftime("%H:%M"), date=local.strftime("%d/%m/%Y"),
        )]
    return []


# ------------------------------------------------------------------------------ quotas


def quota_usage(session: Session, round_ids: list[int], unit_id: int) -> dict[tuple[int, int], tuple[int, int | None]]:
    """{(round id, form id): (nominees used, max or None)} across all the unit's active dossiers."""
    if not round_ids:
        return {}
    used = dict(
        ((rid, fid), c) for rid, fid, c in session.execute(
            sa.select(Dossier.round_id, Nominee.award_form_id, sa.func.count())
            .join(Dossier, Nominee.dossier_id == Dossier.id)
            .where(Dossier.round_id.in_(round_ids), Dossier.unit_id == unit_id,
                   Dossier.state.not_in(INACTIVE_STATES))
            .group_by(Dossier.round_id, Nominee.award_form_id)
        ).all()
    )
    limits = dict(
        ((rid, fid), m) for rid, fid, m in session.execute(
            sa.select(RoundQuota.round_id, RoundQuota.award_form_id, RoundQuota.max_count)
            .where(RoundQuota.round_id.in_(round_ids), RoundQuota.unit_id == unit_id)
        ).all()
    )
    return {k: (used.get(k, 0), limits.get(k)) for k in set(used) | set(limits)}


def quota_problems(session: Session, dossier: Dossier) -> list[str]:
    """Quotas of the unit in the round, each with its use across the unit's active dossiers (one query)."""
    used = (
        sa.select(sa.func.count(Nominee.id))
        .join(Dossier, Nominee.dossier_id == Dossier.id)
        .where(
            Dossier.round_id == RoundQuota.round_id,
            Dossier.unit_id == RoundQuota.unit_id,
            Nominee.award_form_id == RoundQuota.award_form_id,
            Dossier.state.not_in(INACTIVE_STATES),
        )
        .correlate(RoundQuota)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(RoundQuota, used).where(RoundQuota.round_id == dossier.round_id,
                                          RoundQuota.unit_id == dossier.unit_id)
    ).all()
    problems = []
    for q, n in rows:
        if n > q.max_count:
            problems.append(Msg(
                "Vượt chỉ tiêu «%(form)s»: đơn vị được đề nghị tối đa %(max)s, "
                "hiện có %(count)s trong đợt này (tính cả các hồ sơ khác của đơn vị).",
                form=q.award_form.name, max=q.max_count, count=n,
            ))
    return problems


# ------------------------------------------------------------------------------ eligibility


def eligibility_problems(session: Session, dossier: Dossier, day: date,
                         rules: dict[int, FormRule] | None = None) -> list[str]:
    from .duplicates import dossier_flags

    problems = []
    allowed_forms = {f.id for f in dossier.round.award_forms}
    if rules is None:
        rules = form_rules(session, dossier.round_id, {n.award_form_id for n in dossier.nominees}, day)
    forms: dict[int, AwardForm] = {}
    for n in dossier.nominees:
        form = forms.setdefault(n.award_form_id, n.award_form)
        rule = rules.get(n.award_form_id, FormRule())
        if n.award_form_id not in allowed_forms:
            problems.append(Msg("«%(name)s»: hình thức «%(form)s» không thuộc đợt khen thưởng này.",
                                name=n.name, form=form.name))
        elif not form.allows(n.kind):
            problems.append(Msg("«%(name)s»: hình thức «%(form)s» không áp dụng cho %(kind)s.",
                                name=n.name, form=form.name, kind=Msg(n.kind_label).lower()))
        if n.posthumous and not rule.allow_posthumous:
            problems.append(Msg("«%(name)s»: hình thức «%(form)s» không xét truy tặng.", name=n.name, form=form.name))
        if (
            rule.min_household_contribution and n.kind == RecipientKind.household.value
            and (n.contribution_value or 0) < rule.min_household_contribution
        ):
            problems.append(Msg(
                "«%(name)s»: giá trị đóng góp %(amount)s đồng chưa đạt mức tối thiểu %(minimum)s đồng.",
                name=n.name, amount=_fmt(n.contribution_value or 0), minimum=_fmt(rule.min_household_contribution),
            ))
    # One achievement, one award: the same person twice for the same form in this round, within
    # the unit's own active dossiers, blocks. Matches in other units are warnings (duplicates).
    if any(r.no_repeat_in_round for r in rules.values()):
        reported: set[frozenset[int]] = set()
        for nid, flags in dossier_flags(session, dossier).items():
            n = next(x for x in dossier.nominees if x.id == nid)
            if not rules.get(n.award_form_id, FormRule()).no_repeat_in_round:
                continue
            for f in flags:
                pair = frozenset((nid, f.other_nominee_id))
                if (f.exact and f.same_unit and f.other_award_form_id == n.award_form_id
                        and f.other_state not in INACTIVE_STATES and pair not in reported):
                    reported.add(pair)
                    where = Msg("trong cùng hồ sơ") if f.same_dossier else Msg("ở hồ sơ khác của đơn vị")
                    problems.append(Msg(
                        "«%(name)s» được đề nghị hai lần cùng hình thức «%(form)s» trong đợt này "
                        "(%(reason)s với «%(other)s» %(where)s).",
                        name=n.name, form=n.award_form.name, reason=f.reason_label.lower(), other=f.other_name,
                        where=where,
                    ))
    return problems


# ------------------------------------------------------------------------------ the checklist


@dataclass
class CheckItem:
    key: str
    label: str  # a Msg, like the problems and warnings
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Enforced by the workflow guard of the unit's next transition (else informative only).
    enforced: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems


GUARD_CHECKS = {
    "dossier_complete": ("completeness", Msg("Hồ sơ đầy đủ")),
    "window_open": ("window", Msg("Còn trong thời hạn nộp")),
    "quota_respected": ("quota", Msg("Trong chỉ tiêu của đơn vị")),
    "eligibility_ok": ("eligibility", Msg("Đúng đối tượng, hình thức và điều kiện")),
}


def submission_checklist(session: Session, dossier: Dossier, now: datetime,
                         guards: tuple[str, ...] | None = None) -> list[CheckItem]:
    """The checklist beside the submit button. ``guards`` are those of the unit's next transition
    (submit: all four; resubmit: no window); checks outside them are shown as information."""
    from .duplicates import dossier_flags

    guards = tuple(GUARD_CHECKS) if guards is None else guards
    day = now.date()
    rules = form_rules(session, dossier.round_id, {n.award_form_id for n in dossier.nominees}, day)
    items = []
    for guard, (key, label) in GUARD_CHECKS.items():
        if key == "completeness":
            problems = completeness_problems(dossier, rules)
        elif key == "window":
            problems = window_problems(session, dossier, now)
        elif key == "quota":
            problems = quota_problems(session, dossier)
        else:
            problems = eligibility_problems(session, dossier, day, rules)
        item = CheckItem(key=key, label=label, problems=problems, enforced=guard in guards)
        if not item.enforced and key == "window":
            item.label = Msg("Thời hạn nộp (không áp dụng khi trình lại hồ sơ bị trả)")
            item.warnings, item.problems = item.problems, []
        items.append(item)
    completeness = items[0]
    no_report = [n.name for n in nominees_without_report(dossier)
                 if not rules.get(n.award_form_id, FormRule()).require_report]
    if no_report:
        completeness.warnings.append(Msg("Chưa có báo cáo thành tích của: %(names)s", names=_names(no_report)))
    dup = CheckItem(key="duplicates", label=Msg("Trùng lặp trong đợt (chỉ cảnh báo)"), enforced=False)
    by_id = {n.id: n for n in dossier.nominees}
    for nid, flags in dossier_flags(session, dossier).items():
        for f in flags:
            if f.same_dossier and f.other_nominee_id < nid:
                continue  # the pair is already listed from the other side
            dup.warnings.append(Msg("«%(name)s»: %(message)s", name=by_id[nid].name, message=f.message))
    items.append(dup)
    return items
