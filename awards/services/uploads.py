"""Content checks for uploaded files (engineering.md §4, ASVS V12).

The type is decided by the bytes, never by the name: PDF starts with ``%PDF-``, PNG and JPEG by
their magic numbers, DOCX and XLSX are ZIP packages holding ``[Content_Types].xml`` and a
``word/`` or ``xl/`` part. ZIP packages are opened with bounds on the number of entries, the
total uncompressed size and the compression ratio, and every entry is actually decompressed
(with a running byte count) so that a lying header cannot smuggle a zip bomb through."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from workflows.messages import Msg

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# type -> (extensions accepted in the name, MIME type, label)
TYPES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "pdf": ((".pdf",), "application/pdf", "PDF"),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "jpg": ((".jpg", ".jpeg"), "image/jpeg", "JPG"),
    "png": ((".png",), "image/png", "PNG"),
}
ALLOWED_LABEL = "PDF, DOCX, XLSX, JPG, PNG"


class UploadRejected(ValueError):
    """The file is refused; the message says why, in Vietnamese (a Msg: translated where it is shown)."""


@dataclass(frozen=True)
class CheckedFile:
    filetype: str
    content_type: str
    filename: str
    size: int


def _human(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB".replace(".", ",")


def clean_filename(name: str | None) -> str:
    """The last path component, without control characters, at most 200 characters."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip()
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 200 - len(ext) - 1] + dot + ext) if dot else base[:200]
    return base or "tep-dinh-kem"


def _check_zip(data: bytes, name: str) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise UploadRejected(Msg("Tệp «%(name)s» bị hỏng: không đọc được gói Office (ZIP).", name=name)) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise UploadRejected(Msg(
                "Tệp «%(name)s» có quá nhiều thành phần (%(count)s > %(max)s); tệp bị từ chối.",
                name=name, count=len(infos), max=MAX_ZIP_ENTRIES,
            ))
        declared = sum(i.file_size for i in infos)
        if declared > MAX_ZIP_UNCOMPRESSED:
            raise UploadRejected(Msg(
                "Tệp «%(name)s» khi giải nén vượt quá %(size)s; tệp bị từ chối.",
                name=name, size=_human(MAX_ZIP_UNCOMPRESSED),
            ))
        names = {i.filename for i in infos}
        for info in infos:
            if info.flag_bits & 0x1:
                raise UploadRejected(Msg(
                    "Tệp «%(name)s» được mã hóa bằng mật khẩu; vui lòng gỡ mật khẩu rồi tải lên lại.", name=name))
            if info.file_size > 1024 * 1024 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                raise UploadRejected(Msg(
                    "Tệp «%(name)s» có tỷ lệ nén bất thường (nghi là “bom nén”); tệp bị từ chối.", name=name))
        # Decompress for real with a running count: headers can lie.
        total = 0
        try:
            for info in infos:
                if info.is_dir():
                    continue
                with zf.open(info) as fh:
                    seen = 0
                    while chunk := fh.read(1 << 16):
                        seen += len(chunk)
                        total += len(chunk)
                        if total > MAX_ZIP_UNCOMPRESSED or seen > info.file_size:
                            raise UploadRejected(Msg(
                                "Tệp «%(name)s» khi giải nén vượt quá giới hạn cho phép; tệp bị từ chối.", name=name))
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
            raise UploadRejected(Msg("Tệp «%(name)s» bị hỏng: không giải nén được gói Office (ZIP).",
                                     name=name)) from None
    if "[Content_Types].xml" not in names:
        raise UploadRejected(Msg("Tệp «%(name)s» không phải tệp Word/Excel (thiếu [Content_Types].xml).", name=name))
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise UploadRejected(Msg(
        "Tệp «%(name)s» là gói Office nhưng không phải văn bản Word (DOCX) hay bảng tính Excel (XLSX).", name=name))


def sniff(data: bytes, name: str = "tệp") -> str:
    """The type of ``data`` by content: pdf, docx, xlsx, jpg or png; else UploadRejected."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _check_zip(data, name)
    raise UploadRejected(Msg(
        "Nội dung tệp «%(name)s» không phải là một trong các định dạng được chấp nhận (%(types)s).",
        name=name, types=ALLOWED_LABEL,
    ))


def check_upload(data: bytes, filename: str | None, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 only: tuple[str, ...] | None = None) -> CheckedFile:
    """Check an uploaded file's size, content and name; returns what to store.

    ``only`` limits the accepted types (e.g. ``("xlsx",)`` for imports)."""
    name = clean_filename(filename)
    if not data:
        raise UploadRejected(Msg("Tệp «%(name)s» rỗng.", name=name))
    if len(data) > max_bytes:
        raise UploadRejected(Msg("Tệp «%(name)s» lớn hơn giới hạn %(size)s; vui lòng nén hoặc tách nhỏ tệp.",
                                 name=name, size=_human(max_bytes)))
    filetype = sniff(data, name)
    exts, mimetype, label = TYPES[filetype]
    if only is not None and filetype not in only:
        wanted = ", ".join(TYPES[t][2] for t in only)
        raise UploadRejected(Msg("Tệp «%(name)s» là %(type)s; ở đây chỉ nhận %(wanted)s.",
                                 name=name, type=label, wanted=wanted))
    suffix = PurePath(name).suffix.lower()
    if suffix not in exts:
        if suffix in {e for v in TYPES.values() for e in v[0]}:
            raise UploadRejected(Msg("Tên tệp «%(name)s» không khớp nội dung: nội dung là %(type)s. "
                                     "Vui lòng kiểm tra lại tệp.", name=name, type=label))
        name = f"{PurePath(name).stem or 'tep'}{exts[0]}"
    return CheckedFile(filetype=filetype, content_type=mimetype, filename=name, size=len(data))
