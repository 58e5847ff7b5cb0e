"""The read APIs (ListRealtimeAgentStates, ListAgentStateLogs, ListAgentSummaryReportsSinceMidnight,
GetUser) and PollUserStatus's CallContext, judged by the official SDK as the client.

They tell the widget since when an agent is on break and how long they were on break today; when
they disagree with what happened, the widget shows an agent a wrong break timer or wrong totals.
"""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest
from alibabacloud_ccc20200701 import models
from alibabacloud_tea_openapi.exceptions import ClientException

from app.simulator import Simulator
from tests.simulator.conftest import CccCaller, FakeClock, sdk

INSTANCE, USER = "ccc-test", "user-test@ccc-test"
SCHEMES = ["v2", "v3"]
AGENT_PATH = f"agents/{INSTANCE}/{USER}"
MINUTE_MS = 60_000


@pytest.fixture
def clock() -> FakeClock:
    """Real time (the SDK signs with it), shown in a timezone where it is about noon, so "since
    midnight" never straddles a midnight during a test, and the clock's own timezone is exercised."""
    fake = FakeClock()
    offset = (12 - fake.now.hour) % 24
    offset = offset - 24 if offset > 14 else offset
    fake.now = fake.now.astimezone(timezone(timedelta(hours=offset)))
    return fake


def now_ms(clock: FakeClock) -> int:
    return int(clock.now.timestamp() * 1000)


async def control(ccc: CccCaller, method: str, path: str, body: Any = None) -> Any:
    reply = await ccc.control(method, path, body)
    assert reply.status < 300, reply.text
    return reply.json


async def realtime(simulator: Simulator, scheme: str = "v3") -> models.ListRealtimeAgentStatesResponseBodyDataList:
    response = await sdk(simulator, scheme).list_realtime_agent_states_async(
        models.ListRealtimeAgentStatesRequest(
            instance_id=INSTANCE, agent_id_list=f'["{USER}"]', page_number=1, page_size=10
        )
    )
    assert response.body.code == "OK"
    assert response.body.data.total_count == 1
    [state] = response.body.data.list
    return state


async def logs(simulator: Simulator, start_ms: int, end_ms: int) -> list[models.ListAgentStateLogsResponseBodyData]:
    response = await sdk(simulator, "v3").list_agent_state_logs_async(
        models.ListAgentStateLogsRequest(instance_id=INSTANCE, agent_id=USER, start_time=start_ms, end_time=end_ms)
    )
    assert response.body.code == "OK"
    return list(response.body.data)


async def totals(
    simulator: Simulator, scheme: str = "v3"
) -> models.ListAgentSummaryReportsSinceMidnightResponseBodyPagedAgentSummaryReportListOverall:
    response = await sdk(simulator, scheme).list_agent_summary_reports_since_midnight_async(
        models.ListAgentSummaryReportsSinceMidnightRequest(
            instance_id=INSTANCE, agent_ids=USER, page_number=1, page_size=10
        )
    )
    assert response.body.code == "OK"
    report = response.body.paged_agent_summary_report
    assert (report.page_number, report.page_size, report.total_count) == (1, 10, 1)
    [row] = report.list
    assert row.agent_id == USER
    return row.overall


async def poll(simulator: Simulator) -> models.PollUserStatusResponseBodyData:
    response = await sdk(simulator, "v3").poll_user_status_async(
        models.PollUserStatusRequest(instance_id=INSTANCE, user_id=USER)
    )
    return response.body.data


# --- shapes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_realtime_state_shape(simulator: Simulator, clock: FakeClock, scheme: str) -> None:
    """The widget reads the agent's state, break code and since-when from ListRealtimeAgentStates;
    a field the SDK cannot find would leave the break timer blank."""
    signed_in_ms = now_ms(clock)
    client = sdk(simulator, scheme)
    await client.take_break_async(models.TakeBreakRequest(code="Lunch", instance_id=INSTANCE, user_id=USER))
    state = await realtime(simulator, scheme)
    assert (state.agent_id, state.instance_id, state.agent_name) == (USER, INSTANCE, "user-test")
    assert (state.state, state.state_code, state.break_code) == ("Break", "Lunch", "Lunch")
    assert state.state_time == signed_in_ms
    assert state.duration == 0
    assert (state.extension, state.mobile, state.work_mode) == ("80011474", "13900000001", "ON_SITE")
    assert state.outbound_scenario is False
    assert (state.call_type, state.counter_party) == ("", "")
    assert state.skill_group_id_list == ["skill-group@ccc-test"]
    assert state.skill_group_name_list == ["skill-group"]


async def test_realtime_state_filters_and_pages(ccc: CccCaller) -> None:
    """A supervisor-style query (StateList, paging) answers like the real service, so the widget's
    single-agent query is not confused by other agents."""
    await control(ccc, "POST", "agents", {"instance_id": INSTANCE, "user_id": "agent2@ccc-test", "state": "BREAK"})
    client = sdk(ccc.simulator, "v3")
    everyone = await client.list_realtime_agent_states_async(
        models.ListRealtimeAgentStatesRequest(instance_id=INSTANCE, page_number=1, page_size=1)
    )
    assert (everyone.body.data.total_count, len(everyone.body.data.list)) == (2, 1)
    on_break = await client.list_realtime_agent_states_async(
        models.ListRealtimeAgentStatesRequest(instance_id=INSTANCE, state_list='["Break"]', page_number=1, page_size=10)
    )
    assert [row.agent_id for row in on_break.body.data.list] == ["agent2@ccc-test"]


async def test_state_logs_shape(simulator: Simulator, clock: FakeClock) -> None:
    """ListAgentStateLogs lists each state with its start and length, so the widget can show today's
    breaks; the SDK must find State, StartTime and Duration where it looks."""
    start = now_ms(clock)
    client = sdk(simulator, "v3")
    clock.advance(minutes=2)
    await client.take_break_async(models.TakeBreakRequest(code="Coffee", instance_id=INSTANCE, user_id=USER))
    clock.advance(minutes=3)
    entries = await logs(simulator, start - MINUTE_MS, now_ms(clock))
    assert [(e.state, e.break_code, e.start_time, e.duration) for e in entries] == [
        ("Ready", "", start, 120),
        ("Break", "Coffee", start + 2 * MINUTE_MS, 180),
    ]
    assert all((e.work_mode, e.outbound_scenario) == ("ON_SITE", False) for e in entries)
    assert entries[1].state_code == "Coffee"
    # The window only holds the states that began in it.
    assert [e.state for e in await logs(simulator, start + MINUTE_MS, now_ms(clock))] == ["Break"]


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_since_midnight_shape(simulator: Simulator, clock: FakeClock, scheme: str) -> None:
    """Today's totals sit in PagedAgentSummaryReport.List[].Overall, in seconds, where the SDK reads
    them; elsewhere, the widget would show an agent zero break time."""
    clock.advance(minutes=4)
    overall = await totals(simulator, scheme)
    assert (overall.total_ready_time, overall.total_break_time) == (240, 0)
    assert (overall.total_talk_time, overall.total_work_time, overall.total_logged_in_time) == (0, 0, 240)


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_get_user_shape(ccc: CccCaller, scheme: str) -> None:
    """GetUser names the agent as the contact centre knows them (display name, extension, device),
    so the widget can greet the right person."""
    await control(ccc, "POST", "agents", {"instance_id": INSTANCE, "user_id": "ana@ccc-test", "display_name": "Ana"})
    client = sdk(ccc.simulator, scheme)
    user = (await client.get_user_async(models.GetUserRequest(instance_id=INSTANCE, user_id=USER))).body.data
    assert (user.user_id, user.instance_id, user.login_name, user.display_name) == (
        USER,
        INSTANCE,
        "user-test",
        "user-test",
    )
    assert (user.extension, user.mobile, user.work_mode) == ("80011474", "13900000001", "ON_SITE")
    assert user.device_id.startswith("ACC-YUNBS-1.0.10-bs")
    assert user.device_state == "ONLINE"
    ana = (await client.get_user_async(models.GetUserRequest(instance_id=INSTANCE, user_id="ana@ccc-test"))).body
    assert (ana.code, ana.data.display_name, ana.data.login_name) == ("OK", "Ana", "ana")


async def test_get_user_unknown_is_not_exists(simulator: Simulator) -> None:
    """A mistyped agent ID is NotExists.UserId, the same error the three actions give."""
    with pytest.raises(ClientException) as caught:
        await sdk(simulator, "v3").get_user_async(models.GetUserRequest(instance_id=INSTANCE, user_id="ghost@ccc-test"))
    assert (caught.value.code, caught.value.status_code) == ("NotExists.UserId", 404)


# --- consistency ----------------------------------------------------------------------------------


async def test_break_time_agrees_everywhere(simulator: Simulator, clock: FakeClock) -> None:
    """A break taken through the SDK shows the same start and length in the live state, the log and
    today's totals; if they disagreed, the widget's timer and the supervisor's report would too."""
    signed_in = now_ms(clock)
    client = sdk(simulator, "v3")
    clock.advance(minutes=1)
    taken = now_ms(clock)
    await client.take_break_async(models.TakeBreakRequest(code="Lunch", instance_id=INSTANCE, user_id=USER))
    clock.advance(minutes=7, seconds=30)

    state = await realtime(simulator)
    assert (state.state, state.state_time, state.duration) == ("Break", taken, 450)
    entries = await logs(simulator, signed_in, now_ms(clock))
    assert entries[-1].start_time == taken
    assert entries[-1].duration == state.duration
    overall = await totals(simulator)
    assert overall.total_break_time == 450
    assert overall.total_ready_time == 60
    assert overall.total_logged_in_time == 60  # break time excluded, as the model documents

    await client.ready_for_service_async(models.ReadyForServiceRequest(instance_id=INSTANCE, user_id=USER))
    clock.advance(minutes=1)
    state = await realtime(simulator)
    assert (state.state, state.state_time, state.duration) == ("Ready", now_ms(clock) - MINUTE_MS, 60)
    assert (await totals(simulator)).total_break_time == 450  # the finished break stays counted


async def test_repeated_take_break_keeps_the_start(simulator: Simulator, clock: FakeClock) -> None:
    """A retried TakeBreak with the same code does not restart the break: the timer an agent sees
    keeps counting instead of jumping back to zero."""
    client = sdk(simulator, "v3")
    request = models.TakeBreakRequest(code="Lunch", instance_id=INSTANCE, user_id=USER)
    await client.take_break_async(request)
    taken = now_ms(clock)
    clock.advance(minutes=2)
    await client.take_break_async(request)
    assert (await realtime(simulator)).state_time == taken


async def test_break_started_elsewhere_25_minutes_ago(ccc: CccCaller, clock: FakeClock) -> None:
    """A break started 25 minutes ago on another device shows StateTime 25 minutes back and 1500 s,
    so the widget, started now, shows the true length of the break."""
    since = now_ms(clock) - 25 * MINUTE_MS
    agent = await control(ccc, "PATCH", AGENT_PATH, {"state": "BREAK", "break_code": "lunch", "since_ms": since})
    assert (agent["state"], agent["break_code"], agent["state_since_ms"]) == ("BREAK", "lunch", since)
    state = await realtime(ccc.simulator)
    assert (state.state, state.break_code, state.state_time, state.duration) == ("Break", "lunch", since, 1500)
    assert [(e.state, e.start_time) for e in await logs(ccc.simulator, since - MINUTE_MS, now_ms(clock))] == [
        ("Break", since)
    ]
    assert (await totals(ccc.simulator)).total_break_time == 1500


async def test_bad_since_ms_is_refused(ccc: CccCaller, clock: FakeClock) -> None:
    """A trainer's typo (a future start, a string) is a 400, not a break that began tomorrow."""
    for since in (now_ms(clock) + MINUTE_MS, "yesterday", True):
        reply = await ccc.control("PATCH", AGENT_PATH, {"since_ms": since})
        assert reply.status == 400
        assert "since_ms" in reply.json["error"]


# --- calls ----------------------------------------------------------------------------------------


async def test_call_context_through_an_inbound_call(ccc: CccCaller, clock: FakeClock) -> None:
    """While a call rings and is talked, PollUserStatus carries its CallContext (the job, the two
    channels); after it, none. Without it the widget cannot tell an agent why a break is refused."""
    simulator = ccc.simulator
    assert (await poll(simulator)).call_context is None

    rang = now_ms(clock)
    started = await control(ccc, "POST", f"{AGENT_PATH}/call", {"direction": "INBOUND", "other_party": "13900001111"})
    assert started["state"] == "RINGING"
    job_id = started["job_id"]
    data = await poll(simulator)
    assert data.user_context.user_state == "RINGING"
    assert data.user_context.job_id == job_id
    assert [(job.job_id, job.status) for job in data.user_context.parallel_job_list] == [(job_id, "RINGING")]
    call = data.call_context
    assert (call.job_id, call.call_type, call.instance_id, call.call_variables) == (job_id, "INBOUND", INSTANCE, "")
    customer, agent = call.channel_contexts
    assert (customer.channel_state, customer.originator, customer.user_id) == ("ANSWERED", "13900001111", "")
    assert (agent.channel_state, agent.user_id, agent.user_extension) == ("RINGING", USER, "80011474")
    assert (agent.originator, agent.destination, agent.timestamp, agent.job_id) == (
        "13900001111",
        "80011474",
        rang,
        job_id,
    )
    assert agent.skill_group_id == "skill-group@ccc-test"
    assert (agent.release_initiator, agent.release_reason) == ("", "")
    assert agent.channel_id and agent.channel_id != customer.channel_id
    state = await realtime(simulator)
    assert (state.state, state.call_type, state.counter_party) == ("Ringing", "INBOUND", "13900001111")

    clock.advance(seconds=5)
    await control(ccc, "POST", f"{AGENT_PATH}/call/answer")
    data = await poll(simulator)
    assert data.user_context.user_state == "TALKING"
    assert [channel.channel_state for channel in data.call_context.channel_contexts] == ["ANSWERED", "ANSWERED"]
    assert data.call_context.channel_contexts[1].timestamp == rang + 5000
    assert data.user_context.parallel_job_list[0].status == "TALKING"

    clock.advance(seconds=60)
    ended = await control(ccc, "POST", f"{AGENT_PATH}/call/end")
    assert (ended["state"], ended["call"], ended["channel_open"]) == ("WORKING", None, False)
    data = await poll(simulator)
    assert data.call_context is None
    assert (data.user_context.user_state, data.user_context.job_id) == ("WORKING", job_id)  # wrapping up

    clock.advance(seconds=20)
    assert [e.state for e in await logs(simulator, rang - MINUTE_MS, now_ms(clock))] == [
        "Ready",
        "Ringing",
        "Talking",
        "Working",
    ]
    overall = await totals(simulator)
    assert (overall.total_talk_time, overall.total_work_time) == (60, 20)
    # After-call work may end in a break: the widget's usual path.
    await sdk(simulator, "v3").take_break_async(
        models.TakeBreakRequest(code="Lunch", instance_id=INSTANCE, user_id=USER)
    )


async def test_outbound_call_without_after_call_work(ccc: CccCaller) -> None:
    """An outbound call dials (the customer's channel rings), is answered, and without after-call
    work the agent is READY again with no CallContext."""
    await control(ccc, "POST", f"{AGENT_PATH}/call", {"direction": "OUTBOUND", "other_party": "13900002222"})
    data = await poll(ccc.simulator)
    assert (data.user_context.user_state, data.call_context.call_type) == ("DIALING", "OUTBOUND")
    agent, customer = data.call_context.channel_contexts
    assert (agent.user_id, agent.channel_state, customer.channel_state) == (USER, "ANSWERED", "RINGING")
    assert (customer.destination, agent.originator) == ("13900002222", "80011474")
    await control(ccc, "POST", f"{AGENT_PATH}/call/answer")
    assert (await poll(ccc.simulator)).user_context.user_state == "TALKING"
    ended = await control(ccc, "POST", f"{AGENT_PATH}/call/end", {"after_call_work": False})
    assert ended["state"] == "READY"
    data = await poll(ccc.simulator)
    assert (data.call_context, data.user_context.job_id) == (None, None)


async def test_break_refused_during_a_call(ccc: CccCaller) -> None:
    """During a call TakeBreak is refused with the real InvalidOperation.UserState, and a second
    call or answering nothing is a 409 for the trainer."""
    await control(ccc, "POST", f"{AGENT_PATH}/call", {"other_party": "13900001111"})
    with pytest.raises(ClientException) as caught:
        await sdk(ccc.simulator, "v3").take_break_async(
            models.TakeBreakRequest(code="Lunch", instance_id=INSTANCE, user_id=USER)
        )
    assert caught.value.code == "InvalidOperation.UserState"
    assert (await ccc.control("POST", f"{AGENT_PATH}/call", {"other_party": "1"})).status == 409
    await control(ccc, "POST", f"{AGENT_PATH}/call/end")
    assert (await ccc.control("POST", f"{AGENT_PATH}/call/answer")).status == 409
    sideways = await ccc.control("POST", f"{AGENT_PATH}/call", {"direction": "SIDEWAYS", "other_party": "1"})
    assert sideways.status == 400


# --- denial ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_denied_read_api_is_forbidden_ram(ccc: CccCaller, scheme: str) -> None:
    """A RAM policy without ccc:ListRealtimeAgentStates gets 403 Forbidden.RAM naming the action, so
    IT can rehearse the widget's fallback to the three actions; the three actions still work."""
    await control(ccc, "POST", "denials", {"action": "ListRealtimeAgentStates"})
    client = sdk(ccc.simulator, scheme)
    with pytest.raises(ClientException) as caught:
        await client.list_realtime_agent_states_async(
            models.ListRealtimeAgentStatesRequest(instance_id=INSTANCE, page_number=1, page_size=10)
        )
    assert (caught.value.code, caught.value.status_code) == ("Forbidden.RAM", 403)
    assert caught.value.data["AccessDeniedDetail"]["AuthAction"] == "ccc:ListRealtimeAgentStates"
    polled = await client.poll_user_status_async(models.PollUserStatusRequest(instance_id=INSTANCE, user_id=USER))
    assert polled.body.code == "OK"
