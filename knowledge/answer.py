"""Compose the assistant's answer from retrieved hits, or none below the threshold.

    Answer            text (≤ 120 words), sources (never empty, best first), disease
    compose_answer()  the answer drawn from the best hit, or None when not confident
    trim_to_words()   cut a text on a sentence boundary to fit a word budget

The text comes from curated content only. When the best hit is in English for a question
in another language (the fall-back), a one-line note in the user's language says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.index import split_sentences
from knowledge.retrieve import Hit

# A short answer reads on a phone without scrolling; longer ones point to the sources.
MAX_ANSWER_WORDS = 120
# More than three links is a reading list, not a citation.
MAX_SOURCES = 3
# Said before an answer drawn from English content for a user of another language.
FALLBACK_NOTES = {
    "fr": "Cette information n'existe pour l'instant qu'en anglais :",
    "de": "Diese Antwort gibt es vorerst nur auf Englisch:",
    "it": "Per ora questa risposta è disponibile solo in inglese:",
    "es": "Por ahora, esta respuesta solo está disponible en inglés:",
    "nl": "Dit antwoord is voorlopig alleen in het Engels beschikbaar:",
}
# Marks a sentence cut because it alone exceeds the budget.
ELLIPSIS = "…"


@dataclass(frozen=True)
class Answer:
    """What the assistant says: curated text, the entries it cites, the disease group."""

    text: str
    sources: list[dict]
    disease: str | None
    scores: dict[str, float] = field(default_factory=dict)  # retrieval confidence per cited entry


def _words(text: str) -> int:
    return len(text.split())


def trim_to_words(text: str, budget: int) -> str:
    """The longest run of whole sentences of `text` within `budget` words, paragraphs
    kept; a first sentence longer than the budget is cut and ends with an ellipsis."""
    sentences = [
        (number, sentence)
        for number, paragraph in enumerate(text.split("\n\n"))
        for sentence in split_sentences(paragraph)
    ]
    kept: dict[int, list[str]] = {}
    used = 0
    for number, sentence in sentences:
        used += _words(sentence)
        if used > budget:
            break
        kept.setdefault(number, []).append(sentence)
    if not kept:
        return " ".join(text.split()[: max(budget - 1, 1)]) + ELLIPSIS
    return "\n\n".join(" ".join(paragraph) for paragraph in kept.values())


def _source(hit: Hit) -> dict:
    return {
        "id": hit.entry_id,
        "title": hit.title,
        "url": hit.url,
        "disease": hit.disease,
        "language": hit.language,
        "reviewed": hit.reviewed,
    }


def _companion(best: Hit, hits: list[Hit], threshold: float, budget: int) -> Hit | None:
    """Another chunk that completes the best one and fits: preferably from the same entry,
    else from an entry of the same disease and topic that is itself above the threshold."""
    fitting = [
        hit
        for hit in hits[1:]
        if hit.chunk_id != best.chunk_id
        and hit.language == best.language
        and _words(best.text) + _words(hit.text) <= budget
    ]
    same_entry = [hit for hit in fitting if hit.entry_id == best.entry_id]
    same_subject = [
        hit
        for hit in fitting
        if best.disease is not None
        and (hit.disease, hit.topic) == (best.disease, best.topic)
        and hit.confidence >= threshold
    ]
    return (same_entry or same_subject or [None])[0]


def compose_answer(hits: list[Hit], language: str, threshold: float) -> Answer | None:
    """The answer to give from `hits` (best first), or None when the best hit's confidence
    is below `threshold`: the assistant then says it has no reliable answer."""
    if not hits or hits[0].confidence < threshold:
        return None
    best = hits[0]
    note = FALLBACK_NOTES.get(language, "") if best.language != language else ""
    budget = MAX_ANSWER_WORDS - _words(note)
    companion = _companion(best, hits, threshold, budget)
    if companion is None:
        body = trim_to_words(best.text, budget)
    else:  # two chunks of one entry keep their order in the entry
        first, second = sorted(
            (best, companion), key=lambda hit: (hit.entry_id != best.entry_id, hit.chunk_id)
        )
        body = f"{first.text}\n\n{second.text}"
    text = f"{note}\n\n{body}" if note else body
    cited = [best] + ([companion] if companion else [])
    cited += [hit for hit in hits[1:] if hit.confidence >= threshold and hit.language == best.language]
    sources: list[dict] = []
    for hit in cited:
        if hit.entry_id not in {source["id"] for source in sources}:
            sources.append(_source(hit))
    scores: dict[str, float] = {}
    for hit in cited:
        scores[hit.entry_id] = max(scores.get(hit.entry_id, 0.0), round(float(hit.confidence), 3))
    sources = sources[:MAX_SOURCES]
    return Answer(
        text=text, sources=sources, disease=best.disease, scores={s["id"]: scores[s["id"]] for s in sources}
    )
