"""Plain input data for the document builders (no database, no Flask).

The application turns its ORM objects into these dataclasses (pre-formatted, plain
values), so nothing lazy is touched while a document renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Literal, Sequence

from .vietnamese import gender_title

RecipientKind = Literal["collective", "individual", "household"]
SortMode = Literal["approved", "given_name"]

KIND_LABELS: dict[str, tuple[str, str]] = {
    # kind: (group heading in caps, phrase in Điều 1 / money line)
    "collective": ("TẬP THỂ", "tập thể"),
    "individual": ("CÁ NHÂN", "cá nhân"),
    "household": ("HỘ GIA ĐÌNH", "hộ gia đình"),
}
KIND_ORDER: tuple[str, ...] = ("collective", "individual", "household")


@dataclass
class Collective:
    """A collective (tập thể): its name and address or parent unit."""

    name: str
    address: str = ""


@dataclass
class Individual:
    """An individual (cá nhân): name, gender ('male'/'female'), position, workplace."""

    name: str
    gender: str
    position: str = ""
    workplace: str = ""

    @property
    def title(self) -> str:
        return gender_title(self.gender)


@dataclass
class Household:
    """A household (hộ gia đình), named after its head."""

    head_name: str
    gender: str
    address: str = ""

    @property
    def title(self) -> str:
        return gender_title(self.gender)


@dataclass
class Signer:
    """Signature block: authority lines (bold caps) over the signer's name.

    ``Signer(["CHỦ TỊCH"], "Phạm Quang Ngọc")`` for the head;
    ``Signer.deputy("CHỦ TỊCH", "PHÓ CHỦ TỊCH", name)`` gives KT. CHỦ TỊCH / PHÓ CHỦ TỊCH.
    """

    lines: Sequence[str]
    name: str

    @classmethod
    def head(cls, title: str, name: str) -> "Signer":
        return cls([title.upper()], name)

    @classmethod
    def deputy(cls, head_title: str, deputy_title: str, name: str) -> "Signer":
        return cls([f"KT. {head_title.upper()}", deputy_title.upper()], name)

    @classmethod
    def on_behalf(cls, collective: str, title: str, name: str) -> "Signer":
        return cls([f"TM. {collective.upper()}", title.upper()], name)


@dataclass
class Recipients:
    """The three kinds of recipients, in approved order."""

    collectives: list[Collective] = field(default_factory=list)
    individuals: list[Individual] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return len(self.of_kind(kind))

    def of_kind(self, kind: str) -> list:
        return {"collective": self.collectives, "individual": self.individuals, "household": self.households}[kind]

    @property
    def total(self) -> int:
        return len(self.collectives) + len(self.individuals) + len(self.households)


DEFAULT_LEGAL_BASIS = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân "
    "cấp, phân quyền trong lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng dẫn thi hành "
    "một số điều của Luật Thi đua, khen thưởng",
]


@dataclass
class DecisionData:
    """Everything a Quyết định tặng Bằng khen/Giấy khen and its annex need.

    ``number``/``date`` None renders a draft (blanks). Amounts are per recipient, in
    đồng. ``sort_mode="given_name"`` sorts individuals and households by given name
    (Vietnamese collation); collectives keep the approved order.
    """

    recipients: Recipients
    amount_collective: int = 0
    amount_individual: int = 0
    amount_household: int = 0
    authority_lines: Sequence[str] = ("ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH")
    authority_parent: Sequence[str] = ()
    place: str = "Ninh Bình"
    symbol: str = "QĐ-UBND"
    number: int | None = None
    date: date | None = None
    year: int | None = None
    award_name: str = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    title_line: str | None = None
    issuer_title: str = "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"
    issuer_short: str = "Chủ tịch Ủy ban nhân dân tỉnh"
    legal_basis: Sequence[str] = tuple(DEFAULT_LEGAL_BASIS)
    proposal_line: str = ""
    achievement: str = "đã có thành tích xuất sắc trong phong trào thi đua"
    fund_source: str = "Quỹ thi đua, khen thưởng tỉnh"
    executors: str = (
        "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các Sở: Nội vụ, Tài chính; Thủ trưởng các "
        "cơ quan, đơn vị liên quan và các tập thể, cá nhân, hộ gia đình có tên tại Điều 1"
    )
    copy_to: Sequence[str] = ("Như Điều 3", "Chủ tịch, các Phó Chủ tịch UBND tỉnh")
    archive_line: str = "Lưu: VT, TĐKT."
    signer: Signer = field(default_factory=lambda: Signer.head("CHỦ TỊCH", ""))
    sort_mode: SortMode = "approved"
    annex_title: str = "DANH SÁCH"
    annex_subtitle: str | None = None
    doc_type_name: str = "Quyết định"

    @property
    def effective_year(self) -> int | None:
        return self.date.year if self.date else self.year

    @property
    def amounts(self) -> dict[str, int]:
        return {
            "collective": int(self.amount_collective),
            "individual": int(self.amount_individual),
            "household": int(self.amount_household),
        }

    @property
    def total_amount(self) -> int:
        return sum(self.recipients.count(k) * a for k, a in self.amounts.items())


@dataclass
class ProposalData:
    """A tờ trình đề nghị khen thưởng with its list of nominees.

    ``variant`` "unit" is a unit's proposal to the board/authority; "board" is the
    standing body's (Sở Nội vụ) proposal to the authority after appraisal; "upward" is
    the province's proposal to a higher level (Thủ tướng Chính phủ; for a Huân chương,
    Thủ tướng Chính phủ who proposes it to Chủ tịch nước): ``addressee`` is the one the
    tờ trình is sent to and ``decider`` the one who decides, when they differ. Empty
    ``paragraphs`` are filled with the standard wording for the variant.
    """

    recipients: Recipients
    variant: Literal["unit", "board", "upward"] = "board"
    authority_lines: Sequence[str] = ("SỞ NỘI VỤ",)
    authority_parent: Sequence[str] = ("UBND TỈNH NINH BÌNH",)
    place: str = "Ninh Bình"
    symbol: str = "TTr-SNV"
    number: int | None = None
    date: date | None = None
    year: int | None = None
    award_name: str = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    title_line: str | None = None
    addressee: str = "Chủ tịch Ủy ban nhân dân tỉnh Ninh Bình"
    proposer: str = "Sở Nội vụ"
    decider: str = "Chủ tịch Ủy ban nhân dân tỉnh"
    basis: Sequence[str] = ()
    achievement: str = "đã có thành tích xuất sắc trong phong trào thi đua"
    appraisal: str = ""
    paragraphs: Sequence[str] = ()
    copy_to: Sequence[str] = ("Như trên",)
    archive_line: str = "Lưu: VT, TĐKT."
    signer: Signer = field(default_factory=lambda: Signer.head("GIÁM ĐỐC", ""))
    sort_mode: SortMode = "approved"
    annex_title: str = "DANH SÁCH"
    annex_subtitle: str | None = None

    @property
    def effective_year(self) -> int | None:
        return self.date.year if self.date else self.year


@dataclass
class VoteRow:
    """One nominee's result in a council vote."""

    name: str
    form: str
    agree: int
    disagree: int = 0


@dataclass
class MinutesData:
    """Biên bản họp Hội đồng Thi đua - Khen thưởng.

    Quorum: ``present`` / ``members`` must reach ``quorum`` (a fraction, e.g. 2/3).
    A nominee passes when agree / base ≥ ``threshold``, base = ``members`` when
    ``threshold_over == "members"``, else ``present``.
    """

    members: int
    present_names: Sequence[str]
    absent_names: Sequence[str] = ()
    votes: Sequence[VoteRow] = ()
    quorum: Fraction = Fraction(2, 3)
    threshold: Fraction = Fraction(1, 2)
    threshold_over: Literal["members", "present"] = "members"
    strictly_greater: bool = True
    authority_lines: Sequence[str] = ("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",)
    authority_parent: Sequence[str] = ("UBND TỈNH NINH BÌNH",)
    council_name: str = "Hội đồng Thi đua - Khen thưởng tỉnh"
    place: str = "Ninh Bình"
    symbol: str = "BB-HĐTĐKT"
    number: int | None = None
    date: date | None = None
    year: int | None = None
    title_line: str = "Họp Hội đồng Thi đua - Khen thưởng tỉnh xét đề nghị khen thưởng"
    meeting_time: str = ""
    meeting_place: str = ""
    chair: str = ""
    secretary: str = ""
    paragraphs: Sequence[str] = ()
    conclusion: str = ""
    closing: str = ""
    chair_title: str = "CHỦ TRÌ"
    chair_name: str = ""
    secretary_title: str = "THƯ KÝ"
    secretary_name: str = ""

    @property
    def present(self) -> int:
        return len(self.present_names)

    @property
    def effective_year(self) -> int | None:
        return self.date.year if self.date else self.year

    def has_quorum(self) -> bool:
        return self.members > 0 and Fraction(self.present, self.members) >= self.quorum

    def passes(self, vote: VoteRow) -> bool:
        base = self.members if self.threshold_over == "members" else self.present
        if base <= 0:
            return False
        ratio = Fraction(vote.agree, base)
        return ratio > self.threshold if self.strictly_greater else ratio >= self.threshold


@dataclass
class CertificateItem:
    """One Bằng khen/Giấy khen page."""

    serial: str
    verification_code: str
    verify_url: str
    recipient: str
    recipient_detail: str = ""
    achievement: str = ""
    issuer: str = "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"
    form_title: str = "BẰNG KHEN"
    decision_line: str = ""
    place_date: str = ""
    signer_title: Sequence[str] = ("CHỦ TỊCH",)
    signer_name: str = ""
