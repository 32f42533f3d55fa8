"""Live takeover end to end in two Chromium contexts: the patient's widget and the
moderator's console."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import bot_messages, open_chat, screenshot, send
from tests.browser.test_console import PASSWORD, sign_in


@pytest.fixture(scope="module")
def staff(site) -> str:
    email = f"live-{site.database_kind}@vascern.test"
    done = site.create_moderator(email, PASSWORD, "moderator")
    assert done.returncode == 0 or "exists already" in done.stderr, done.stderr
    return email


def test_a_moderator_takes_over_and_the_patient_sees_their_reply_in_the_widget(browser, site, staff):
    patient_context = browser.new_context(base_url=site.web_url)
    moderator_context = browser.new_context(base_url=site.web_url)
    patient, moderator = patient_context.new_page(), moderator_context.new_page()
    for page in (patient, moderator):
        page.set_default_timeout(60_000)
    open_chat(patient, "en")
    send(patient, "What is HHT?")
    expect(bot_messages(patient, "answer").first).to_be_visible()
    conversation_id = patient.evaluate("JSON.parse(localStorage.getItem('vascern-chat')).conversation_id")

    sign_in(moderator, staff)
    moderator.goto(f"/console/conversations/{conversation_id}")
    moderator.locator("#live-take").click()
    expect(moderator.locator("#live-end")).to_be_visible()
    expect(patient.locator("#vc-log .vc-msg--handoff").last).to_contain_text("is answering you now")

    turns_before = len(site.rasa_tracker(conversation_id)[1]["events"])
    send(patient, "Can I speak with you about my daughter?")
    expect(moderator.locator("#live-log .live-patient")).to_contain_text("speak with you about my daughter")
    moderator.locator("#live-text").fill("Of course, I am here to help.")
    moderator.locator("#live-send").click()
    expect(
        patient.locator("#vc-log .vc-msg--handoff", has_text="Of course, I am here to help.")
    ).to_be_visible()
    assert len(site.rasa_tracker(conversation_id)[1]["events"]) == turns_before, "Rasa received nothing"
    screenshot(patient, site, "live-patient")

    moderator.locator("#live-end").click()
    expect(patient.locator("#vc-log .vc-msg--handoff").last).to_contain_text("answers you again")
    patient_context.close()
    moderator_context.close()


def test_from_the_widgets_request_to_talk_now_with_typing_and_an_emergency_during_the_takeover(
    browser, site, staff
):
    patient_context = browser.new_context(base_url=site.web_url)
    moderator_context = browser.new_context(base_url=site.web_url)
    patient, moderator = patient_context.new_page(), moderator_context.new_page()
    for page in (patient, moderator):
        page.set_default_timeout(60_000)
    sign_in(moderator, staff)
    moderator.goto("/console/tickets")  # the console is open: the moderator counts as online

    open_chat(patient, "en")
    send(patient, "I want to talk to a real person")
    patient.locator(".vc-quick-reply", has_text="Yes, I agree").click()
    patient.locator(".vc-quick-reply", has_text="By email").click()
    expect(patient.locator("#vc-log .vc-msg--handoff").last).to_contain_text("email address")
    send(patient, "sam.jones@example.org")
    patient.locator(".vc-quick-reply", has_text="English").click()
    expect(patient.locator("#vc-log .vc-msg--handoff").last).to_contain_text("In one line")
    send(patient, "Sport at school with vascular EDS")
    patient.locator(".vc-quick-reply", has_text="Talk now").click()
    expect(patient.locator("#vc-log .vc-msg--handoff").last).to_contain_text("number 1 in the queue")

    alert = moderator.locator("#live-alerts a", has_text="waiting to talk now")
    expect(alert).to_be_visible()  # pushed to the open page
    moderator.reload()  # and shown on every page until someone takes the conversation
    expect(alert).to_have_count(1)
    expect(moderator.locator("table.list tbody tr").first).to_contain_text("open")
    screenshot(moderator, site, "console-live-alert")
    alert.click()
    moderator.locator("#live-take").click()
    expect(patient.locator("#vc-log .vc-msg--handoff").last).to_contain_text("is answering you now")

    expect(moderator.locator("#live-status")).to_contain_text("Connected")
    patient.locator("#vc-input").press_sequentially("Hello, are you")
    expect(moderator.locator("#live-status")).to_contain_text("typing")
    send(patient, "my son suddenly has a tearing pain in his chest and back and he is very pale")
    emergency = patient.locator("#vc-log .vc-msg--emergency").last
    expect(emergency).to_be_visible()
    expect(emergency).to_contain_text("112")
    expect(moderator.locator("#live-log .live-patient").last).to_contain_text("⚠")
    screenshot(moderator, site, "console-live-chat")
    patient_context.close()
    moderator_context.close()
