"""Suppression of a rule's match: negation, hypothetical or informational frames, "can it
cause" questions, question form, history and chronic cues, past-tense diagnoses, mild
cues, and rule-specific contexts (speech about a topic, a doctor who does not reply, a
near-faint). Each check is one method; ``suppressed`` applies those a rule names."""

from __future__ import annotations

from safety.annotation import Ann, Annotated
from safety.vocabulary import HYPOTHETICAL_CUES, POSSESSION_CANCELS

REPLY_BEFORE_WINDOW = 2  # words from a correspondent ("my doctor") to "does not respond"
REPLY_AFTER_WINDOW = 4  # words from "does not respond" to its object ("to my emails")
NEGATION_WINDOW = 3  # words between a negation cue and the negated anchor
NEGATION_POST_WINDOW = 2  # words between a negated anchor and a following cue ("ich blute nicht")
MILD_WINDOW = 2  # words between a mildness cue and the anchor it qualifies ("small nosebleeds")
MODAL_NEGATION_WINDOW = 2  # words between a modal and a negation that cancels it ("ne peut pas")
# Signs that make a past-tense diagnosis in the same sentence current ("il a fait un AVC, il
# ne peut plus parler").
CURRENT_SIGNS = (
    "FACE_DROOP",
    "SPEECH_DEFICIT",
    "LIMB_DEFICIT",
    "VISION_DEFICIT",
    "BLOOD_OUT",
    "paralysis",
    "slurred",
    "seizure",
    "unconscious",
    "collapse",
    "pain",
    "breathless",
)



class Suppression(Annotated):
    """Annotated message plus the suppression checks of the rules."""

    def _suppressed(self, anchors: tuple[int, ...], checks: frozenset[str]) -> bool:
        if "negation" in checks and self._negated(anchors):
            return True
        if "hypothetical" in checks and self._hypothetical(anchors):
            return True
        if "cause_question" in checks and self._cause_question(anchors):
            return True
        if "question" in checks and self._question(anchors):
            return True
        if "history" in checks and self._historic(anchors):
            return True
        if "perfect" in checks and self._perfect(anchors):
            return True
        if "speech_context" in checks and self._in_sentence(anchors, "speech_context"):
            return True
        if "speech_development" in checks and self._in_sentence(anchors, "speech_development"):
            return True
        if "reply" in checks and self._reply(anchors):
            return True
        if "near_miss" in checks and self._before(anchors, "near_miss", NEGATION_WINDOW):
            return True
        return "mild" in checks and self._mild(anchors)

    def _in_sentence(self, anchors: tuple[int, ...], concept: str) -> bool:
        """A context cue anywhere in the anchors' sentence ("can't talk about it", "he can't
        speak French", "14 months old and can't talk yet")."""
        sentence = self.sentence[anchors[0]]
        return any(self.sentence[a.start] == sentence for a in self.get(concept))

    def _before(self, anchors: tuple[int, ...], concept: str, window: int) -> bool:
        """A cue ending at most ``window`` words before an anchor, in its clause ("nearly
        passed out", "viel bijna flauw")."""
        anchor_set = set(anchors)
        for cue in self.get(concept):
            if cue.start in anchor_set:
                continue
            for p in anchors:
                if cue.end < p and p - cue.end <= window and self.clause[cue.end] == self.clause[p]:
                    return True
        return False

    def _reply(self, anchors: tuple[int, ...]) -> bool:
        """Not responding as correspondence or to a treatment, not as a state of consciousness:
        a ``correspondent`` just before ("my doctor does not respond", "l'hôpital ne répond
        pas"; not one addressed at the start of the sentence: "Doctor, he is not responding")
        or a ``reply_object`` just after ("not responding to my emails", "reageert niet op de
        behandeling"), in the anchors' clause."""
        first, last = anchors[0], anchors[-1]
        opening = self._opening(first)
        for cue in self.get("correspondent"):
            near = cue.end < first and first - cue.end <= REPLY_BEFORE_WINDOW
            if near and cue.start >= opening and self.clause[cue.end] == self.clause[first]:
                return True
        for cue in self.get("reply_object"):
            near = cue.start > last and cue.start - last <= REPLY_AFTER_WINDOW
            if near and self.clause[cue.start] == self.clause[last]:
                return True
        return False

    def _opening(self, p: int) -> int:
        """Index of the first word of p's sentence after its greetings and fillers."""
        sent = self.sentence[p]
        i = self.sentence.index(sent)
        fillers = self.get("filler")
        while True:
            f = next((a for a in fillers if a.start == i), None)
            if f is None:
                return i
            i = f.end + 1

    def _negated(self, anchors: tuple[int, ...]) -> bool:
        anchor_set = set(anchors)
        if self._answered_no(anchor_set):
            return True
        for neg in self.get("negation"):
            if neg.end in anchor_set or neg.start in anchor_set:
                continue
            for p in anchors:
                if neg.end < p and p - neg.end <= NEGATION_WINDOW and self.clause[neg.end] == self.clause[p]:
                    return True
        # negation after the word it negates ("ich blute nicht", "ik bloed niet")
        for neg in self.get("negation_post"):
            if neg.start in anchor_set:
                continue
            for p in anchors:
                near = p < neg.start and neg.start - p <= NEGATION_POST_WINDOW
                if near and self.clause[neg.start] == self.clause[p]:
                    return True
        return False

    def _answered_no(self, anchor_set: set[int]) -> bool:
        """A checklist answer standing alone right after a sign: "fever? no.", "vomito con
        sangue? no.", "dolore al petto no, svenimenti no"."""
        last = len(self.toks) - 1
        return any(
            a.start - 1 in anchor_set
            and a.start not in anchor_set
            and (a.end == last or self.toks[a.end + 1].clause_break)
            for a in self.get("answer_no")
        )

    def _mild(self, anchors: tuple[int, ...]) -> bool:
        """A mildness cue just before an anchor ("small nosebleeds", "a bit of blood")."""
        anchor_set = set(anchors)
        for cue in self.get("mild"):
            if cue.start in anchor_set:
                continue
            for p in anchors:
                if cue.end < p and p - cue.end <= MILD_WINDOW and self.clause[cue.end] == self.clause[p]:
                    return True
        return False

    def _hypothetical(self, anchors: tuple[int, ...]) -> bool:
        first = anchors[0]
        clause = self.clause[first]
        for kind in HYPOTHETICAL_CUES:
            for cue in self.get(kind):
                # before the anchor, or around it ("kann ~ verursachen")
                before = cue.start < first and first not in cue.anchors
                if not before or self.clause[cue.start] != clause:
                    continue
                # an informational word does not hide a symptom the writer has: "could this
                # explain the terrible pain I have", "expliquer la douleur atroce que j'ai"
                if kind in POSSESSION_CANCELS and any(
                    m.start > cue.end and self.clause[m.start] == clause for m in self._possessions()
                ):
                    continue
                return True
        return False

    def _possessions(self) -> list[Ann]:
        """Possession markers that are about a symptom, not a disease ("since I have Marfan")."""
        diseases = {d.start for d in self.get("disease")}
        return [
            m
            for m in self.get("possession")
            if not any(m.end < d <= m.end + 2 and self.sentence[d] == self.sentence[m.end] for d in diseases)
        ]

    def _cause_question(self, anchors: tuple[int, ...]) -> bool:
        """Whether a disease *can* cause the symptom ("can HHT make you cough up blood?",
        "le rendu osler peut-il faire cracher du sang ?", "kann Moyamoya ... verursachen?"):
        in the anchor's clause, a causative verb whose nearest modal before it comes before
        the first anchor (so "er kann nur noch lallen was kann das verursachen" is not one).
        Not when the clause says it is happening: a "now" marker in it, or a present-tense
        marker after the causative ("peut faire que je crache")."""
        first = anchors[0]
        clause = self.clause[first]
        modals = [m for m in self.get("modal") if self.clause[m.start] == clause]
        if not modals or any(self.clause[m.start] == clause for m in self.get("now")):
            return False
        anchor_set = set(anchors)
        for cause in self.get("causative"):
            if self.clause[cause.start] != clause or not anchor_set.isdisjoint(cause.anchors):
                continue
            before = [m for m in modals if m.end < cause.start]
            if not before:
                continue
            modal = max(before, key=lambda m: m.end)
            if modal.start >= first or self._modal_negated(modal):
                continue
            if not any(m.start > cause.end and self.clause[m.start] == clause for m in self.get("present")):
                return True
        return False

    def _modal_negated(self, modal: Ann) -> bool:
        """A negation on or next to a modal ("il ne peut pas", "can not stop"): no possibility."""
        for kind in ("negation", "negation_post", "negation_exception"):
            for neg in self.get(kind):
                if self.clause[neg.start] != self.clause[modal.start]:
                    continue
                if neg.start <= modal.end and modal.start <= neg.end:
                    return True
                if 0 < modal.start - neg.end <= MODAL_NEGATION_WINDOW:
                    return True
                if 0 < neg.start - modal.end <= MODAL_NEGATION_WINDOW:
                    return True
        return False

    def _perfect(self, anchors: tuple[int, ...]) -> bool:
        """A diagnosis in a past tense ("mon père a fait un AVC", "ha avuto un ictus"): history,
        unless the sentence makes it recent: a "now" marker ("a fait un AVC ce matin"), a
        suspicion ("je crois qu'il a fait un AVC") or a current sign ("il ne peut plus parler")."""
        cues = self.get("perfect")
        if not cues:
            return False
        sentence = self.sentence[anchors[0]]
        if any(self.sentence[m.start] == sentence for m in self.get("now")):
            return False
        # a suspicion ("je crois qu'il a fait un AVC") is about now, not a known past event
        cue_words = {w for c in cues for w in c.anchors}
        suspicions = self.get("suspect")
        if any(self.sentence[s.start] == sentence and cue_words.isdisjoint(s.anchors) for s in suspicions):
            return False
        signs = self._markers(*CURRENT_SIGNS)
        if any(self.sentence[a.start] == sentence and not self._negated(a.anchors) for a in signs):
            return False
        return all(any(self.clause[c.start] == self.clause[p] for c in cues) for p in anchors)

    def _markers(self, *concepts: str) -> list[Ann]:
        return [a for c in concepts for a in self.get(c)]

    def _question(self, anchors: tuple[int, ...]) -> bool:
        first = anchors[0]
        sent = self.sentence[first]
        # first word of the sentence, skipping greetings and fillers
        i = self._opening(first)
        if i >= len(self.words) or self.sentence[i] != sent:
            return False
        if not any(q.start == i for q in self.get("question_start")):
            return False
        clause = self.clause[i]
        if self.clause[first] != clause:
            return False
        markers = self._markers("now", "present") + self._possessions()
        return not any(self.clause[m.start] == clause for m in markers)

    def _historic(self, anchors: tuple[int, ...]) -> bool:
        hist = self.get("history")
        chron = self.get("chronic")
        since = self._since_then()
        if not hist and not chron and not since:
            return False
        now = self._markers("now")
        hist_cancel = self._markers("now", "present", "contrast")
        chron_cancel = self._markers("now", "contrast")
        for p in anchors:
            if not (
                self._covered(p, hist, hist_cancel, now)
                or self._covered(p, chron, chron_cancel, now)
                or self._covered(p, since, chron_cancel, now)
            ):
                return False
        return True

    def _since_then(self) -> list[Ann]:
        """A "since then" after a past event dated earlier in the message ("He had a stroke in
        2019. Since then he can't speak."): the state that follows is not new.  Not after a
        recent event ("He fell an hour ago. Since then he can't speak": a "now" marker comes
        between), nor when it is itself a "now" marker ("depuis 10 minutes")."""
        out = []
        now = self.get("now")
        history = self.get("history")
        for s in self.get("since_then"):
            if any(m.start <= s.end and s.start <= m.end for m in now):
                continue
            if any(h.end < s.start and not any(h.end < m.start < s.start for m in now) for h in history):
                out.append(s)
        return out

    def _covered(self, p: int, cues: list[Ann], cancels: list[Ann], now: list[Ann]) -> bool:
        for cue in cues:
            if self.sentence[cue.start] != self.sentence[p]:
                continue
            if cue.start > p:
                if self.clause[cue.start] != self.clause[p]:
                    continue
                # cue after the anchor in its clause: cancelled by a "now" marker anywhere in the
                # clause, or by another marker between the anchor and the cue ("j'ai fait un AVC
                # en 2019": the "j'ai" before the anchor is an auxiliary, not a present tense)
                if any(
                    self.clause[m.start] == self.clause[p] and not (m.start <= cue.end and cue.start <= m.end)
                    for m in now
                ) or any(p < m.start < cue.start for m in cancels):
                    continue
                return True
            # cue before (or on) the anchor: cancelled by a marker in between
            if any(cue.end < m.start <= p for m in cancels):
                continue
            return True
        return False

