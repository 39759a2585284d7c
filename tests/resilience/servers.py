"""Real servers for fault tests, on loopback ports of their own (17100-17199), started and
stopped by pid. Never the shared PostgreSQL (5432) or Redis (6379)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

CLOSED_PORT = 17101  # nothing ever listens here: "Redis is down"


def wait_until(condition, timeout=20.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    """A redis-server of our own: start, stop (terminate by pid), pause (SIGSTOP: a Redis
    that accepts connections and never answers) and resume."""

    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{port}/3"

    def start(self) -> RedisServer:
        assert not port_open(self.port), f"port {self.port} is already in use"
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), what=f"redis-server on {self.port}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def pause(self) -> None:
        self.process.send_signal(19)  # SIGSTOP

    def resume(self) -> None:
        self.process.send_signal(18)  # SIGCONT


@contextmanager
def redis_server(port: int):
    server = RedisServer(port).start()
    try:
        yield server
    finally:
        if server.process:
            server.resume()
        server.stop()


HAVE_REDIS_SERVER = shutil.which("redis-server") is not None
