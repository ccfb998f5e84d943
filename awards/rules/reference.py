"""Reference legal data, each value with its source (../shared/domain.md §3, §5). Loaded as dated
rule sets by ``seed-demo``; administrators add later periods in the admin pages, never in code."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

BASE_SALARY_2024 = (2_340_000, "Nghị định 73/2024/NĐ-CP, Điều 3 khoản 2 (từ 01/7/2024)")
BASE_SALARY_2026 = (2_530_000, "Nghị định 161/2026/NĐ-CP, Điều 3 khoản 2 (từ 01/7/2026)")
HOUSEHOLD = (Decimal("1.5"), "Nghị định 152/2025/NĐ-CP, Mục 2 Chương VII: hộ gia đình bằng 1,5 lần mức của cá nhân")
ROUNDING = (10_000, "Nghị định 152/2025/NĐ-CP, Điều 49: làm tròn lên hàng chục nghìn đồng")

# Coefficients × mức lương cơ sở, Nghị định 152/2025/NĐ-CP (award form code → kind → coefficient, source).
COEFFICIENTS_ND152: dict[str, dict[str, tuple[str, str]]] = {
    "BK-TTG": {"individual": ("3.5", "Nghị định 152/2025/NĐ-CP, Điều 54"),
               "collective": ("7.0", "Nghị định 152/2025/NĐ-CP, Điều 54")},
    "BK-TINH": {"individual": ("1.5", "Nghị định 152/2025/NĐ-CP, Điều 54"),
                "collective": ("3.0", "Nghị định 152/2025/NĐ-CP, Điều 54")},
    "GK-XA": {"individual": ("0.3", "Nghị định 152/2025/NĐ-CP, Điều 54"),
              "collective": ("0.6", "Nghị định 152/2025/NĐ-CP, Điều 54")},
    "HCLD-3": {"individual": ("4.5", "Nghị định 152/2025/NĐ-CP, Điều 51"),
               "collective": ("9.0", "Nghị định 152/2025/NĐ-CP, Điều 51")},
}

LAW_LOCAL_GOVT = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
LAW_TDKT = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
LAW_TDKT_2026 = "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng ngày 23 tháng 4 năm 2026;"
DECREE_152 = (
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp, "
    "phân quyền trong lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng dẫn thi hành một số điều "
    "của Luật Thi đua, khen thưởng;"
)

# (valid_from, valid_to, name, base salary, legal basis lines, unconfirmed facts)
PERIODS = [
    (date(2025, 7, 1), date(2026, 6, 30), "Nghị định 152/2025, lương cơ sở 2.340.000 đ",
     BASE_SALARY_2024, [LAW_LOCAL_GOVT, LAW_TDKT, DECREE_152],
     "Điều khoản cụ thể về hệ số 1,5 cho hộ gia đình trong Nghị định 152/2025 chưa được xác nhận."),
    (date(2026, 7, 1), date(2026, 9, 30), "Nghị định 152/2025, lương cơ sở 2.530.000 đ",
     BASE_SALARY_2026, [LAW_LOCAL_GOVT, LAW_TDKT, DECREE_152],
     "Điều khoản cụ thể về hệ số 1,5 cho hộ gia đình trong Nghị định 152/2025 chưa được xác nhận."),
    (date(2026, 10, 1), None, "Luật sửa đổi 2026 có hiệu lực, lương cơ sở 2.530.000 đ",
     BASE_SALARY_2026, [LAW_LOCAL_GOVT, LAW_TDKT, LAW_TDKT_2026, DECREE_152],
     "Số hiệu (06/2026/QH16) và ngày thông qua Luật sửa đổi 2026 chưa được xác nhận; Nghị định 152/2025 "
     "có thể hết hiệu lực từ 01/3/2027 khi có nghị định thay thế. Cần kiểm tra trên vbpl.vn."),
]
