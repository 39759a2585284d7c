"""Loopback ports for the servers a test starts itself.

Each port is one the kernel has just handed out and nobody listens on, so two test runs on
one machine (a developer's and a helper's, or CI's) never fight over a fixed number."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A loopback TCP port that is free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
