"""Markers the dialogue puts on a message for web alone (web reads them; the public API
never shows them: web/replies.py keeps only the API's fields).

- ``RECORD``: what web stores beside the transcript: ``UNANSWERED`` (the patient's question,
  for curators) or ``NEGATIVE_FEEDBACK``
- ``ERASE_CONVERSATION``: web deletes the transcript and Rasa's tracker (the patient asked)
- ``CLOSING``: a goodbye; web puts no disclaimer before one that opens a conversation
- ``HANDOFF_CONTACT``: the contact given for a handoff; web keeps it encrypted, apart
- ``RETRIEVAL``: the retrieval score of each source of an answer; stored for the console
- ``HANDOFF_CHANNEL``, ``HANDOFF_LANGUAGE``, ``HANDOFF_QUESTION``: the channel chosen (email
  or phone), the language a person should answer in and the patient's one line about their
  question, for the ticket
- ``OFFER``: ``OFFER_PERSON`` on a message that asks "shall a person contact you?", so that a
  typed "yes" after it starts the handoff (actions/handoff.py)
"""

from __future__ import annotations

RECORD = "record"
UNANSWERED = "unanswered"
NEGATIVE_FEEDBACK = "negative_feedback"
ERASE_CONVERSATION = "erase_conversation"
CLOSING = "closing"
HANDOFF_CONTACT = "contact"
RETRIEVAL = "retrieval"
HANDOFF_CHANNEL = "channel"
HANDOFF_LANGUAGE = "answer_language"
HANDOFF_QUESTION = "question"
OFFER = "offer"
OFFER_PERSON = "person"
