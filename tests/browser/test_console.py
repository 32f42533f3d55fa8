"""A moderator uses the console in a real browser: sign in, review queue, a transcript that
holds markup, keyboard only, axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AXE, screenshot
from tests.browser.test_widget import WCAG_22_AA

PASSWORD = "a long enough test password"
SCRIPT = "<script>document.title='pwned'</script>"
HOSTILE = SCRIPT + "<img src=x onerror=\"document.title='pwned'\"> is HHT inherited?"


@pytest.fixture(scope="module")
def moderator(site) -> str:
    """An admin account made with the real command, on the site's database."""
    email = f"admin-{site.database_kind}@vascern.test"
    done = site.create_moderator(email, PASSWORD)
    assert done.returncode == 0 or "exists already" in done.stderr, done.stderr
    return email


@pytest.fixture(scope="module")
def signed_in(browser, site, moderator) -> dict:
    """The cookies of one sign-in, reused by every test (sign-in attempts are rate-limited)."""
    context = browser.new_context(base_url=site.web_url)
    page = context.new_page()
    sign_in(page, moderator)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def console_page(browser, site, signed_in) -> Page:
    """A signed-in page."""
    context = browser.new_context(base_url=site.web_url, storage_state=signed_in, reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def sign_in(page: Page, email: str) -> None:
    page.goto("/console/")  # redirected to the sign-in page, which comes back here after
    expect(page.locator("#email")).to_be_visible()
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url("**/console/")


def test_a_transcript_holding_markup_renders_inert(console_page: Page, site):
    page = console_page
    status, body = site.chat(HOSTILE)
    assert status == 200
    page.goto(f"/console/conversations/{body['conversation_id']}")
    expect(page.locator(".turn--patient .text").first).to_contain_text(
        "<script>document.title='pwned'</script>"
    )
    assert page.locator(".transcript img, .transcript script").count() == 0
    assert page.title() != "pwned"
    screenshot(page, site, "console-conversation")


def test_the_review_queue_shows_an_emergency_first(console_page: Page, site):
    page = console_page
    site.chat("my husband has Marfan and a sudden tearing pain in his back")
    page.goto("/console/")
    first = page.locator("table.list tbody tr").first
    expect(first.locator(".tag--emergency")).to_be_visible()
    screenshot(page, site, "console-queue")
    page.goto("/console/dashboard")
    expect(page.locator("#chart-per-day")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 1100})
    screenshot(page, site, "console-dashboard")


def test_the_console_works_with_the_keyboard_alone(page: Page, site, moderator):
    page.goto("/console/login")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(moderator)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/")
    for _ in range(20):  # Tab to the conversation list in the menu, then follow it
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "/console/conversations":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/conversations")
    expect(page.locator("h1")).to_have_text("Conversations")


@pytest.mark.parametrize(
    "path", ["/console/login", "/console/", "/console/conversations", "/console/dashboard", "conversation"]
)
def test_axe_finds_no_serious_or_critical_violation_in_the_console(browser, site, signed_in, path):
    state = None if path == "/console/login" else signed_in
    context = browser.new_context(bypass_csp=True, base_url=site.web_url, storage_state=state)
    page = context.new_page()
    if path == "conversation":
        status, body = site.chat("What is CADASIL?")
        path = f"/console/conversations/{body['conversation_id']}"
    page.goto(path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA)
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert serious == []
