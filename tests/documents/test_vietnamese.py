"""Golden and property tests for the Vietnamese text helpers."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from awards.documents.vietnamese import (
    amount_in_words,
    canonical_name,
    canonical_tones,
    collapse_spaces,
    fold,
    format_date,
    format_doc_number,
    format_number,
    gender_title,
    name_sort_key,
    nfc,
    place_date_line,
)

GOLDEN_WORDS = {
    0: "Không đồng",
    1: "Một đồng",
    5: "Năm đồng",
    10: "Mười đồng",
    11: "Mười một đồng",
    14: "Mười bốn đồng",
    15: "Mười lăm đồng",
    20: "Hai mươi đồng",
    21: "Hai mươi mốt đồng",
    24: "Hai mươi tư đồng",
    25: "Hai mươi lăm đồng",
    55: "Năm mươi lăm đồng",
    100: "Một trăm đồng",
    101: "Một trăm linh một đồng",
    105: "Một trăm linh năm đồng",
    110: "Một trăm mười đồng",
    115: "Một trăm mười lăm đồng",
    1000: "Một nghìn đồng",
    1001: "Một nghìn không trăm linh một đồng",
    1005: "Một nghìn không trăm linh năm đồng",
    1010: "Một nghìn không trăm mười đồng",
    1100: "Một nghìn một trăm đồng",
    10_000: "Mười nghìn đồng",
    15_000: "Mười lăm nghìn đồng",
    100_000: "Một trăm nghìn đồng",
    1_000_005: "Một triệu không trăm linh năm đồng",
    3_050_000: "Ba triệu không trăm năm mươi nghìn đồng",
    3_800_000: "Ba triệu tám trăm nghìn đồng",
    5_700_000: "Năm triệu bảy trăm nghìn đồng",
    7_590_000: "Bảy triệu năm trăm chín mươi nghìn đồng",
    113_700_000: "Một trăm mười ba triệu bảy trăm nghìn đồng",
    100_650_000: "Một trăm triệu sáu trăm năm mươi nghìn đồng",
    1_000_000_000: "Một tỷ đồng",
    1_000_000_005: "Một tỷ không trăm linh năm đồng",
    2_021_000_000: "Hai tỷ không trăm hai mươi mốt triệu đồng",
    1_000_000_000_000: "Một nghìn tỷ đồng",
    -5: "Âm năm đồng",
}


@pytest.mark.parametrize(("n", "words"), sorted(GOLDEN_WORDS.items()))
def test_amount_in_words_golden(n, words):
    assert amount_in_words(n) == words


def test_amount_in_words_options():
    assert amount_in_words(1001, linh="lẻ") == "Một nghìn không trăm lẻ một đồng"
    assert amount_in_words(105, linh="lẻ", currency=None) == "Một trăm lẻ năm"
    assert amount_in_words(24, currency=None) == "Hai mươi tư"
    with pytest.raises(ValueError):
        amount_in_words(5, linh="lẽ")


# ---- an independent reader of the words, for round trips

_DIGIT = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
          "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}
VOCABULARY = set(_DIGIT) | {"mười", "mươi", "trăm", "nghìn", "triệu", "tỷ", "linh", "lẻ", "đồng", "âm"}


def _read_triple(words: list[str]) -> int:
    value = 0
    i = 0
    if len(words) >= 2 and words[1] == "trăm":
        value += 100 * _DIGIT[words[0]]
        i = 2
    rest = words[i:]
    if not rest:
        return value
    if rest[0] in ("linh", "lẻ"):
        assert len(rest) == 2
        return value + _DIGIT[rest[1]]
    if rest[0] == "mười":
        return value + 10 + (_DIGIT[rest[1]] if len(rest) > 1 else 0)
    if len(rest) >= 2 and rest[1] == "mươi":
        return value + 10 * _DIGIT[rest[0]] + (_DIGIT[rest[2]] if len(rest) > 2 else 0)
    assert len(rest) == 1, words
    return value + _DIGIT[rest[0]]


def read_words(text: str) -> int:
    words = text.lower().split(" ")
    if words[-1] == "đồng":
        words = words[:-1]
    sign = 1
    if words[0] == "âm":
        sign, words = -1, words[1:]
    return sign * _read(words)


def _read(words: list[str]) -> int:
    if "tỷ" in words:
        at = len(words) - 1 - words[::-1].index("tỷ")
        return _read(words[:at]) * 10**9 + (_read(words[at + 1 :]) if words[at + 1 :] else 0)
    total = 0
    current: list[str] = []
    for word in words:
        if word == "triệu":
            total += _read_triple(current) * 10**6
            current = []
        elif word == "nghìn":
            total += _read_triple(current) * 1000
            current = []
        else:
            current.append(word)
    if current:
        total += _read_triple(current)
    return total


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["linh", "lẻ"]))
@settings(max_examples=400, deadline=None)
def test_amount_in_words_properties(n, linh):
    text = amount_in_words(n, linh=linh)
    assert text == nfc(text)
    assert text[0].isupper() and text[1:] == text[1:].lower()
    assert "  " not in text and text == text.strip()
    assert "lẽ" not in text
    assert text.endswith(" đồng")
    words = text.lower().split(" ")
    assert set(words) <= VOCABULARY
    assert ("lẻ" if linh == "linh" else "linh") not in words
    assert read_words(text) == n


@given(st.integers(min_value=1, max_value=999))
@settings(deadline=None)
def test_amount_in_words_structure(n):
    small = amount_in_words(n, currency=None).lower()
    assert amount_in_words(n * 1000, currency=None).lower() == f"{small} nghìn"
    assert amount_in_words(n * 1_000_000, currency=None).lower() == f"{small} triệu"
    assert amount_in_words(n * 10**9, currency=None).lower() == f"{small} tỷ"
    # A non-leading group always reads its hundreds.
    assert amount_in_words(1000 + n, currency=None).lower().startswith("một nghìn ")
    tail = amount_in_words(1000 + n, currency=None).lower()[len("một nghìn ") :]
    assert "trăm" in tail.split(" ")


def test_format_number():
    assert format_number(3800000) == "3.800.000"
    assert format_number(0) == "0"
    assert format_number(999) == "999"
    assert format_number(1000) == "1.000"
    assert format_number(-1234567) == "-1.234.567"


@pytest.mark.parametrize("month", range(1, 13))
def test_format_date_months(month):
    expected_month = f"{month:02d}" if month in (1, 2) else str(month)
    assert format_date(date(2027, month, 14)) == f"ngày 14 tháng {expected_month} năm 2027"


@pytest.mark.parametrize("day", range(1, 10))
def test_format_date_small_days(day):
    assert format_date(date(2022, 7, day)) == f"ngày 0{day} tháng 7 năm 2022"


def test_format_date_examples():
    assert format_date(date(2027, 2, 5)) == "ngày 05 tháng 02 năm 2027"
    assert format_date(date(2022, 7, 14)) == "ngày 14 tháng 7 năm 2022"
    assert format_date(date(2027, 1, 10)) == "ngày 10 tháng 01 năm 2027"
    assert format_date(date(2027, 12, 31)) == "ngày 31 tháng 12 năm 2027"


def test_place_date_line():
    assert place_date_line("Ninh Bình", date(2027, 2, 5)) == "Ninh Bình, ngày 05 tháng 02 năm 2027"
    draft = place_date_line("Ninh Bình", None, 2027)
    assert draft.startswith("Ninh Bình, ngày ") and draft.endswith(" năm 2027")
    assert "ngày      tháng      năm 2027" in draft


def test_format_doc_number():
    assert format_doc_number(5, "QĐ-UBND") == "05/QĐ-UBND"
    assert format_doc_number(10, "QĐ-UBND") == "10/QĐ-UBND"
    assert format_doc_number(123, "QĐ-UBND") == "123/QĐ-UBND"
    assert format_doc_number(None, "QĐ-UBND") == "     /QĐ-UBND"
    with pytest.raises(ValueError):
        format_doc_number(0, "QĐ-UBND")


@pytest.mark.parametrize(
    ("raw", "new", "old"),
    [
        ("hòa", "Hoà", "Hòa"),
        ("Hoà", "Hoà", "Hòa"),
        ("thúy", "Thuý", "Thúy"),
        ("THỦY", "Thuỷ", "Thủy"),
        ("khỏe", "Khoẻ", "Khỏe"),
        ("quỳnh", "Quỳnh", "Quỳnh"),
        ("Qúy", "Quý", "Quý"),
        ("gìa", "Già", "Già"),
        ("giữ", "Giữ", "Giữ"),
        ("gìn", "Gìn", "Gìn"),
        ("hòang", "Hoàng", "Hoàng"),
        ("hoài", "Hoài", "Hoài"),
        ("nguyễn", "Nguyễn", "Nguyễn"),
        ("phựơng", "Phượng", "Phượng"),
        ("mừơi", "Mười", "Mười"),
        ("khuỷu", "Khuỷu", "Khuỷu"),
        ("tuấn", "Tuấn", "Tuấn"),
        ("múa", "Múa", "Múa"),
        ("của", "Của", "Của"),
        ("huỳnh", "Huỳnh", "Huỳnh"),
        ("xoáy", "Xoáy", "Xoáy"),
    ],
)
def test_canonical_name_tone_placement(raw, new, old):
    assert canonical_name(raw) == new
    assert canonical_name(raw, style="old") == old


def test_canonical_name_whole_names():
    assert canonical_name("  nguyễn   văn  hòa ") == "Nguyễn Văn Hoà"
    assert canonical_name("ĐẶNG THỊ THÚY") == "Đặng Thị Thuý"
    assert canonical_name(unicodedata.normalize("NFD", "Lê Thị Hòa")) == "Lê Thị Hoà"
    assert canonical_name("Lê Thị Hòa") == canonical_name("Lê Thị Hoà")
    assert canonical_name("Lê Thị Hòa", style="old") == "Lê Thị Hòa"
    assert canonical_tones("Ủy ban", style="old") == "Ủy ban"


_VI_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


@st.composite
def vietnamese_words(draw):
    letters = draw(st.text(alphabet=_VI_LETTERS, min_size=1, max_size=6))
    tone = draw(st.sampled_from(_TONES))
    position = draw(st.integers(min_value=0, max_value=len(letters) - 1))
    word = letters[: position + 1] + tone + letters[position + 1 :]
    word = unicodedata.normalize("NFC", word)
    return word.capitalize() if draw(st.booleans()) else word


names = st.lists(vietnamese_words(), min_size=1, max_size=4).map(" ".join)


@given(names, st.sampled_from(["new", "old"]))
@settings(deadline=None)
def test_canonical_name_idempotent(name, style):
    once = canonical_name(name, style=style)
    assert canonical_name(once, style=style) == once
    assert canonical_name(unicodedata.normalize("NFD", name), style=style) == once
    assert fold(once) == fold(name)
    # The two styles differ only in where the mark sits.
    assert canonical_name(canonical_name(name, style="old"), style="new") == canonical_name(name)


def test_fold():
    assert fold("Đặng Thị Ánh Nguyệt Ưng Phượng") == "dang thi anh nguyet ung phuong"
    assert fold("  ĐỖ   Văn  Ơn ") == "do van on"
    assert fold(unicodedata.normalize("NFD", "Hòa")) == "hoa"
    assert fold(None) == ""


def test_name_sort_key_vietnamese_order():
    expected = ["An", "Àn", "Ảnh", "Ánh", "Ạnh", "Ăn", "Ân", "Bình", "Dung", "Đức", "Hòa", "Zũng"]
    shuffled = list(reversed(expected))
    assert sorted(shuffled, key=name_sort_key) == expected
    assert sorted(expected) != expected  # plain code-point order would be wrong


def test_name_sort_key_given_name_first():
    people = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An", "Nguyễn Văn An", "Đỗ Đức"]
    assert sorted(people, key=name_sort_key) == [
        "Lê Văn An",
        "Nguyễn Thị An",
        "Nguyễn Văn An",
        "Trần Văn Bình",
        "Đỗ Đức",
    ]


def test_name_sort_key_normalisation_insensitive():
    assert name_sort_key("Nguyễn Văn An") == name_sort_key(unicodedata.normalize("NFD", "Nguyễn Văn An"))
    assert name_sort_key("  Nguyễn  Văn An ") == name_sort_key("Nguyễn Văn An")
    # Tone placement does not move a name in the order, only breaks the tie.
    assert name_sort_key("Hòa")[:2] == name_sort_key("Hoà")[:2]


@given(names, names, names)
@settings(deadline=None)
def test_name_sort_key_total_order(a, b, c):
    ka, kb, kc = name_sort_key(a), name_sort_key(b), name_sort_key(c)
    assert (ka < kb) + (ka == kb) + (ka > kb) == 1
    assert (ka == kb) == (collapse_spaces(a) == collapse_spaces(b))
    if ka <= kb and kb <= kc:
        assert ka <= kc
    assert name_sort_key(unicodedata.normalize("NFD", a)) == ka


def test_gender_title():
    assert gender_title("male") == "Ông"
    assert gender_title("female") == "Bà"
    assert gender_title("Nữ") == "Bà"
    assert gender_title("nam") == "Ông"
    with pytest.raises(ValueError):
        gender_title("unknown")
