"""The demo province: Tỉnh Ninh Bình, its agencies and communes, authorities, award forms, dated
rule sets, the movement "Vì người nghèo - Không để ai bị bỏ lại phía sau" 2021 - 2025 and one
account per role. Names of people are invented. Idempotent: a second run changes nothing."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import (
    Authority, AwardForm, Movement, MovementIndicator, RoleAssignment, Round, RoundForm, RoundQuota,
    RoundStatus, RuleCoefficient, RuleSet, Signer, Unit, User, utcnow,
)
from .rules import reference as ref
from .services import audit
from .services.passwords import hash_password

DEMO_PASSWORD = "ninhbinh-demo-2026"
VN = ZoneInfo("Asia/Ho_Chi_Minh")

UNITS = [  # code, name, short name, kind, parent code, head title
    ("NB", "Ủy ban nhân dân tỉnh Ninh Bình", "UBND tỉnh", "province", None, "Chủ tịch"),
    ("SNV", "Sở Nội vụ tỉnh Ninh Bình", "Sở Nội vụ", "department", "NB", "Giám đốc"),
    ("SNV-TDKT", "Phòng Thi đua, khen thưởng - Sở Nội vụ", "Phòng TĐKT", "office", "SNV", "Trưởng phòng"),
    ("SYT", "Sở Y tế tỉnh Ninh Bình", "Sở Y tế", "department", "NB", "Giám đốc"),
    ("X-GIAVIEN", "Ủy ban nhân dân xã Gia Viễn", "Xã Gia Viễn", "commune", "NB", "Chủ tịch"),
    ("X-GIAVIEN-VP", "Văn phòng HĐND và UBND xã Gia Viễn", "Văn phòng HĐND và UBND xã", "office", "X-GIAVIEN",
     "Chánh Văn phòng"),
    ("X-NHOQUAN", "Ủy ban nhân dân xã Nho Quan", "Xã Nho Quan", "commune", "NB", "Chủ tịch"),
    ("P-HOALU", "Ủy ban nhân dân phường Hoa Lư", "Phường Hoa Lư", "ward", "NB", "Chủ tịch"),
    ("DN-TRANGAN", "Công ty TNHH Thương mại Tràng An Xanh", "Công ty Tràng An Xanh", "enterprise", "NB", "Giám đốc"),
    ("HOI-CTD", "Hội Chữ thập đỏ tỉnh Ninh Bình", "Hội Chữ thập đỏ", "association", "NB", "Chủ tịch"),
]

USERS = [  # username, full name, position, unit, [(role, scope unit)]
    ("admin", "Nguyễn Quản Trị", "Quản trị hệ thống", "SNV", [("admin", "NB")]),
    ("xa.chuyenvien", "Đinh Thị Thu Hà", "Công chức Văn phòng - Thống kê", "X-GIAVIEN", [("unit_clerk", "X-GIAVIEN")]),
    ("xa.chutich", "Phạm Văn Tùng", "Chủ tịch UBND xã", "X-GIAVIEN",
     [("unit_head", "X-GIAVIEN"), ("signer", "X-GIAVIEN")]),
    ("xa.vanphong", "Lã Thị Mai", "Chánh Văn phòng HĐND và UBND xã", "X-GIAVIEN",
     [("board_specialist", "X-GIAVIEN"), ("clerk", "X-GIAVIEN")]),
    ("syt.chuyenvien", "Trương Minh Đức", "Chuyên viên Văn phòng Sở", "SYT", [("unit_clerk", "SYT")]),
    ("syt.giamdoc", "Hoàng Thị Ngọc Ánh", "Giám đốc Sở Y tế", "SYT", [("unit_head", "SYT")]),
    ("tdkt.chuyenvien", "Vũ Thị Lan Anh", "Chuyên viên Phòng TĐKT", "SNV-TDKT", [("board_specialist", "NB")]),
    ("tdkt.truongphong", "Bùi Quang Huy", "Trưởng phòng Thi đua, khen thưởng", "SNV-TDKT",
     [("board_lead", "NB"), ("council_secretary", "NB")]),
    ("hd.thanhvien", "Đặng Văn Hòa", "Thành viên Hội đồng TĐKT tỉnh", "SNV", [("council_member", "NB")]),
    ("chutich", "Lê Thị Hồng Vân", "Phó Chủ tịch UBND tỉnh", "NB", [("signer", "NB")]),
    ("vanthu", "Ngô Thị Thanh Tâm", "Văn thư UBND tỉnh", "NB", [("clerk", "NB")]),
]


def demo_logins() -> list[tuple[str, str]]:
    from .models import ROLE_LABELS, Role

    return [(u, ", ".join(ROLE_LABELS[Role(r)] for r, _ in roles)) for u, _, _, _, roles in USERS]


def seed_demo(session: Session, *, today: date | None = None) -> bool:
    """Load the demo province; returns False when it is already there."""
    if session.scalar(sa.select(Unit.id).where(Unit.code == "NB")) is not None:
        return False
    today = today or utcnow().astimezone(VN).date()
    units = _units(session)
    authorities = _authorities(session, units)
    forms = _forms(session, authorities)
    _rule_sets(session, forms)
    _users(session, units)
    _link_signers(session, authorities)
    _movement(session, units, authorities, forms, today)
    audit.record(session, "demo.seeded", details={"today": today.isoformat()})
    session.flush()
    return True


def _units(session: Session) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for code, name, short, kind, parent, head in UNITS:
        u = Unit(code=code, name=name, short_name=short, kind=kind, parent=units.get(parent) if parent else None,
                 valid_from=date(2025, 7, 1), head_title=head, path="/")
        session.add(u)
        session.flush()
        u.path = f"{units[parent].path if parent else '/'}{u.id}/"
        units[code] = u
    return units


# Tỉnh Ninh Bình's regulation on thi đua, khen thưởng: cited by the province's and the communes' decisions.
PROVINCE_REGULATION = (
    "Căn cứ Quyết định số 25/2025/QĐ-UBND ngày 20 tháng 8 năm 2025 của Ủy ban nhân dân tỉnh ban hành "
    "Quy định về công tác thi đua, khen thưởng trên địa bàn tỉnh Ninh Bình;"
)


def _authorities(session: Session, units: dict[str, Unit]) -> dict[str, Authority]:
    tinh = Authority(
        code="CT-UBND-NB", name="Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình", unit=units["NB"],
        header_name="ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH", place_name="Ninh Bình", doc_symbol="QĐ-UBND",
        proposal_symbol="TTr-SNV", authority_title="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", head_title="CHỦ TỊCH",
        extra_legal_basis=PROVINCE_REGULATION,
        proposer_title="Giám đốc Sở Nội vụ",
        executors=("Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các Sở: Nội vụ, Tài chính; Thủ trưởng các cơ quan, "
                   "đơn vị liên quan"),
        copy_recipients="Như Điều 3;\nChủ tịch, các PCT UBND tỉnh;", archive_code="TĐKT",
        fund_source="Quỹ thi đua, khen thưởng tỉnh",
    )
    xa = Authority(
        code="CT-UBND-GIAVIEN", name="Chủ tịch Ủy ban nhân dân xã Gia Viễn", unit=units["X-GIAVIEN"],
        header_parent="TỈNH NINH BÌNH", header_name="ỦY BAN NHÂN DÂN\nXÃ GIA VIỄN", place_name="Gia Viễn",
        doc_symbol="QĐ-UBND", proposal_symbol="TTr-VP", authority_title="CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ GIA VIỄN",
        head_title="CHỦ TỊCH", proposer_title="Chánh Văn phòng HĐND và UBND xã", extra_legal_basis=PROVINCE_REGULATION,
        executors="Chánh Văn phòng HĐND và UBND xã, Trưởng các thôn", copy_recipients="Như Điều 3;",
        archive_code="VP", fund_source="Quỹ thi đua, khen thưởng xã",
    )
    session.add_all([tinh, xa])
    session.flush()
    session.add_all([
        Signer(authority=tinh, full_name="Trần Minh Khôi", position_title="CHỦ TỊCH", is_head=True, position_order=0),
        Signer(authority=tinh, full_name="Lê Thị Hồng Vân", position_title="PHÓ CHỦ TỊCH", position_order=1),
        Signer(authority=xa, full_name="Phạm Văn Tùng", position_title="CHỦ TỊCH", is_head=True, position_order=0),
    ])
    return {"tinh": tinh, "xa": xa}


# Signer (authority code, full name) -> the demo account that approves what that signer signs. The
# provincial chairman Trần Minh Khôi has no demo account: a decision he would sign waits until an
# administrator links him (Quản trị › Cơ quan có thẩm quyền), which the decision page says.
SIGNER_ACCOUNTS = {
    ("CT-UBND-NB", "Lê Thị Hồng Vân"): "chutich",
    ("CT-UBND-GIAVIEN", "Phạm Văn Tùng"): "xa.chutich",
}


def _link_signers(session: Session, authorities: dict[str, Authority]) -> None:
    for authority in authorities.values():
        for signer in authority.signers:
            username = SIGNER_ACCOUNTS.get((authority.code, signer.full_name))
            if username is not None:
                signer.user_id = session.scalar(sa.select(User.id).where(User.username == username))
    session.flush()


def _forms(session: Session, authorities: dict[str, Authority]) -> dict[str, AwardForm]:
    forms = {
        "BK-TINH": AwardForm(code="BK-TINH", name="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
                             certificate_title="BẰNG KHEN", authority=authorities["tinh"], workflow="bang_khen_tinh",
                             allow_household=True, rank=50),
        "GK-XA": AwardForm(code="GK-XA", name="Giấy khen của Chủ tịch Ủy ban nhân dân xã",
                           certificate_title="GIẤY KHEN", authority=authorities["xa"], workflow="giay_khen_xa",
                           allow_household=True, rank=20),
        "BK-TTG": AwardForm(code="BK-TTG", name="Bằng khen của Thủ tướng Chính phủ", certificate_title="BẰNG KHEN",
                            proposed_upward=True, upward_authority_name="Thủ tướng Chính phủ",
                            workflow="de_nghi_cap_tren", allow_household=True, rank=80),
        "HCLD-3": AwardForm(code="HCLD-3", name="Huân chương Lao động hạng Ba", certificate_title="HUÂN CHƯƠNG",
                            proposed_upward=True, upward_authority_name="Chủ tịch nước",
                            workflow="de_nghi_cap_tren", allow_household=False, rank=90),
    }
    session.add_all(forms.values())
    session.flush()
    return forms


def _rule_sets(session: Session, forms: dict[str, AwardForm]) -> None:
    for valid_from, valid_to, name, (base, base_src), basis, nc in ref.PERIODS:
        rs = RuleSet(name=name, valid_from=valid_from, valid_to=valid_to, base_salary=base,
                     base_salary_source=base_src, household_multiplier=ref.HOUSEHOLD[0],
                     household_source=ref.HOUSEHOLD[1], rounding_unit=ref.ROUNDING[0],
                     rounding_source=ref.ROUNDING[1], legal_basis="\n".join(basis), needs_check=nc)
        for code, kinds in ref.COEFFICIENTS_ND152.items():
            for kind, (coef, src) in kinds.items():
                rs.coefficients.append(RuleCoefficient(award_form=forms[code], recipient_kind=kind,
                                                       coefficient=Decimal(coef), source=src))
        session.add(rs)
    session.flush()


def _users(session: Session, units: dict[str, Unit]) -> None:
    pw = hash_password(DEMO_PASSWORD)
    for username, full_name, position, unit, roles in USERS:
        user = User(username=username, full_name=full_name, position=position, unit=units[unit], password_hash=pw,
                    email=f"{username}@ninhbinh.example.vn")
        for role, scope in roles:
            user.roles.append(RoleAssignment(role=role, scope_unit=units[scope]))
        session.add(user)
    session.flush()


def _movement(session: Session, units, authorities, forms, today: date) -> None:
    mv = Movement(
        name="Vì người nghèo - Không để ai bị bỏ lại phía sau", period_label="giai đoạn 2021 - 2025",
        start_year=2021, end_year=2025, plan_number="132/KH-UBND", plan_date=date(2022, 7, 14),
        authority=authorities["tinh"],
        description=("Kế hoạch số 132/KH-UBND ngày 14/7/2022 của UBND tỉnh Ninh Bình thực hiện Phong trào thi đua "
                     "“Vì người nghèo - Không để ai bị bỏ lại phía sau” giai đoạn 2021 - 2025 (theo Quyết định "
                     "số 666/QĐ-TTg ngày 02/6/2022 của Thủ tướng Chính phủ)."),
    )
    for i, (code, label, unit_label) in enumerate([
        ("money", "Số tiền ủng hộ Quỹ Vì người nghèo", "đồng"),
        ("houses", "Số nhà Đại đoàn kết xây mới, sửa chữa", "căn"),
        ("households_out", "Số hộ được giúp đỡ thoát nghèo", "hộ"),
    ]):
        mv.indicators.append(MovementIndicator(code=code, label=label, unit_label=unit_label, position=i))
    session.add(mv)
    opens = datetime.combine(today - timedelta(days=10), time(7, 30), VN)
    closes = datetime.combine(today + timedelta(days=20), time(17, 0), VN)
    rnd = Round(movement=mv, name="Tổng kết giai đoạn 2021 - 2025", kind="final", opens_dt=opens, closes_dt=closes,
                status=RoundStatus.open.value, reminder_days="7,3,1",
                criteria="Tập thể, cá nhân, hộ gia đình có thành tích tiêu biểu, xuất sắc trong thực hiện phong trào.")
    for code in ("BK-TINH", "GK-XA", "BK-TTG"):
        rnd.forms.append(RoundForm(award_form=forms[code]))
    for code in ("SYT", "X-GIAVIEN", "X-NHOQUAN", "P-HOALU", "DN-TRANGAN", "HOI-CTD"):
        rnd.quotas.append(RoundQuota(unit=units[code], award_form=forms["BK-TINH"], max_count=4))
        rnd.quotas.append(RoundQuota(unit=units[code], award_form=forms["BK-TTG"], max_count=1))
    session.add(rnd)
    session.flush()
