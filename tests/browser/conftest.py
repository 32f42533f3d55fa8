"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, never
`playwright install`) against the real stack (Rasa, actions, web), once on SQLite and once
on PostgreSQL. Screenshots go to results/browser/ as artefacts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from scripts.stack import ROOT, Stack, StackFailed, running_stack
from tests.conftest import fresh_postgres_database

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium tries Google's services at start, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "results" / "browser"
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# A turn takes under a second warm; the first retrieval of a fresh stack takes longer.
REPLY_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module. Not per session: Playwright's sync API keeps an
    event loop running in the main thread while it is open, which the async tests that follow
    could not start their own loops beside."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run the suite through `make test`")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory) -> Iterator[Stack]:
    """The running stack, on each database in turn."""
    model = os.environ.get("MODEL")
    if not model or not (ROOT / model).exists():
        pytest.fail("MODEL must name a trained model: run the suite through `make test`")
    database = None
    if request.param == "postgresql":
        database = fresh_postgres_database(request.getfixturevalue("postgres_server"))
    try:
        with running_stack(ROOT / model, tmp_path_factory.mktemp(f"site-{request.param}"), database) as stack:
            stack.database_kind = request.param
            yield stack
    except StackFailed as error:
        pytest.fail(str(error))


@pytest.fixture
def page(browser: Browser, site: Stack, request) -> Iterator[Page]:
    """A fresh browser context (no stored conversation) on a phone-sized or desktop page."""
    viewport = getattr(request, "param", {"width": 1280, "height": 800})
    context = browser.new_context(viewport=viewport, base_url=site.web_url)
    opened = context.new_page()
    opened.set_default_timeout(REPLY_TIMEOUT_MS)
    yield opened
    context.close()


def screenshot(page: Page, site: Stack, name: str) -> None:
    """Keep a screenshot as a test artefact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{site.database_kind}.png"))


def open_chat(page: Page, language: str = "en") -> None:
    """Load the demo page in `language` and open the widget."""
    page.goto(f"/?lang={language}")
    page.locator("#vc-launcher").click()
    page.locator("#vc-input").wait_for(state="visible")


def send(page: Page, text: str) -> None:
    """Type a message and send it with Enter, as a patient does."""
    page.locator("#vc-input").fill(text)
    page.locator("#vc-input").press("Enter")


def bot_messages(page: Page, kind: str):
    """The bot bubbles of a type (answer, emergency, centres...)."""
    return page.locator(f"#vc-log .vc-msg--bot.vc-msg--{kind}")
