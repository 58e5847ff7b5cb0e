"""The two error shapes the real service answers with: the API gateway's and CCC's own.

Codes, HTTP statuses and messages follow docs/ccc-api.md; a client branches on `Code`, so the codes
must be exact. No message ever carries a signature, a secret or a string to sign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


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


def signature_does_not_match(detail: str = "") -> ApiError:
    message = "Specified signature does not match our calculation."
    return ApiError("SignatureDoesNotMatch", 400, f"{message} {detail}".strip())


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


def throttling_user() -> ApiError:
    return ApiError("Throttling.User", 400, "Request was denied due to user flow control.")


def forbidden_ram(action: str) -> ApiError:
    return ApiError(
        "Forbidden.RAM",
        403,
        f"User not authorized to operate on the specified resource, or this API doesn't support RAM. "
        f"Action: ccc:{action}",
    )


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
    return ApiError("Parameter.Blank", 400, f"The parameter {name} must not be blank.", Envelope.CCC, [name])


def user_state_not_allowed(current: str, allowed: str) -> ApiError:
    return ApiError(
        "InvalidOperation.UserState",
        400,
        f"The operation is not allowed. User state ({current}) does not meet expectations ({allowed}).",
        Envelope.CCC,
        [current, allowed],
    )


def channel_state_not_allowed(user_id: str) -> ApiError:
    return ApiError(
        "InvalidOperation.ChannelState",
        400,
        f"The operation is not allowed. The user {user_id} still has an open call channel.",
        Envelope.CCC,
        [user_id],
    )
