"""Checks shared by the submission checklist (shown beside the button) and the workflow guards
(enforced on the server): completeness, quotas and eligibility."""
from __future__ import annotations

from collections import Counter
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import ATTACHMENT_KIND_LABELS, AttachmentKind, AwardForm, Dossier, Nominee, RecipientKind, RoundQuota
from .money import NoRuleSet, rule_set_on

REQUIRED_ATTACHMENTS = (AttachmentKind.proposal, AttachmentKind.minutes)
INACTIVE_STATES = ("withdrawn", "rejected")


def completeness_problems(dossier: Dossier) -> list[str]:
    problems = []
    if not dossier.nominees:
        problems.append("Hồ sơ chưa có đối tượng đề nghị khen thưởng nào.")
    present = {a.kind for a in dossier.attachments}
    for kind in REQUIRED_ATTACHMENTS:
        if kind.value not in present:
            problems.append(f"Hồ sơ còn thiếu {ATTACHMENT_KIND_LABELS[kind].lower()}.")
    missing = [n.name for n in dossier.nominees if not (n.achievements or "").strip()]
    if missing:
        problems.append("Chưa có tóm tắt thành tích của: " + ", ".join(missing[:5]) + ("…" if len(missing) > 5 else "."))
    return problems


def quota_problems(session: Session, dossier: Dossier) -> list[str]:
    quotas = session.scalars(
        sa.select(RoundQuota).where(RoundQuota.round_id == dossier.round_id, RoundQuota.unit_id == dossier.unit_id)
    ).all()
    if not quotas:
        return []
    used = Counter(
        dict(
            session.execute(
                sa.select(Nominee.award_form_id, sa.func.count())
                .join(Dossier, Nominee.dossier_id == Dossier.id)
                .where(
                    Dossier.round_id == dossier.round_id,
                    Dossier.unit_id == dossier.unit_id,
                    Dossier.state.not_in(INACTIVE_STATES),
                )
                .group_by(Nominee.award_form_id)
            ).all()
        )
    )
    problems = []
    for q in quotas:
        if used[q.award_form_id] > q.max_count:
            problems.append(
                f"Vượt chỉ tiêu «{q.award_form.name}»: đơn vị được đề nghị tối đa {q.max_count}, "
                f"hiện có {used[q.award_form_id]} trong đợt này."
            )
    return problems


def eligibility_problems(session: Session, dossier: Dossier, day: date) -> list[str]:
    problems = []
    allowed_forms = {f.id for f in dossier.round.award_forms}
    forms: dict[int, AwardForm] = {}
    try:
        rs = rule_set_on(session, day)
    except NoRuleSet:
        rs = None
    for n in dossier.nominees:
        form = forms.setdefault(n.award_form_id, n.award_form)
        if n.award_form_id not in allowed_forms:
            problems.append(f"«{n.name}»: hình thức «{form.name}» không thuộc đợt khen thưởng này.")
        elif not form.allows(n.kind):
            problems.append(f"«{n.name}»: hình thức «{form.name}» không áp dụng cho {n.kind_label.lower()}.")
        if (
            rs is not None and rs.min_household_contribution and n.kind == RecipientKind.household.value
            and (n.contribution_value or 0) < rs.min_household_contribution
        ):
            problems.append(
                f"«{n.name}»: giá trị đóng góp chưa đạt mức tối thiểu {rs.min_household_contribution:,} đồng.".replace(",", ".")
            )
    return problems
