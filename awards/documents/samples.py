"""Synthetic but realistic sample data (invented people, Ninh Bình communes).

Used by the benchmarks, the tests and the template validator's trial render. All
names are generated; any resemblance to real persons is accidental.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from fractions import Fraction

from .data import (
    DEFAULT_LEGAL_BASIS,
    CertificateItem,
    Collective,
    DecisionData,
    Household,
    Individual,
    MinutesData,
    ProposalData,
    Recipients,
    Signer,
    VoteRow,
)
from .vietnamese import format_date, format_doc_number, format_short_date, gender_title, place_date_line

__all__ = [
    "sample_recipients",
    "sample_decision_data",
    "sample_proposal_data",
    "sample_minutes_data",
    "sample_certificates",
    "ACHIEVEMENT",
]

ACHIEVEMENT = (
    "đã có thành tích xuất sắc trong thực hiện Phong trào thi đua “Vì người nghèo - Không để "
    "ai bị bỏ lại phía sau” giai đoạn 2021 - 2025"
)

COMMUNES = [
    "phường Hoa Lư", "phường Tam Điệp", "phường Yên Sơn", "phường Trung Sơn", "phường Phủ Lý",
    "phường Duy Tiên", "phường Nam Định", "phường Thiên Trường", "xã Gia Viễn", "xã Đại Hoàng",
    "xã Gia Hưng", "xã Gia Phong", "xã Nho Quan", "xã Phú Long", "xã Yên Khánh", "xã Khánh Nhạc",
    "xã Kim Sơn", "xã Phát Diệm", "xã Bình Minh", "xã Yên Mô", "xã Yên Từ", "xã Lý Nhân",
    "xã Bình Lục", "xã Thanh Liêm", "xã Hải Hậu", "xã Giao Thủy", "xã Nghĩa Hưng", "xã Ý Yên",
    "xã Xuân Trường", "xã Trực Ninh", "xã Vụ Bản", "xã Cúc Phương",
]
VILLAGES = [
    "thôn Đông Hạ", "thôn Yên Thịnh", "thôn Phúc Lộc", "thôn Bảo Thái", "thôn Tân Thành",
    "thôn Hòa Bình", "thôn Văn Hà", "thôn Thượng", "thôn Trung Hậu", "tổ dân phố Đồng Tâm",
    "tổ dân phố Bắc Sơn", "xóm 3", "xóm 7", "thôn Quang Hiển", "thôn Kênh Gà",
]
COLLECTIVE_PATTERNS = [
    "Ủy ban nhân dân {c}", "Hội Liên hiệp Phụ nữ {c}", "Hội Nông dân {c}",
    "Ủy ban Mặt trận Tổ quốc Việt Nam {c}", "Đoàn Thanh niên Cộng sản Hồ Chí Minh {c}",
    "Hội Cựu chiến binh {c}", "Trạm Y tế {c}", "Trường Tiểu học {c}", "Ban Công tác Mặt trận {v}, {c}",
]
SURNAMES = ["Nguyễn"] * 8 + ["Trần"] * 3 + ["Lê"] * 3 + ["Phạm"] * 3 + [
    "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Tạ", "Lương",
]
MIDDLE = {
    "male": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Ngọc", "Thanh", "Đình", "Trọng"],
    "female": ["Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Bích", "Hồng", "Kim", "Phương", "Ánh"],
}
GIVEN = {
    "male": ["An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Khánh", "Long", "Minh", "Nam",
             "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Hòa", "Quý", "Toàn", "Ẩn", "Ánh"],
    "female": ["Anh", "Ánh", "Chi", "Dung", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Nga",
               "Nhung", "Phượng", "Thảo", "Thủy", "Trang", "Yến", "Ngọc", "Huyền", "Quỳnh", "Ân"],
}
POSITIONS = [
    "Trưởng {v}", "Bí thư Chi bộ {v}", "Chủ tịch Hội Nông dân", "Chủ tịch Hội Liên hiệp Phụ nữ",
    "Công chức Văn hóa - Xã hội", "Phó Chủ tịch Ủy ban nhân dân", "Giáo viên Trường Tiểu học",
    "Trạm trưởng Trạm Y tế", "Chi hội trưởng Chi hội Cựu chiến binh {v}", "Hộ kinh doanh",
    "Giám đốc Hợp tác xã nông nghiệp {v}",
]

DEFAULT_YEAR = 2027


def _person(rnd: random.Random) -> tuple[str, str]:
    gender = rnd.choice(["male", "female"])
    name = f"{rnd.choice(SURNAMES)} {rnd.choice(MIDDLE[gender])} {rnd.choice(GIVEN[gender])}"
    return name, gender


def sample_recipients(collectives: int, individuals: int, households: int, *, seed: int = 2027) -> Recipients:
    rnd = random.Random(seed)
    r = Recipients()
    for _ in range(collectives):
        commune, village = rnd.choice(COMMUNES), rnd.choice(VILLAGES)
        name = rnd.choice(COLLECTIVE_PATTERNS).format(c=commune, v=village)
        r.collectives.append(Collective(name[0].upper() + name[1:], f"{commune}, tỉnh Ninh Bình"))
    for _ in range(individuals):
        name, gender = _person(rnd)
        commune, village = rnd.choice(COMMUNES), rnd.choice(VILLAGES)
        position = rnd.choice(POSITIONS).format(v=village)
        r.individuals.append(Individual(name, gender, position, commune))
    for _ in range(households):
        name, gender = _person(rnd)
        commune, village = rnd.choice(COMMUNES), rnd.choice(VILLAGES)
        r.households.append(Household(name, gender, f"{village}, {commune}"))
    return r


def sample_decision_data(
    collectives: int,
    individuals: int,
    households: int,
    date: date | None = None,
    *,
    number: int | None = None,
    deputy: bool = True,
    seed: int = 2027,
) -> DecisionData:
    """A Bằng khen của Chủ tịch UBND tỉnh decision with synthetic recipients.

    ``date`` None gives a draft (no number, blank day and month, year 2027).
    """
    year = date.year if date else DEFAULT_YEAR
    proposal_date = (date - timedelta(days=8)) if date else None
    proposal_when = format_date(proposal_date) if proposal_date else f"năm {year}"
    signer = (
        Signer.deputy("CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Quang Huy")
        if deputy
        else Signer.head("CHỦ TỊCH", "Lê Minh Khánh")
    )
    return DecisionData(
        recipients=sample_recipients(collectives, individuals, households, seed=seed),
        amount_collective=7_590_000,
        amount_individual=3_800_000,
        amount_household=5_700_000,
        number=number if number is not None else (5 if date else None),
        date=date,
        year=year,
        legal_basis=list(DEFAULT_LEGAL_BASIS)
        + [
            "Căn cứ Quyết định số 25/2025/QĐ-UBND ngày 20 tháng 8 năm 2025 của Ủy ban nhân dân tỉnh "
            "ban hành Quy định về công tác thi đua, khen thưởng trên địa bàn tỉnh Ninh Bình"
        ],
        proposal_line=(
            f"Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 12/TTr-SNV {proposal_when}"
        ),
        achievement=ACHIEVEMENT,
        fund_source=f"Quỹ thi đua, khen thưởng tỉnh năm {year}",
        copy_to=[
            "Như Điều 3",
            "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
            "Sở Nội vụ (Phòng Thi đua, khen thưởng)",
            "Cổng thông tin điện tử tỉnh",
        ],
        archive_line="Lưu: VT, TĐKT.",
        signer=signer,
    )


def sample_proposal_data(
    variant: str = "board",
    collectives: int = 2,
    individuals: int = 5,
    households: int = 1,
    date: date | None = None,
    *,
    seed: int = 2027,
) -> ProposalData:
    year = date.year if date else DEFAULT_YEAR
    recipients = sample_recipients(collectives, individuals, households, seed=seed)
    if variant == "unit":
        return ProposalData(
            recipients=recipients,
            variant="unit",
            authority_lines=("ỦY BAN NHÂN DÂN", "XÃ GIA VIỄN"),
            authority_parent=(),
            place="Gia Viễn",
            symbol="TTr-UBND",
            number=7 if date else None,
            date=date,
            year=year,
            addressee="Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình (qua Sở Nội vụ)",
            proposer="Ủy ban nhân dân xã Gia Viễn",
            basis=[
                "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
                "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ",
                "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng xã ngày 10 tháng 01 năm 2027",
            ],
            achievement=ACHIEVEMENT,
            copy_to=["Như trên", "Sở Nội vụ (Phòng Thi đua, khen thưởng)"],
            archive_line="Lưu: VT, VHXH.",
            signer=Signer.on_behalf("Ủy ban nhân dân", "CHỦ TỊCH", "Đinh Văn Toàn"),
        )
    if variant == "upward":
        return ProposalData(
            recipients=recipients,
            variant="upward",
            authority_lines=("ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH"),
            authority_parent=(),
            symbol="TTr-UBND",
            number=21 if date else None,
            date=date,
            year=year,
            award_name="Bằng khen của Thủ tướng Chính phủ",
            addressee="Thủ tướng Chính phủ",
            proposer="Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình",
            decider="Thủ tướng Chính phủ",
            basis=[
                "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
                "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về "
                "phân cấp, phân quyền trong lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng dẫn "
                "thi hành một số điều của Luật Thi đua, khen thưởng",
                "Xét đề nghị của Giám đốc Sở Nội vụ",
            ],
            achievement=ACHIEVEMENT,
            copy_to=["Như trên", "Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)", "Sở Nội vụ"],
            archive_line="Lưu: VT, TĐKT.",
            signer=Signer.deputy("CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Hồng Vân"),
        )
    return ProposalData(
        recipients=recipients,
        variant="board",
        number=12 if date else None,
        date=date,
        year=year,
        basis=[
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
            "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về "
            "phân cấp, phân quyền trong lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng dẫn "
            "thi hành một số điều của Luật Thi đua, khen thưởng",
        ],
        achievement=ACHIEVEMENT,
        copy_to=["Như trên", "Chủ tịch, các Phó Chủ tịch UBND tỉnh"],
        archive_line="Lưu: VT, TĐKT.",
        signer=Signer.deputy("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Phạm Thu Hương"),
    )


def sample_minutes_data(nominees: int = 6, date: date | None = None, *, seed: int = 2027) -> MinutesData:
    rnd = random.Random(seed)
    people = [_person(rnd) for _ in range(15)]
    members = [name for name, _ in people]
    present, absent = members[:13], members[13:]
    chair_title, secretary_title = (gender_title(g) for _, g in people[:2])
    recipients = sample_recipients(2, max(0, nominees - 3), 1, seed=seed)
    votes = [VoteRow(c.name, "Bằng khen của Chủ tịch UBND tỉnh", 12, 1) for c in recipients.collectives]
    votes += [
        VoteRow(f"{p.title} {p.name}", "Bằng khen của Chủ tịch UBND tỉnh", rnd.randint(6, 13), 0)
        for p in recipients.individuals
    ]
    votes += [
        VoteRow(f"Hộ {h.title.lower()} {h.head_name}", "Bằng khen của Chủ tịch UBND tỉnh", 11, 2)
        for h in recipients.households
    ]
    year = date.year if date else DEFAULT_YEAR
    return MinutesData(
        members=15,
        present_names=present,
        absent_names=absent,
        votes=votes[:nominees],
        quorum=Fraction(2, 3),
        threshold=Fraction(1, 2),
        number=3 if date else None,
        date=date,
        year=year,
        meeting_time=f"14 giờ 00, {format_date(date)}" if date else f"14 giờ 00, ngày      tháng      năm {year}",
        meeting_place="Phòng họp số 2, Ủy ban nhân dân tỉnh Ninh Bình",
        chair=f"{chair_title} {members[0]}, Phó Chủ tịch Ủy ban nhân dân tỉnh, Phó Chủ tịch Thường trực Hội đồng",
        secretary=f"{secretary_title} {members[1]}, Trưởng phòng Thi đua, khen thưởng, Sở Nội vụ",
        paragraphs=[
            "Thư ký Hội đồng báo cáo kết quả thẩm định hồ sơ đề nghị tặng Bằng khen của Chủ tịch Ủy ban "
            "nhân dân tỉnh cho các tập thể, cá nhân, hộ gia đình có thành tích xuất sắc trong thực hiện "
            "Phong trào thi đua “Vì người nghèo - Không để ai bị bỏ lại phía sau” giai đoạn 2021 - 2025.",
            "Các thành viên Hội đồng thảo luận, cho ý kiến và biểu quyết bằng phiếu kín đối với từng "
            "trường hợp.",
        ],
        conclusion="Hội đồng thống nhất đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Bằng khen cho các "
        "trường hợp có kết quả “Đạt” nêu trên.",
        closing="Cuộc họp kết thúc lúc 16 giờ 30 cùng ngày. Biên bản đã được thông qua trước các "
        "thành viên dự họp.",
        chair_title="CHỦ TRÌ",
        chair_name=members[0],
        secretary_title="THƯ KÝ",
        secretary_name=members[1],
    )


_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def sample_certificates(
    count: int,
    *,
    base_url: str = "https://thiduakhenthuong.ninhbinh.gov.vn/xac-minh/",
    decision_date: date = date(2027, 2, 5),
    seed: int = 2027,
) -> list[CertificateItem]:
    """``count`` certificates of one decision, each with its own serial and code."""
    rnd = random.Random(seed)
    recipients = sample_recipients(max(1, count // 10), count - max(1, count // 10), 0, seed=seed)
    items: list[CertificateItem] = []
    decision_line = (
        f"Quyết định số {format_doc_number(5, 'QĐ-UBND')} ngày {format_short_date(decision_date)}"
    )
    place_date = place_date_line("Ninh Bình", decision_date)
    people = [(c.name, c.address) for c in recipients.collectives] + [
        (f"{p.title} {p.name}", ", ".join(x for x in (p.position, p.workplace) if x))
        for p in recipients.individuals
    ]
    for i, (name, detail) in enumerate(people[:count], 1):
        code = "".join(rnd.choice(_CODE_ALPHABET) for _ in range(10))
        code = f"{code[:4]}-{code[4:8]}-{code[8:]}"
        items.append(
            CertificateItem(
                serial=f"BK-{decision_date.year}-{i:06d}",
                verification_code=code,
                verify_url=f"{base_url}{code}",
                recipient=name,
                recipient_detail=detail,
                achievement="Đã có thành tích xuất sắc trong thực hiện Phong trào thi đua “Vì người "
                "nghèo - Không để ai bị bỏ lại phía sau” giai đoạn 2021 - 2025.",
                decision_line=decision_line,
                place_date=place_date,
                signer_title=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
                signer_name="Trần Quang Huy",
            )
        )
    return items


SAMPLE_DATE = date(2027, 2, 5)


def sample_render(name: str, template_bytes: bytes) -> bytes:
    """Render sample data through ``template_bytes`` as template kind ``name``."""
    if name == "decision":
        from .decision import render_decision

        return render_decision(sample_decision_data(2, 3, 2, SAMPLE_DATE), template_bytes=template_bytes)
    if name == "proposal":
        from .proposal import render_proposal

        return render_proposal(sample_proposal_data("board", date=SAMPLE_DATE), template_bytes=template_bytes)
    if name == "minutes":
        from .minutes import render_minutes

        return render_minutes(sample_minutes_data(4, SAMPLE_DATE), template_bytes=template_bytes)
    if name in ("certificate", "certificate_overlay"):
        from .certificates import render_certificates

        mode = "overlay" if name == "certificate_overlay" else "full"
        return render_certificates(sample_certificates(2), mode=mode, template_bytes=template_bytes)
    raise ValueError(f"unknown template kind: {name}")
