"""A patient chats in the widget on the demo page, with a real browser and the real stack."""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AXE, bot_messages, open_chat, screenshot, send

PHONE = {"width": 360, "height": 740}
# axe-core's rule tags for WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def test_a_french_patient_gets_an_answer_with_its_sources_and_review_date(page: Page, site):
    open_chat(page, "fr")
    expect(page.locator("#vc-title")).to_contain_text("VASCERN")
    send(page, "Qu'est-ce que la maladie de Rendu-Osler ?")
    answer = bot_messages(page, "answer").first
    expect(answer).to_be_visible()
    expect(answer).to_have_attribute("lang", "fr")
    source = answer.locator(".vc-source").first
    expect(source.locator("a.vc-source-link")).to_have_attribute("href", re.compile(r"^https://"))
    expect(source.locator(".vc-source-reviewed")).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    expect(page.locator("#vc-log .vc-msg--patient")).to_contain_text("Rendu-Osler")
    screenshot(page, site, "answer-fr")


def test_tapping_a_quick_reply_sends_it_and_shows_centres_as_cards(page: Page, site):
    open_chat(page, "en")
    send(page, "is there anyone in Ireland?")
    quick = page.locator(".vc-quick-reply", has_text="lymph").first
    expect(quick).to_be_visible()
    quick.click()
    cards = bot_messages(page, "centres").first.locator(".vc-card")
    expect(cards.first).to_be_visible()
    expect(cards.first.locator(".vc-card-name")).not_to_be_empty()
    assert cards.first.locator("a").count() >= 1, "each centre card offers a way to reach it"
    screenshot(page, site, "centres-en")


def test_a_german_patient_gets_german_answers_and_a_german_interface(page: Page, site):
    open_chat(page, "de")
    send(page, "Was ist Morbus Osler?")
    answer = bot_messages(page, "answer").first
    expect(answer).to_have_attribute("lang", "de")
    expect(page.locator("#vc-send")).to_have_attribute("aria-label", re.compile("Senden|senden"))


def test_an_emergency_is_styled_apart_and_announced_with_a_call_link(page: Page, site):
    open_chat(page, "en")
    send(page, "my father suddenly cannot speak and one side of his face is drooping")
    emergency = bot_messages(page, "emergency").first
    expect(emergency).to_be_visible()
    expect(emergency.locator("a.vc-call")).to_have_attribute("href", "tel:112")
    expect(page.locator("#vc-alert")).to_contain_text("112")
    background = emergency.evaluate(
        "node => getComputedStyle(node).borderLeftColor + getComputedStyle(node).backgroundColor"
    )
    answer_like = page.locator("#vc-log .vc-msg--bot").last.evaluate(
        "node => getComputedStyle(node).backgroundColor"
    )
    assert background != answer_like
    screenshot(page, site, "emergency-en")


def test_feedback_on_an_answer_is_stored(page: Page, site):
    open_chat(page, "en")
    send(page, "What is Marfan syndrome?")
    answer = bot_messages(page, "answer").first
    answer.locator(".vc-feedback--down").click()
    expect(answer.locator(".vc-feedback--down")).to_have_attribute("aria-pressed", "true")
    expect(answer.locator(".vc-feedback-thanks")).to_be_visible()
    message_id = answer.get_attribute("data-message-id")
    stored = site.query("SELECT value FROM feedback WHERE message_id = :m", m=int(message_id))
    assert stored == [("down",)]


def test_a_reload_keeps_the_conversation(page: Page, site):
    open_chat(page, "en")
    send(page, "What is CADASIL?")
    expect(bot_messages(page, "answer").first).to_be_visible()
    page.reload()
    if not page.locator("#vc-input").is_visible():
        page.locator("#vc-launcher").click()
    expect(page.locator("#vc-log .vc-msg--patient")).to_contain_text("CADASIL")
    expect(bot_messages(page, "answer")).to_have_count(1)


def test_no_reply_is_lost_when_the_web_server_restarts(page: Page, site):
    open_chat(page, "en")
    send(page, "hello")
    expect(page.locator("#vc-log .vc-msg--bot").first).to_be_visible()
    before = page.locator("#vc-log .vc-msg--bot").count()
    processes = site.processes
    processes["web"].terminate()
    processes["web"].wait(timeout=20)
    send(page, "What is Loeys-Dietz syndrome?")
    time.sleep(2)  # the widget sees the connection gone and keeps the message in its outbox
    site.restart("web")
    answer = bot_messages(page, "answer").first
    expect(answer).to_be_visible()
    expect(page.locator("#vc-log .vc-msg--patient", has_text="Loeys-Dietz")).to_have_count(1)
    time.sleep(2)
    assert page.locator("#vc-log .vc-msg--bot").count() > before
    expect(bot_messages(page, "answer")).to_have_count(1)
    conversation = json.loads(page.evaluate("localStorage.getItem('vascern-chat')"))["conversation_id"]
    patient = [row for row in site.stored(conversation) if row[0] == "patient"]
    assert len(patient) == 2, "the resent message was stored once"


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_on_a_360_px_phone_the_chat_fills_the_screen_without_sideways_scrolling(page: Page, site):
    open_chat(page, "fr")
    send(page, "Où trouver un centre expert pour le syndrome de Marfan en France ?")
    expect(page.locator("#vc-log .vc-msg--bot").nth(1)).to_be_visible()
    box = page.locator("#vc-panel").bounding_box()
    assert box["width"] == pytest.approx(360, abs=1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, site, "phone-360-fr")


def test_the_chat_works_with_the_keyboard_alone(page: Page, site):
    page.goto("/?lang=en")
    for _ in range(30):  # Tab through the demo page until the launcher has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "vc-launcher":
            break
    assert page.evaluate("document.activeElement.id") == "vc-launcher"
    page.keyboard.press("Enter")
    expect(page.locator("#vc-input")).to_be_focused()
    page.keyboard.type("What is HHT?")
    page.keyboard.press("Enter")
    expect(bot_messages(page, "answer").first).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#vc-launcher")).to_be_focused()
    expect(page.locator("#vc-launcher")).to_have_attribute("aria-expanded", "false")


def test_the_live_region_exists_before_the_first_message(page: Page, site):
    page.goto("/?lang=en")
    expect(page.locator("#vc-log[role=log][aria-live=polite]")).to_have_count(1)
    expect(page.locator("#vc-alert[role=alert]")).to_have_count(1)


def test_patient_text_is_shown_as_text_never_as_html(page: Page, site):
    open_chat(page, "en")
    send(page, "<img src=x onerror=\"document.title='pwned'\"> <b>bold</b>")
    bubble = page.locator("#vc-log .vc-msg--patient").first
    expect(bubble).to_contain_text("<b>bold</b>")
    assert bubble.locator("img, b").count() == 0
    expect(page.locator("#vc-log .vc-msg--bot").nth(1)).to_be_visible()
    assert page.title() != "pwned"


def test_axe_finds_no_serious_or_critical_violation(browser, site):
    context = browser.new_context(bypass_csp=True, base_url=site.web_url)  # to inject axe only
    page = context.new_page()
    page.set_default_timeout(60_000)
    open_chat(page, "en")
    send(page, "is there anyone in Ireland?")
    page.locator(".vc-quick-reply").first.click()
    expect(bot_messages(page, "centres").first).to_be_visible()
    send(page, "What is vascular Ehlers-Danlos syndrome?")
    expect(bot_messages(page, "answer").first).to_be_visible()
    send(page, "I have sudden tearing chest pain going to my back")
    expect(bot_messages(page, "emergency").first).to_be_visible()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA)
    serious = [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    screenshot(page, site, "axe-page")
    context.close()
    assert serious == []
