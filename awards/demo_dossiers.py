"""Demo dossiers for the demo province (awards.demo): a lived-in round of the movement
“Vì người nghèo - Không để ai bị bỏ lại phía sau” 2021 - 2025.

``seed_demo_dossiers`` drives sixteen dossiers of Xã Gia Viễn and Sở Y tế through the three
workflows exactly as the demo users would: the unit's clerk prepares the dossier and uploads its
tờ trình and biên bản (real DOCX files rendered by the documents package), the unit head submits,
the board receives, appraises, returns or rejects, the standing members and the full council meet
(some votes counted, one session still open), the chairman approves and the clerk numbers and
issues. Every state change goes through the services (``transitions.fire``, ``services.dossiers``,
``review``, ``council``, ``decisions``), so history, audit rows and notifications are those of real
use; the round's quotas and the eligibility checks apply as they would to anyone.

Names of people are invented; achievements and figures follow the public plans and reports on the
movement (Ninh Bình's Kế hoạch 132/KH-UBND, Bắc Ninh's 416/KH-UBND, Ninh Thuận's results 2016 -
2020): Quỹ “Vì người nghèo”, nhà Đại đoàn kết, hộ thoát nghèo, thẻ bảo hiểm y tế, sinh kế.

Run it after ``seed_demo`` in its own transaction; the caller commits. Idempotent: returns False
when the demo round already has dossiers. ``tests/factories.load_demo`` does not call it."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from datetime import date, timedelta
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.engine import TransitionRejected

from .demo import VN
from .documents import vietnamese as vn
from .documents.data import MinutesData, VoteRow
from .documents.minutes import render_minutes
from .documents.text_pdf import text_pdf
from .models import (
    AgendaItem, Award, AwardForm, AwardStatus, Certificate, CouncilSession, Decision, DecisionState, Dossier,
    NomineeOutcome, Round, Signer, Unit, User, utcnow,
)
from .services import audit
from .services import council as council_svc
from .services import decisions as decision_svc
from .services import dossiers as dossier_svc
from .services import review as review_svc
from .services.transitions import fire
from .services.uploads import UploadRejected
from .workflow import get_workflows


class DemoDossierError(RuntimeError):
    """The demo dossiers could not be created; the message says why, in Vietnamese."""


# ------------------------------------------------------------------------------------ the people

UNIT_CLERK = {"X-GIAVIEN": "xa.chuyenvien", "SYT": "syt.chuyenvien"}
UNIT_HEAD = {"X-GIAVIEN": "xa.chutich", "SYT": "syt.giamdoc"}
# Who appraises, by award form: the province's board, or the commune's officer for its Giấy khen.
SPECIALIST = {"BK-TINH": "tdkt.chuyenvien", "BK-TTG": "tdkt.chuyenvien", "GK-XA": "xa.vanphong"}
BOARD_LEAD = "tdkt.truongphong"
SECRETARY = "tdkt.truongphong"
PROVINCE_SIGNER, PROVINCE_CLERK = "chutich", "vanthu"
COMMUNE_SIGNER, COMMUNE_CLERK = "xa.chutich", "xa.vanphong"

# The unit's own emulation council that met before each submission (its biên bản is uploaded).
UNIT_COUNCILS: dict[str, dict[str, Any]] = {
    "X-GIAVIEN": {
        "parent": ("ỦY BAN NHÂN DÂN XÃ GIA VIỄN",), "name": "Hội đồng Thi đua - Khen thưởng xã Gia Viễn",
        "place": "Gia Viễn", "meeting_place": "Hội trường Ủy ban nhân dân xã Gia Viễn",
        "chair": ("Phạm Văn Tùng", "Chủ tịch Ủy ban nhân dân xã, Chủ tịch Hội đồng"),
        "secretary": ("Lã Thị Mai", "Chánh Văn phòng HĐND và UBND xã, Thư ký Hội đồng"),
        "others": ["Nguyễn Thị Hằng", "Đinh Quang Huy", "Trần Văn Dũng", "Phạm Thị Liên", "Hoàng Văn Nam"],
        "absent": ["Hoàng Văn Nam"], "first_number": 8,
    },
    "SYT": {
        "parent": ("UBND TỈNH NINH BÌNH", "SỞ Y TẾ"), "name": "Hội đồng Thi đua - Khen thưởng Sở Y tế",
        "place": "Ninh Bình", "meeting_place": "Phòng họp tầng 3, Sở Y tế tỉnh Ninh Bình",
        "chair": ("Hoàng Thị Ngọc Ánh", "Giám đốc Sở Y tế, Chủ tịch Hội đồng"),
        "secretary": ("Trương Minh Đức", "Chuyên viên Văn phòng Sở, Thư ký Hội đồng"),
        "others": ["Vũ Đức Thắng", "Lê Thị Phương", "Ngô Minh Khoa", "Đỗ Thị Hạnh", "Nguyễn Văn Lợi",
                   "Tạ Thị Yến"],
        "absent": ["Tạ Thị Yến"], "first_number": 13,
    },
}

# Hội đồng Thi đua - Khen thưởng tỉnh: (full name, position, standing member). Members who are demo
# users are linked to their accounts by name, as the council page does.
PROVINCE_COUNCIL = [
    ("Trần Minh Khôi", "Chủ tịch UBND tỉnh, Chủ tịch Hội đồng", True),
    ("Lê Thị Hồng Vân", "Phó Chủ tịch UBND tỉnh, Phó Chủ tịch Hội đồng", True),
    ("Nguyễn Đức Thịnh", "Giám đốc Sở Nội vụ, Phó Chủ tịch Thường trực Hội đồng", True),
    ("Bùi Quang Huy", "Trưởng phòng Thi đua, khen thưởng - Sở Nội vụ, Ủy viên Thư ký", True),
    ("Đặng Văn Hòa", "Thành viên Hội đồng", False),
    ("Hoàng Thị Ngọc Ánh", "Giám đốc Sở Y tế, Ủy viên", False),
    ("Phạm Thị Thanh Hương", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh, Ủy viên", False),
    ("Vũ Văn Thắng", "Giám đốc Sở Tài chính, Ủy viên", False),
    ("Lương Thị Nga", "Chủ tịch Liên đoàn Lao động tỉnh, Ủy viên", False),
    ("Tạ Quang Minh", "Chánh Văn phòng UBND tỉnh, Ủy viên", False),
    ("Đoàn Văn Bắc", "Giám đốc Sở Nông nghiệp và Môi trường, Ủy viên", False),
]
COUNCIL_ABSENT = "Vũ Văn Thắng"
STANDING_ABSENT = "Trần Minh Khôi"

# ------------------------------------------------------------------------------------ the dossiers


@dataclass(frozen=True)
class NomineeSpec:
    kind: str
    name: str
    achievements: str
    fields: dict[str, Any] = field(default_factory=dict)
    indicators: dict[str, int] = field(default_factory=dict)
    awards: str = ""  # earlier awards, for the report's section III

    @property
    def title(self) -> str:
        if self.kind == "individual":
            return f"{vn.gender_title(self.fields['gender'])} {self.name}"
        if self.kind == "household":
            return f"Hộ {vn.gender_title(self.fields['gender']).lower()} {self.name}"
        return self.name


@dataclass(frozen=True)
class DossierSpec:
    key: str
    unit: str
    form: str
    title: str
    state: str  # where the scenario leaves it (checked at the end)
    nominees: tuple[NomineeSpec, ...]
    summary: str | None = None
    files: bool = True  # tờ trình and biên bản uploaded


def _collective(name: str, address: str, achievements: str, **indicators: int) -> NomineeSpec:
    return NomineeSpec("collective", name, achievements, {"address": address}, indicators)


def _person(name: str, gender: str, born: int, position: str, workplace: str, achievements: str, *,
            leader: bool = False, awards: str = "", **indicators: int) -> NomineeSpec:
    return NomineeSpec("individual", name, achievements,
                       {"gender": gender, "birth_year": born, "position_title": position, "workplace": workplace,
                        "ethnicity": "Kinh", "is_leader": leader}, indicators, awards)


def _household(head: str, gender: str, hamlet: str, contribution: str, value: int, achievements: str,
               **indicators: int) -> NomineeSpec:
    return NomineeSpec("household", head, achievements,
                       {"gender": gender, "hamlet": hamlet, "address": "Xã Gia Viễn, tỉnh Ninh Bình",
                        "contribution": contribution, "contribution_value": value}, indicators)


GV = "Xã Gia Viễn, tỉnh Ninh Bình"
BVDK = "Bệnh viện Đa khoa tỉnh Ninh Bình"

DOSSIERS: dict[str, DossierSpec] = {s.key: s for s in [
    # --- Bằng khen của Chủ tịch UBND tỉnh (bang_khen_tinh); quota 4 nominees per unit -------------
    DossierSpec("bk_giavien_rut", "X-GIAVIEN", "BK-TINH",
                "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh cho Chi hội Nông dân thôn Kênh Gà", "withdrawn", (
                    _collective("Chi hội Nông dân thôn Kênh Gà", f"Thôn Kênh Gà, {GV}",
                                "Xây dựng mô hình trồng rau an toàn có liên kết tiêu thụ cho 15 hộ cận nghèo; "
                                "vận động hội viên ủng hộ Quỹ “Vì người nghèo” 48 triệu đồng.", money=48_000_000),
                ), files=False),
    DossierSpec("bk_giavien_tongket", "X-GIAVIEN", "BK-TINH",
                "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh - tổng kết Phong trào “Vì người nghèo” "
                "giai đoạn 2021 - 2025", "issued", (
                    _collective("Ban Công tác Mặt trận thôn Vân Long", f"Thôn Vân Long, {GV}",
                                "Vận động Nhân dân ủng hộ Quỹ “Vì người nghèo” 4 năm liên tục vượt chỉ tiêu, tổng "
                                "cộng 386 triệu đồng; phối hợp xây mới 05 và sửa chữa 03 nhà Đại đoàn kết cho hộ "
                                "nghèo; giúp 12 hộ thoát nghèo bền vững, đến cuối năm 2025 thôn không còn hộ nghèo.",
                                money=386_000_000, houses=8, households_out=12),
                    _person("Nguyễn Thị Hằng", "female", 1972, "Chủ tịch Ủy ban MTTQ Việt Nam xã",
                            "Ủy ban MTTQ Việt Nam xã Gia Viễn",
                            "Tham mưu Ban vận động Quỹ “Vì người nghèo” xã vận động được 1,26 tỷ đồng giai đoạn "
                            "2021 - 2025; trực tiếp theo dõi, giúp đỡ 27 hộ nghèo có địa chỉ cụ thể, trong đó 21 hộ "
                            "đã thoát nghèo; đề xuất mô hình “Tổ liên kết nuôi bò sinh sản” cho hộ cận nghèo.",
                            leader=True, awards="Giấy khen của Chủ tịch UBND huyện Gia Viễn năm 2023.",
                            money=1_260_000_000, households_out=21),
                    _household("Đinh Văn Sáu", "male", "Thôn Tập Ninh",
                               "Hiến 120 m² đất và ngày công làm đường giao thông nội đồng; hỗ trợ 02 con bò giống "
                               "cho hộ nghèo trong thôn.", 85_000_000,
                               "Từ hộ nghèo năm 2021, gia đình vay vốn Ngân hàng Chính sách xã hội phát triển mô "
                               "hình nuôi dê và trồng lúa chất lượng cao, thoát nghèo năm 2023, nay là hộ khá; giúp "
                               "03 hộ trong thôn cùng vươn lên thoát nghèo.", households_out=3),
                )),
    DossierSpec("bk_giavien_bosung", "X-GIAVIEN", "BK-TINH",
                "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh cho cá nhân tiêu biểu thôn Hoàng Quyển", "returned", (
                    _person("Lã Văn Thành", "male", 1968, "Bí thư Chi bộ, Trưởng thôn Hoàng Quyển",
                            "Thôn Hoàng Quyển, xã Gia Viễn",
                            "Vận động các hộ khá giả trong thôn nhận đỡ đầu hộ nghèo; phối hợp Hội Nông dân xây "
                            "dựng mô hình trồng rau an toàn cho 15 hộ cận nghèo.", leader=True),
                )),
    DossierSpec("bk_syt_tuchoi", "SYT", "BK-TINH",
                "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh cho Trưởng khoa Khám bệnh", "rejected", (
                    _person("Phạm Quốc Việt", "male", 1979, "Trưởng khoa Khám bệnh", BVDK,
                            "Tổ chức khám, cấp thuốc miễn phí cho người nghèo tại các xã khó khăn của tỉnh.",
                            leader=True, awards="Bằng khen của Chủ tịch UBND tỉnh năm 2024."),
                )),
    DossierSpec("bk_syt_tongket", "SYT", "BK-TINH",
                "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh - ngành Y tế tổng kết Phong trào "
                "“Vì người nghèo”", "approved", (
                    _collective("Trung tâm Y tế khu vực Nho Quan", "Xã Nho Quan, tỉnh Ninh Bình",
                                "Khám, cấp thuốc miễn phí cho 4.850 lượt người nghèo, người cận nghèo và đồng bào "
                                "dân tộc Mường; phối hợp cấp 12.300 thẻ bảo hiểm y tế cho người thuộc hộ nghèo, cận "
                                "nghèo, mới thoát nghèo; cán bộ, viên chức ủng hộ Quỹ “Vì người nghèo” 212 triệu "
                                "đồng.", money=212_000_000),
                    _person("Hoàng Thị Thu Trang", "female", 1985, "Bác sĩ chuyên khoa I, Trưởng Trạm Y tế xã",
                            "Trung tâm Y tế khu vực Gia Viễn",
                            "Tổ chức 36 đợt khám sàng lọc lưu động tại các thôn khó khăn; vận động 100% người "
                            "thuộc hộ nghèo, cận nghèo trên địa bàn tham gia bảo hiểm y tế; trực tiếp giúp đỡ 02 "
                            "hộ nghèo có địa chỉ thoát nghèo.", households_out=2),
                )),
    DossierSpec("bk_syt_dieuduong", "SYT", "BK-TINH",
                "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh cho điều dưỡng tiêu biểu", "appraising", (
                    _person("Vũ Minh Tuấn", "male", 1983, "Điều dưỡng trưởng Khoa Nội tổng hợp", BVDK,
                            "Khởi xướng “Tủ cơm từ thiện” và quỹ hỗ trợ viện phí cho người bệnh nghèo; 5 năm vận "
                            "động được 640 triệu đồng, hỗ trợ hơn 9.000 suất ăn miễn phí.", money=640_000_000),
                )),
    DossierSpec("bk_syt_congdoan", "SYT", "BK-TINH",
                "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh cho Công đoàn cơ sở Sở Y tế", "submitted", (
                    _collective("Công đoàn cơ sở Sở Y tế", "Sở Y tế tỉnh Ninh Bình",
                                "Vận động đoàn viên ủng hộ Quỹ “Vì người nghèo” và Quỹ “Mái ấm công đoàn” 540 "
                                "triệu đồng; hỗ trợ xây mới 06 nhà cho đoàn viên, người lao động khó khăn về nhà ở.",
                                money=540_000_000, houses=6),
                )),
    # --- Bằng khen của Thủ tướng Chính phủ (de_nghi_cap_tren); quota 1 per unit ----------------------
    DossierSpec("ttg_giavien", "X-GIAVIEN", "BK-TTG",
                "Đề nghị tặng Bằng khen của Thủ tướng Chính phủ cho hộ gia đình tiêu biểu", "council", (
                    _household("Trương Thị Nụ", "female", "Thôn Đồng Chưa",
                               "Ủng hộ Quỹ “Vì người nghèo” xã 150 triệu đồng; xây tặng 02 nhà Đại đoàn kết cho hộ "
                               "nghèo.", 350_000_000,
                               "Phát triển trang trại tổng hợp, tạo việc làm thường xuyên cho 18 lao động thuộc hộ "
                               "nghèo, cận nghèo; ủng hộ Quỹ “Vì người nghèo” và xây tặng 02 nhà Đại đoàn kết, tổng "
                               "giá trị 350 triệu đồng.", money=350_000_000, houses=2),
                )),
    DossierSpec("ttg_syt", "SYT", "BK-TTG",
                "Đề nghị tặng Bằng khen của Thủ tướng Chính phủ cho cá nhân ngành Y tế", "council", (
                    _person("Trần Văn Khang", "male", 1966, "Phó Giám đốc", BVDK,
                            "Chủ trì Đề án đưa bác sĩ về hỗ trợ các trạm y tế xã khó khăn giai đoạn 2021 - 2025; "
                            "khám, điều trị miễn phí cho hơn 15.000 lượt người nghèo; vận động nhà hảo tâm tài trợ "
                            "3,2 tỷ đồng chi phí phẫu thuật cho người bệnh nghèo.", leader=True,
                            awards="Bằng khen của Chủ tịch UBND tỉnh năm 2020, năm 2023.", money=3_200_000_000),
                )),
    # --- Giấy khen của Chủ tịch UBND xã (giay_khen_xa): no quota -----------------------------------
    DossierSpec("gk_tieubieu", "X-GIAVIEN", "GK-XA",
                "Đề nghị tặng Giấy khen của Chủ tịch UBND xã cho các tập thể, cá nhân, hộ gia đình tiêu biểu",
                "issued", (
                    _collective("Chi hội Phụ nữ thôn Đông Đoài", f"Thôn Đông Đoài, {GV}",
                                "Duy trì mô hình “Tiết kiệm vì hội viên nghèo”, cho 26 lượt hội viên nghèo vay vốn "
                                "không lãi; giúp 07 hộ hội viên thoát nghèo.", households_out=7),
                    _person("Bùi Thị Loan", "female", 1976, "Trưởng Ban Công tác Mặt trận thôn Tập Ninh",
                            "Thôn Tập Ninh, xã Gia Viễn",
                            "Vận động 100% hộ gia đình trong thôn ủng hộ Quỹ “Vì người nghèo”; kết nối nhà hảo tâm "
                            "hỗ trợ 02 hộ nghèo sửa chữa nhà ở.", money=64_000_000, houses=2),
                    _person("Phạm Văn Hiếu", "male", 1994, "Bí thư Chi đoàn thôn Vân Long",
                            "Thôn Vân Long, xã Gia Viễn",
                            "Tổ chức 14 đợt thanh niên tình nguyện giúp ngày công sửa nhà, dựng chuồng trại cho hộ "
                            "nghèo."),
                    _household("Nguyễn Thị Lụa", "female", "Thôn Kênh Gà",
                               "Ủng hộ 30 triệu đồng xây nhà Đại đoàn kết; nhận kèm cặp 02 hộ nghèo trong thôn.",
                               30_000_000,
                               "Thoát nghèo năm 2022 nhờ mô hình nuôi vịt đẻ, nay giúp 02 hộ nghèo trong thôn học "
                               "nghề và vay vốn phát triển sản xuất.", households_out=2),
                )),
    DossierSpec("gk_kenhga", "X-GIAVIEN", "GK-XA",
                "Đề nghị tặng Giấy khen của Chủ tịch UBND xã cho Chi hội Nông dân thôn Kênh Gà", "chairman_review", (
                    _collective("Chi hội Nông dân thôn Kênh Gà", f"Thôn Kênh Gà, {GV}",
                                "Xây dựng mô hình trồng rau an toàn có liên kết tiêu thụ cho 15 hộ cận nghèo; "
                                "vận động hội viên ủng hộ Quỹ “Vì người nghèo” 48 triệu đồng.", money=48_000_000),
                    _person("Đinh Văn Khải", "male", 1981, "Chi hội trưởng Chi hội Nông dân thôn Kênh Gà",
                            "Thôn Kênh Gà, xã Gia Viễn",
                            "Trực tiếp hướng dẫn kỹ thuật trồng rau an toàn cho 15 hộ cận nghèo; 04 hộ đã thoát "
                            "cận nghèo năm 2025.", households_out=4),
                ), summary="Chuyển từ hồ sơ đề nghị Bằng khen của Chủ tịch UBND tỉnh theo kết luận của Hội đồng "
                           "Thi đua - Khen thưởng xã."),
    DossierSpec("gk_thoatngheo", "X-GIAVIEN", "GK-XA",
                "Đề nghị tặng Giấy khen của Chủ tịch UBND xã cho hộ gia đình thoát nghèo tiêu biểu", "appraising", (
                    _household("Hà Văn Bình", "male", "Thôn Hoàng Quyển",
                               "Tự nguyện đăng ký ra khỏi danh sách hộ nghèo; hướng dẫn 05 hộ nuôi ong lấy mật.",
                               5_000_000,
                               "Vay vốn tín dụng chính sách phát triển nghề nuôi ong, thoát nghèo năm 2024; chia sẻ "
                               "kinh nghiệm và cho 05 hộ nghèo mượn đàn ong giống.", households_out=1),
                    _household("Mai Thị Hoa", "female", "Thôn Đồng Chưa",
                               "Tạo việc làm cho 04 lao động nữ thuộc hộ cận nghèo tại cơ sở may gia công.",
                               12_000_000,
                               "Từ hộ nghèo có chồng bị tai nạn lao động, mở cơ sở may gia công, thoát nghèo năm "
                               "2023 và tạo việc làm cho 04 lao động nữ trong thôn.", households_out=1),
                )),
    DossierSpec("gk_htx", "X-GIAVIEN", "GK-XA",
                "Đề nghị tặng Giấy khen của Chủ tịch UBND xã cho Hợp tác xã Dịch vụ nông nghiệp Gia Viễn",
                "submitted", (
                    _collective("Hợp tác xã Dịch vụ nông nghiệp Gia Viễn", GV,
                                "Liên kết bao tiêu lúa chất lượng cao cho 120 hộ, trong đó 34 hộ nghèo, cận nghèo; "
                                "cung ứng giống, phân bón trả chậm cho hộ nghèo.", households_out=9),
                )),
    DossierSpec("gk_ytethon", "X-GIAVIEN", "GK-XA",
                "Đề nghị tặng Giấy khen của Chủ tịch UBND xã cho nhân viên y tế thôn Vân Long", "returned", (
                    _person("Trần Thị Hương", "female", 1988, "Nhân viên y tế thôn Vân Long",
                            "Thôn Vân Long, xã Gia Viễn",
                            "Vận động người thuộc hộ cận nghèo tham gia bảo hiểm y tế; theo dõi sức khỏe người cao "
                            "tuổi cô đơn."),
                )),
    DossierSpec("gk_dongchua", "X-GIAVIEN", "GK-XA",
                "Đề nghị tặng Giấy khen của Chủ tịch UBND xã cho Ban Công tác Mặt trận thôn Đồng Chưa", "draft", (
                    _collective("Ban Công tác Mặt trận thôn Đồng Chưa", f"Thôn Đồng Chưa, {GV}",
                                "Vận động xây mới 02 nhà Đại đoàn kết; 100% hộ gia đình tham gia ủng hộ Quỹ “Vì "
                                "người nghèo”.", houses=2),
                    _person("Lý Văn Quân", "male", 1970, "Trưởng thôn Đồng Chưa", "Thôn Đồng Chưa, xã Gia Viễn",
                            "Huy động ngày công, vật liệu xây 02 nhà Đại đoàn kết cho hộ nghèo neo đơn.", houses=2),
                )),
    DossierSpec("gk_chidoan", "X-GIAVIEN", "GK-XA",
                "Đề nghị tặng Giấy khen của Chủ tịch UBND xã cho Chi đoàn thôn Tập Ninh", "draft", (
                    _collective("Chi đoàn thôn Tập Ninh", f"Thôn Tập Ninh, {GV}",
                                "Tổ chức “Ngày chủ nhật xanh” và gian hàng 0 đồng cho hộ nghèo dịp Tết."),
                ), files=False),
]}

RETURN_REASONS = {
    "bk_giavien_bosung": (
        "Báo cáo thành tích chưa nêu số liệu cụ thể về số hộ nghèo được giúp đỡ thoát nghèo giai đoạn 2021 - 2025 "
        "và chưa có ý kiến của Ban Công tác Mặt trận thôn. Đề nghị đơn vị bổ sung, hoàn thiện báo cáo rồi trình lại."
    ),
    "gk_ytethon": (
        "Năm sinh và chức danh trong tóm tắt thành tích chưa khớp với biên bản họp của thôn; đề nghị kiểm tra, bổ "
        "sung bản xác nhận của Trưởng thôn."
    ),
}
WITHDRAW_REASON = ("Đơn vị rút hồ sơ để chuyển sang đề nghị Giấy khen của Chủ tịch UBND xã theo kết luận của "
                   "Hội đồng Thi đua - Khen thưởng xã.")
INELIGIBLE = {
    "Phạm Quốc Việt": ("Cùng thành tích khám, chữa bệnh miễn phí cho người nghèo đã được tặng Bằng khen của Chủ tịch "
                       "UBND tỉnh năm 2024 (mỗi thành tích chỉ được khen thưởng một lần)."),
    "Phạm Văn Hiếu": ("Chưa đủ thời gian tham gia phong trào tại địa phương (chuyển về thôn từ tháng 3/2025); đề nghị "
                      "xét ở đợt sau."),
}
REJECT_REASON = ("Không đủ điều kiện khen thưởng: thành tích đề nghị đã được tặng Bằng khen của Chủ tịch UBND tỉnh "
                 "năm 2024.")
OPINION = ("Hồ sơ đầy đủ thành phần theo quy định (tờ trình, biên bản họp Hội đồng Thi đua - Khen thưởng, báo cáo "
           "thành tích); các đối tượng đạt tiêu chuẩn theo Kế hoạch số 132/KH-UBND ngày 14/7/2022 của UBND tỉnh.")


# ------------------------------------------------------------------------------------ small files


def scan_pdf(lines: list[str]) -> bytes:
    """A one-page PDF standing for the signed scan of a decision."""
    return text_pdf(lines)


# ------------------------------------------------------------------------------------ the seeder


class _Seeder:
    def __init__(self, session: Session, rnd: Round, today: date):
        self.s = session
        self.rnd = rnd
        self.today = today
        self.users = {u.username: u for u in session.scalars(sa.select(User))}
        self.units = {u.code: u for u in session.scalars(sa.select(Unit))}
        self.forms = {f.code: f for f in session.scalars(sa.select(AwardForm))}
        self.indicators = {i.code: i.id for i in rnd.movement.indicators}
        self.dossiers: dict[str, Dossier] = {}
        # Numbers of the units' own documents (tờ trình, biên bản), counted from the next free one.
        self.proposal_numbers = {"X-GIAVIEN": 41, "SYT": 118}
        self.minutes_numbers = {code: c["first_number"] - 1 for code, c in UNIT_COUNCILS.items()}
        missing = ({*UNIT_CLERK.values(), *UNIT_HEAD.values(), *SPECIALIST.values(), BOARD_LEAD, PROVINCE_SIGNER,
                    PROVINCE_CLERK, COMMUNE_SIGNER, COMMUNE_CLERK} - self.users.keys())
        if missing:
            raise DemoDossierError("Thiếu tài khoản mẫu: " + ", ".join(sorted(missing))
                                   + ". Dữ liệu mẫu đã bị sửa; hãy tạo lại cơ sở dữ liệu.")

    def u(self, username: str) -> User:
        return self.users[username]

    # -- the unit ----------------------------------------------------------------------------------

    def prepare(self, key: str) -> Dossier:
        """The unit's clerk creates the dossier, adds its nominees and uploads its files."""
        spec = DOSSIERS[key]
        clerk = self.u(UNIT_CLERK[spec.unit])
        form = self.forms[spec.form]
        d = dossier_svc.create_dossier(self.s, rnd=self.rnd, award_form=form, unit=self.units[spec.unit],
                                       title=spec.title, summary=spec.summary, actor=clerk)
        for n in spec.nominees:
            data = {"kind": n.kind, "name": n.name, "award_form_id": form.id, "achievements": n.achievements,
                    **n.fields}
            dossier_svc.add_nominee(self.s, d, data, actor=clerk, expected_version=d.version,
                                    report=self.report(spec, n),
                                    indicators={self.indicators[c]: v for c, v in n.indicators.items()})
        if spec.files:
            minutes = self.unit_minutes(spec)
            dossier_svc.add_attachment(self.s, d, kind="minutes", filename=f"bien-ban-hdtdkt-{spec.key}.docx",
                                       data=minutes, actor=clerk, expected_version=d.version)
            dossier_svc.add_attachment(self.s, d, kind="proposal", filename=f"to-trinh-{spec.key}.docx",
                                       data=self.unit_proposal(d), actor=clerk, expected_version=d.version)
        self.dossiers[key] = d
        return d

    def report(self, spec: DossierSpec, n: NomineeSpec) -> dict[str, str]:
        unit = self.units[spec.unit]
        f = n.fields
        if n.kind == "individual":
            background = (f"{n.title}, sinh năm {f['birth_year']}, dân tộc Kinh; {f['position_title']}, "
                          f"{f['workplace']}.")
            duties = (f"Thực hiện chức trách {f['position_title']}; tham gia vận động, giúp đỡ hộ nghèo theo "
                      "Phong trào thi đua.")
        elif n.kind == "household":
            background = f"{n.title}, {f['hamlet']}, {f['address']}."
            duties = f"Đóng góp cho cộng đồng: {f['contribution']}"
        else:
            background = f"{n.name}, {f['address']}."
            duties = f"Tổ chức trực thuộc {unit.name}, tham gia thực hiện Phong trào thi đua tại địa bàn."
        return {
            "background": background,
            "duties": duties,
            "achievements": n.achievements,
            "awards": n.awards or "Chưa được khen thưởng về thành tích này.",
        }

    def unit_minutes(self, spec: DossierSpec) -> bytes:
        c = UNIT_COUNCILS[spec.unit]
        members = [c["chair"][0], c["secretary"][0], *c["others"]]
        present = [m for m in members if m not in c["absent"]]
        day = self.today - timedelta(days=5)
        self.minutes_numbers[spec.unit] += 1
        votes = [VoteRow(n.title, self.forms[spec.form].name, len(present), 0) for n in spec.nominees]
        data = MinutesData(
            members=len(members), present_names=present, absent_names=c["absent"], votes=votes,
            authority_lines=("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",), authority_parent=c["parent"],
            council_name=c["name"], place=c["place"], number=self.minutes_numbers[spec.unit], date=day,
            title_line=f"Họp {c['name']} xét đề nghị khen thưởng",
            meeting_time=f"14 giờ 00, {vn.format_date(day)}", meeting_place=c["meeting_place"],
            chair=", ".join(c["chair"]), secretary=", ".join(c["secretary"]),
            paragraphs=[f"Thư ký Hội đồng báo cáo tóm tắt thành tích của các tập thể, cá nhân, hộ gia đình đề nghị "
                        f"tặng {self.forms[spec.form].name} trong thực hiện Phong trào thi đua "
                        f"{self.rnd.movement.title}.",
                        "Các thành viên Hội đồng thảo luận, cho ý kiến và biểu quyết đối với từng trường hợp."],
            conclusion=f"Hội đồng thống nhất đề nghị tặng {self.forms[spec.form].name} cho các trường hợp nêu trên.",
            closing="Cuộc họp kết thúc lúc 16 giờ 00 cùng ngày. Biên bản đã được thông qua trước các thành viên "
                    "dự họp.",
            chair_name=c["chair"][0], secretary_name=c["secretary"][0],
        )
        return render_minutes(data)

    def unit_proposal(self, d: Dossier) -> bytes:
        from .dossiers.proposal import proposal_data
        from .documents.proposal import render_proposal

        data = proposal_data(self.s, d)
        self.proposal_numbers[d.unit.code] += 1
        data.number = self.proposal_numbers[d.unit.code]
        data.date = self.today - timedelta(days=4)
        return render_proposal(data)

    def fire(self, key: str, transition: str, username: str, comment: str | None = None) -> None:
        d = self.dossiers[key]
        fire(self.s, d, transition, actor=self.u(username), comment=comment, expected_version=d.version)

    def submit(self, key: str) -> None:
        self.fire(key, "submit", UNIT_HEAD[DOSSIERS[key].unit])

    # -- the board ---------------------------------------------------------------------------------

    def receive(self, key: str) -> None:
        self.fire(key, "receive", SPECIALIST[DOSSIERS[key].form])

    def appraise(self, key: str, only: int | None = None, complete: bool = True) -> None:
        """Record each nominee's outcome (eligible unless INELIGIBLE names a reason), the opinion,
        and complete the appraisal."""
        d = self.dossiers[key]
        specialist = self.u(SPECIALIST[DOSSIERS[key].form])
        for n in d.nominees[:only]:
            reason = INELIGIBLE.get(n.name)
            review_svc.set_outcome(self.s, n, actor=specialist, expected_version=n.version,
                                   outcome=NomineeOutcome.ineligible.value if reason else NomineeOutcome.eligible.value,
                                   reason=reason)
        if complete:
            review_svc.save_opinion(self.s, d, actor=specialist, opinion=OPINION, expected_version=d.version)
            self.fire(key, "complete_appraisal", specialist.username)

    # -- councils ----------------------------------------------------------------------------------

    def members(self, *, standing_only: bool) -> list[council_svc.MemberSpec]:
        by_name = {u.full_name: u.id for u in self.users.values()}
        return [council_svc.MemberSpec(full_name=name, position_title=pos, is_standing=standing,
                                       user_id=by_name.get(name))
                for name, pos, standing in PROVINCE_COUNCIL if standing or not standing_only]

    def standing_session(self, keys: list[str]) -> CouncilSession:
        secretary = self.u(SECRETARY)
        cs = council_svc.create_session(
            self.s, actor=secretary, kind="standing", unit=self.units["NB"],
            title="Phiên họp Thường trực Hội đồng xét Bằng khen của Chủ tịch UBND tỉnh - tổng kết Phong trào "
                  "“Vì người nghèo” giai đoạn 2021 - 2025",
            meeting_date=self.today - timedelta(days=1), members=self.members(standing_only=True),
            dossiers=[self.dossiers[k] for k in keys], location="Phòng họp số 2, Sở Nội vụ")
        council_svc.set_attendance(self.s, cs, actor=secretary, expected_version=cs.version,
                                   present_ids={m.id for m in cs.members if m.full_name != STANDING_ABSENT})
        for item in cs.items:
            council_svc.record_standing(self.s, cs, item, actor=secretary, agreed=True, expected_version=cs.version)
        council_svc.close_session(self.s, cs, actor=secretary, expected_version=cs.version,
                                  conclusion="Thường trực Hội đồng thống nhất đề nghị Chủ tịch UBND tỉnh tặng Bằng "
                                             "khen cho các trường hợp trên.")
        return cs

    def council_session(self, keys: list[str]) -> CouncilSession:
        """The full council meets on the upward proposals: attendance, the absent member's written
        opinion, and the counted ballot of the first nominee; the session stays open."""
        secretary = self.u(SECRETARY)
        cs = council_svc.create_session(
            self.s, actor=secretary, kind="council", unit=self.units["NB"],
            title="Phiên họp Hội đồng Thi đua - Khen thưởng tỉnh xét đề nghị Bằng khen của Thủ tướng Chính phủ",
            meeting_date=self.today, members=self.members(standing_only=False),
            dossiers=[self.dossiers[k] for k in keys], location="Hội trường Ủy ban nhân dân tỉnh",
            agenda_notes="Bỏ phiếu kín đối với từng trường hợp; thành viên vắng mặt gửi ý kiến bằng văn bản.")
        council_svc.set_attendance(self.s, cs, actor=secretary, expected_version=cs.version,
                                   present_ids={m.id for m in cs.members if m.full_name != COUNCIL_ABSENT})
        absent = next(m for m in cs.members if m.full_name == COUNCIL_ABSENT)
        council_svc.add_written_opinion(
            self.s, cs, actor=secretary, member=absent, agrees=True, expected_version=cs.version,
            content="Nhất trí đề nghị Thủ tướng Chính phủ tặng Bằng khen cho các trường hợp trong chương trình họp.")
        first: AgendaItem = cs.items[0]
        present = cs.present_count
        council_svc.record_tally(self.s, cs, first, actor=secretary, yes=present - 1, no=1, abstain=0,
                                 expected_version=cs.version)
        return cs

    # -- decisions ---------------------------------------------------------------------------------

    def decision(self, form_code: str, keys: list[str], *, preparer: str, submitter: str, signer: str | None,
                 clerk: str | None, signer_name: str, proposal: str | None = None) -> Decision:
        """Prepare a decision from the dossiers; then, as far as the users given: submit, approve,
        number and issue it."""
        form = self.forms[form_code]
        signer_row = self.s.scalar(sa.select(Signer).where(Signer.authority_id == form.authority_id,
                                                           Signer.full_name == signer_name))
        dec = decision_svc.prepare_decision(
            self.s, actor=self.u(preparer), form=form, dossiers=[self.dossiers[k] for k in keys],
            decision_date=self.today, signer=signer_row, proposal_number=proposal,
            proposal_date=self.today - timedelta(days=1) if proposal else None)
        decision_svc.submit_decision(self.s, dec, actor=self.u(submitter), expected_version=dec.version)
        if signer is None:
            return dec
        decision_svc.approve_decision(self.s, dec, actor=self.u(signer), expected_version=dec.version)
        if clerk is None:
            return dec
        decision_svc.allocate_number(self.s, dec, actor=self.u(clerk), decision_date=self.today,
                                     expected_version=dec.version)
        authority = dec.authority
        scan = scan_pdf([authority.header_name.replace("\n", " "),
                         f"QUYẾT ĐỊNH số {dec.number_label} ngày {self.today:%d/%m/%Y}",
                         dec.title, f"{len(dec.awards)} người nhận, tổng tiền thưởng {dec.total_amount:,} đồng",
                         "Bản chụp quyết định đã ký (dữ liệu mẫu)"])
        decision_svc.issue_decision(self.s, dec, actor=self.u(clerk), expected_version=dec.version,
                                    scan_filename=f"qd-{dec.number:02d}-{dec.year}.pdf", scan_data=scan)
        return dec

    # -- the scenario ------------------------------------------------------------------------------

    def run(self) -> None:
        for key, step in self.scenario():
            try:
                step()
            except (TransitionRejected, dossier_svc.InvalidInput, dossier_svc.NotEditable, UploadRejected,
                    review_svc.AppraisalError, council_svc.CouncilError, decision_svc.DecisionError) as exc:
                raise DemoDossierError(f"Không tạo được hồ sơ mẫu «{DOSSIERS[key].title}»: {exc}") from exc
        wrong = [f"«{s.title}»: {self.dossiers[k].state} (cần {s.state})"
                 for k, s in DOSSIERS.items() if self.dossiers[k].state != s.state]
        if wrong:
            raise DemoDossierError("Hồ sơ mẫu không ở bước dự kiến: " + "; ".join(wrong))

    def scenario(self) -> list[tuple[str, Callable[[], Any]]]:
        """(dossier key, step) in order. Withdrawn and rejected dossiers leave the quota first, so
        that each unit stays within its 4 Bằng khen tỉnh and 1 Bằng khen Thủ tướng nominees."""
        steps: list[tuple[str, Callable[[], Any]]] = []

        def add(key: str, fn: Callable[..., Any], *args: Any, **kw: Any) -> None:
            steps.append((key, partial(fn, *args, **kw)))

        def to_board(key: str) -> None:
            add(key, self.prepare, key)
            add(key, self.submit, key)
            add(key, self.receive, key)

        add("bk_giavien_rut", self.prepare, "bk_giavien_rut")
        add("bk_giavien_rut", self.fire, "bk_giavien_rut", "withdraw", UNIT_HEAD["X-GIAVIEN"], WITHDRAW_REASON)
        to_board("bk_syt_tuchoi")
        add("bk_syt_tuchoi", self.appraise, "bk_syt_tuchoi", complete=False)
        add("bk_syt_tuchoi", self.fire, "bk_syt_tuchoi", "reject", BOARD_LEAD, REJECT_REASON)
        for key in ("bk_giavien_tongket", "bk_syt_tongket"):
            to_board(key)
            add(key, self.appraise, key)
            add(key, self.fire, key, "forward", BOARD_LEAD)
        add("bk_giavien_tongket", self.standing_session, ["bk_giavien_tongket", "bk_syt_tongket"])
        add("bk_giavien_tongket", self.decision, "BK-TINH", ["bk_giavien_tongket"], preparer=SPECIALIST["BK-TINH"],
            submitter=BOARD_LEAD, signer=PROVINCE_SIGNER, clerk=PROVINCE_CLERK, signer_name="Lê Thị Hồng Vân",
            proposal="286/TTr-SNV")
        add("bk_syt_tongket", self.decision, "BK-TINH", ["bk_syt_tongket"], preparer=SPECIALIST["BK-TINH"],
            submitter=BOARD_LEAD, signer=PROVINCE_SIGNER, clerk=None, signer_name="Lê Thị Hồng Vân",
            proposal="291/TTr-SNV")
        to_board("bk_giavien_bosung")
        add("bk_giavien_bosung", self.fire, "bk_giavien_bosung", "return_to_unit", SPECIALIST["BK-TINH"],
            RETURN_REASONS["bk_giavien_bosung"])
        to_board("bk_syt_dieuduong")
        add("bk_syt_congdoan", self.prepare, "bk_syt_congdoan")
        add("bk_syt_congdoan", self.submit, "bk_syt_congdoan")
        for key in ("ttg_giavien", "ttg_syt"):
            to_board(key)
            add(key, self.appraise, key)
            add(key, self.fire, key, "forward", BOARD_LEAD)
        add("ttg_giavien", self.council_session, ["ttg_giavien", "ttg_syt"])
        for key in ("gk_tieubieu", "gk_kenhga"):
            to_board(key)
            add(key, self.appraise, key)
        add("gk_tieubieu", self.decision, "GK-XA", ["gk_tieubieu"], preparer=COMMUNE_CLERK, submitter=COMMUNE_CLERK,
            signer=COMMUNE_SIGNER, clerk=COMMUNE_CLERK, signer_name="Phạm Văn Tùng")
        add("gk_kenhga", self.decision, "GK-XA", ["gk_kenhga"], preparer=COMMUNE_CLERK, submitter=COMMUNE_CLERK,
            signer=None, clerk=None, signer_name="Phạm Văn Tùng")
        to_board("gk_thoatngheo")
        add("gk_thoatngheo", self.appraise, "gk_thoatngheo", only=1, complete=False)
        add("gk_htx", self.prepare, "gk_htx")
        add("gk_htx", self.submit, "gk_htx")
        add("gk_ytethon", self.prepare, "gk_ytethon")
        add("gk_ytethon", self.submit, "gk_ytethon")
        add("gk_ytethon", self.fire, "gk_ytethon", "return_to_unit", SPECIALIST["GK-XA"], RETURN_REASONS["gk_ytethon"])
        add("gk_dongchua", self.prepare, "gk_dongchua")
        add("gk_chidoan", self.prepare, "gk_chidoan")
        return steps


def demo_round(session: Session) -> Round | None:
    """The demo movement's open round (the first round seed_demo created)."""
    return session.scalar(sa.select(Round).where(Round.name == "Tổng kết giai đoạn 2021 - 2025")
                          .order_by(Round.id).limit(1))


def seed_demo_dossiers(session: Session, *, today: date | None = None) -> bool:
    """Create the demo dossiers through the services; returns False when the demo round already
    has dossiers. Raises DemoDossierError (nothing is left half-made once the caller rolls back)."""
    if session.scalar(sa.select(Unit.id).where(Unit.code == "NB")) is None:
        raise DemoDossierError("Chưa có dữ liệu mẫu tỉnh Ninh Bình: chạy `flask --app wsgi seed-demo` trước.")
    rnd = demo_round(session)
    if rnd is None:
        raise DemoDossierError("Không tìm thấy đợt khen thưởng mẫu «Tổng kết giai đoạn 2021 - 2025».")
    if session.scalar(sa.select(Dossier.id).where(Dossier.round_id == rnd.id).limit(1)) is not None:
        return False
    now = utcnow()
    if rnd.status != "open" or not (rnd.opens_dt <= now < rnd.closes_dt):
        raise DemoDossierError(
            f"Đợt «{rnd.name}» không còn nhận hồ sơ (hạn {rnd.closes_dt.astimezone(VN):%d/%m/%Y}); hồ sơ mẫu chỉ "
            "tạo được khi đợt đang mở. Hãy tạo lại cơ sở dữ liệu mẫu.")
    today = today or now.astimezone(VN).date()
    seeder = _Seeder(session, rnd, today)
    seeder.run()
    audit.record(session, "demo.dossiers_seeded", details={"today": today.isoformat(), "dossiers": len(DOSSIERS)})
    session.flush()
    return True


# ------------------------------------------------------------------------------------ the summary


@dataclass
class DemoSummary:
    total: int
    # (workflow label, [(state label, count)]) in the definitions' order
    by_workflow: list[tuple[str, list[tuple[str, int]]]]
    # one active certificate a visitor can verify: (code, recipient, award form name, decision number)
    sample: tuple[str, str, str, str] | None


def demo_summary(session: Session) -> DemoSummary:
    rnd = demo_round(session)
    counts: dict[tuple[str, str], int] = {}
    if rnd is not None:
        counts = {(w, s): n for w, s, n in session.execute(
            sa.select(Dossier.workflow, Dossier.state, sa.func.count()).where(Dossier.round_id == rnd.id)
            .group_by(Dossier.workflow, Dossier.state))}
    by_workflow = []
    for wf in get_workflows().values():
        rows = [(st.label, counts[(wf.name, st.name)]) for st in wf.states.values() if (wf.name, st.name) in counts]
        if rows:
            by_workflow.append((wf.label, rows))
    row = session.execute(
        sa.select(Certificate.verification_code, Award.name, Decision)
        .join(Certificate.award).join(Award.decision)
        .where(Decision.state == DecisionState.issued.value, Award.status == AwardStatus.active.value)
        .order_by(Decision.id, Award.position).limit(1)
    ).first()
    sample = None
    if row is not None:
        code, name, dec = row
        sample = (code, name, dec.award_form.name, dec.number_label)
    return DemoSummary(total=sum(counts.values()), by_workflow=by_workflow, sample=sample)


__all__ = ["DemoDossierError", "DemoSummary", "DOSSIERS", "demo_round", "demo_summary", "seed_demo_dossiers",
           "scan_pdf"]
