"""Errors cross the gRPC edge here, and only here: FormfactError subclasses become status codes.

`InvalidArgument` carries `google.rpc.BadRequest` field violations in the rich status details
(`grpc-status-details-bin`), so a client can tell which field was wrong, not only that something was.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, Iterator, TypeVar

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from server.errors import Conflict, FormfactError, InvalidArgument, LeaseLost, NotFound, Unavailable

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

_CODES: tuple[tuple[type[FormfactError], grpc.StatusCode, int], ...] = (
    (InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT, code_pb2.INVALID_ARGUMENT),
    (NotFound, grpc.StatusCode.NOT_FOUND, code_pb2.NOT_FOUND),
    (LeaseLost, grpc.StatusCode.FAILED_PRECONDITION, code_pb2.FAILED_PRECONDITION),
    (Conflict, grpc.StatusCode.FAILED_PRECONDITION, code_pb2.FAILED_PRECONDITION),
    (Unavailable, grpc.StatusCode.UNAVAILABLE, code_pb2.UNAVAILABLE),
)


def to_status(exc: FormfactError) -> status_pb2.Status:
    """The google.rpc.Status for a domain error (field violations included for InvalidArgument)."""
    code = code_pb2.INTERNAL
    for cls, _, rpc_code in _CODES:
        if isinstance(exc, cls):
            code = rpc_code
            break
    status = status_pb2.Status(code=code, message=str(exc))
    if isinstance(exc, InvalidArgument) and exc.violations:
        detail = any_pb2.Any()
        detail.Pack(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                    for v in exc.violations
                ]
            )
        )
        status.details.append(detail)
    return status


def _abort(context: grpc.ServicerContext, exc: Exception) -> None:
    if isinstance(exc, FormfactError):
        context.abort_with_status(rpc_status.to_status(to_status(exc)))
    log.exception("unhandled error in RPC")
    context.abort(grpc.StatusCode.INTERNAL, f"internal error: {type(exc).__name__}")


def handle(method: F) -> F:
    """Decorate a servicer method (unary or streaming response) to map FormfactError to a gRPC status."""

    @functools.wraps(method)
    def unary(self: Any, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            return method(self, request, context)
        except Exception as exc:  # noqa: BLE001 - the edge maps every error to a status
            _abort(context, exc)

    @functools.wraps(method)
    def streaming(self: Any, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        try:
            yield from method(self, request, context)
        except Exception as exc:  # noqa: BLE001
            _abort(context, exc)

    import inspect

    return streaming if inspect.isgeneratorfunction(method) else unary  # type: ignore[return-value]


def field_violations(error: grpc.RpcError) -> list[tuple[str, str]]:
    """Client side: the (field, description) pairs of an INVALID_ARGUMENT error, if any."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    out: list[tuple[str, str]] = []
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            out.extend((v.field, v.description) for v in bad.field_violations)
    return out
