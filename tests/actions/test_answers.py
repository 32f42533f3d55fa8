"""Fallbacks of actions/answers.py: never silence, and in the patient's own language."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionDefaultFallback
from tests.actions.conftest import make_tracker


async def texts(tracker, domain) -> list[str]:
    dispatcher = CollectingDispatcher()
    await ActionDefaultFallback().run(dispatcher, tracker, domain)
    return [m["custom"]["text"] for m in dispatcher.messages]


async def test_the_fallback_offers_choices_and_never_stays_silent(domain):
    messages = await texts(make_tracker("blorp", intent="nlu_fallback"), domain)
    assert messages == ["I'm not sure I understood. Could you rephrase, or choose below?"]


async def test_someone_writing_spanish_is_answered_in_spanish(domain):
    tracker = make_tracker(
        "quiero hablar con alguien", slots={"user_language": "es", "language": "es"}, intent="nlu_fallback"
    )
    messages = await texts(tracker, domain)
    assert len(messages) == 1
    assert messages[0].startswith("No sé si le he entendido"), messages


async def test_no_reliable_answer_is_marked_for_the_curators_list(domain):
    from actions.answers import no_reliable_answer

    dispatcher = CollectingDispatcher()
    events = no_reliable_answer(
        dispatcher, make_tracker("wat is dit?", slots={"language": "nl"}), domain, "nl"
    )
    message = dispatcher.messages[0]["custom"]
    assert message["record"] == "unanswered" and message["language"] == "nl"
    assert events == [SlotSet("unhelped_turns", 1)]


async def test_the_second_unhelpful_turn_says_who_answers_and_keeps_the_record(domain):
    from actions.answers import no_reliable_answer

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("et ça ?", slots={"language": "fr", "unhelped_turns": 1})
    events = no_reliable_answer(dispatcher, tracker, domain, "fr")
    (message,) = [m["custom"] for m in dispatcher.messages]
    assert "modérateurs" in message["text"] and message["record"] == "unanswered"
    assert message["offer"] == "person" and message["buttons"][0]["payload"] == "/request_human"
    assert events == [SlotSet("unhelped_turns", 0)]


def test_the_condition_in_context_is_the_latest_one_the_patient_named_in_that_disease():
    from actions.context import condition_in_context

    tracker = make_tracker("is there a test for it?", slots={"disease": "NEUROVASC"})
    said = ["my sister has Marfan", "and my dad has CADASIL", "thanks", "is there a test for it?"]
    tracker.events = [{"event": "user", "text": text} for text in said]
    assert condition_in_context(tracker, "NEUROVASC") == "cadasil"
    assert condition_in_context(tracker, "HTAD") == "marfan"
    assert condition_in_context(tracker, "HHT") is None
    assert condition_in_context(tracker, None) is None


async def _messages(action, tracker, domain) -> list[dict]:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker, domain)
    return [message["custom"] for message in dispatcher.messages]


async def test_a_search_that_also_asks_about_the_condition_gets_the_answer_before_the_place_question(domain):
    from actions.finder import ActionAskCountry

    tracker = make_tracker("which specialist should follow Loeys-Dietz syndrome?", intent="find_centre")
    messages = await _messages(ActionAskCountry(), tracker, domain)
    assert [m["type"] for m in messages] == ["answer", "text"]
    assert messages[0]["sources"][0]["id"] == "htad-lds-who-to-see"
    assert messages[1]["text"] == "In which country or city?"


async def test_a_plain_search_and_a_place_asked_again_get_only_the_place_question(domain):
    from actions.finder import ActionAskCountry

    searches = [("I'm looking for an expert centre for Loeys-Dietz", "find_centre"), ("hmm", "inform")]
    for text, intent in searches:
        messages = await _messages(ActionAskCountry(), make_tracker(text, intent=intent), domain)
        assert [m["text"] for m in messages] == ["In which country or city?"], text


async def test_the_organisation_search_offers_european_groups_only_where_the_condition_has_its_own(domain):
    from actions.finder import ActionAskCountry

    async def asked(group: str, form: str, said: str = "any groups?") -> dict:
        tracker = make_tracker(said, slots={"disease": group}, active_loop=form)
        tracker.events = [{"event": "user", "text": said}]
        return (await _messages(ActionAskCountry(), tracker, domain))[-1]

    hht = await asked("HHT", "organisation_form")
    assert hht["text"].startswith("In which country or city?") and hht["text"].endswith("?")
    assert hht["buttons"] == [{"title": "Groups across Europe", "payload": '/inform{"country":"EU"}'}]
    assert "buttons" in await asked("HTAD", "organisation_form", "any marfan groups on facebook??")
    # the Ehlers-Danlos Society is for vEDS, not for SCAD, in the same working group
    assert "buttons" in await asked("MSA", "organisation_form", "is there a group for vascular EDS?")
    assert "buttons" not in await asked("MSA", "organisation_form", "SCAD survivors group??")
    # Primary lymphoedema has only umbrella bodies across Europe; centres are found by distance.
    assert "buttons" not in await asked("PPL", "organisation_form")
    assert "buttons" not in await asked("HHT", "centre_form")


async def test_a_question_about_a_condition_of_the_network_is_never_out_of_scope(domain):
    from actions.answers import ActionOutOfScope

    tracker = make_tracker("travelling to Australia with FMD, any problem flying?", intent="out_of_scope")
    messages = await _messages(ActionOutOfScope(), tracker, domain)
    assert messages[0]["type"] == "answer" and messages[0]["sources"][0]["id"].startswith("msa-")
    tracker = make_tracker("book me a table", intent="out_of_scope")
    messages = await _messages(ActionOutOfScope(), tracker, domain)
    assert messages[0]["type"] == "text" and "sources" not in messages[0]


async def test_a_search_that_asks_about_care_abroad_gets_that_answer_before_the_disease_question(domain):
    from actions.finder import ActionAskDisease

    question = "kan ik via VASCERN een second opinion krijgen in Duitsland?"
    tracker = make_tracker(question, slots={"language": "nl"}, intent="find_centre")
    messages = await _messages(ActionAskDisease(), tracker, domain)
    assert [m["type"] for m in messages] == ["answer", "text"]
    assert messages[0]["sources"][0]["id"].startswith("general-")
    assert messages[1]["buttons"] and messages[1]["language"] == "nl"


async def test_the_condition_the_question_names_wins_over_a_disease_slot_filled_from_a_feature(domain):
    from actions.answers import ActionAnswerQuestion

    question = "I have HHT and we'd like a baby. Any risks in pregnancy with the lung AVMs?"
    tracker = make_tracker(question, slots={"disease": "VASCA"}, intent="ask_disease_info")
    messages = await _messages(ActionAnswerQuestion(), tracker, domain)
    assert messages[0]["type"] == "answer"
    assert messages[0]["sources"][0]["id"] == "hht-pregnancy"


async def test_a_question_that_names_a_place_and_asks_where_also_gets_the_centres(domain):
    from actions.answers import ActionPersonalAdvice

    text = "Wo wird CADASIL in Österreich betreut? Mein Vater hat es, soll ich mich testen lassen?"
    place = [{"entity": "country", "value": "AT"}]
    slots = {"language": "de", "country": "AT", "disease": "NEUROVASC"}
    tracker = make_tracker(text, slots=slots, intent="ask_personal_advice", entities=place)
    messages = await _messages(ActionPersonalAdvice(), tracker, domain)
    centres = next(m for m in messages if m["type"] == "centres")
    assert centres["items"] and all("NEUROVASC" in item["working_groups"] for item in centres["items"])
    # a place of care named beside the place asks where to go as well
    text = "CADASIL: gibt es in Österreich eine Spezialambulanz dafür?"
    tracker = make_tracker(text, slots=slots, intent="ask_personal_advice", entities=place)
    assert "centres" in [m["type"] for m in await _messages(ActionPersonalAdvice(), tracker, domain)]
    # without a place, or without asking where, it stays an answer
    others = [("Wo wird CADASIL betreut?", []), ("CADASIL in Österreich: ist es erblich?", place)]
    for text, entities in others:
        tracker = make_tracker(text, slots=slots, intent="ask_personal_advice", entities=entities)
        assert "centres" not in [m["type"] for m in await _messages(ActionPersonalAdvice(), tracker, domain)]
