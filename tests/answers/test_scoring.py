"""How a reply is scored (tests/answers/scoring.py)."""

from __future__ import annotations

from safety.messages import safety_question
from tests.answers.scoring import Question, score

QUESTION = Question("do you keep my messages?", "en", "network", None, None, None, None)


def test_a_safety_question_is_an_alarm_not_a_refusal():
    for kind in ("suicidal", "adult_stroke"):
        assert score(QUESTION, [{"type": "text", "text": "hello"}, safety_question("en", kind)]) == "alarm"


def test_an_emergency_is_an_alarm_and_a_reply_without_an_answer_a_refusal():
    assert score(QUESTION, [{"type": "emergency", "text": "Call 112 now"}]) == "alarm"
    assert score(QUESTION, [{"type": "text", "text": "I have no reliable answer to that."}]) == "refused"
