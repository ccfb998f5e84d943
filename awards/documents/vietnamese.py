"""Vietnamese text helpers for official documents.

Pure functions (no Flask, no SQLAlchemy): numbers and money in words, dates and
document numbers per Nghị định 30/2020/NĐ-CP, name normalisation (NFC, tone
placement), ASCII folding for search keys and the Vietnamese collation key.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import Any

__all__ = [
    "format_number",
    "amount_in_words",
    "format_date",
    "place_date_line",
    "format_doc_number",
    "zero_pad",
    "nfc",
    "collapse_spaces",
    "canonical_tones",
    "canonical_name",
    "fold",
    "name_sort_key",
    "gender_title",
    "DRAFT_BLANK",
]

#: Blank left for the day, month and number in a draft (filled in by hand or at issue).
DRAFT_BLANK = "    "

_SPACES = re.compile(r"\s+")

# --------------------------------------------------------------------------- numbers


def format_number(n: int) -> str:
    """Format an integer with '.' as the thousands separator: 3800000 -> '3.800.000'."""
    n = int(n)
    text = f"{abs(n):,}".replace(",", ".")
    return f"-{text}" if n < 0 else text


def zero_pad(n: int) -> str:
    """Counts as the decree writes them: below 10 with a leading zero ('05'), else as is."""
    return f"{n:02d}" if 0 <= n < 10 else str(n)


_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _triple(n: int, *, full: bool, linh: str) -> list[str]:
    """Words for 0 < n < 1000. ``full`` reads the hundreds even when 0 ('không trăm')."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(linh)
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])
    else:
        words += [_DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 4:
            words.append("tư")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    return words


def _below_billion(n: int, *, leading: bool, linh: str) -> list[str]:
    words: list[str] = []
    first = leading
    for value, unit in ((n // 1_000_000, "triệu"), (n // 1000 % 1000, "nghìn"), (n % 1000, "")):
        if value == 0:
            continue
        words += _triple(value, full=not first, linh=linh)
        if unit:
            words.append(unit)
        first = False
    return words


def _number_words(n: int, *, leading: bool, linh: str) -> list[str]:
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        words = _number_words(high, leading=leading, linh=linh) + ["tỷ"]
        if low:
            words += _below_billion(low, leading=False, linh=linh)
        return words
    return _below_billion(n, leading=leading, linh=linh)


def amount_in_words(n: int, *, linh: str = "linh", currency: str | None = "đồng") -> str:
    """Read an integer in formal Vietnamese, first letter capitalised.

    1001 -> 'Một nghìn không trăm linh một đồng'; 3050000 -> 'Ba triệu không trăm
    năm mươi nghìn đồng'. ``linh`` may be 'lẻ'; ``currency=None`` drops the unit.
    """
    n = int(n)
    if linh not in ("linh", "lẻ"):
        raise ValueError("linh must be 'linh' or 'lẻ'")
    if n == 0:
        words = ["không"]
    elif n < 0:
        words = ["âm"] + _number_words(-n, leading=True, linh=linh)
    else:
        words = _number_words(n, leading=True, linh=linh)
    if currency:
        words.append(currency)
    text = " ".join(words)
    return text[0].upper() + text[1:]


# --------------------------------------------------------------------------- dates, numbers


def _day(d: int) -> str:
    return f"{d:02d}"


def _month(m: int) -> str:
    return f"{m:02d}" if m in (1, 2) else str(m)


def format_date(d: date) -> str:
    """'ngày 05 tháng 02 năm 2027' per NĐ 30/2020: days below 10, months 1 and 2 padded."""
    return f"ngày {_day(d.day)} tháng {_month(d.month)} năm {d.year}"


def format_short_date(d: date) -> str:
    """'05/02/2027' (dd/mm/yyyy), for tables and certificates."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def draft_date(year: int | None) -> str:
    """The date phrase of a draft: 'ngày      tháng      năm 2027'."""
    year_text = str(year) if year else DRAFT_BLANK
    return f"ngày {DRAFT_BLANK} tháng {DRAFT_BLANK} năm {year_text}"


def place_date_line(place: str, d: date | None, year: int | None = None) -> str:
    """'Ninh Bình, ngày 05 tháng 02 năm 2027'; with ``d`` None, blanks for a draft."""
    if d is not None:
        return f"{place}, {format_date(d)}"
    return f"{place}, {draft_date(year)}"


def format_doc_number(number: int | None, symbol: str) -> str:
    """'05/QĐ-UBND' (numbers below 10 get a leading zero); None -> '     /QĐ-UBND'."""
    if number is None:
        return f"{DRAFT_BLANK} /{symbol}"
    number = int(number)
    if number <= 0:
        raise ValueError("document numbers start at 1")
    return f"{zero_pad(number)}/{symbol}"


# --------------------------------------------------------------------------- names

#: Combining tone marks: huyền, hỏi, ngã, sắc, nặng (and the deprecated tone variants).
_TONE_MARKS = {
    "\u0300": 1,  # huyền
    "\u0309": 2,  # hỏi
    "\u0303": 3,  # ngã
    "\u0301": 4,  # sắc
    "\u0323": 5,  # nặng
}
_VOWELS = set("aăâeêioôơuưy")
_MODIFIED = set("ăâêôơư")


def nfc(s: str | None) -> str:
    """NFC-normalise (None -> '')."""
    return unicodedata.normalize("NFC", s or "")


def collapse_spaces(s: str | None) -> str:
    """NFC, every run of whitespace to one space, stripped."""
    return _SPACES.sub(" ", nfc(s)).strip()


def _tone_position(base: str, style: str) -> int | None:
    """Index in the lowercase, toneless syllable ``base`` that carries the tone mark."""
    start = 0
    while start < len(base) and base[start] not in _VOWELS:
        start += 1
    if start == len(base):
        return None
    # 'qu' and 'gi' + vowel: the u / i belongs to the initial consonant.
    if start + 1 < len(base) and base[start + 1] in _VOWELS:
        if base[start] == "u" and start > 0 and base[start - 1] == "q":
            start += 1
        elif base[start] == "i" and start > 0 and base[start - 1] == "g" and start == 1:
            start += 1
    end = start
    while end < len(base) and base[end] in _VOWELS:
        end += 1
    cluster = list(range(start, end))
    has_final = end < len(base)
    if len(cluster) > 3:
        return None
    modified = [i for i in cluster if base[i] in _MODIFIED]
    if modified:
        return modified[-1]
    if len(cluster) == 1:
        return cluster[0]
    if has_final:
        return cluster[-1]
    if len(cluster) == 3:
        return cluster[1]
    pair = base[cluster[0]] + base[cluster[1]]
    if pair in ("oa", "oe", "uy"):
        return cluster[1] if style == "new" else cluster[0]
    return cluster[0]


def _retone_word(word: str, style: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONE_MARKS]
    if len(tones) != 1:
        return unicodedata.normalize("NFC", word)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    pos = _tone_position(base.lower(), style)
    if pos is None:
        return unicodedata.normalize("NFC", word)
    return unicodedata.normalize("NFC", base[: pos + 1] + tones[0] + base[pos + 1 :])


def canonical_tones(text: str, *, style: str = "new") -> str:
    """Move each word's tone mark to its canonical vowel, keeping the letters' case.

    ``style="new"`` (kiểu mới) puts the mark of an open oa/oe/uy on the second vowel
    ('Hoà', 'Thuý', 'Khoẻ'); ``style="old"`` (kiểu cũ) on the first ('Hòa', 'Thúy').
    Both styles agree everywhere else: on the modified vowel (ă â ê ô ơ ư; ơ in ươ),
    on the last vowel before a final consonant ('Hoàng', 'Quỳnh'), on the middle of
    three vowels ('Hoài'), and qu/gi count as consonants ('Quý', 'Già').
    """
    if style not in ("new", "old"):
        raise ValueError("style must be 'new' or 'old'")
    return " ".join(_retone_word(w, style) for w in collapse_spaces(text).split(" ") if w)


def _title_word(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def canonical_name(s: str | None, *, style: str = "new") -> str:
    """A person's name in canonical form: NFC, single spaces, each word capitalised,
    tone marks on the canonical vowel (see :func:`canonical_tones`)."""
    words = collapse_spaces(s).split(" ")
    return " ".join(_retone_word(_title_word(w), style) for w in words if w)


def fold(s: str | None) -> str:
    """Lowercase ASCII search key: marks stripped, đ -> d, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFD", s or "")
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.lower()).strip()


# --------------------------------------------------------------------------- collation

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: 10 + i for i, ch in enumerate(_ALPHABET)}
_LETTER_RANK.update({str(d): d for d in range(10)})


def _char_rank(ch: str) -> int:
    rank = _LETTER_RANK.get(ch)
    return rank if rank is not None else 1000 + ord(ch)


def _word_key(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = tuple(_TONE_MARKS[c] for c in decomposed if c in _TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return tuple(_char_rank(c) for c in base), tones or (0,)


def name_sort_key(full_name: str | None) -> tuple:
    """Sort key for Vietnamese personal names.

    Given name (the last word) first, then the other words left to right; letters in
    the order a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, and for the
    same letters the tones level, huyền, hỏi, ngã, sắc, nặng. NFC/NFD-insensitive and
    indifferent to tone placement; ties are broken by the normalised string itself,
    so the key is a total order on distinct names.
    """
    text = collapse_spaces(full_name)
    words = text.split(" ") if text else []
    if not words:
        return ((), (), "", "")
    given = _word_key(words[-1])
    rest = tuple(_word_key(w) for w in words[:-1])
    return (given, rest, canonical_tones(text), text)


# --------------------------------------------------------------------------- gender

_MALE = {"male", "m", "nam", "ông", "ong", "man"}
_FEMALE = {"female", "f", "nữ", "nu", "bà", "ba", "woman"}


def gender_title(gender: Any) -> str:
    """'Ông' for a man, 'Bà' for a woman (accepts enums, 'male'/'female', 'nam'/'nữ')."""
    value = getattr(gender, "value", gender)
    if type(value) is str:
        return _gender_title_str(value)
    return _gender_title_str(str(value))


@lru_cache(maxsize=256)
def _gender_title_str(value: str) -> str:
    key = collapse_spaces(str(value)).lower()
    if key in _MALE:
        return "Ông"
    if key in _FEMALE:
        return "Bà"
    raise ValueError(f"unknown gender: {value!r}")


# --------------------------------------------------------------------------- addresses

# Administrative words that open a part of an address ("Thôn Tập Ninh", "Xã Gia Viễn"): written
# with a small letter inside the line, "thôn Tập Ninh, xã Gia Viễn, tỉnh Ninh Bình".
_ADMIN_WORD = re.compile(
    r"^(Tổ dân phố|Khu phố|Thị trấn|Thị xã|Thành phố|Đặc khu|Thôn|Xóm|Ấp|Bản|Buôn|Khu|Tổ|Xã|Phường|Huyện|Quận|"
    r"Tỉnh)\s+(\w)",
    re.IGNORECASE,
)


def _small_admin_word(piece: str) -> str:
    m = _ADMIN_WORD.match(piece)
    if m is None or not (m.group(2).isupper() or m.group(2).isdigit()):
        return piece  # not a place name ("Khu công nghiệp" stays as written)
    return m.group(1).lower() + piece[m.end(1):]


def address_line(*parts: str | None) -> str:
    """The non-empty parts (hamlet, address) joined by ", ", each administrative word after the
    line's first written with a small letter: 'Thôn Tập Ninh, xã Gia Viễn, tỉnh Ninh Bình'."""
    pieces = [p.strip() for part in parts if part for p in collapse_spaces(part).split(",") if p.strip()]
    out = []
    for i, piece in enumerate(pieces):
        if i:
            piece = _small_admin_word(piece)
        out.append(piece)
    return ", ".join(out)
