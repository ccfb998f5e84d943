"""The guards the workflow definitions name. Each takes a DossierContext and returns None when
satisfied or a Vietnamese sentence saying what to fix (a Msg, translated where it is shown; see
workflows/messages.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from workflows.messages import Msg

from ..models import NomineeOutcome

if TYPE_CHECKING:  # pragma: no cover
    from ..workflow import DossierContext

Guard = Callable[["DossierContext"], "str | None"]



def dossier_complete(ctx: "DossierContext") -> str | None:
    from .checks import completeness_problems, form_rules

    d = ctx.dossier
    rules = form_rules(ctx.session, d.round_id, {n.award_form_id for n in d.nominees}, ctx.now.date())
    problems = completeness_problems(d, rules)
    return Msg.joined(problems) if problems else None


def unit_deadline(ctx: "DossierContext"):
    from .checks import unit_deadline as deadline

    return deadline(ctx.session, ctx.dossier)


def window_open(ctx: "DossierContext") -> str | None:
    from .checks import window_problems

    problems = window_problems(ctx.session, ctx.dossier, ctx.now)
    return Msg.joined(problems) if problems else None


def quota_respected(ctx: "DossierContext") -> str | None:
    from .checks import quota_problems

    problems = quota_problems(ctx.session, ctx.dossier)
    return Msg.joined(problems) if problems else None


def eligibility_ok(ctx: "DossierContext") -> str | None:
    from .checks import eligibility_problems

    problems = eligibility_problems(ctx.session, ctx.dossier, ctx.now.date())
    return Msg.joined(problems) if problems else None


def all_nominees_appraised(ctx: "DossierContext") -> str | None:
    pending = [n.name for n in ctx.dossier.nominees if n.outcome == NomineeOutcome.pending.value]
    if pending:
        return Msg("Còn %(count)s đối tượng chưa có kết quả thẩm định: %(names)s", count=len(pending),
                   names=", ".join(pending[:5]) + ("…" if len(pending) > 5 else "."))
    return None


def some_nominee_eligible(ctx: "DossierContext") -> str | None:
    """An appraisal passes on only with someone to award: when every nominee was found ineligible,
    the dossier is returned to the unit or rejected, not sent on to the council or the chairman."""
    nominees = ctx.dossier.nominees
    passing = (NomineeOutcome.eligible.value, NomineeOutcome.other_form.value)
    if nominees and not any(n.outcome in passing for n in nominees):
        return Msg("Không đối tượng nào đủ điều kiện khen thưởng: hãy trả lại đơn vị hoặc từ chối khen thưởng "
                   "thay vì chuyển tiếp hồ sơ.")
    return None


def decision_numbered(ctx: "DossierContext") -> str | None:
    if not ctx.extra.get("decision_numbered"):
        return Msg("Quyết định khen thưởng chưa được cấp số.")
    return None


def posting_closed(ctx: "DossierContext") -> str | None:
    closes = ctx.dossier.posting_closes_dt
    if closes is None:
        return Msg("Chưa mở thời gian lấy ý kiến công khai.")
    if ctx.now < closes:
        return Msg("Thời gian lấy ý kiến công khai chưa kết thúc (đến %(date)s).", date=f"{closes:%d/%m/%Y}")
    return None


def central_result_recorded(ctx: "DossierContext") -> str | None:
    if not ctx.extra.get("central_result"):
        return Msg("Vui lòng nhập số, ngày văn bản kết quả của cấp trên.")
    return None


GUARDS: dict[str, Guard] = {
    "dossier_complete": dossier_complete,
    "window_open": window_open,
    "quota_respected": quota_respected,
    "eligibility_ok": eligibility_ok,
    "all_nominees_appraised": all_nominees_appraised,
    "some_nominee_eligible": some_nominee_eligible,
    "decision_numbered": decision_numbered,
    "posting_closed": posting_closed,
    "central_result_recorded": central_result_recorded,
}

__all__ = ["GUARDS"]
