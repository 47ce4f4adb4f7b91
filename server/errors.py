"""One exception root for the service; the gRPC edge maps each subclass to one status code."""

from __future__ import annotations

from classifiers.records import FieldViolation, RecordError


class FormfactError(Exception):
    """formfact failed."""

    def __init__(self, message: str | None = None):
        super().__init__(message or (self.__doc__ or "").strip())


class InvalidArgument(FormfactError):
    """The request is invalid."""

    def __init__(self, message: str | None = None, violations: tuple[FieldViolation, ...] = ()):
        super().__init__(message)
        self.violations = violations

    @classmethod
    def from_record_error(cls, exc: RecordError, prefix: str = "record") -> InvalidArgument:
        violations = tuple(FieldViolation(f"{prefix}.{v.field}", v.description) for v in exc.violations)
        return cls(f"invalid {prefix}: {exc}", violations)


class NotFound(FormfactError):
    """The requested object does not exist."""


class LeaseLost(FormfactError):
    """The lease token is not the current one: the lease expired and the item may be held by another worker."""


class Conflict(FormfactError):
    """The object is not in a state that allows this operation."""


class Unavailable(FormfactError):
    """A backing service is unavailable."""
