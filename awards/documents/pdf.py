"""DOCX -> PDF through LibreOffice (optional; engineering.md §2).

Each conversion runs ``soffice --headless --convert-to pdf`` with its own temporary
``-env:UserInstallation`` profile (parallel conversions sharing a profile silently
fail), in its own process group that is killed as a whole on timeout, and the output
is checked: it must exist, be non-empty and start with ``%PDF-``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PdfConversionError", "soffice_path", "docx_to_pdf", "pdf_page_count"]

_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


class PdfConversionError(RuntimeError):
    """The conversion failed, timed out or produced no valid PDF."""


def soffice_path() -> str | None:
    """Path of the LibreOffice ``soffice`` binary, or None when it is not installed."""
    env = os.environ.get("AWARDS_SOFFICE")
    if env and os.access(env, os.X_OK):
        return env
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    for root in Path("/opt").glob("libreoffice*/program/soffice"):
        if os.access(root, os.X_OK):
            return str(root)
    return None


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the conversion's whole process group and reap it (closing its pipes)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=5)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        pass
    for stream in (proc.stdout, proc.stderr):
        if stream is not None and not stream.closed:
            stream.close()


def docx_to_pdf(docx_bytes: bytes, timeout: float = 60) -> bytes:
    """Convert DOCX bytes to PDF bytes; raises PdfConversionError on any failure."""
    if not docx_bytes or not docx_bytes.startswith(b"PK"):
        raise PdfConversionError("the input is not a DOCX (ZIP) file")
    soffice = soffice_path()
    if soffice is None:
        raise PdfConversionError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="awards-pdf-") as tmp:
        tmp_path = Path(tmp)
        profile = tmp_path / "profile"
        outdir = tmp_path / "out"
        outdir.mkdir()
        source = tmp_path / "document.docx"
        source.write_bytes(docx_bytes)
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            str(source),
        ]
        env = dict(os.environ, HOME=str(tmp_path))
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env=env,
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise PdfConversionError(f"LibreOffice did not finish within {timeout} s") from exc
        finally:
            if proc.poll() is None:
                _kill_group(proc)
        # soffice may leave helper processes in its group; end them.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        target = outdir / "document.pdf"
        if not target.exists():
            detail = (stderr or stdout or b"").decode("utf-8", "replace").strip()[:500]
            raise PdfConversionError(f"LibreOffice produced no PDF (exit {proc.returncode}): {detail}")
        data = target.read_bytes()
        if not data or not data.startswith(b"%PDF-"):
            raise PdfConversionError("LibreOffice output is not a PDF")
        return data


def pdf_page_count(pdf: bytes) -> int:
    """Number of pages, read from the page tree (enough for LibreOffice's output)."""
    import re

    counts = [int(m) for m in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    counts += [int(m) for m in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    if counts:
        return max(counts)
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
