"""The entry a question asks for, when it names one condition and says what it wants.

    "my son has Marfan, can he play football?"  -> htad-marfan-sport
    "Ist Morbus Osler erblich?"                   -> hht-genetics

The curated content is a grid of conditions × topics (docs/knowledge-entries.md). A question
that names exactly one condition (knowledge/lexicon.py, six languages, typo-tolerant) and
cues topics (knowledge/topic_cues.yml) is routed to the entries of that cell: the most
specific cued topic that has an entry, for the condition or, when it has none, for the
broader condition that covers it. The retriever still ranks the cell's entries and decides
everything else (knowledge/retrieve.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from knowledge.lexicon import find_diseases
from knowledge.topics import cued_topics

# When a question cues several topics, the most specific one wins ("what is the treatment":
# treatment before overview). "children" never routes: parents write "my son" about any topic.
TOPIC_PRECEDENCE = (
    "pregnancy", "sport", "travel", "school", "genetics", "treatment", "diagnosis",
    "who_to_see", "warning_signs", "symptoms", "living", "overview",
)  # fmt: skip
# The entry topics that answer a cued topic, best first.
ENTRY_TOPICS = {
    "symptoms": ("symptoms", "warning_signs"),
    "warning_signs": ("warning_signs", "symptoms"),
    "who_to_see": ("who_to_see", "referral"),
    "sport": ("sport", "living"),
    "travel": ("travel", "living"),
    "school": ("school", "children"),
}
# A condition without its own entry on a topic is answered by the broader one's.
BROADER = {
    "marfan": ("htad_general",),
    "loeys_dietz": ("htad_general",),
    "ftaad": ("htad_general",),
    "arterial_tortuosity": ("htad_general",),
    "fmd": ("scad_fmd",),
    "scad": ("scad_fmd",),
    "milroy": ("primary_lymphoedema",),
    "lymphoedema_distichiasis": ("primary_lymphoedema",),
    "klippel_trenaunay": ("overgrowth",),
    "pros": ("overgrowth",),
    "sturge_weber": ("capillary_malformation",),
    "cm_avm": ("capillary_malformation", "avm"),
    "lymphatic_malformation": ("lymphatic_and_av_malformations",),
    "avm": ("lymphatic_and_av_malformations",),
}


def named_condition(question: str) -> str | None:
    """The one condition `question` names, or None (none, or several)."""
    mentions = find_diseases(question)
    conditions = {mention.condition for mention in mentions if mention.code and mention.condition}
    return conditions.pop() if len(conditions) == 1 else None


def routed_cell(
    question: str, language: str, cells: Iterable[tuple[str, str]]
) -> tuple[str, str] | None:
    """The (condition, topic) cell of the content grid that `question` asks for, among the
    `cells` that have entries; None when the question names no single condition or cues no
    topic the grid has for it."""
    condition = named_condition(question)
    if condition is None:
        return None
    available = set(cells)
    cued = cued_topics(question, language)
    for topic in (topic for topic in TOPIC_PRECEDENCE if topic in cued):
        for entry_topic in ENTRY_TOPICS.get(topic, (topic,)):
            for candidate in (condition, *BROADER.get(condition, ())):
                if (candidate, entry_topic) in available:
                    return candidate, entry_topic
    return None
