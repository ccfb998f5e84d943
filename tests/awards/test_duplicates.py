"""Duplicate detection across a round: exact matches (citizen ID; canonical name + birth year),
folded and fuzzy matches that only flag, and the function the board's appraisal page calls."""
from __future__ import annotations

import pytest

from awards.db import db
from awards.rules.duplicates import (
    CITIZEN_ID, FOLDED_NAME, FUZZY_NAME, NAME_BIRTH_YEAR, SAME_NAME_UNIT, duplicate_flags, flags_for_nominees,
)
from tests import factories as f


@pytest.fixture
def two_units(ctx):
    f.load_demo()
    a = f.make_dossier("X-GIAVIEN")
    b = f.make_dossier("SYT", state="submitted")  # a unit sees other units' submitted dossiers only
    return a, b


def _reasons(n):
    return {(fl.reason, fl.exact) for fl in duplicate_flags(db.session, n)}


def test_same_citizen_id_in_another_unit_is_an_exact_flag(two_units):
    a, b = two_units
    n = f.add_nominee(a, name="Nguyễn Văn An", citizen_id="037080001111")
    other = f.add_nominee(b, name="Trần Thị Khác", birth_year=1990, citizen_id="037080001111")
    flags = duplicate_flags(db.session, n)
    assert len(flags) == 1
    fl = flags[0]
    assert (fl.reason, fl.exact, fl.other_nominee_id, fl.same_unit) == (CITIZEN_ID, True, other.id, False)
    assert "Sở Y tế" in fl.message


def test_same_canonical_name_and_birth_year_whatever_the_tone_placement(two_units):
    a, b = two_units
    n = f.add_nominee(a, name="Lê Thị Hòa", birth_year=1975)
    f.add_nominee(b, name="LÊ  THỊ HOÀ", birth_year=1975)
    assert _reasons(n) == {(NAME_BIRTH_YEAR, True)}


def test_same_name_other_birth_year_is_not_a_duplicate(two_units):
    a, b = two_units
    n = f.add_nominee(a, name="Lê Thị Hòa", birth_year=1975)
    f.add_nominee(b, name="Lê Thị Hòa", birth_year=1976)
    assert duplicate_flags(db.session, n) == []


def test_folded_match_only_flags(two_units):
    a, b = two_units
    n = f.add_nominee(a, name="Nguyễn Văn An", birth_year=1980)
    f.add_nominee(b, name="Nguyễn Văn Ân", birth_year=1980)
    assert _reasons(n) == {(FOLDED_NAME, False)}


def test_fuzzy_match_only_flags(two_units):
    a, b = two_units
    n = f.add_nominee(a, name="Nguyễn Văn Anh", birth_year=1980)
    f.add_nominee(b, name="Nguyễn Văn Ánh", birth_year=1980)  # folded equal
    f.add_nominee(b, name="Nguyễn Văn Ann", birth_year=1980)  # fuzzy
    f.add_nominee(b, name="Phạm Thị Lan", birth_year=1980)    # different
    reasons = _reasons(n)
    assert reasons == {(FOLDED_NAME, False), (FUZZY_NAME, False)}
    fuzzy = [fl for fl in duplicate_flags(db.session, n) if fl.reason == FUZZY_NAME][0]
    assert fuzzy.score >= 90 and "cần kiểm tra" in fuzzy.message


def test_collectives_match_by_name_within_the_unit(two_units):
    a, b = two_units
    n = f.add_nominee(a, kind="collective", name="Chi hội Nông dân thôn Đông")
    second = f.make_dossier("X-GIAVIEN", title="Hồ sơ khác")
    f.add_nominee(second, kind="collective", name="Chi hội nông dân thôn Đông")
    f.add_nominee(b, kind="individual", name="Chi hội Nông dân thôn Đông")
    assert _reasons(n) == {(SAME_NAME_UNIT, True)}


def test_withdrawn_dossiers_are_ignored_and_batch_version_agrees(two_units):
    a, b = two_units
    n = f.add_nominee(a, name="Đặng Văn Hòa", citizen_id="001090000001")
    f.add_nominee(b, name="Đặng Văn Hòa", citizen_id="001090000001")
    assert duplicate_flags(db.session, n)
    b.state = "withdrawn"
    db.session.flush()
    assert duplicate_flags(db.session, n) == []
    assert flags_for_nominees(db.session, a.round_id, [n]) == {n.id: []}


def test_batch_flags_use_a_bounded_number_of_queries(two_units, count_queries):
    a, b = two_units
    people = [f.add_nominee(a, name=f"Nguyễn Văn Thử {i}", birth_year=1970 + i % 20) for i in range(40)]
    for i in range(40):
        f.add_nominee(b, name=f"Nguyễn Văn Thử {i}", birth_year=1970 + i % 20)
    db.session.flush()
    with count_queries() as q:
        flags = flags_for_nominees(db.session, a.round_id, people)
    assert q["count"] <= 2
    assert all(any(fl.reason == NAME_BIRTH_YEAR for fl in flags[p.id]) for p in people)


def test_another_units_unsubmitted_draft_is_not_shown(ctx):
    """A draft is its unit's business until submitted: it is not matched against other units'
    nominees (their clerks and the board would learn who it proposes), but it is matched within
    its own unit, and once submitted it is matched everywhere."""
    f.load_demo()
    mine = f.make_dossier("X-GIAVIEN")
    theirs = f.make_dossier("SYT")  # a draft
    n = f.add_nominee(mine, name="Nguyễn Văn An", citizen_id="037080001111")
    f.add_nominee(theirs, name="Nguyễn Văn An", citizen_id="037080001111")
    assert _reasons(n) == set()
    sibling = f.make_dossier("X-GIAVIEN", title="Hồ sơ thứ hai của xã")
    f.add_nominee(sibling, name="Nguyễn Văn An", citizen_id="037080001111")
    assert (CITIZEN_ID, True) in _reasons(n)
    theirs.state, theirs.submitted_dt = "submitted", theirs.created_dt
    db.session.flush()
    assert len([fl for fl in duplicate_flags(db.session, n) if fl.reason == CITIZEN_ID]) == 2
