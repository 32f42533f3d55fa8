"""Language detection of patients' messages (bot/language.py)."""

from __future__ import annotations

import pytest

from bot.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("centre HHT près de Lyon", "fr"),
        ("Marfan expert in Belgium", "en"),
        ("is there anyone in Ireland?", "en"),
        ("et chez l'enfant ?", "fr"),
        ("c'est quoi le syndrome de marfan", "fr"),
        ("ich habe plötzlich starke Brustschmerzen", "de"),
        ("ho un dolore fortissimo al petto", "it"),
        ("hola tengo una pregunta sobre mi hija", "es"),
        ("ik heb een vraag over mijn zoon", "nl"),
    ],
)
def test_messages_are_detected_in_their_language(text, language):
    assert detect_language(text)["code"] == language


@pytest.mark.parametrize("text", ["ok", "oui", "yes", "Lyon", "HHT", "merci"])
def test_one_word_messages_are_never_clear_enough_to_switch_language(text):
    assert detect_language(text)["clear"] is False


def test_a_full_sentence_is_clear():
    assert detect_language("where can my son be seen for his lymphoedema")["clear"] is True


def test_a_message_without_words_has_no_language():
    assert detect_language("?? 123 !!") is None


@pytest.mark.parametrize("text", ["anna.schmidt@example.org", "https://www.vascern.eu/fr/", "+49 30 1234567"])
def test_an_address_or_a_number_alone_has_no_language(text):
    # a contact typed in the handoff form must not switch the conversation's language
    assert detect_language(text) is None
