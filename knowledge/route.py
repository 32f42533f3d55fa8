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

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.lexicon import DiseaseMention, find_diseases
from knowledge.places import find_places
from knowledge.topics import cue_positions

if TYPE_CHECKING:  # the Rasa process reads this module (bot/question_guard.py), not the model
    from knowledge.topic_model import TopicModel

NETWORK_CUES_FILE = Path(__file__).with_name("network_cues.yml")
# Cue keys of that file that stand for an entry only when the question also names a place.
WITH_A_PLACE = {"insurance-with-a-place": "general-cross-border-care"}
# Network-wide entries a question asks for even when it names a condition: who pays for care
# in another country is the same question for every condition ("qui paye si on va se faire
# soigner en Allemagne ? ma fille a un SEDv"). Travelling with the condition stays its topic.
WHATEVER_THE_CONDITION = ("general-cross-border-care",)
# Words that say what a condition is, not what is asked about it: "familial" in a familial
# aortic aneurysm asks nothing about inheritance.
DEFINING_WORDS = {
    "ftaad": re.compile(
        r"\b(famil|h[eé]r[eé]dit|erblich|ereditar|erfelijk|run in (my|the|our) famil)\w*", re.IGNORECASE
    ),
}
# Where one sentence ends and the next begins.
SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+")
# When a question cues several topics, a situation the question is about wins (pregnancy,
# sport, travel, school); among the others, the one cued first ("how is it diagnosed? is a
# genetic test needed?" asks about diagnosis), and "overview" only when nothing else is cued.
# "children" never routes from a cue: parents write "my son" about any topic.
SITUATIONS = ("pregnancy", "sport", "travel", "school", "growing")
ROUTED_TOPICS = (
    "genetics", "treatment", "diagnosis", "who_to_see", "warning_signs", "symptoms", "living",
)  # fmt: skip
# The cue key of the writer's relatives: with a diagnosis cue, the question is family screening
# (genetics first). On the first batch of training questions: 12 answers right, 1 wrong more;
# with parents and grandparents ("my father has CADASIL, should I be tested?") 7 more right.
RELATIVES = "relatives"
# The topic model (knowledge/topic_model.py) is followed when no cue speaks and it gives
# its best topic at least this probability (chosen on tests/answers/dev).
TOPIC_MIN_PROBABILITY = 0.3
# A follow-up ("and sport?", "si guarisce?") follows the model from this probability: its
# few words say less, and on the first batch of training questions (the model trained on
# the second) 0.35 answered 46 unrouted follow-ups right for 8 wrong, 0.3 52 for 16.
FOLLOW_UP_TOPIC_MIN_PROBABILITY = 0.35
# The model's topic goes before the cued ones from this probability: a cue word may be said in
# passing ("CADASIL diagnosed - what can I do day to day?"). On the first batch of training
# questions (the model trained on the second): 22 routed right that were wrong, 3 the other
# way (0.6: 15 for 1; 0.5: 25 for 6).
TOPIC_OVER_CUES = 0.55
# "overview" is the weakest cue ("what is a dotter treatment?" asks about treatment): the
# model's topic wins over it from this probability.
TOPIC_OVER_OVERVIEW = 0.5
# The entry topics that answer a cued topic, best first.
ENTRY_TOPICS = {
    "symptoms": ("symptoms", "warning_signs"),
    "warning_signs": ("warning_signs", "symptoms"),
    "who_to_see": ("who_to_see", "referral"),
    "sport": ("sport", "living"),
    "travel": ("travel", "living"),
    "school": ("school", "children"),
    "children": ("children", "school"),
    "growing": ("children", "school"),
}


def answering_topics(topic: str) -> tuple[str, ...]:
    """The entry topics that answer the asked `topic`, best first (itself when no other)."""
    return ENTRY_TOPICS.get(topic, (topic,))

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


# Topics whose network-wide entries (disease null) answer for a condition without its own:
# genetic counselling and family screening, and how to find the expert centre, hold for every
# condition the network covers; travel or daily life do not.
NETWORK_WIDE_TOPICS = ("genetics", "who_to_see", "referral")


# A condition also named for an event or a feature of a syndrome ("an aortic dissection" in
# Marfan, "an AVM" in HHT) gives way to the syndrome named beside it.
GIVES_WAY = {
    "ftaad": ("marfan", "loeys_dietz", "arterial_tortuosity", "veds"),
    "avm": ("hht", "cm_avm", "brain_avm"),
    "brain_avm": ("hht", "cm_avm"),
    "capillary_malformation": ("klippel_trenaunay", "pros", "cm_avm"),
    # compared with the better-known condition: "is Loeys-Dietz the same as Marfan?", "after
    # a SCAD, should I be checked for FMD?" ask about the first
    "marfan": ("loeys_dietz",),
    "fmd": ("scad",),
    # a malformation first called a haemangioma ("is it the same as a haemangioma?"), and
    # Klippel-Trenaunay beside its gene (PIK3CA) or its spectrum (PROS)
    "infantile_haemangioma": ("venous_malformation", "avm"),
    "pros": ("klippel_trenaunay",),
}


@functools.lru_cache(maxsize=256)
def mentions(question: str) -> tuple[DiseaseMention, ...]:
    """The diseases `question` names, looked up once per question: the retriever and the
    router ask several times while answering it."""
    return tuple(find_diseases(question))


def named_condition(question: str) -> str | None:
    """The one condition `question` names, or None (none, or several). A broader condition
    named beside one it covers gives way ("Sturge-Weber ... port-wine stain" is Sturge-Weber)."""
    conditions = {mention.condition for mention in mentions(question) if mention.code and mention.condition}
    covered = {broader for condition in conditions for broader in BROADER.get(condition, ())}
    covered |= {general for general, specific in GIVES_WAY.items() if conditions & set(specific)}
    conditions -= covered
    return conditions.pop() if len(conditions) == 1 else None


def named_group(question: str) -> str | None:
    """The working group of the one condition `question` names, or None: "I have HHT ... the
    lung AVMs" is about HHT although an AVM is a vascular anomaly too."""
    condition = named_condition(question)
    groups = {mention.code for mention in mentions(question) if mention.condition == condition}
    return groups.pop() if condition is not None and len(groups) == 1 else None


def condition_in_group(question: str, disease: str) -> str | None:
    """The one condition `question` names when it belongs to the working group `disease`:
    what an earlier message said the conversation is about ("my dad has CADASIL")."""
    return named_condition(question) if named_group(question) == disease else None


def _without_disease_names(question: str) -> str:
    """`question` with the diseases it names blanked out: a name's own words are no topic cue
    ("telangiectasia emorragica ereditaria" does not ask whether it is inherited)."""
    for mention in mentions(question):
        question = question[: mention.start] + " " * (mention.end - mention.start) + question[mention.end :]
    return question


def asked_part(question: str) -> str:
    """The sentences of `question` that ask (end with "?"), or all of it when none does: "she
    was diagnosed at 4. what does it mean for her growing up?" asks nothing about diagnosis."""
    asking = [sentence for sentence in SENTENCE_END.split(question) if sentence.rstrip().endswith("?")]
    return " ".join(asking) if asking else question


def _topics_in_order(
    question: str,
    language: str,
    model: TopicModel | None = None,
    min_probability: float = TOPIC_MIN_PROBABILITY,
) -> list[str]:
    """The cued topics the router may follow, the one to try first first: a situation cued
    anywhere, then the topics the asking sentences cue, the topic `model` is sure of before
    them; when no cue speaks, the topic `model` gives at least `min_probability`."""
    blanked = _without_disease_names(question)
    defining = DEFINING_WORDS.get(named_condition(question) or "")
    if defining is not None:
        blanked = defining.sub(" ", blanked)
    everywhere = cue_positions(blanked, language)
    situations = [topic for topic in SITUATIONS if topic in everywhere]
    asked = asked_part(blanked)
    positions = everywhere if asked == blanked else cue_positions(asked, language)
    others = sorted((topic for topic in ROUTED_TOPICS if topic in positions), key=positions.__getitem__)
    if "who_to_see" in others:  # "who decides on the treatment?" asks who, not what
        others = _first("who_to_see", others)
    if "diagnosis" in others and RELATIVES in everywhere:  # "should my children have an MRI?"
        others = _first("genetics", others)
    if "pregnancy" in situations and "genetics" in positions:  # "is it inherited? I'm pregnant"
        situations.remove("pregnancy")
        others = _first("genetics", others)
    overview = ["overview"] if "overview" in positions and not situations + others else []
    cued = situations + others + overview
    if model is None:
        return cued
    topic, probability = model.best(question)
    if cued and cued != ["overview"]:  # a sure model goes first ("skiing at altitude" is travel)
        sure = probability >= TOPIC_OVER_CUES and topic not in answering_topics(cued[0])
        return _first(topic, cued) if sure else cued
    if cued and probability < TOPIC_OVER_OVERVIEW:  # "what is" alone: the model may know better
        return cued
    return [topic] if probability >= min_probability else cued


def _first(topic: str, topics: list[str]) -> list[str]:
    """`topics` with `topic` put first (added when it was not there)."""
    return [topic, *(other for other in topics if other != topic)]


def follow_up_topics(question: str, language: str, model: TopicModel | None = None) -> list[tuple[str, ...]]:
    """For a follow-up on the disease in context ("and in children?", "et pendant la
    grossesse ?"), the entry topics it asks for, most specific first (the topic `model`'s
    when no cue speaks); "children" counts here: a follow-up about children asks for them."""
    if mentions(question):  # names a disease: not a follow-up, the router or the search decides
        return []
    topics = _topics_in_order(question, language, model, FOLLOW_UP_TOPIC_MIN_PROBABILITY)
    if "children" in cue_positions(question, language):
        topics = [topic for topic in topics if topic != "overview"] + ["children"]
    return [answering_topics(topic) for topic in topics]


def routed_network_entry(question: str, language: str) -> str | None:
    """The network-wide entry a question about the network itself asks for ("wat is een
    Europees referentienetwerk?" -> general-what-are-erns): when it names no condition, or
    one of WHATEVER_THE_CONDITION when it names one and asks nothing about travelling."""
    named = bool(mentions(question))
    for key in cue_positions(question, language, NETWORK_CUES_FILE):
        if key in WITH_A_PLACE and not find_places(question):
            continue
        entry = WITH_A_PLACE.get(key, key)
        if not named:
            return entry
        if entry in WHATEVER_THE_CONDITION:
            return None if "travel" in cue_positions(question, language) else entry
    return None


def routed_cell(
    question: str, language: str, cells: Iterable[tuple[str, str]], model: TopicModel | None = None
) -> tuple[str, str] | None:
    """The (condition, topic) cell of the content grid that `question` asks for, among the
    `cells` that have entries; None when the question names no single condition or cues no
    topic the grid has for it."""
    condition = named_condition(question)
    if condition is None:
        return None
    topics = [answering_topics(topic) for topic in _topics_in_order(question, language, model)]
    return cell_for_topics(condition, topics, set(cells))


def cell_for_topics(
    condition: str, topics: Iterable[tuple[str, ...]], available: set[tuple[str, str]]
) -> tuple[str, str] | None:
    """The cell of `condition` for the first of `topics` (each the entry topics that answer
    one asked topic, that topic first) that has one; a situation without its cell answers no
    other topic."""
    for entry_topics in topics:
        cell = condition_cell(condition, entry_topics, available)
        if cell is not None or entry_topics[0] in SITUATIONS:
            return cell
    return None


def condition_cell(
    condition: str, entry_topics: tuple[str, ...], available: set[tuple[str, str]]
) -> tuple[str, str] | None:
    """The first of the `available` cells that answers `entry_topics` (best first) for
    `condition`: its own, then its broader condition's, then a network-wide one (genetics,
    who to see)."""
    candidates = [(condition, topic) for topic in entry_topics]
    candidates += [(broader, topic) for broader in BROADER.get(condition, ()) for topic in entry_topics]
    candidates += [(None, topic) for topic in entry_topics if topic in NETWORK_WIDE_TOPICS]
    return next((cell for cell in candidates if cell in available), None)
