"""Personal data is redacted from stored text in the six languages (web/storage/redact.py)."""

from __future__ import annotations

import pytest

from web.storage import redact as redaction
from web.storage.redact import redact, redact_bot_text


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("my email is jean.dupont@gmail.com, call +44 20 7946 0958", ["jean.dupont", "7946"]),
        ("My name is Sarah Connor and my son has HHT", ["Sarah", "Connor"]),
        ("je m'appelle marie Lefèvre, joignable au 06 12 34 56 78", ["marie", "Lefèvre", "56 78"]),
        ("j'habite 12 rue de la Paix, 75002 Paris", ["12 rue de la Paix", "75002"]),
        (
            "Ich heiße Anna Müller und wohne in der Hauptstraße 12, 10115 Berlin",
            ["Anna", "Müller", "Hauptstraße 12"],
        ),
        (
            "Mi chiamo Luca Rossi, abito in Via Roma 10, tel. 347 123 4567",
            ["Luca", "Rossi", "Via Roma 10", "4567"],
        ),
        ("me llamo Pedro Gómez, vivo en calle Mayor 3, 28013 Madrid", ["Pedro", "Gómez", "Mayor 3"]),
        (
            "mijn naam is Jan de Vries, Kerkstraat 5, 1012 AB Amsterdam, 06 12345678",
            ["Jan", "Kerkstraat", "12345678"],
        ),
    ],
)
def test_names_contacts_and_addresses_are_replaced(text, gone):
    kept = redact(text)
    for part in gone:
        assert part not in kept, kept


@pytest.mark.parametrize(
    "text",
    [
        "my son has 3 AVMs and takes 2 tablets at 8 pm; HHT since 2015",
        "Mon fils a 12 ans, il a eu 3 saignements de nez cette semaine",
        "Is there an expert centre in Paris or Lyon for Marfan?",
        "write to contact@vascern.eu",
        "My name is in the file at the hospital",
    ],
)
def test_ordinary_medical_text_is_left_alone(text):
    assert redact(text) == text


def test_bot_texts_are_redacted_the_same_and_memory_holds_no_redacted_data():
    contact = "We will write to jean.dupont@gmail.com or call +44 20 7946 0958 within two days."
    clean = "In an emergency, call 112 or 15 now. I am not a doctor."
    for _ in range(2):  # the second time from memory
        assert redact_bot_text(contact) == redact(contact) != contact
        assert redact_bot_text(clean) == redact(clean) == clean
    remembered = repr(redaction._REDACTED_BOT_TEXTS)
    assert "jean.dupont" not in remembered and "7946" not in remembered
    assert contact.encode() not in redaction._REDACTED_BOT_TEXTS
