"""The red-flag rules: derived concepts (HEADACHE = pain + head, ...) and the categories they
fire (dissection = pain + trunk + acute, ...), each with the suppressions that apply, and
``detect_red_flag``, which runs them in every plausible language of a message.

The vocabularies are data (safety/vocabulary/red_flags.<lang>.yml); how matching,
annotation and suppression work is described in docs/safety.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from common.languages import LANGUAGES
from safety.annotation import Ann
from safety.kinds import SELF_HARM
from safety.suppression import Suppression
from safety.text import RawToken, raw_tokens
from safety.vocabulary import Vocabulary, load_vocabulary

__all__ = ["CATEGORIES", "Reading", "RedFlag", "detect_red_flag", "read"]

CATEGORIES = (
    "dissection_rupture",
    "stroke",
    "bleeding",
    "limb_ischaemia",
    "unconscious",
    "pregnancy",
    "seizure",
    SELF_HARM,
)

# Which category wins when several fire on one message (most specific first).
PRIORITY = (
    "pregnancy",
    "dissection_rupture",
    "limb_ischaemia",
    "stroke",
    "bleeding",
    "seizure",
    "unconscious",
    SELF_HARM,
)


@dataclass(frozen=True)
class RedFlag:
    """An emergency seen in a message."""

    category: str  # one of CATEGORIES
    language: str  # ISO 639-1 code of the vocabulary that matched
    evidence: str  # the words in the message that triggered it (for logs and moderators)


@dataclass(frozen=True)
class Rule:
    output: str  # a category, or an UPPER-CASE derived concept
    groups: tuple[frozenset[str], ...]  # each group: alternative concepts, all groups needed
    window: int  # max words between the last annotation start and the first annotation end
    context: tuple[frozenset[str], ...]  # needed anywhere in the message, never suppressed
    checks: frozenset[str]  # suppressions that apply
    one_clause: bool = False  # all annotations between the same punctuation marks


_ALL_CHECKS = frozenset({"negation", "hypothetical", "cause_question", "question", "history", "mild"})
# Rules on a diagnosis word ("AVC", "dissection") also take a past-tense event as history.
_DIAGNOSIS_CHECKS = _ALL_CHECKS | {"perfect"}


def _rule(
    output: str,
    *groups: str,
    window: int = 12,
    context: Iterable[str] = (),
    checks: Iterable[str] = _ALL_CHECKS,
    one_clause: bool = False,
) -> Rule:
    return Rule(
        output,
        tuple(frozenset(g.split("|")) for g in groups),
        window,
        tuple(frozenset(g.split("|")) for g in context),
        frozenset(checks),
        one_clause,
    )


# Derived concepts first (they may feed later rules), then categories.
RULES: tuple[Rule, ...] = (
    _rule("HEADACHE", "pain", "head", window=5),
    _rule("LIMB_DEFICIT", "weak|numb|paralysis", "limb|face|one_side", window=7),
    _rule("SPEECH_DEFICIT", "speech", "speech_bad", window=4),
    _rule("SPEECH_DEFICIT", "speech_loss|slurred", window=0),
    _rule("VISION_DEFICIT", "vision_loss", window=0),
    _rule("FACE_DROOP", "face", "droop", window=5),
    _rule("NOSEBLEED", "nose", "bleed", window=5),
    _rule("NOSEBLEED", "nosebleed", window=0),
    _rule("BLOOD_OUT", "cough_vomit", "blood", window=5),
    _rule("BLOOD_OUT", "blood_out", window=0),
    _rule("BLACK_STOOL", "black", "stool", window=4),
    _rule("BLACK_STOOL", "black_stool", window=0),
    # --- categories
    _rule(
        "pregnancy",
        "pain|bleed|blood_out|BLOOD_OUT|NOSEBLEED|breathless|HEADACHE",
        context=("pregnant", "disease"),
    ),
    _rule("dissection_rupture", "pain", "trunk", "acute|tearing", window=12),
    _rule("dissection_rupture", "tearing", "trunk", window=6),
    _rule("dissection_rupture", "aorta", "rupture", window=6),
    _rule(
        "dissection_rupture",
        "dissection",
        "suspect|now|acute",
        window=10,
        checks=_DIAGNOSIS_CHECKS,
        one_clause=True,
    ),
    _rule("dissection_rupture", "collapse", "pain|trunk", window=12),
    # ("I nearly collapsed when they said aneurysm" is no collapse; with pain it still counts)
    _rule(
        "dissection_rupture", "collapse", "aorta|dissection", window=12, checks=_ALL_CHECKS | {"near_miss"}
    ),
    _rule("limb_ischaemia", "limb", "cold|pale|pulseless", "acute|now|change", window=12),
    _rule("stroke", "FACE_DROOP", window=0),
    _rule("stroke", "slurred", window=0),
    _rule("stroke", "paralysis", "limb|one_side|face", window=7),
    _rule(
        "stroke",
        "LIMB_DEFICIT",
        "acute|now|one_side|SPEECH_DEFICIT|FACE_DROOP|seizure|VISION_DEFICIT",
        window=14,
    ),
    _rule(
        "stroke",
        "SPEECH_DEFICIT",
        "acute|now|one_side|FACE_DROOP|face|seizure",
        window=14,
        checks=_ALL_CHECKS | {"speech_context"},
    ),
    # "can't / can no longer speak" alone is a sign now, unless it is about speaking of a topic,
    # a language, wanting to, being busy ("speech_context") or a child's development
    _rule("stroke", "speech_loss", window=0, checks=_ALL_CHECKS | {"speech_context", "speech_development"}),
    _rule("stroke", "VISION_DEFICIT", "acute|now|one_side|eye", window=10),
    _rule("stroke", "HEADACHE", "acute", window=10),
    _rule("stroke", "stroke_word", "suspect|now|acute", window=10, checks=_DIAGNOSIS_CHECKS, one_clause=True),
    # a seizure that goes on, comes again, or leaves the person not waking or blue
    _rule("seizure", "seizure", "seizure_danger", window=10),
    _rule("bleeding", "BLOOD_OUT", window=0),
    _rule("bleeding", "NOSEBLEED", "systemic|breathless", window=25),
    _rule("bleeding", "BLACK_STOOL", "systemic|breathless", window=25),
    _rule("bleeding", "bleed", "systemic|breathless", window=12),
    # "not responding" about a person now; not a doctor's silence or a treatment that fails
    _rule("unconscious", "unconscious", window=0, checks=_ALL_CHECKS | {"reply"}),
    _rule("unconscious", "collapse", window=0, checks=_ALL_CHECKS | {"near_miss"}),
    _rule(SELF_HARM, "self_harm", window=0, checks=("negation", "history")),
)


class Analysis(Suppression):
    """A message annotated in one language, with the rules applied to it."""

    def _combos(self, rule: Rule) -> Iterator[tuple[Ann, ...]]:
        cands = []
        for group in rule.groups:
            c = [a for concept in sorted(group) for a in self.get(concept)]  # deterministic order
            if not c:
                return
            cands.append(c)
        count = 0
        for combo in itertools.product(*cands):
            # window: words between the annotations (a phrase's own length is free)
            if max(a.start for a in combo) - min(a.end for a in combo) > rule.window:
                continue
            if len({self.sentence[a.start] for a in combo} | {self.sentence[a.end] for a in combo}) > 1:
                continue
            if rule.one_clause:
                clauses = {self.pclause[a.start] for a in combo} | {self.pclause[a.end] for a in combo}
                if len(clauses) > 1:
                    continue
            count += 1
            if count > 400:
                return
            yield combo

    def derive(self, rule: Rule) -> None:
        new = []
        for combo in self._combos(rule):
            anchors = tuple(sorted({p for a in combo for p in a.anchors}))
            new.append(Ann(rule.output, min(a.start for a in combo), max(a.end for a in combo), anchors))
        if new:
            have = self.by_concept.setdefault(rule.output, [])
            for a in new:
                if a not in have:
                    have.append(a)

    def has_words(self, rule: Rule) -> bool:
        """Whether the words of one combination of ``rule`` are in the message."""
        return next(self._combos(rule), None) is not None

    def fire(self, rule: Rule) -> tuple[int, ...] | None:
        """Anchors of the first unsuppressed combination of a category rule."""
        for group in rule.context:
            if not any(not self._negated(a.anchors) for c in group for a in self.get(c)):
                return None
        for combo in self._combos(rule):
            anchors = tuple(sorted({p for a in combo for p in a.anchors}))
            if not self._suppressed(anchors, rule.checks):
                return anchors
        return None

    def evidence(self, anchors: tuple[int, ...], text: str) -> str:
        start = min(self.toks[p].start for p in anchors)
        end = max(self.toks[p].end for p in anchors)
        snippet = " ".join(text[start:end].split())
        return snippet if len(snippet) <= 160 else snippet[:157] + "..."


@dataclass(frozen=True)
class Reading:
    """What the rules read in a message: the red flag (if any), the language whose words the
    message uses most, and the signals of that language's reading for the model: ``k <concept>``
    for each concept present, ``f <category>`` for a category that fired and ``s <category>``
    for one whose words were there but a suppression (negation, history...) held it back."""

    flag: RedFlag | None
    language: str | None
    signals: frozenset[str] = frozenset()


def _analyse(vocab: Vocabulary, raw: list[RawToken], text: str) -> tuple[RedFlag | None, frozenset[str]]:
    ana = Analysis(vocab, raw)
    found: dict[str, tuple[int, ...]] = {}
    held_back: set[str] = set()
    for rule in RULES:
        if rule.output.isupper():
            ana.derive(rule)
        elif rule.output not in found:
            anchors = ana.fire(rule)
            if anchors is not None:
                found[rule.output] = anchors
            elif ana.has_words(rule):
                held_back.add(rule.output)
    signals = {"k " + concept for concept, anns in ana.by_concept.items() if anns}
    signals |= {"f " + category for category in found}
    signals |= {"s " + category for category in held_back - set(found)}
    for category in PRIORITY:
        if category in found:
            flag = RedFlag(category, vocab.language, ana.evidence(found[category], text))
            return flag, frozenset(signals)
    return None, frozenset(signals)


def read(text: str) -> Reading:
    """The rules' reading of a patient's message, in every plausible language: the red flag
    from the first language that sees one, the signals from the most likely language."""
    raw = raw_tokens(text[:2000]) if text and text.strip() else []
    if not raw:
        return Reading(None, None)
    words = [t.text for t in raw]
    scores = {lang: load_vocabulary(lang).known_word_count(words) for lang in LANGUAGES}
    best = max(scores.values())
    if best == 0:
        candidates = list(LANGUAGES)
    else:
        keep = [lang for lang in LANGUAGES if scores[lang] >= max(1.0, best / 2)]
        candidates = sorted(keep, key=lambda lang: -scores[lang])
    language = candidates[0] if best else None
    signals: frozenset[str] = frozenset()
    for position, lang in enumerate(candidates):
        flag, found = _analyse(load_vocabulary(lang), raw, text)
        if position == 0:
            signals = found
        if flag is not None:
            return Reading(flag, language, signals)
    return Reading(None, language, signals)


def detect_red_flag(text: str) -> RedFlag | None:
    """Return the red flag seen in a patient's message, or None."""
    return read(text).flag
