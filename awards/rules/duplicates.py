"""Duplicate nominees in a round (engineering.md §7).

Exact matches are the same citizen ID, or, for individuals, the same canonical name (NFC,
canonical tone placement) and the same birth year; for collectives and households the same
canonical name in the same unit. Folded matches (same name without diacritics, e.g. An/Ân) and
fuzzy matches (rapidfuzz ≥ FUZZY_CUTOFF on the folded name, with the same birth year, or the
same unit for collectives and households) are only *possible* duplicates: folding merges
genuinely different names, so they flag for a human and never block.

The unit sees these as warnings beside the submit button; the board's appraisal page calls
:func:`duplicate_flags` to show them as flags. Only the eligibility rule "no second nomination of
the same person for the same form in the same round" (rules/checks.py) turns an *exact* match
inside the unit's own dossiers into a blocking problem."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

import sqlalchemy as sa
from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from workflows.messages import Msg

from ..models import Dossier, Nominee, RecipientKind, Unit
from ..models.dossiers import PRE_SUBMISSION_STATES

FUZZY_CUTOFF = 90
# Dossiers in these states are no longer proposals: their nominees are not compared.
IGNORED_STATES = ("withdrawn",)

CITIZEN_ID = "citizen_id"
NAME_BIRTH_YEAR = "name_birth_year"
SAME_NAME_UNIT = "same_name_unit"
SAME_NAME = "same_name"
FOLDED_NAME = "folded_name"
FUZZY_NAME = "fuzzy_name"

# Msg: translated where shown (see workflows/messages.py).
REASON_LABELS = {
    CITIZEN_ID: Msg("Trùng số CCCD"),
    NAME_BIRTH_YEAR: Msg("Trùng họ tên và năm sinh"),
    SAME_NAME_UNIT: Msg("Trùng tên trong cùng đơn vị"),
    SAME_NAME: Msg("Trùng tên"),
    FOLDED_NAME: Msg("Tên giống nhau khi bỏ dấu"),
    FUZZY_NAME: Msg("Tên gần giống"),
}


@dataclass(frozen=True)
class DuplicateFlag:
    """``nominee_id`` may duplicate ``other_nominee_id``; ``exact`` flags are certain matches."""

    nominee_id: int
    other_nominee_id: int
    other_dossier_id: int
    other_unit_id: int
    other_unit_name: str
    other_name: str
    other_birth_year: int | None
    other_award_form_id: int
    other_state: str
    same_dossier: bool
    same_unit: bool
    reason: str
    exact: bool
    score: int

    @property
    def reason_label(self) -> str:
        return REASON_LABELS[self.reason]

    @property
    def message(self) -> str:
        where = Msg("trong cùng hồ sơ") if self.same_dossier else (
            Msg("trong hồ sơ khác của đơn vị") if self.same_unit
            else Msg("trong hồ sơ của %(unit)s", unit=self.other_unit_name)
        )
        reason = self.reason_label if self.exact else Msg("%(reason)s — cần kiểm tra", reason=self.reason_label)
        if self.other_birth_year:
            return Msg("%(reason)s: «%(name)s» (sinh năm %(year)s) %(where)s.", reason=reason,
                       name=self.other_name, year=self.other_birth_year, where=where)
        return Msg("%(reason)s: «%(name)s» %(where)s.", reason=reason, name=self.other_name, where=where)


@dataclass(frozen=True)
class _Row:
    id: int
    dossier_id: int
    unit_id: int
    unit_name: str
    kind: str
    name: str
    canonical_name: str
    name_key: str
    birth_year: int | None
    citizen_id: str | None
    award_form_id: int
    state: str


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _split_key(name_key: str) -> tuple[str, str]:
    """("nguyen van", "an") for "nguyen van an"."""
    head, _, given = name_key.rpartition(" ")
    return head, given


def _candidates(session: Session, round_id: int, nominees: Sequence[Nominee], unit_ids: set[int]) -> list[_Row]:
    cids = {n.citizen_id for n in nominees if n.citizen_id}
    names = {n.canonical_name for n in nominees if n.canonical_name}
    keys = {n.name_key for n in nominees if n.name_key}
    # The fuzzy pool: individuals of the same birth year who share either the folded given name
    # (the last word) or everything before it, so that a typo in one part is still compared while
    # the pool stays small in a round of tens of thousands.
    year_parts = {(n.birth_year, *_split_key(n.name_key)) for n in nominees
                  if n.kind == RecipientKind.individual.value and n.birth_year and n.name_key}
    conds = []
    if cids:
        conds.append(Nominee.citizen_id.in_(cids))
    if names:
        conds.append(Nominee.canonical_name.in_(names))
    if keys:
        conds.append(Nominee.name_key.in_(keys))
    for year, head, given in sorted(year_parts):
        same_part = [Nominee.name_key == given, Nominee.name_key.like("% " + _like_escape(given), escape="\\")]
        if head:
            same_part.append(Nominee.name_key.like(_like_escape(head) + " %", escape="\\"))
        conds.append(sa.and_(Nominee.kind == RecipientKind.individual.value, Nominee.birth_year == year,
                             sa.or_(*same_part)))
    if unit_ids:
        conds.append(sa.and_(Nominee.kind != RecipientKind.individual.value, Nominee.dossier_id.in_(
            sa.select(Dossier.id).where(Dossier.unit_id.in_(unit_ids), Dossier.round_id == round_id))))
    if not conds:
        return []
    # Each condition is looked up through its own index and the matches drive the join: scanning
    # the round and testing every condition would read every nominee of the round.
    matches = sa.union(*[sa.select(Nominee.id.label("id")).where(c) for c in conds]).subquery("matches")
    stmt = (
        sa.select(Nominee.id, Nominee.dossier_id, Dossier.unit_id, sa.func.coalesce(Unit.short_name, Unit.name),
                  Nominee.kind, Nominee.name, Nominee.canonical_name, Nominee.name_key, Nominee.birth_year,
                  Nominee.citizen_id, Nominee.award_form_id, Dossier.state)
        .select_from(matches)
        .join(Nominee, Nominee.id == matches.c.id)
        .join(Dossier, Nominee.dossier_id == Dossier.id)
        .join(Unit, Dossier.unit_id == Unit.id)
        .where(Dossier.round_id == round_id, Dossier.state.not_in(IGNORED_STATES),
               # another unit's never-submitted draft is that unit's business, not a match to show
               sa.or_(Dossier.submitted_dt.is_not(None), Dossier.state.not_in(PRE_SUBMISSION_STATES),
                      Dossier.unit_id.in_(unit_ids)))
    )
    return [_Row(*r) for r in session.execute(stmt).all()]


def flags_for_nominees(session: Session, round_id: int, nominees: Iterable[Nominee]) -> dict[int, list[DuplicateFlag]]:
    """Duplicate flags for several nominees of one round at once (a bounded number of queries)."""
    nominees = [n for n in nominees if n.id is not None]
    out: dict[int, list[DuplicateFlag]] = {n.id: [] for n in nominees}
    if not nominees:
        return out
    unit_of = {n.id: n.dossier.unit_id for n in nominees}
    rows = _candidates(session, round_id, nominees, set(unit_of.values()))
    by_id = {r.id: r for r in rows}

    def flag(n: Nominee, r: _Row, reason: str, exact: bool, score: int = 100) -> DuplicateFlag:
        return DuplicateFlag(
            nominee_id=n.id, other_nominee_id=r.id, other_dossier_id=r.dossier_id, other_unit_id=r.unit_id,
            other_unit_name=r.unit_name, other_name=r.name, other_birth_year=r.birth_year,
            other_award_form_id=r.award_form_id, other_state=r.state, same_dossier=r.dossier_id == n.dossier_id,
            same_unit=r.unit_id == unit_of[n.id], reason=reason, exact=exact, score=score,
        )

    by_cid: dict[str, list[_Row]] = defaultdict(list)
    by_name: dict[str, list[_Row]] = defaultdict(list)
    by_key: dict[str, list[_Row]] = defaultdict(list)
    persons_by_year: dict[int, list[_Row]] = defaultdict(list)
    others_by_unit: dict[tuple[int, str], list[_Row]] = defaultdict(list)
    for r in rows:
        if r.citizen_id:
            by_cid[r.citizen_id].append(r)
        by_name[r.canonical_name].append(r)
        by_key[r.name_key].append(r)
        if r.kind == RecipientKind.individual.value and r.birth_year:
            persons_by_year[r.birth_year].append(r)
        elif r.kind != RecipientKind.individual.value:
            others_by_unit[(r.unit_id, r.kind)].append(r)

    fuzzy_pool: dict[int, tuple[Nominee, list[_Row]]] = {}
    for n in nominees:
        seen: set[int] = {n.id}
        found: list[DuplicateFlag] = []

        def add(r: _Row, reason: str, exact: bool, score: int = 100) -> None:
            if r.id not in seen:
                seen.add(r.id)
                found.append(flag(n, r, reason, exact, score))

        if n.citizen_id:
            for r in by_cid.get(n.citizen_id, ()):
                add(r, CITIZEN_ID, True)
        person = n.kind == RecipientKind.individual.value
        for r in by_name.get(n.canonical_name, ()):
            if r.kind != n.kind:
                continue
            if person:
                if n.birth_year and r.birth_year == n.birth_year:
                    add(r, NAME_BIRTH_YEAR, True)
            elif r.unit_id == unit_of[n.id]:
                add(r, SAME_NAME_UNIT, True)
            else:
                add(r, SAME_NAME, False)
        for r in by_key.get(n.name_key, ()):
            if r.kind != n.kind:
                continue
            if person and not (n.birth_year and r.birth_year == n.birth_year):
                continue
            if not person and r.unit_id != unit_of[n.id]:
                continue
            add(r, FOLDED_NAME, False)
        pool = (persons_by_year.get(n.birth_year or -1, []) if person
                else others_by_unit.get((unit_of[n.id], n.kind), []))
        pool = [r for r in pool if r.id not in seen]
        if pool and n.name_key:
            fuzzy_pool[n.id] = (n, pool)
        out[n.id] = found

    for nid, (n, pool) in fuzzy_pool.items():
        matches = process.extract(n.name_key, [r.name_key for r in pool], scorer=fuzz.token_sort_ratio,
                                  score_cutoff=FUZZY_CUTOFF, limit=None)
        for _choice, score, idx in matches:
            r = pool[idx]
            out[nid].append(flag(n, by_id[r.id], FUZZY_NAME, False, int(round(score))))
    for flags in out.values():
        flags.sort(key=lambda f: (not f.exact, -f.score, f.other_nominee_id))
    return out


def duplicate_flags(session: Session, nominee: Nominee) -> list[DuplicateFlag]:
    """Possible duplicates of ``nominee`` anywhere in its round, including other units' dossiers."""
    return flags_for_nominees(session, nominee.dossier.round_id, [nominee]).get(nominee.id, [])


def dossier_flags(session: Session, dossier: Dossier) -> dict[int, list[DuplicateFlag]]:
    """Flags for every nominee of the dossier, computed once per transaction and dossier version
    (the checklist, the guards and the appraisal page all ask)."""
    key = (id(session.get_transaction()), dossier.id, dossier.version, len(dossier.nominees))
    cache = session.info.setdefault("dossier_flags", {})
    if key not in cache:
        if len(cache) > 64:
            cache.clear()
        cache[key] = flags_for_nominees(session, dossier.round_id, dossier.nominees)
    return cache[key]


__all__ = ["DuplicateFlag", "duplicate_flags", "dossier_flags", "flags_for_nominees", "REASON_LABELS"]
