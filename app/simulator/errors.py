"""The two error shapes the real service answers with: the API gateway's and CCC's own.

Codes, HTTP statuses and messages follow docs/ccc-api.md; a client branches on `Code`, so the codes
must be exact. No message ever carries a signature or a secret; SignatureDoesNotMatch carries the
server's string to sign, as the real gateway's does (older SDKs parse it), which holds neither.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Envelope(Enum):
    GATEWAY = "gateway"  # {"RequestId","HostId","Code","Message","Recommend"}
    CCC = "ccc"  # {"Code","HttpStatusCode","Message","Params","RequestId"}


@dataclass
class ApiError(Exception):
    """An error answer; raised anywhere in request handling and rendered by the server."""

    code: str
    status: int
    message: str
    envelope: Envelope = Envelope.GATEWAY
    params: list[str] = field(default_factory=list)
    # More fields of the body (e.g. AccessDeniedDetail) and extra response headers (x-acs-retry-after).
    body_extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


# --- Gateway errors (before CCC sees the request) ------------------------------------------------


def invalid_access_key_not_found() -> ApiError:
    return ApiError("InvalidAccessKeyId.NotFound", 404, "Specified access key is not found.")


def invalid_access_key_inactive() -> ApiError:
    return ApiError("InvalidAccessKeyId.Inactive", 400, "Specified access key is disabled.")


def invalid_security_token() -> ApiError:
    return ApiError(
        "InvalidSecurityToken.MismatchWithAccessKey",
        400,
        "The Security Token is missing or does not match the specified AccessKeyId.",
    )


SIGNATURE_MISMATCH_MESSAGE = "Specified signature is not matched with our calculation. server string to sign is:"


def signature_does_not_match(string_to_sign: str) -> ApiError:
    """The real wording: the legacy aliyun-python-sdk-core splits the message at ':' and compares the
    tail with its own string to sign (a missing tail crashes it with IndexError)."""
    return ApiError("SignatureDoesNotMatch", 400, f"{SIGNATURE_MISMATCH_MESSAGE}{string_to_sign}")


def incomplete_signature(detail: str) -> ApiError:
    return ApiError("IncompleteSignature", 400, f"The request signature does not conform to Aliyun standards. {detail}")


def timestamp_expired(received: str, server_time: str) -> ApiError:
    return ApiError(
        "InvalidTimeStamp.Expired",
        400,
        f"Specified time stamp or date value is expired. Received {received}, server time is {server_time}; "
        "the difference must be within 15 minutes.",
    )


def signature_nonce_used() -> ApiError:
    return ApiError("SignatureNonceUsed", 400, "Specified signature nonce was used already.")


def missing_parameter(name: str) -> ApiError:
    return ApiError(
        "MissingParameter",
        400,
        f'The input parameter "{name}" that is mandatory for processing this request is not supplied.',
    )


def invalid_parameter(name: str, detail: str = "") -> ApiError:
    return ApiError("InvalidParameter", 400, f'The specified parameter "{name}" is not valid. {detail}'.strip())


def throttling_user(retry_after_ms: int) -> ApiError:
    """`x-acs-retry-after` (milliseconds) says when to try again; the official SDK honours it."""
    return ApiError(
        "Throttling.User",
        400,
        "Request was denied due to user flow control.",
        headers={"x-acs-retry-after": str(max(1, retry_after_ms))},
    )


FORBIDDEN_RAM_MESSAGE = "User not authorized to operate on the specified resource."
# A made-up, fixed Alibaba Cloud account ID for the denied principal's owner.
SIMULATED_ACCOUNT_ID = "1234567890123456"


def forbidden_ram(action: str, principal: str) -> ApiError:
    """A RAM policy without `ccc:<action>`: the gateway's 403 with the AccessDeniedDetail the SDK exposes."""
    auth_action = f"ccc:{action}"
    diagnostic = {
        "AuthAction": auth_action,
        "AuthPrincipalType": "SubUser",
        "AuthPrincipalDisplayName": principal,
        "NoPermissionType": "ImplicitDeny",
        "PolicyType": "AccountLevelIdentityBasedPolicy",
    }
    encoded = base64.b64encode(json.dumps(diagnostic, separators=(",", ":")).encode()).decode()
    detail = {
        **diagnostic,
        "AuthPrincipalOwnerId": SIMULATED_ACCOUNT_ID,
        "EncodedDiagnosticMessage": encoded,
    }
    return ApiError("Forbidden.RAM", 403, FORBIDDEN_RAM_MESSAGE, body_extra={"AccessDeniedDetail": detail})


def internal_error() -> ApiError:
    return ApiError(
        "InternalError",
        500,
        "The request processing has failed due to some unknown error, exception or failure.",
    )


def service_unavailable() -> ApiError:
    return ApiError("ServiceUnavailable", 503, "The request has failed due to a temporary failure of the server.")


def invalid_action(action: str) -> ApiError:
    return ApiError(
        "InvalidAction.NotFound",
        404,
        f"Specified api is not found, please check your url and method. Action: {action}",
    )


# --- CCC business errors --------------------------------------------------------------------------


def instance_not_found(instance_id: str) -> ApiError:
    return ApiError(
        "NotExists.InstanceId",
        404,
        f"The specified instance {instance_id} does not exist.",
        Envelope.CCC,
        [instance_id],
    )


def user_not_found(user_id: str, instance_id: str) -> ApiError:
    return ApiError(
        "NotExists.UserId",
        404,
        f"The user {user_id} does not exist in instance {instance_id}.",
        Envelope.CCC,
        [user_id, instance_id],
    )


def parameter_blank(name: str) -> ApiError:
    # CCC's reference pages: "Parameter.Blank | The parameter %s may not be null or blank." (HTTP 400)
    return ApiError("Parameter.Blank", 400, f"The parameter {name} may not be null or blank.", Envelope.CCC, [name])


def user_state_not_allowed(current: str, allowed: str) -> ApiError:
    return ApiError(
        "InvalidOperation.UserState",
        400,
        f"The operation is not allowed. User state ({current}) does not meet expectations ({allowed}).",
        Envelope.CCC,
        [current, allowed],
    )


def channel_state_not_allowed(current: str, expected: str) -> ApiError:
    """ReadyForService while a call channel is open; the template (with its "stats") is the real one."""
    return ApiError(
        "InvalidOperation.ChannelState",
        400,
        f"Channel stats ({current}) does not meet expectations ({expected}).",
        Envelope.CCC,
        [current, expected],
    )


def required(params: Mapping[str, str], name: str) -> str:
    """A required request parameter: absent is MissingParameter, empty is Parameter.Blank (as CCC)."""
    value = params.get(name)
    if value is None:
        raise missing_parameter(name)
    if not value.strip():
        raise parameter_blank(name)
    return value
