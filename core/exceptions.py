"""One exception hierarchy for business rules, translated to HTTP in one place
(`core.api.errors.exception_handler`) and to form errors in the web views."""

from __future__ import annotations


class ApplicationError(Exception):
    """A business rule refused the request. Nothing was changed."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}
        self.code = code or self.default_code

    def as_dict(self) -> dict:
        if self.field and self.status_code == 400:  # malformed input: DRF's field-error shape
            return {self.field: [self.message]}
        return {
            "message": self.message,
            "code": self.code,
            **({"field": self.field} if self.field else {}),
            **({"extra": self.extra} if self.extra else {}),
        }


class RuleViolation(ApplicationError):
    """Input that breaks a rule (400), e.g. an instrument the letter does not allow."""


class NotFound(ApplicationError):
    """The object does not exist *for this user* (need-to-know: never say it exists)."""

    status_code = 404
    default_code = "not_found"


class PermissionDenied(ApplicationError):
    """The user is on the case but their role may not do this."""

    status_code = 403
    default_code = "permission_denied"


class Conflict(ApplicationError):
    """A rule, limit or state not met: the object is not in a state that allows this, someone else
    changed it first, or a limit of the fund or of the kabinetsbesluit would be exceeded (409)."""

    status_code = 409
    default_code = "conflict"


class LimitExceeded(Conflict):
    """A limit would be exceeded (the committed capital, the available liquidity, a reservation, the
    outstanding cost): 409 with a stable code, and the field it concerns for forms."""

    default_code = "limit_exceeded"
