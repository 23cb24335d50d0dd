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
        if self.field:
            return {self.field: [self.message]}
        return {"message": self.message, "code": self.code, **({"extra": self.extra} if self.extra else {})}


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
    """The object is not in a state that allows this, or someone else changed it first."""

    status_code = 409
    default_code = "conflict"
