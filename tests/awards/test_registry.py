"""The register (sổ theo dõi khen thưởng): folded name search on both backends, filters, scope,
pagination with a bounded number of queries, a recipient's history and earlier_awards()."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from awards.db import db
from awards.documents import vietnamese as vn
from awards.models import Award, Certificate, Decision
from awards.services import registry
from tests import factories as f
from tests.conftest import is_postgres, postgres_only


# --------------------------------------------------------------------------- builders


def issue_decision(form_code: str = "BK-TINH", *, number: int, decision_date: date = date(2026, 9, 15),
                   state: str = "issued", round_=None, revoked_reason: str | None = None) -> Decision:
    """An issued decision inserted directly (the decisions engineer's services are not used here)."""
    form = f.form(form_code)
    d = Decision(authority_id=form.authority_id, award_form_id=form.id, round=round_ or f.demo_round(),
                 state=state, title=f"Quyết định tặng {form.name}", number=number, year=decision_date.year,
                 decision_date=decision_date, revoked_reason=revoked_reason)
    db.session.add(d)
    db.session.flush()
    return d


def add_award(decision: Decision, name: str, *, kind: str = "individual", unit_code: str = "X-GIAVIEN",
              citizen_id: str | None = None, birth_year: int | None = 1980, amount: int = 3_800_000,
              status: str = "active", nominee=None, code: str | None = None, gender: str | None = "male",
              revoked_dt: datetime | None = None) -> Award:
    a = Award(decision=decision, unit=f.unit(unit_code), kind=kind, name=name, canonical_name=vn.canonical_name(name),
              name_key=vn.fold(name), citizen_id=citizen_id, birth_year=birth_year if kind == "individual" else None,
              gender=gender, amount=amount, status=status, nominee_id=nominee.id if nominee else None, position=len(decision.awards),
              revoked_reason="Thu hồi theo quyết định" if status == "revoked" else None, revoked_dt=revoked_dt,
              position_title="Trưởng thôn" if kind == "individual" else None)
    db.session.add(a)
    db.session.flush()
    if code is not None:
        db.session.add(Certificate(award=a, serial=f"BK-{decision.year}-{a.id:05d}", verification_code=code))
        db.session.flush()
    return a


def new_code() -> str:
    return secrets.token_urlsafe(16)  # 128 bits


NAMES = ["Đặng Thị Ánh Nguyệt", "Ưng Hoàng Phúc", "Lê Văn Ơn", "Nguyễn Thị Hồng Nhung", "Trần Quốc Tuấn",
         "Phạm Thị Thủy", "Hoàng Văn Kỷ", "Võ Thị Ngọc Hạnh"]


@pytest.fixture
def demo(ctx):
    f.load_demo(date(2026, 9, 1))
    return db.session


@pytest.fixture
def named(demo):
    d = issue_decision(number=5)
    for i, name in enumerate(NAMES):
        add_award(d, name, citizen_id=f"0370{i:08d}")
    db.session.commit()
    if is_postgres():
        with db.engine.begin() as conn:
            registry.install_search_support(conn)
    return d


def _names(filters: registry.RegisterFilters, username: str = "admin") -> list[str]:
    page = registry.search_register(db.session, f.user(username), filters)
    return sorted(a.name for a in page.items)


# --------------------------------------------------------------------------- folding


@pytest.mark.parametrize("query,expected", [
    ("dang thi anh nguyet", ["Đặng Thị Ánh Nguyệt"]),      # đ, ặ, á, ệ
    ("dang", ["Đặng Thị Ánh Nguyệt"]),
    ("ung hoang phuc", ["Ưng Hoàng Phúc"]),                # Ư, à, ú
    ("le van on", ["Lê Văn Ơn"]),                          # ê, ă, Ơ
    ("nguyen thi hong nhung", ["Nguyễn Thị Hồng Nhung"]),  # ễ, ị, ồ
    ("thuy", ["Phạm Thị Thủy"]),                           # hỏi
    ("ky", ["Hoàng Văn Kỷ"]),
    ("hanh", ["Võ Thị Ngọc Hạnh"]),                        # nặng
    ("TUAN", ["Trần Quốc Tuấn"]),                          # case
    ("  nguyệt ", ["Đặng Thị Ánh Nguyệt"]),                # with marks, padded
    ("hoang", ["Hoàng Văn Kỷ", "Ưng Hoàng Phúc"]),
    ("thi", ["Nguyễn Thị Hồng Nhung", "Phạm Thị Thủy", "Võ Thị Ngọc Hạnh", "Đặng Thị Ánh Nguyệt"]),
    ("zzz", []),
    ("100%", []),                                          # LIKE wildcards are literal
])
def test_name_search_folds_vietnamese(named, query, expected):
    assert _names(registry.RegisterFilters(q=query)) == sorted(expected)


def test_every_tone_mark_and_letter_is_folded(demo):
    """Each of the 5 tone marks on each vowel, and đ ă â ê ô ơ ư, folds to ASCII."""
    d = issue_decision(number=7)
    vowels = "aăâeêioôơuưy"
    tones = ["\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
    import unicodedata
    words = []
    for v in vowels:
        for t in tones:
            words.append("B" + unicodedata.normalize("NFC", v + t) + "nh Đ")
    for i, w in enumerate(words):
        add_award(d, f"{w} {i:03d}")
    db.session.commit()
    if is_postgres():
        with db.engine.begin() as conn:
            registry.install_search_support(conn)
    for i, w in enumerate(words):
        ascii_query = vn.fold(w)
        assert ascii_query.isascii()
        found = _names(registry.RegisterFilters(q=f"{ascii_query} {i:03d}"))
        assert found == [f"{w} {i:03d}"], (w, ascii_query)


@postgres_only
def test_postgres_search_uses_unaccent_and_trigram_index(named):
    """On PostgreSQL the clause is immutable_unaccent over the name (not the stored key), served by the
    GIN trigram index; install_search_support is idempotent."""
    with db.engine.begin() as conn:
        registry.install_search_support(conn)
        registry.install_search_support(conn)
        assert conn.exec_driver_sql("SELECT immutable_unaccent('Đặng Thị Ánh Nguyệt Ưng Phượng Ơn')").scalar() \
            == "Dang Thi Anh Nguyet Ung Phuong On"
        idx = conn.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_award_name_folded_trgm'").scalar()
        assert "gin" in idx and "immutable_unaccent" in idx and "gin_trgm_ops" in idx
    # A row whose stored key is wrong is still found through unaccent(name): the key is not used here.
    a = db.session.scalar(sa.select(Award).where(Award.name == "Lê Văn Ơn"))
    a.name_key = "x"
    db.session.commit()
    assert _names(registry.RegisterFilters(q="le van on")) == ["Lê Văn Ơn"]
    compiled = str(registry.name_condition(db.session, "dang"))
    assert "immutable_unaccent" in compiled
    with db.engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.execute(
            sa.text("EXPLAIN SELECT id FROM award WHERE lower(immutable_unaccent(name)) LIKE :p"), {"p": "%nguyet%"}))
    assert "ix_award_name_folded_trgm" in plan


def test_sqlite_search_uses_the_stored_key(named):
    if is_postgres():
        pytest.skip("SQLite behaviour")
    compiled = str(registry.name_condition(db.session, "dang"))
    assert "name_key" in compiled


# --------------------------------------------------------------------------- filters and scope


def test_filters_citizen_id_unit_form_year_movement_kind_status(demo):
    d1 = issue_decision(number=5, decision_date=date(2025, 12, 20))
    d2 = issue_decision("GK-XA", number=12, decision_date=date(2026, 3, 2))
    add_award(d1, "Nguyễn Văn An", citizen_id="037080000001")
    add_award(d1, "Ủy ban nhân dân xã Nho Quan", kind="collective", unit_code="X-NHOQUAN", amount=7_590_000)
    add_award(d2, "Nguyễn Văn Ân", citizen_id="037080000002", amount=760_000, status="revoked",
              revoked_dt=datetime(2026, 4, 1, 3, tzinfo=timezone.utc))
    # a draft decision's awards are not in the register
    form = f.form("BK-TINH")
    dr = Decision(authority_id=form.authority_id, award_form_id=form.id, state="draft", title="Dự thảo")
    db.session.add(dr)
    db.session.flush()
    add_award(dr, "Nguyễn Văn Nháp")
    db.session.commit()
    F = registry.RegisterFilters
    assert _names(F()) == sorted(["Nguyễn Văn An", "Nguyễn Văn Ân", "Ủy ban nhân dân xã Nho Quan"])
    assert _names(F(q="nguyen van an")) == ["Nguyễn Văn An", "Nguyễn Văn Ân"]
    assert _names(F(citizen_id="037080000002")) == ["Nguyễn Văn Ân"]
    assert _names(F(unit_id=f.unit("X-NHOQUAN").id)) == ["Ủy ban nhân dân xã Nho Quan"]
    assert _names(F(award_form_id=f.form("GK-XA").id)) == ["Nguyễn Văn Ân"]
    assert _names(F(year=2025)) == ["Nguyễn Văn An", "Ủy ban nhân dân xã Nho Quan"]
    assert _names(F(movement_id=f.demo_round().movement_id, kind="collective")) == ["Ủy ban nhân dân xã Nho Quan"]
    assert _names(F(status="revoked")) == ["Nguyễn Văn Ân"]
    assert _names(F(status="active")) == ["Nguyễn Văn An", "Ủy ban nhân dân xã Nho Quan"]
    # a unit's user sees only its unit's awards
    assert _names(F(), "xa.chuyenvien") == ["Nguyễn Văn An", "Nguyễn Văn Ân"]


def test_register_page_lists_searches_and_paginates_in_bounded_queries(app, client, demo, count_queries):
    d = issue_decision(number=5)
    for i in range(120):
        add_award(d, f"Nguyễn Văn Thử {i:03d}", citizen_id=f"0370{i:08d}")
    add_award(d, "Đặng Thị Ánh Nguyệt")
    db.session.commit()
    if is_postgres():
        with db.engine.begin() as conn:
            registry.install_search_support(conn)
    f.login(client, "tdkt.chuyenvien")
    resp = client.get("/registry/?q=dang+thi")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Đặng Thị Ánh Nguyệt" in html and "Thử 001" not in html
    assert "05/QĐ-UBND" in html and "3.800.000" in html

    counts = []
    for url in ("/registry/?page=1", "/registry/?page=3", "/registry/?q=nguyen&page=2"):
        with count_queries() as c:
            resp = client.get(url)
        assert resp.status_code == 200
        counts.append(c["count"])
    html = resp.get_data(as_text=True)
    assert "Thử 050" in html and "Thử 049" not in html  # page 2 of 50 per page
    assert "trang 2/3" in html
    assert max(counts) <= 12, counts
    assert len(set(counts)) == 1, counts  # the same whatever the page holds


def test_register_requires_login(client, demo):
    resp = client.get("/registry/")
    assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]


def test_bad_citizen_id_gets_a_vietnamese_message(client, demo):
    f.login(client, "admin")
    html = client.get("/registry/?citizen_id=12ab").get_data(as_text=True)
    assert "Số định danh gồm đúng 12 chữ số." in html


# --------------------------------------------------------------------------- recipient history


def test_recipient_page_shows_every_award_across_movements_and_years(client, demo):
    d1 = issue_decision(number=5, decision_date=date(2024, 12, 20))
    d2 = issue_decision("GK-XA", number=31, decision_date=date(2026, 2, 3))
    d3 = issue_decision(number=8, decision_date=date(2026, 9, 15))
    first = add_award(d1, "Nguyễn Văn An", citizen_id="037080000001")
    add_award(d2, "Nguyễn Văn An", citizen_id=None, birth_year=1980, amount=760_000)  # older entry without ID
    add_award(d3, "Nguyễn  văn an", citizen_id="037080000001", status="revoked",
              revoked_dt=datetime(2026, 10, 1, 2, tzinfo=timezone.utc))
    add_award(d3, "Nguyễn Văn An", citizen_id="037090000009", birth_year=1990)  # another person
    coll = add_award(d1, "Hội Nông dân xã Gia Viễn", kind="collective", amount=7_590_000)
    add_award(d3, "Hội Nông dân xã Gia Viễn", kind="collective", amount=7_590_000)
    add_award(d3, "Hội Nông dân xã Gia Viễn", kind="collective", unit_code="X-NHOQUAN")  # another unit
    db.session.commit()
    f.login(client, "tdkt.chuyenvien")
    html = client.get(f"/registry/recipient/{first.id}").get_data(as_text=True)
    assert html.count("<tr") == 4  # header + 3 awards of this person
    for text in ("05/QĐ-UBND", "31/QĐ-UBND", "08/QĐ-UBND", "20/12/2024", "03/02/2026", "760.000",
                 "Đã thu hồi, hủy", "Khớp theo họ tên và năm sinh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
                 "Giấy khen của Chủ tịch Ủy ban nhân dân xã"):
        assert text in html, text
    assert "037080000001" not in html  # the full citizen ID is not printed
    html = client.get(f"/registry/recipient/{coll.id}").get_data(as_text=True)
    assert html.count("<tr") == 3


def test_recipient_outside_scope_is_404(client, demo):
    d = issue_decision(number=5)
    other = add_award(d, "Ủy ban nhân dân xã Nho Quan", kind="collective", unit_code="X-NHOQUAN")
    db.session.commit()
    f.login(client, "xa.chuyenvien")
    assert client.get(f"/registry/recipient/{other.id}").status_code == 404
    assert client.get("/registry/recipient/999999").status_code == 404


def test_earlier_awards_by_citizen_id_or_folded_name_and_birth_year(demo):
    d1 = issue_decision(number=5, decision_date=date(2024, 12, 20))
    d2 = issue_decision(number=9, decision_date=date(2026, 9, 15))
    a1 = add_award(d1, "Nguyễn Văn An", citizen_id="037080000001")
    a2 = add_award(d2, "Nguyen Van An", citizen_id=None, birth_year=1980)
    add_award(d2, "Nguyễn Văn An", citizen_id=None, birth_year=1975)
    form = f.form("BK-TINH")
    dr = Decision(authority_id=form.authority_id, award_form_id=form.id, state="draft", title="Dự thảo")
    db.session.add(dr)
    db.session.flush()
    add_award(dr, "Nguyễn Văn An", citizen_id="037080000001")
    db.session.commit()
    assert [a.id for a in registry.earlier_awards(db.session, citizen_id="037080000001")] == [a1.id]
    found = registry.earlier_awards(db.session, citizen_id="037080000001", name_key=vn.fold("Nguyễn Văn An"),
                                    birth_year=1980)
    assert [a.id for a in found] == [a2.id, a1.id]  # newest first
    assert found[0].decision.number == 9  # decision loaded
    assert registry.earlier_awards(db.session) == []
