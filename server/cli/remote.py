"""What every CLI command that talks to a running server shares: one way to call and to report an RPC error."""

from __future__ import annotations

from typing import Any

import grpc


def rpc_failure(command: str, exc: grpc.RpcError) -> SystemExit:
    """A SystemExit whose message names the command, the status code and the server's details."""
    return SystemExit(f"formfact {command}: {exc.code().name}: {exc.details()}")


def call(command: str, fn: Any, request: Any, timeout: float) -> Any:
    """Call a unary RPC; an RPC error ends the command with a clear message instead of a traceback."""
    try:
        return fn(request, timeout=timeout)
    except grpc.RpcError as exc:
        raise rpc_failure(command, exc) from None
