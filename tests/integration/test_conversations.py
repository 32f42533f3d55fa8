"""Conversations through POST /api/chat with the real Rasa, action server and web.

Needs live services: the `stack` fixture starts all three (see scripts/stack.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from scripts.stack import ROOT, rasa_token, running_stack
from tests.integration.conftest import types

SOURCE_FIELDS = {"id", "title", "url", "disease", "language", "reviewed"}
ITEM_FIELDS = {"name", "city", "country", "working_groups", "url", "phone", "email"}
MAX_ANSWER_WORDS = 120


def answer_of(body: dict) -> dict:
    """The one `answer` message of a reply."""
    answers = [m for m in body["messages"] if m["type"] == "answer"]
    assert len(answers) == 1, body
    return answers[0]


def assert_cited(answer: dict, disease: str | None, language: str) -> None:
    """An answer's sources follow the API contract and match the expected disease."""
    assert answer["sources"], answer
    for source in answer["sources"]:
        assert source.keys() >= SOURCE_FIELDS
        assert source["url"].startswith("http")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", source["reviewed"])
    assert answer["sources"][0]["disease"] == disease
    assert answer["sources"][0]["language"] == language
    assert len(answer["text"].split("\n\n")[0].split()) <= MAX_ANSWER_WORDS


def test_an_english_conversation_starts_with_the_disclaimer_and_answers_follow_ups(new_conversation):
    first = new_conversation("hello")
    assert first["language"] == "en"
    assert types(first) == ["text", "text"]
    assert "not a doctor" in first["messages"][0]["text"] and "112" in first["messages"][0]["text"]
    assert first["messages"][1]["buttons"]

    what = answer_of(new_conversation("what is HHT, the disease with nosebleeds?"))
    assert_cited(what, "HHT", "en")

    children = answer_of(new_conversation("and in children?"))
    assert_cited(children, "HHT", "en")
    assert "child" in children["sources"][0]["id"]


def test_a_french_conversation_stays_in_french_and_keeps_the_disease(new_conversation):
    first = new_conversation("bonjour")
    assert first["language"] == "fr"
    assert "15" in first["messages"][0]["text"] and "médecin" in first["messages"][0]["text"]

    marfan = new_conversation("c'est quoi le syndrome de marfan ?")
    assert marfan["language"] == "fr"
    assert_cited(answer_of(marfan), "HTAD", "fr")

    pregnancy = answer_of(new_conversation("et pendant la grossesse ?"))
    assert_cited(pregnancy, "HTAD", "fr")
    assert "pregnancy" in pregnancy["sources"][0]["id"]

    short = new_conversation("ok merci")
    assert short["language"] == "fr"


def test_the_page_language_seeds_a_short_first_message(stack):
    status, body = stack.chat("ok", language="fr")
    assert status == 200
    assert body["language"] == "fr"
    assert all(m["language"] == "fr" for m in body["messages"])


def test_red_flags_get_the_emergency_message_first_and_nothing_else_asks(new_conversation):
    body = new_conversation("I have Marfan and suddenly a tearing pain in my back, where is a centre?")
    assert types(body)[0] == "emergency"
    emergency = body["messages"][0]
    assert emergency["number"] == "112" and "112" in emergency["text"]
    assert emergency["category"] == "aortic_dissection"
    assert "aorta" in emergency["text"]
    assert "centres" not in types(body) and "answer" not in types(body)


def test_a_french_emergency_names_15_and_112(new_conversation):
    body = new_conversation("j'ai le syndrome de marfan et une douleur dechirante dans le dos d'un coup")
    assert types(body)[0] == "emergency"
    assert "15" in body["messages"][0]["text"] and "112" in body["messages"][0]["text"]


def test_an_emergency_in_the_middle_of_the_centre_form_comes_first_and_ends_the_form(new_conversation):
    asked = new_conversation("I'm looking for an expert centre for vascular Ehlers-Danlos")
    assert "country or city" in asked["messages"][-1]["text"]
    body = new_conversation("wait, my wife suddenly has terrible tearing pain in her belly and she fainted")
    assert types(body) == ["emergency"]
    after = new_conversation("thank you")
    assert "country or city" not in " ".join(m["text"] for m in after["messages"])


def test_a_question_about_warning_signs_is_answered_not_treated_as_an_emergency(new_conversation):
    body = new_conversation("what are the warning signs of an aortic dissection?")
    assert "emergency" not in types(body)
    answer = answer_of(body)
    assert "112" in answer["text"]


def test_suicidal_intent_gets_an_emergency_with_the_crisis_line(new_conversation):
    body = new_conversation("je suis en France et je veux mourir")
    assert types(body)[0] == "emergency"
    assert "3114" in body["messages"][0]["text"]


def test_distress_gets_warmth_and_a_person_never_the_suicide_line(new_conversation):
    body = new_conversation("je suis en France et je me sens tellement seule et épuisée depuis le diagnostic")
    assert "emergency" not in types(body)
    support = body["messages"][-1]
    assert "3114" not in support["text"]
    assert support["buttons"][0]["payload"] == "/request_human"


def test_a_possible_red_flag_gets_the_safety_question_and_yes_now_gets_the_emergency(new_conversation):
    body = new_conversation("Meine Tochter hat einen Krampfanfall, der nicht aufhört, sie ist ganz blau")
    first = next(m for m in body["messages"] if m["type"] == "emergency" or m.get("buttons"))
    if first["type"] != "emergency":  # the model was unsure: one question first, in German
        assert first["language"] == "de"
        assert [b["payload"] for b in first["buttons"]] == ["/confirm_emergency", "/deny_emergency"]
        body = new_conversation(first["buttons"][0]["title"], payload="/confirm_emergency")
    assert types(body)[0] == "emergency"
    assert {m["language"] for m in body["messages"]} == {"de"}, "nothing after it is in English"
    assert "für Ihre Tochter" in body["messages"][0]["text"]


def test_a_german_stroke_is_answered_in_german_with_nothing_in_english_after_it(new_conversation):
    text = "Mein Vater kann plötzlich nicht mehr sprechen und sein Mund hängt auf einer Seite"
    body = new_conversation(text)
    assert types(body)[0] == "emergency"
    assert {m["language"] for m in body["messages"]} == {"de"}
    assert "für Ihren Vater" in body["messages"][0]["text"]


def test_a_personal_diagnosis_request_gets_one_sentence_and_the_general_information(new_conversation):
    body = new_conversation("could I have Marfan syndrome? I am very tall and wear glasses")
    messages = [m for m in body["messages"] if m["type"] != "text" or "automated assistant" not in m["text"]]
    assert len(messages) == 1, body  # one bubble: no separate refusal template
    if messages[0]["type"] == "answer":
        assert messages[0]["text"].startswith("Only a doctor who knows you can judge your own situation")
        assert messages[0]["sources"][0]["disease"] == "HTAD"
    else:  # no reliable general answer: said so, with the finder and a person offered
        assert {b["payload"] for b in messages[0]["buttons"]} == {"/find_centre", "/request_human"}


def test_a_personal_question_still_gets_the_general_information(new_conversation):
    body = new_conversation(
        "dois-je faire traiter la malformation veineuse de mon fils ? comment ça se traite ?"
    )
    answer = answer_of(body)
    assert answer["text"].startswith("Seul un médecin qui vous connaît")
    assert_cited(answer, "VASCA", "fr")
    assert "treatment" in answer["sources"][0]["id"]


def assert_centres(message: dict, group: str) -> None:
    """A centres message follows the API contract."""
    assert message["type"] == "centres"
    assert 1 <= len(message["items"]) <= 5
    for item in message["items"]:
        assert item.keys() >= ITEM_FIELDS
        assert re.fullmatch(r"[A-Z]{2}", item["country"])
        assert group in item["working_groups"]
        assert item["sources"]


def test_disease_and_city_in_one_message_answer_at_once(new_conversation):
    body = new_conversation("centre HHT près de Lyon")
    centres = next(m for m in body["messages"] if m["type"] == "centres")
    assert_centres(centres, "HHT")
    assert centres["items"][0]["city"] == "Lyon"
    assert "médecin" in body["messages"][-1]["text"]


def test_a_country_search_lists_that_country_first_and_a_correction_searches_again(new_conversation):
    body = new_conversation("Marfan expert in Belgium")
    centres = next(m for m in body["messages"] if m["type"] == "centres")
    assert_centres(centres, "HTAD")
    assert centres["items"][0]["country"] == "BE"
    again = new_conversation("no, rather in the Netherlands")
    centres = next(m for m in again["messages"] if m["type"] == "centres")
    assert centres["items"][0]["country"] == "NL"


def test_a_misspelled_city_is_understood(new_conversation):
    body = new_conversation("centre pour lymphoedeme primaire a Bruxels")
    centres = next(m for m in body["messages"] if m["type"] == "centres")
    assert_centres(centres, "PPL")
    assert centres["items"][0]["country"] == "BE"


def test_a_place_outside_the_network_gets_the_nearest_centres_and_says_so(new_conversation):
    body = new_conversation("I live in Morocco, is there a moyamoya specialist?")
    assert "not part of the VASCERN network" in body["messages"][1]["text"]
    centres = next(m for m in body["messages"] if m["type"] == "centres")
    assert_centres(centres, "NEUROVASC")
    assert all(item["country"] != "MA" for item in centres["items"])


def test_a_search_anywhere_in_europe_lists_one_centre_per_country(new_conversation):
    body = new_conversation("Is there a centre anywhere in Europe for Loeys-Dietz syndrome?")
    texts = " ".join(m.get("text", "") for m in body["messages"])
    assert "not part of the VASCERN network" not in texts and "which country" not in texts.lower()
    centres = next(m for m in body["messages"] if m["type"] == "centres")
    assert "in Europe, one per country" in centres["text"]
    assert_centres(centres, "HTAD")
    countries = [item["country"] for item in centres["items"]]
    assert len(set(countries)) == len(countries) > 1


def test_a_disease_outside_every_group_is_said_plainly_with_a_person_offered(new_conversation):
    body = new_conversation("expert for diabetes in Germany")
    assert "centres" not in types(body)
    assert "not one of those VASCERN covers" in body["messages"][-1]["text"]


def test_organisations_list_national_ones_before_european_ones(new_conversation):
    body = new_conversation("association de patients pour le syndrome de marfan en france")
    organisations = next(m for m in body["messages"] if m["type"] == "organisations")
    countries = [item["country"] for item in organisations["items"]]
    assert countries[0] == "FR"
    assert countries == sorted(countries, key=lambda c: c in ("EU", "INT"))


def test_a_group_search_without_a_place_offers_the_european_groups_with_one_tap(new_conversation):
    body = new_conversation("is there a patient group for HHT?")
    button = body["messages"][-1]["buttons"][0]
    assert button["title"] == "Groups across Europe"
    body = new_conversation(button["title"], payload=button["payload"])
    organisations = next(m for m in body["messages"] if m["type"] == "organisations")
    assert "HHT Europe" in [item["name"] for item in organisations["items"]]
    assert {item["country"] for item in organisations["items"]} <= {"EU", "INT"}


def test_every_message_and_reply_is_stored(stack, new_conversation):
    new_conversation("hello")
    body = new_conversation("what is CADASIL?")
    rows = [(sender, kind) for sender, kind, _ in stack.stored(body["conversation_id"])]
    assert [r for r in rows if r[0] == "patient"] == [("patient", "text")] * 2
    assert ("bot", "answer") in rows


def test_a_german_emergency_is_answered_in_german(new_conversation):
    body = new_conversation("Mein Vater hat plötzlich ein hängendes Gesicht und kann nicht mehr sprechen")
    emergency = body["messages"][0]
    assert emergency["type"] == "emergency"
    assert emergency["language"] == "de"
    assert "Wählen Sie JETZT die 112" in emergency["text"]


def test_no_centre_in_the_country_is_said_plainly_with_the_nearest_ones(new_conversation):
    body = new_conversation("Ehlers-Danlos vasculaire Italie")
    centres = next(m for m in body["messages"] if m["type"] == "centres")
    assert body["language"] == "fr"
    assert "Italie" in centres["text"] and "plus proches" in centres["text"]
    assert_centres(centres, "MSA")
    assert all(item["country"] != "IT" for item in centres["items"])


def test_a_place_without_a_disease_asks_for_the_group_with_plain_word_buttons(new_conversation):
    asked = new_conversation("is there anyone in Ireland?")
    buttons = asked["messages"][-1]["buttons"]
    assert len(buttons) == 6
    assert buttons[0] == {"title": "Nosebleeds / Rendu-Osler (HHT)", "payload": '/inform{"disease":"HHT"}'}
    body = new_conversation(buttons[3]["title"], payload='/inform{"disease":"PPL"}')
    centres = next(m for m in body["messages"] if m["type"] == "centres")
    assert_centres(centres, "PPL")


def test_when_the_action_server_is_down_the_patient_gets_503_with_the_emergency_number(tmp_path):
    """Its own stack, since it stops the action server."""
    with running_stack(ROOT / os.environ["MODEL"], tmp_path) as own:
        actions = own.processes["actions"]
        actions.terminate()
        actions.wait(timeout=20)
        status, body = own.chat("what is HHT?")
    assert status == 503
    assert "112" in body["messages"][-1]["text"]


def test_a_german_question_is_answered_in_german_from_the_content(new_conversation):
    body = new_conversation("Was ist Morbus Osler?")
    assert body["language"] == "de"
    answer = answer_of(body)
    assert answer["language"] == "de" and answer["sources"][0]["id"] == "hht-overview"
    assert all(message["language"] == "de" for message in body["messages"])


def test_an_italian_question_is_answered_in_italian_from_the_translation(new_conversation):
    answer = answer_of(new_conversation("Con la malattia di Rendu-Osler posso avere una gravidanza?"))
    assert answer["language"] == "it" and answer["sources"][0]["id"] == "hht-pregnancy"
    assert "gravidanza" in answer["text"].lower() and "inglese" not in answer["text"]


def test_negative_feedback_gets_an_apology_and_a_person_and_is_stored(stack, new_conversation):
    new_conversation("what is HHT?")
    body = new_conversation("that wasn't helpful at all")
    assert [m["payload"] for m in body["messages"][-1]["buttons"]] == ["/request_human"]
    assert ("system", "feedback", "negative") in stack.stored(body["conversation_id"])


def test_erasing_the_conversation_deletes_the_transcript_after_a_confirmation(stack, new_conversation):
    new_conversation("my daughter has Marfan, what is it?")
    asked = new_conversation("please delete everything I told you")
    assert [b["payload"] for b in asked["messages"][-1]["buttons"]] == ["/affirm", "/deny"]
    done = new_conversation(asked["messages"][-1]["buttons"][0]["title"], payload="/affirm")
    stored = stack.stored(done["conversation_id"])
    assert not any("Marfan" in text for _sender, _type, text in stored), stored
    assert [sender for sender, _type, _text in stored] == ["bot"]
    status, tracker = stack.rasa_tracker(done["conversation_id"])
    assert status == 200 and not any(
        event.get("text") and "Marfan" in event["text"] for event in tracker.get("events", [])
    )


def test_a_goodbye_that_opens_a_conversation_gets_no_disclaimer(new_conversation):
    body = new_conversation("goodbye")
    assert len(body["messages"]) == 1 and "112" in body["messages"][0]["text"], body


def test_text_that_looks_like_a_rasa_command_is_read_as_text(stack, new_conversation):
    first = new_conversation("my daughter has Marfan syndrome")
    for command in ("/restart", "/session_start", '/inform{"disease":"PPL"}'):
        new_conversation(command)
    status, tracker = stack.rasa_tracker(first["conversation_id"])
    events = [event["event"] for event in tracker["events"]]
    assert status == 200 and "restart" not in events and events.count("session_started") == 1
    parsed = stack.stored(first["conversation_id"], ("sender", "text", "intent", "confidence"))
    commands = [row for row in parsed if row[0] == "patient" and row[1].startswith("/")]
    assert len(commands) == 3
    # Rasa's command syntax sets the intent with confidence exactly 1.0; the NLU never does.
    assert all(confidence is not None and confidence < 1.0 for _, _, _, confidence in commands), commands


def test_a_button_payload_the_conversation_was_not_offered_is_sent_as_text(stack, new_conversation):
    body = new_conversation("hello", payload='/inform{"disease":"PPL"}')
    assert stack.stored(body["conversation_id"], ("sender", "intent"))[0] == ("patient", "greet")


def test_each_patient_message_is_stored_with_its_intent_and_confidence(stack, new_conversation):
    body = new_conversation("where is the nearest HHT centre to Lyon?")
    rows = stack.stored(body["conversation_id"], ("sender", "intent", "confidence", "reply_to"))
    patient = [row for row in rows if row[0] == "patient"]
    assert patient[0][1] == "find_centre" and 0 < patient[0][2] <= 1
    replies = [row for row in rows if row[0] == "bot"]
    assert all(row[3] is not None for row in replies), "each reply names the message it answers"


def test_rasas_token_is_not_on_any_command_line(stack):
    token = rasa_token()
    for name, process in stack.processes.items():
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode(errors="replace")
        assert token not in command_line, name
