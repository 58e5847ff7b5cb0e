"""The app's own error types: every library and OS failure is turned into one of these at the boundary.

Each error carries `user_message`, a sentence an agent or IT can act on; the text never contains a
secret, a signature or a full request URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from app.core.i18n import N_, _
from app.core.text import bounded


class CccBreakError(Exception):
    """Base of every error the app shows to a person."""

    user_message: str = N_("Something went wrong.")

    def __init__(self, user_message: str | None = None) -> None:
        self.user_message = _(self.user_message) if user_message is None else user_message
        super().__init__(self.user_message)

    @property
    def request_id(self) -> str | None:
        return None


class ConfigError(CccBreakError):
    """A setting is missing or invalid; fix the settings and try again."""


class CredentialError(CccBreakError):
    """The credentials cannot be read or written."""


class NetworkError(CccBreakError):
    """The service could not be reached (DNS, refused, reset, TLS)."""


class RequestTimeout(NetworkError):
    """The service did not answer in time."""


class CertificateError(NetworkError):
    """The server's TLS certificate is not trusted; trying again cannot help."""


class ProtocolError(CccBreakError):
    """The service answered with something that is not a CCC response."""

    def __init__(self, user_message: str, *, http_status: int | None = None, request_id: str | None = None):
        super().__init__(user_message)
        self.http_status = http_status
        self._request_id = request_id

    @property
    def request_id(self) -> str | None:
        return self._request_id


# What a person should do about each documented code. `{params}`-free on purpose: the service's own
# message is kept alongside for details. Marked with N_ and translated when an error is made, so an
# error's user_message is in the language active then.
_ADVICE: dict[str, str] = {
    "NotExists.InstanceId": N_(
        "The contact centre instance ID is wrong. Check the instance ID in Settings (it looks like "
        "'ccc-xxxx') or ask IT."
    ),
    "NotExists.UserId": N_(
        "Your user ID was not found in this contact centre. Check the user ID in Settings "
        "(name@domain) or ask your supervisor to add you."
    ),
    "Parameter.Blank": N_("A required value is empty. Choose a break code and check Settings."),
    "InvalidOperation.UserState": N_(
        "That is not possible in your current state. Wait until your call or after-call work ends, "
        "or sign in to the workbench first."
    ),
    "InvalidOperation.ChannelState": N_(
        "A call is still connected. Finish or hang up the call, then click Ready again."
    ),
    "MissingParameter": N_("The request was incomplete. Check Settings; if it persists, contact IT."),
    "InvalidParameter": N_("A setting has an invalid value. Check Settings; if it persists, contact IT."),
    "InvalidAccessKeyId.NotFound": N_("The AccessKey ID is wrong. Re-enter it in Settings or ask IT for a new one."),
    "InvalidAccessKeyId.Inactive": N_("The AccessKey is disabled. Ask IT to enable it or issue a new one."),
    "SignatureDoesNotMatch": N_("The AccessKey secret is wrong. Re-enter it in Settings or ask IT for the right one."),
    "InvalidSecurityToken.MismatchWithAccessKey": N_(
        "The STS security token does not belong to this AccessKey. Enter a matching token in Settings or ask IT."
    ),
    "InvalidSecurityToken.Expired": N_("The STS security token has expired. Enter a new one in Settings or ask IT."),
    "IncompleteSignature": N_("The request was not signed properly. Check the credentials in Settings."),
    "InvalidTimeStamp.Expired": N_(
        "This computer's clock is more than 15 minutes off. Set the date and time automatically, then retry."
    ),
    "SignatureNonceUsed": N_("The request was sent twice. Try again."),
    "Throttling": N_("Too many requests right now. Wait a minute and try again."),
    "Throttling.User": N_("Too many requests right now. Wait a minute and try again."),
    "Throttling.Api": N_("Too many requests right now. Wait a minute and try again."),
    "Forbidden.RAM": N_(
        "Your AccessKey is not allowed to do this. Ask IT to grant ccc:TakeBreak, ccc:ReadyForService "
        "and ccc:PollUserStatus."
    ),
    "Forbidden": N_("Your AccessKey is not allowed to do this. Ask IT to check its permissions."),
    "NoPermission": N_("Your AccessKey is not allowed to do this. Ask IT to check its RAM permissions."),
    "Forbidden.AccessKeyDisabled": N_("The AccessKey is disabled. Ask IT to enable it or issue a new one."),
    "InvalidSecurityToken.Malformed": N_(
        "The STS security token is damaged or incomplete. Paste it again in Settings or ask IT for a new one."
    ),
    "MissingSecurityToken": N_(
        "This AccessKey needs an STS security token. Enter it in Settings, or ask IT which key to use."
    ),
    "InvalidTimeStamp.Format": N_(
        "The request time was not understood. Check this computer's date, time and time zone, then retry; "
        "if it persists, contact IT."
    ),
    "InvalidRegionId": N_("The region is not one where Contact Center runs. Check the region in Settings or ask IT."),
    "InvalidProduct": N_("The endpoint is not Contact Center's. Check the region or endpoint in Settings or ask IT."),
    "Region.NotFound": N_("The region was not found. Check the region or endpoint in Settings or ask IT."),
    "InvalidApi.NotFound": N_("The endpoint does not serve Contact Center. Check the endpoint in Settings or ask IT."),
    "InvalidAction.NotFound": N_("The service does not know this request. Check the endpoint in Settings."),
    "Parameter.Null": N_("A required value is missing. Check Settings (instance ID, user ID); if it persists, ask IT."),
    "Parameter.Enumeration": N_(
        "A value is not one the service accepts. Check Settings; if it persists, send the RequestId to IT."
    ),
    "InternalError": N_("The contact centre had an internal error. Try again in a minute."),
    "ServiceUnavailable": N_("The contact centre is temporarily unavailable. Try again in a minute."),
}

_UNKNOWN_4XX = N_("The contact centre refused the request. Check Settings; if it persists, contact IT.")
_UNKNOWN_5XX = N_("The contact centre had a problem. Try again in a minute.")


_MISSING_NAMED = N_("A required value ({name}) was not sent. Check it in Settings; if it persists, contact IT.")
_STATE_REFUSED = N_(
    "That is not possible while your state is {current}; it is possible only when it is {allowed}. Wait until "
    "your call or after-call work ends, or sign in to the workbench first."
)
_DENIED_ACTION = N_(
    "Your AccessKey is not allowed to call {action}. Ask IT to grant {action} on this contact centre "
    "instance (see the RAM policy in the IT guide)."
)
_DENIED_ACTION_BY = N_(
    "Your AccessKey ({principal}) is not allowed to call {action}. Ask IT to grant {action} on this contact "
    "centre instance (see the RAM policy in the IT guide)."
)


def advice_for(code: str, http_status: int, params: Sequence[str] = (), denied: DeniedAction | None = None) -> str:
    if code == "InvalidOperation.UserState" and len(params) == 2:
        return _(_STATE_REFUSED).format(current=params[0], allowed=_(", ").join(params[1].split(",")))
    if denied is not None and denied.action:
        if denied.principal:
            return _(_DENIED_ACTION_BY).format(principal=denied.principal, action=denied.action)
        return _(_DENIED_ACTION).format(action=denied.action)
    advice = _ADVICE.get(code)
    if advice is not None:
        return _(advice)
    if code.startswith("Throttling"):
        return _(_ADVICE["Throttling"])
    if code.startswith("Missing") and len(code) > len("Missing"):
        return _(_MISSING_NAMED).format(name=code.removeprefix("Missing"))
    return _(_UNKNOWN_5XX if http_status >= 500 else _UNKNOWN_4XX)


class DeniedAction(NamedTuple):
    """What a RAM denial names (`AccessDeniedDetail`), so IT can fix the policy."""

    action: str  # AuthAction, e.g. ccc:TakeBreak
    principal: str = ""  # AuthPrincipalDisplayName
    policy_type: str = ""


def is_retryable_code(code: str, http_status: int) -> bool:
    """Throttling and server faults may succeed later; anything else is a real answer."""
    return code.startswith("Throttling") or http_status >= 500


class ApiError(CccBreakError):
    """CCC or its gateway answered with an error envelope."""

    def __init__(
        self,
        code: str,
        server_message: str,
        *,
        http_status: int,
        request_id: str | None,
        params: Sequence[str] = (),
        server_date: str | None = None,
        denied: DeniedAction | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.code = bounded(code, 100)
        self.denied = denied
        self.retry_after = retry_after  # seconds the service asked to wait (x-acs-retry-after)
        self.server_date = server_date  # the response's Date header, for clock-skew correction
        self.server_message = bounded(server_message)  # shown to the agent: never a wall of text
        self.http_status = http_status
        self._request_id = request_id
        self.params = tuple(params)
        super().__init__(advice_for(self.code, http_status, self.params, denied))

    @property
    def request_id(self) -> str | None:
        return self._request_id

    @property
    def retryable(self) -> bool:
        return is_retryable_code(self.code, self.http_status)

    def __str__(self) -> str:
        return f"{self.code}: {self.user_message} ({self.server_message}) RequestId={self._request_id}"
