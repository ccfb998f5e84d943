"""End-to-end fixtures: the app served on loopback by a real WSGI server in a thread, and Debian's
Chromium driven by Playwright (no browser download). Screenshots of every step are kept under
e2e-artifacts/<test>/ when a test fails."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "e2e-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def _require_browser():
    if CHROMIUM is None:
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail("Chromium is not installed (apt-get install chromium); CI requires the browser tests.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:  # pragma: no cover
        pytest.fail("playwright is not installed: pip install -e '.[test]'")


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


class Steps:
    """Takes a screenshot after every step; kept on disk only when the test fails."""

    def __init__(self, tmp: Path) -> None:
        self.dir = tmp
        self.n = 0
        self.pages = []

    def shot(self, page, name: str) -> None:
        self.n += 1
        page.screenshot(path=str(self.dir / f"{self.n:02d}-{name}.png"), full_page=True)


@pytest.fixture
def steps(request, tmp_path):
    s = Steps(tmp_path)
    s.contexts = []
    yield s
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        target = ARTIFACTS / request.node.name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(tmp_path, target)
        for i, page in enumerate(s.pages):  # the last state of every page too
            try:
                page.screenshot(path=str(target / f"zz-final-{i}.png"), full_page=True)
            except Exception:  # noqa: BLE001
                pass
    for c in s.contexts:  # closed here, after the final screenshots
        c.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture
def new_page(browser, steps):
    def make(base_url: str):
        ctx = browser.new_context(base_url=base_url, locale="vi-VN", accept_downloads=True)
        steps.contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        steps.pages.append(page)
        return page

    return make
