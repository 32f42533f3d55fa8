"""Reading the patient's choices in the handoff form: the channel (email or phone) and the
language a person should answer in, as a button sends them or as typed in any of the six
languages (compared folded: no case, no accents)."""

from __future__ import annotations

from common.languages import LANGUAGES
from common.text import fold

EMAIL = "email"
PHONE = "phone"
# Words that name a channel, folded, in the six languages.
CHANNEL_WORDS = {
    EMAIL: {
        "email",
        "mail",
        "e mail",
        "courriel",
        "mel",
        "correo",
        "correo electronico",
        "posta",
        "posta elettronica",
        "schriftlich",
        "ecrit",
        "par ecrit",
        "in writing",
        "per iscritto",
        "por escrito",
        "schriftelijk",
    },
    PHONE: {
        "phone",
        "telephone",
        "tel",
        "telefon",
        "telefono",
        "telefoon",
        "call",
        "appel",
        "appeler",
        "anruf",
        "anrufen",
        "rappel",
        "rueckruf",
        "ruckruf",
        "bellen",
        "llamada",
        "llamar",
        "chiamata",
        "chiamare",
        "mobile",
        "portable",
        "handy",
        "movil",
        "cellulare",
        "gsm",
        "by phone",
        "par telephone",
        "per telefon",
        "al telefono",
        "por telefono",
        "telefonisch",
    },
}
# Names of the six languages, folded, as patients write them in any of the six.
LANGUAGE_WORDS = {
    "en": {"english", "anglais", "englisch", "inglese", "ingles", "engels"},
    "fr": {"french", "francais", "franzosisch", "franzoesisch", "francese", "frances", "frans"},
    "de": {"german", "allemand", "deutsch", "tedesco", "aleman", "duits"},
    "it": {"italian", "italien", "italienisch", "italiano", "italiaans"},
    "es": {"spanish", "espagnol", "spanisch", "spagnolo", "espanol", "castellano", "spaans"},
    "nl": {
        "dutch",
        "neerlandais",
        "niederlandisch",
        "niederlaendisch",
        "hollandisch",
        "olandese",
        "neerlandes",
        "holandes",
        "nederlands",
        "vlaams",
        "flamand",
        "flemish",
    },
}


def _named(text: str, words: dict[str, set[str]]) -> str | None:
    """The one key whose words `text` contains (as whole words), or None (none or several)."""
    folded = f" {fold(text)} "
    found = {key for key, names in words.items() if any(f" {name} " in folded for name in names)}
    return found.pop() if len(found) == 1 else None


def read_channel(text: str) -> str | None:
    """EMAIL or PHONE, as named in `text`; None when it names neither or both."""
    return _named(text, CHANNEL_WORDS)


def read_language(text: str) -> str | None:
    """The language code `text` chooses: a bare code (a button's payload) or a language's name."""
    code = text.strip().lower()
    if code in LANGUAGES:
        return code
    return _named(text, LANGUAGE_WORDS)
