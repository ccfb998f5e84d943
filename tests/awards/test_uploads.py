"""Upload content checks: type by content, size limit, zip bombs, fake Office files.

The file builders here are also used by the other dossier tests."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from awards.services import uploads
from awards.services.uploads import UploadRejected, check_upload


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def docx_bytes() -> bytes:
    import docx

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("Biên bản họp Hội đồng Thi đua - Khen thưởng xã")
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buf = io.BytesIO()
    wb = Workbook()
    wb.active.append(["Họ và tên", "Năm sinh"])
    wb.save(buf)
    return buf.getvalue()


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("maker, name, filetype, mimetype", [
    (pdf_bytes, "to-trinh.pdf", "pdf", "application/pdf"),
    (docx_bytes, "bien-ban.docx", "docx", uploads.TYPES["docx"][1]),
    (xlsx_bytes, "danh-sach.xlsx", "xlsx", uploads.TYPES["xlsx"][1]),
    (png_bytes, "anh.png", "png", "image/png"),
    (jpg_bytes, "anh.JPG", "jpg", "image/jpeg"),
])
def test_valid_files_pass(maker, name, filetype, mimetype):
    checked = check_upload(maker(), name)
    assert (checked.filetype, checked.content_type, checked.filename) == (filetype, mimetype, name)


def test_exe_renamed_pdf_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
    with pytest.raises(UploadRejected, match="không phải là một trong các định dạng"):
        check_upload(exe, "to-trinh.pdf")


def test_name_that_lies_about_an_accepted_type_is_refused():
    with pytest.raises(UploadRejected, match="không khớp nội dung"):
        check_upload(png_bytes(), "to-trinh.pdf")


def test_name_without_a_known_extension_gets_the_right_one():
    assert check_upload(pdf_bytes(), "scan").filename == "scan.pdf"
    assert check_upload(pdf_bytes(), "../../etc/to trinh.pdf").filename == "to trinh.pdf"


def test_oversize_file_is_refused():
    data = pdf_bytes() + b"0" * 2048
    with pytest.raises(UploadRejected, match="lớn hơn giới hạn"):
        check_upload(data, "big.pdf", max_bytes=1024)
    assert check_upload(data, "big.pdf", max_bytes=len(data)).size == len(data)


def test_empty_file_is_refused():
    with pytest.raises(UploadRejected, match="rỗng"):
        check_upload(b"", "x.pdf")


def test_zip_bomb_is_refused_by_ratio():
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (50 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024
    with pytest.raises(UploadRejected, match="bom nén|vượt quá"):
        check_upload(bomb, "bom.docx")


def test_zip_bomb_over_total_size_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_UNCOMPRESSED", 1024 * 1024)
    big = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(range(256)) * 8192},
               compression=zipfile.ZIP_STORED)
    with pytest.raises(UploadRejected, match="vượt quá"):
        check_upload(big, "lon.docx")


def test_zip_with_too_many_entries_is_refused():
    many = _zip({"[Content_Types].xml": b"<Types/>", **{f"word/p{i}.xml": b"x" for i in range(2100)}})
    with pytest.raises(UploadRejected, match="quá nhiều thành phần"):
        check_upload(many, "nhieu.docx")


def test_zip_whose_header_lies_about_size_is_refused():
    """A ZIP whose central directory claims a tiny size for a large entry is caught on decompression."""
    payload = b"A" * (3 * 1024 * 1024)
    data = bytearray(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": payload}))
    # patch the declared uncompressed size (central directory) of word/document.xml to 10 bytes
    name = b"word/document.xml"
    cd = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    struct.pack_into("<I", data, cd + 24, 10)
    with pytest.raises(UploadRejected):
        check_upload(bytes(data), "gia.docx")


def test_docx_that_is_not_one_is_refused():
    plain_zip = _zip({"readme.txt": b"hello"})
    with pytest.raises(UploadRejected, match="Content_Types"):
        check_upload(plain_zip, "bao-cao.docx")
    fake = _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
    with pytest.raises(UploadRejected, match="không phải văn bản Word"):
        check_upload(fake, "bao-cao.docx")
    with pytest.raises(UploadRejected, match="bị hỏng"):
        check_upload(b"PK\x03\x04" + b"garbage" * 10, "bao-cao.docx")


def test_docx_content_named_xlsx_is_refused_and_import_only_takes_xlsx():
    with pytest.raises(UploadRejected, match="không khớp"):
        check_upload(docx_bytes(), "ds.xlsx")
    with pytest.raises(UploadRejected, match="chỉ nhận XLSX"):
        check_upload(pdf_bytes(), "ds.pdf", only=("xlsx",))


def test_upload_through_http_refuses_fake_pdf_and_stores_nothing(app):
    from tests import factories as f
    from awards.db import db
    from awards.models import Attachment

    with app.app_context():
        f.load_demo()
        d = f.make_dossier()
        db.session.commit()
        did, version = d.id, d.version
    c = app.test_client()
    f.login(c, "xa.chuyenvien")
    resp = c.post(f"/dossiers/{did}/attachments", data={"kind": "proposal", "nominee_id": 0, "version": version,
                                                         "file": (io.BytesIO(b"MZ\x90\x00" * 10), "tt.pdf")},
                  content_type="multipart/form-data", follow_redirects=True)
    assert "không phải là một trong các định dạng" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Attachment).count() == 0
