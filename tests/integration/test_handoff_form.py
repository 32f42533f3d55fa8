"""The handoff, end to end on the real stack (Rasa, action server, web on PostgreSQL): what
offers a person, the form (consent, channel, contact, language, one line about the
question) in French, English and German, cancel at every step, invalid contacts re-asked,
consent refused, an emergency inside the form, and the ticket it opens."""

from __future__ import annotations

import json
import time

import pytest

from common.languages import NATIVE_NAMES
from tests.integration.conftest import types

# What the patient answers at each step of the form, per language.
PATHS = {
    "fr": {
        "ask": "je voudrais parler à une vraie personne",
        "yes": "oui",
        "channel": "par e-mail",
        "contact": "claire.martin@example.org",
        "language": "Français",
        "question": "le rendu-osler de ma fille, quel suivi au collège ?",
        "stop": "laisse tomber",
    },
    "en": {
        "ask": "I want to talk to a real person",
        "yes": "yes",
        "channel": "phone",
        "contact": "+44 7911 123456",
        "language": "English",
        "question": "my son has vascular EDS, can he do sport at school?",
        "stop": "forget it",
    },
    "de": {
        "ask": "Ich möchte mit einem Menschen sprechen",
        "yes": "ja",
        "channel": "per E-Mail",
        "contact": "anna.schmidt@example.org",
        "language": "Deutsch",
        "question": "Welche Kontrollen braucht man beim Marfan-Syndrom?",
        "stop": "abbrechen",
    },
}
STEPS = ["ask", "yes", "channel", "contact", "language", "question"]


def last(body: dict) -> dict:
    return body["messages"][-1]


def requested(body: dict) -> dict:
    """The confirmation of a request (the message after it says when to expect an answer)."""
    (found,) = [m for m in body["messages"] if m["type"] == "handoff" and m.get("status") == "requested"]
    assert body["messages"][-1]["status"] == "waiting", "followed by talk now or the expected time"
    return found


def ticket_of(stack, conversation_id: str) -> list[tuple]:
    return stack.query("SELECT language, summary FROM tickets WHERE conversation_id = :c", c=conversation_id)


@pytest.mark.parametrize("language", PATHS)
def test_the_form_asks_each_step_in_the_patients_language_and_opens_a_ticket(
    stack, new_conversation, language
):
    path = PATHS[language]
    consent = last(new_conversation(path["ask"]))
    assert consent["type"] == "handoff" and consent["language"] == language
    assert "art. 9" in consent["text"].lower() and [b["payload"] for b in consent["buttons"]] == [
        "/affirm",
        "/deny",
    ]
    channel = last(new_conversation(path["yes"]))
    assert [b["payload"] for b in channel["buttons"]] == ["email", "phone"]
    contact = last(new_conversation(path["channel"]))
    assert contact["language"] == language and not contact.get("buttons")
    choose = last(new_conversation(path["contact"]))
    assert choose["buttons"][0]["title"] == NATIVE_NAMES[language], "the conversation's language first"
    assert len(choose["buttons"]) == 6
    question = last(new_conversation(path["language"]))
    assert question["language"] == language and "?" in question["text"]
    done = new_conversation(path["question"])
    confirmed = requested(done)
    assert confirmed["type"] == "handoff" and confirmed["status"] == "requested"
    assert confirmed["language"] == language
    ((ticket_language, summary),) = ticket_of(stack, done["conversation_id"])
    summary = json.loads(summary) if isinstance(summary, str) else summary
    assert ticket_language == language
    assert summary["channel"] == ("phone" if language == "en" else "email")
    assert summary["question"] == path["question"]
    stored = " ".join(text for _s, _t, text in stack.stored(done["conversation_id"]))
    assert path["contact"] not in stored, "the contact lives on the ticket alone"


@pytest.mark.parametrize("language", PATHS)
@pytest.mark.parametrize("step", STEPS[1:])
def test_stop_cancels_the_form_at_every_step_and_nothing_is_stored(stack, new_conversation, language, step):
    path = PATHS[language]
    for name in STEPS[: STEPS.index(step)]:
        new_conversation(path[name])
    cancelled = new_conversation(path["stop"])
    assert last(cancelled)["type"] == "text" and last(cancelled)["language"] == language
    assert ticket_of(stack, cancelled["conversation_id"]) == []
    again = last(new_conversation(path["ask"]))
    assert again["type"] == "handoff" and "art. 9" in again["text"].lower(), "consent is asked again"


def test_consent_refused_stores_nothing_and_gives_the_public_contact_routes(stack, new_conversation):
    new_conversation("Ich möchte mit einem Menschen sprechen")
    refused = new_conversation("nein")
    declined = last(refused)
    assert declined["type"] == "handoff" and declined["status"] == "declined"
    assert "contact@vascern.eu" in declined["text"]
    assert ticket_of(stack, refused["conversation_id"]) == []


def test_an_invalid_email_and_an_invalid_phone_are_asked_again(new_conversation):
    new_conversation("je voudrais parler à une vraie personne")
    new_conversation("oui")
    new_conversation("email")
    again = new_conversation("marie.dupont@@exemple")
    assert any("adresse e-mail" in m["text"] and "réécrire" in m["text"] for m in again["messages"])
    assert len(last(new_conversation("marie.dupont@example.org"))["buttons"]) == 6

    new_conversation("stop")
    new_conversation("je voudrais parler à une vraie personne")
    new_conversation("oui")
    new_conversation("téléphone")
    again = new_conversation("mon numéro c'est le 0612")
    assert any("numéro de téléphone" in m["text"] for m in again["messages"])
    assert len(last(new_conversation("06 12 34 56 78"))["buttons"]) == 6


def test_a_contact_typed_at_the_channel_step_chooses_the_channel(stack, new_conversation):
    new_conversation("can I speak to someone from the team?")
    new_conversation("yes")
    choose = last(new_conversation("you can mail me at tom.baker@example.org"))
    assert len(choose["buttons"]) == 6
    new_conversation("English", payload="English")
    done = new_conversation("questions about my lymphoedema and flying")
    assert "tom.baker@example.org" in requested(done)["text"]


def test_an_emergency_inside_the_form_interrupts_it(stack, new_conversation):
    new_conversation("I want to talk to a real person")
    new_conversation("yes")
    new_conversation("email")
    body = new_conversation("my husband has a sudden tearing pain in his chest and back and he is pale")
    assert types(body)[0] == "emergency"
    assert ticket_of(stack, body["conversation_id"]) == []


@pytest.mark.parametrize("word", ["agent", "humain", "Mensch", "umano", "humano", "medewerker"])
def test_a_one_word_request_starts_the_handoff_in_each_language(new_conversation, word):
    asked = last(new_conversation(word))
    assert asked["type"] == "handoff" and "art. 9" in asked["text"].lower()


def test_two_unhelpful_turns_in_a_row_say_who_answers_and_a_typed_yes_starts_the_handoff(
    new_conversation,
):
    new_conversation("who won the football last night")
    offer = last(new_conversation("what's a good pizza recipe"))
    assert offer["type"] == "text" and "moderators" in offer["text"] and "doctor" in offer["text"]
    assert offer["buttons"][0]["payload"] == "/request_human"
    consent = last(new_conversation("yes please"))
    assert consent["type"] == "handoff" and "art. 9" in consent["text"].lower()


def test_negative_feedback_twice_says_who_answers(stack, new_conversation):
    new_conversation("what is HHT?")
    first = last(new_conversation("that wasn't helpful"))
    assert "another way" in first["text"]
    body = new_conversation("this is useless, you understand nothing")
    assert "moderators" in last(body)["text"]
    kinds = [kind for sender, kind, _ in stack.stored(body["conversation_id"]) if sender == "system"]
    assert kinds.count("feedback") == 2, "both are stored as negative feedback"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("how do I get an appointment at the HHT centre? the hospital never answers", "en"),
        ("j'ai besoin d'aide pour remplir le dossier MDPH de mon fils", "fr"),
        ("wer hilft mir beim Antrag auf Schwerbehinderung?", "de"),
    ],
)
def test_administrative_help_says_who_can_help_and_offers_a_person(new_conversation, text, language):
    offer = last(new_conversation(text))
    assert offer["language"] == language
    assert offer["buttons"][0]["payload"] == "/request_human"
    consent = last(new_conversation({"en": "yes", "fr": "oui", "de": "ja"}[language]))
    assert consent["type"] == "handoff"


def test_a_request_opens_a_ticket_and_mails_the_moderators(stack, new_conversation):
    new_conversation("my son has HHT, is it inherited?")
    for text in ("I want to talk to a real person", "yes", "email", "paul.martin@example.org", "English"):
        new_conversation(text)
    done = new_conversation("screening for my other children")
    rows = stack.query(
        "SELECT id, status, contact FROM tickets WHERE conversation_id = :c", c=done["conversation_id"]
    )
    (ticket_id, status, sealed) = rows[0]
    assert status == "open" and b"example.org" not in bytes(sealed), "the contact is encrypted"
    stored = " ".join(text for _s, _t, text in stack.stored(done["conversation_id"]))
    assert "paul.martin" not in stored, "and not in the transcript"
    deadline = time.monotonic() + 30
    while not list((stack.logs / "outbox").glob(f"ticket-{ticket_id}-*.eml")) and time.monotonic() < deadline:
        time.sleep(0.5)
    (mail,) = (stack.logs / "outbox").glob(f"ticket-{ticket_id}-*.eml")
    body = mail.read_bytes()
    assert b"HHT" in body and b"screening for my other children" in body and b"paul.martin" not in body
