"""DOCX -> PDF through LibreOffice; skipped only when soffice is not installed."""

from __future__ import annotations

import time
from datetime import date

import pytest

from awards.documents.certificates import render_certificates, sample_certificates
from awards.documents.decision import render_decision, sample_decision_data
from awards.documents.pdf import PdfConversionError, docx_to_pdf, pdf_page_count, soffice_path

pytestmark = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")


def test_decision_to_pdf():
    pdf = docx_to_pdf(render_decision(sample_decision_data(5, 12, 3, date(2027, 2, 5))))
    assert pdf.startswith(b"%PDF-")
    assert pdf_page_count(pdf) >= 2  # the decision, then the annex on a new page


def test_certificates_page_count_equals_recipients():
    items = sample_certificates(6)
    assert pdf_page_count(docx_to_pdf(render_certificates(items))) == 6
    assert pdf_page_count(docx_to_pdf(render_certificates(items[:4], mode="overlay"))) == 4


def test_invalid_input_raises():
    with pytest.raises(PdfConversionError):
        docx_to_pdf(b"this is not a document at all" * 10, timeout=60)
    with pytest.raises(PdfConversionError):
        docx_to_pdf(b"PK\x03\x04 a broken zip", timeout=60)


def test_timeout_kills_the_conversion():
    start = time.monotonic()
    with pytest.raises(PdfConversionError):
        docx_to_pdf(render_decision(sample_decision_data(1, 1, 1)), timeout=0.01)
    assert time.monotonic() - start < 15
