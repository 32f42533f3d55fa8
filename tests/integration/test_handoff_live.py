"""After a handoff request, on the real stack: with nobody online the patient is told when to
expect an answer; with a moderator's console open they are offered "talk now", queued, the
moderators are told, and the wait from "talk now" to the take-over is measured."""

from __future__ import annotations

import asyncio

from tests.integration.conftest import CSRF

REQUEST = ("I want to talk to a real person", "yes", "email", "lea.dubois@example.org", "English")


def request_handoff(new_conversation) -> dict:
    for text in REQUEST:
        new_conversation(text)
    return new_conversation("my daughter's HHT screening")


def test_with_nobody_online_the_patient_is_told_when_to_expect_an_answer(new_conversation):
    body = request_handoff(new_conversation)
    requested, expected = body["messages"][-2:]
    assert requested["status"] == "requested"
    assert expected["type"] == "handoff" and expected["status"] == "waiting"
    assert "Nobody from the team is online" in expected["text"] and "within" in expected["text"]
    assert "/talk_now" not in [b["payload"] for b in expected.get("buttons") or []]


async def test_with_a_moderator_online_talk_now_queues_the_patient_and_tells_the_moderators(
    stack, console, new_conversation
):
    socket = await console.ws_connect("/console/ws")
    try:
        body = await asyncio.to_thread(request_handoff, new_conversation)
        offer = body["messages"][-1]
        assert "online right now" in offer["text"]
        assert [b["payload"] for b in offer["buttons"]] == ["/talk_now"]
        conversation_id = body["conversation_id"]

        waiting = await asyncio.to_thread(new_conversation, "Talk now", None, "/talk_now")
        (message,) = waiting["messages"]
        assert message["status"] == "waiting" and "number 1 in the queue" in message["text"]
        frame = await asyncio.wait_for(socket.receive_json(), 10)
        assert frame["type"] == "live_request" and frame["conversation_id"] == conversation_id
        events = stack.query(
            "SELECT e.action FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
            "WHERE t.conversation_id = :c ORDER BY e.id",
            c=conversation_id,
        )
        assert [action for (action,) in events] == ["open", "live_request"]

        page = await (await console.get(f"/console/conversations/{conversation_id}")).text()
        taken = await console.post(
            f"/console/conversations/{conversation_id}/take",
            data={"csrf_token": CSRF.search(page).group(1)},
            allow_redirects=False,
        )
        assert taken.status == 303
        events = stack.query(
            "SELECT e.action FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
            "WHERE t.conversation_id = :c ORDER BY e.id",
            c=conversation_id,
        )
        assert [action for (action,) in events][-1] == "assign"
    finally:
        await socket.close()
