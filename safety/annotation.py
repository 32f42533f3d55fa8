"""A message annotated with one language's concepts: every term of every concept matched as
a phrase (``~`` gaps skip words), neutral and emotional phrases hiding what they cover, cue
annotations dropped where a longer annotation of another concept shares their words, and
the message's sentences and clauses (contrast words open a new clause)."""

from __future__ import annotations

from dataclasses import dataclass

from safety.text import RawToken
from safety.vocabulary import (
    CUES,
    HIDDEN_BY_SYMPTOMS_ONLY,
    HYPOTHETICAL_CUES,
    NEVER_HIDDEN,
    NON_HIDING,
    Vocabulary,
)

GAP_MAX = 4  # words a "~" in a term may skip


@dataclass(frozen=True)
class Ann:
    concept: str
    start: int  # first token index
    end: int  # last token index (inclusive)
    anchors: tuple[int, ...]  # token indices that carry the meaning



class Annotated:
    """A message annotated with one language's vocabulary."""

    def __init__(self, vocab: Vocabulary, raw: list[RawToken]) -> None:
        self.vocab = vocab
        self.toks = vocab.expand(raw)
        n = len(self.toks)
        self.words = [t.text for t in self.toks]
        self.sentence: list[int] = []
        self.pclause: list[int] = []
        s = c = 0
        for i, t in enumerate(self.toks):
            if i and t.sentence_break:
                s += 1
            if i and t.clause_break:
                c += 1
            self.sentence.append(s)
            self.pclause.append(c)
        self.matches = [vocab.token_matches(w) for w in self.words]
        anns = self._annotate(n)
        self.by_concept: dict[str, list[Ann]] = {}
        for a in anns:
            self.by_concept.setdefault(a.concept, []).append(a)
        self.clause = self._clauses(n)

    def _match_phrase(self, words: tuple[str, ...], i: int, k: int, start: int) -> tuple[int, ...] | None:
        """Token indices matched by words[k:] from token i (gap words excluded), or None."""
        if k == len(words):
            return ()
        w = words[k]
        if w == "~":
            for g in range(GAP_MAX + 1):
                if i + g > len(self.words):
                    break
                if g and self.pclause[i + g - 1] != self.pclause[start]:
                    break
                r = self._match_phrase(words, i + g, k + 1, start)
                if r is not None:
                    return r
            return None
        if i < len(self.words) and self.pclause[i] == self.pclause[start] and w in self.matches[i]:
            r = self._match_phrase(words, i + 1, k + 1, start)
            return None if r is None else (i, *r)
        return None

    def _annotate(self, n: int) -> list[Ann]:
        anns: set[Ann] = set()
        for i in range(n):
            for tw in self.matches[i]:
                for term in self.vocab.by_first.get(tw, ()):
                    rest = self._match_phrase(term.words, i + 1, 1, i)
                    if rest is not None:
                        anchors = (i, *rest)
                        anns.add(Ann(term.concept, i, anchors[-1], anchors))
        # Neutral phrases ("blood test") hide the words they cover.
        neutral = [a for a in anns if a.concept == "neutral"]
        if neutral:
            anns = {
                a
                for a in anns
                if a.concept == "neutral" or not any(z.start <= a.start and a.end <= z.end for z in neutral)
            }
        # Emotional or figurative uses of a symptom word ("je suis effondrée", "my world
        # collapsed") hide the annotations whose words they contain, unless the sentence
        # names a physical place ("effondrée au sol").
        emotional = [a for a in anns if a.concept == "emotional"]
        if emotional:
            physical = {self.sentence[a.start] for a in anns if a.concept == "place"}
            active = [set(e.anchors) for e in emotional if self.sentence[e.start] not in physical]
            anns = {a for a in anns if a.concept in CUES or not any(set(a.anchors) <= e for e in active)}
        # A "~" gap may not hide a hypothetical frame ("doen [als ik plotseling] pijn").
        frames = {a.start for a in anns if a.concept in HYPOTHETICAL_CUES}
        if frames:
            anns = {
                a
                for a in anns
                if a.concept in CUES
                or len(a.anchors) == a.end - a.start + 1
                or not any(f in frames and f not in a.anchors for f in range(a.start, a.end + 1))
            }
        # Drop cues that share a word with a longer annotation of another concept
        # ("can not move" is weakness, not a negation; words in a "~" gap are not shared).
        kept: list[Ann] = []
        for a in anns:
            # a continuation word right after a comma keeps its role there: "..., come un dolore
            # improvviso" ("such as"), even inside the suspicion "come un" ("like a")
            after_comma = a.concept == "continuation" and a.start and self.toks[a.start].clause_break
            if a.concept in CUES and a.concept not in NEVER_HIDDEN and not after_comma:
                length = a.end - a.start
                if any(
                    b.concept != a.concept
                    and b.concept not in NON_HIDING
                    and not (a.concept in HIDDEN_BY_SYMPTOMS_ONLY and b.concept in CUES)
                    and b.end - b.start > length
                    and not set(a.anchors).isdisjoint(b.anchors)
                    for b in anns
                ):
                    continue
            kept.append(a)
        kept.sort(key=lambda a: (a.start, a.end, a.concept))
        return kept

    def _clauses(self, n: int) -> list[int]:
        starts_cont = {a.start for a in self.by_concept.get("continuation", ())}
        starts_contrast = {a.start for a in self.by_concept.get("contrast", ())}
        out: list[int] = []
        c = 0
        for i, t in enumerate(self.toks):
            if i and (
                t.sentence_break or (t.clause_break and i not in starts_cont) or i in starts_contrast
            ):
                c += 1
            out.append(c)
        return out

    def get(self, concept: str) -> list[Ann]:
        return self.by_concept.get(concept, [])

