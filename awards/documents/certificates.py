"""Bằng khen / Giấy khen certificates: one page per recipient in ONE document.

The template's body is one certificate page; it is compiled once and rendered per
item (docx_render.RepeatedBody), pages separated by a page-break paragraph — no
docxcompose. Each page carries the serial number, the verification code and a QR
code of the verification URL (awards.documents.qr: ~0.4 ms per code, 1-bit PNG of
~450 bytes). Images of the template itself (an emblem, say) are shared by all pages.

``mode="overlay"`` prints only the variable text, in frames placed at configurable
positions (mm from the page's top-left corner), on pre-printed blanks: an administrator's
layout per award form (awards.documents.overlay, awards.services.certificate_layouts).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from workflows.messages import Msg

from . import overlay
from .data import CertificateItem
from .docx_render import PngImage, RepeatedBody, TemplateError, lines, load_template, render_docx
from .overlay import OverlayLayout
from .qr import qr_png
from .samples import sample_certificates

__all__ = [
    "DEFAULT_OVERLAY_POSITIONS",
    "OverlayLayout",
    "render_certificates",
    "certificate_context",
    "sample_certificates",
]

EMU_PER_MM = 36000
MM_TWIPS = overlay.MM_TWIPS
DEFAULT_OVERLAY_POSITIONS = overlay.DEFAULT_OVERLAY_POSITIONS


def certificate_context(item: CertificateItem, *, qr_size_mm: float = 25.0) -> dict[str, Any]:
    """The per-page template context (the QR as an inline PNG)."""
    size = int(qr_size_mm * EMU_PER_MM)
    return {
        "serial": item.serial,
        "verification_code": item.verification_code,
        "verify_url": item.verify_url,
        "recipient": item.recipient,
        "recipient_detail": item.recipient_detail,
        "achievement": item.achievement,
        "issuer": item.issuer,
        "form_title": item.form_title,
        "decision_line": item.decision_line,
        "place_date": item.place_date,
        "signer_title": lines(item.signer_title),
        "signer_name": item.signer_name,
        "qr": PngImage(qr_png(item.verify_url), size, size, name="QR"),
    }


def _normalise_positions(positions: Mapping[str, Sequence[float]]) -> dict[str, tuple[float, float, float | None]]:
    out: dict[str, tuple[float, float, float | None]] = {}
    for name, value in positions.items():
        values = [float(v) for v in value]
        if len(values) not in (2, 3) or any(v < 0 for v in values):
            raise ValueError(f"position of {name!r} must be (x_mm, y_mm) or (x_mm, y_mm, width_mm), all ≥ 0")
        out[name] = (values[0], values[1], values[2] if len(values) == 3 else None)
    return out


def _apply_positions(document: Any, positions: dict[str, tuple[float, float, float | None]]) -> None:
    """Move the template's framed paragraphs to the given positions (by their placeholder)."""
    for name, _p, frame in overlay.framed_fields(document):
        if name not in positions:
            continue
        overlay.move_frame(frame, *positions[name])


def render_certificates(
    items: Sequence[CertificateItem],
    *,
    mode: str = "full",
    positions: Mapping[str, Sequence[float]] | None = None,
    template_bytes: bytes | None = None,
    qr_size_mm: float | None = None,
    layout: OverlayLayout | None = None,
) -> bytes:
    """All certificates in one DOCX, one page each.

    ``mode="full"`` prints the whole certificate (templates/docx/certificate.docx);
    ``mode="overlay"`` only the variable text in frames (certificate_overlay.docx), placed by
    ``layout`` (an administrator's OverlayLayout: positions, sizes, alignment, paper) or moved to
    ``positions`` (field -> (x_mm, y_mm[, width_mm])) when given; with neither, where the
    template puts them.
    """
    if mode not in ("full", "overlay"):
        raise ValueError("mode must be 'full' or 'overlay'")
    if not items:
        raise ValueError("no certificates to render")
    if (positions is not None or layout is not None) and mode != "overlay":
        raise ValueError("positions and layouts apply to mode='overlay' only")
    if positions is not None and layout is not None:
        raise ValueError("give positions or a layout, not both")
    template = template_bytes if template_bytes is not None else load_template(
        "certificate" if mode == "full" else "certificate_overlay"
    )
    size = qr_size_mm if qr_size_mm is not None else (25.0 if mode == "full" else float(overlay.QR_SIZE_MM))
    prepare = None
    if layout is not None:
        errors = overlay.validate_layout(layout)
        if errors:
            raise TemplateError(Msg.joined(errors))
        size = float(layout.placement("qr").width_mm)

        def prepare(document: Any) -> None:
            overlay.apply_layout(document, layout)

    if positions is not None:
        normalised = _normalise_positions(positions)
        unknown = set(normalised) - set(DEFAULT_OVERLAY_POSITIONS)
        if unknown:
            raise TemplateError(Msg("Không có trường «%(name)s» để đặt vị trí trên phôi.", name=sorted(unknown)[0]))

        def prepare(document: Any) -> None:
            _apply_positions(document, normalised)

    contexts = [certificate_context(item, qr_size_mm=size) for item in items]
    title = items[0].form_title.capitalize() if items[0].form_title else "Bằng khen"
    return render_docx(template, {}, repeat=RepeatedBody(contexts, prepare), core_title=title)
