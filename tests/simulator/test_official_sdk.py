"""The official Alibaba SDK, as an independent client, must work against the simulator in V2 and V3.

If these fail, the simulator disagrees with the real service's signing or JSON, and a demo or test
that passes here could fail against Alibaba Cloud (or the other way round).
"""

from __future__ import annotations

import pytest
from alibabacloud_ccc20200701 import models
from alibabacloud_ccc20200701.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException

from app.simulator import DEMO_ACCESS_KEY_SECRET, Simulator
from app.simulator.agents import SEED_DEVICE_ID
from tests.simulator.conftest import sdk as sdk_client

INSTANCE, USER, DEVICE = "ccc-test", "user-test@ccc-test", "sdk-device"
SCHEMES = ["v2", "v3"]


def sdk(simulator: Simulator, scheme: str, secret: str = DEMO_ACCESS_KEY_SECRET) -> Client:
    return sdk_client(simulator, scheme, secret=secret)


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_sdk_break_poll_and_ready_round_trip(simulator: Simulator, scheme: str) -> None:
    """An agent using the official SDK can take a break, see it in PollUserStatus, and get ready again."""
    client = sdk(simulator, scheme)

    taken = await client.take_break_async(
        models.TakeBreakRequest(code="Lunch", device_id=DEVICE, instance_id=INSTANCE, user_id=USER)
    )
    assert taken.status_code == 200
    assert taken.body.code == "OK"
    assert taken.body.data.user_state == "BREAK"
    assert taken.body.data.break_code == "Lunch"
    assert taken.body.data.device_id == SEED_DEVICE_ID  # the agent's softphone, not the request's DeviceId
    assert taken.body.data.extension == "80011474"
    assert taken.body.data.signed_skill_group_id_list == ["skill-group@ccc-test"]

    polled = await client.poll_user_status_async(
        models.PollUserStatusRequest(device_id=DEVICE, instance_id=INSTANCE, user_id=USER)
    )
    assert polled.body.data.user_context.user_state == "BREAK"
    assert polled.body.data.user_context.break_code == "Lunch"

    ready = await client.ready_for_service_async(
        models.ReadyForServiceRequest(device_id=DEVICE, instance_id=INSTANCE, user_id=USER)
    )
    assert ready.body.data.user_state == "READY"
    assert ready.body.data.break_code == ""

    assert [(r.action, r.scheme, r.method, r.code) for r in simulator.requests] == [
        ("TakeBreak", scheme, "POST", "OK"),
        ("PollUserStatus", scheme, "POST", "OK"),
        ("ReadyForService", scheme, "POST", "OK"),
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_sdk_wrong_secret_is_signature_does_not_match(simulator: Simulator, scheme: str) -> None:
    """A mistyped AccessKey secret is reported as SignatureDoesNotMatch, so the widget can say so."""
    client = sdk(simulator, scheme, secret="not-the-secret")
    with pytest.raises(ClientException) as caught:
        await client.take_break_async(
            models.TakeBreakRequest(code="Lunch", device_id=DEVICE, instance_id=INSTANCE, user_id=USER)
        )
    assert caught.value.code == "SignatureDoesNotMatch"
    assert "Specified signature is not matched with our calculation. server string to sign is:" in caught.value.message
    assert simulator.directory.get(INSTANCE, USER) is not None
    assert simulator.directory.get(INSTANCE, USER).state == "READY"  # type: ignore[union-attr]


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_sdk_unknown_instance_has_the_seed_message(simulator: Simulator, scheme: str) -> None:
    """A wrong instance ID gives the seed's exact NotExists.InstanceId message, naming the instance."""
    client = sdk(simulator, scheme)
    with pytest.raises(ClientException) as caught:
        await client.take_break_async(
            models.TakeBreakRequest(code="Lunch", device_id=DEVICE, instance_id="ccc-nope", user_id=USER)
        )
    assert caught.value.code == "NotExists.InstanceId"
    assert caught.value.status_code == 404
    assert "The specified instance ccc-nope does not exist." in caught.value.message


@pytest.mark.parametrize("scheme", SCHEMES)
async def test_sdk_sees_forbidden_state_as_client_error(simulator: Simulator, scheme: str) -> None:
    """An offline agent's break attempt comes back to the SDK as InvalidOperation.UserState."""
    simulator.directory.set_state(INSTANCE, USER, "OFFLINE")
    client = sdk(simulator, scheme)
    with pytest.raises(ClientException) as caught:
        await client.take_break_async(
            models.TakeBreakRequest(code="Lunch", device_id=DEVICE, instance_id=INSTANCE, user_id=USER)
        )
    assert caught.value.code == "InvalidOperation.UserState"
    assert "User state (OFFLINE) does not meet expectations (BREAK,READY,WORKING)." in caught.value.message
