"""Text normalisation and tokens for the red-flag rules: lower case, no accents, letters
repeated 3+ times collapsed, contractions joined ("can't" -> "cant"), elisions split
("l'aorte" -> "l aorte"), sentence and clause boundaries kept on each token."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_APOSTROPHES = "'’`´"
_SPECIAL_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d"})
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’`´][^\W_]+)*")
_CONTRACTION_RE = re.compile(r"^(.+)['’`´](t|s|m|re|ve|ll|d)$")
_REPEAT3_RE = re.compile(r"(.)\1{2,}")
_REPEAT2_RE = re.compile(r"(.)\1+")
_SENTENCE_CHARS = set(".!?;…\n¿¡")
_CLAUSE_CHARS = set(",:()[]{}\"«»“”–—|")
YEAR_RE = re.compile(r"^(19|20)\d\d$")


def normalise(text: str) -> str:
    """Lower-case, strip accents and collapse letters repeated 3+ times."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_SPECIAL_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _REPEAT3_RE.sub(r"\1\1", text)


def skeleton(word: str) -> str:
    return _REPEAT2_RE.sub(r"\1", word)


@dataclass(frozen=True)
class RawToken:
    text: str  # normalised
    start: int  # character offsets in the original message
    end: int
    sentence_break: bool  # a sentence boundary precedes this token
    clause_break: bool  # a clause boundary (punctuation) precedes this token


def raw_tokens(text: str) -> list[RawToken]:
    """Split a message into normalised word tokens with boundary flags."""
    out: list[RawToken] = []
    prev_end = 0
    prev_text = ""
    for m in _TOKEN_RE.finditer(text):
        gap = text[prev_end : m.start()]
        sentence = any(c in _SENTENCE_CHARS for c in gap)
        if (
            sentence
            and gap.strip() == "."
            and ((prev_text.isdigit() and not YEAR_RE.match(prev_text)) or len(prev_text) == 1)
        ):
            sentence = False  # German ordinal "30. Woche", abbreviations "z.B.", "e.g." (not "in 2019.")
        clause = sentence or any(c in _CLAUSE_CHARS for c in gap) or " - " in gap
        word = normalise(m.group())
        pieces: list[tuple[str, int, int]]
        cm = _CONTRACTION_RE.match(word)
        if cm and cm.group(1).isalpha():
            pieces = [(cm.group(1) + cm.group(2), m.start(), m.end())]  # can't -> cant
        else:
            pieces = []
            offset = m.start()
            for part in re.split(r"['’`´]", word):
                pieces.append((part, offset, offset + len(part)))
                offset += len(part) + 1
        for i, (piece, s, e) in enumerate(pieces):
            if piece:
                first = i == 0
                out.append(RawToken(piece, s, e, sentence and first, clause and first))
        prev_end = m.end()
        prev_text = word
    return out

