"""A question the intent model half reads as small talk is still a question.

"Kan ik gewoon blijven tennissen met een AVM in mijn onderarm?" came out as `request_human`
at 0.21 and opened the handoff form; "fa judo da 4 anni, deve smettere?" as `stop`; "La
filière FAVA-Multi, elle fait partie de VASCERN ?" as `stop` too. When the model is unsure
(below SMALL_TALK_MAX_CONFIDENCE) of a small-talk intent and the message asks something ("?")
that a topic cue word names (knowledge/topic_cues.yml) or that a network-wide entry answers
(knowledge/network_cues.yml), it is a question for the content: `ask_disease_info`, whose
action answers it (or asks which disease).
"""

from __future__ import annotations

from knowledge.route import routed_network_entry
from knowledge.topics import cued_topics

QUESTION_INTENT = "ask_disease_info"
# Intents that say something about the conversation, not about a condition. Not `inform`
# (a form's answer), nor `affirm` / `deny` (the answer to the safety question).
SMALL_TALK = frozenset(
    {"request_human", "bot_challenge", "share_document", "help", "greet", "goodbye", "thanks", "stop",
     "feedback_negative"}
)  # fmt: skip
# Above this the model is sure enough of the small talk ("thanks! and can she swim?" stays thanks).
SMALL_TALK_MAX_CONFIDENCE = 0.4


def asks_for_content(text: str, language: str, intent: str, confidence: float) -> bool:
    """Whether a message read as `intent` with `confidence` is a question for the content."""
    return (
        intent in SMALL_TALK
        and confidence < SMALL_TALK_MAX_CONFIDENCE
        and "?" in text
        and (bool(cued_topics(text, language)) or routed_network_entry(text, language) is not None)
    )
