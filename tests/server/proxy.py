"""A TCP proxy between a laptop and the test server, for bench/sync.py (bytes on the wire) and
tests/server/test_sync_faults.py (a connection cut mid-batch). It forwards the TLS stream unread, counts the bytes
both ways and asks `up`/`down` (override them) what to forward of each chunk; a chunk answered with `go_on` False
ends that connection after the returned bytes are sent."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from typing import Any


class Proxy:
    def __init__(self, target: int, *, idle_s: float = 60) -> None:
        self.target = target
        # A link silent both ways this long is closed. The bench sets it above the server's statement_timeout,
        # so a slow server statement shows as the server's own error, not as a cut the proxy made.
        self.idle_s = idle_s
        self.bytes_up = self.bytes_down = 0  # laptop -> server, server -> laptop (TLS included)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def up(self, link: dict[str, Any], data: bytes) -> tuple[bytes, bool]:
        """What to forward of a chunk the laptop sent, and whether the connection goes on. `link` is the
        connection's own state, for a subclass that reacts to a sequence of chunks."""
        return data, True

    def down(self, link: dict[str, Any], data: bytes) -> tuple[bytes, bool]:
        """The same for a chunk the server sent."""
        return data, True

    def reset(self) -> int:
        """The bytes counted since the last reset, both ways."""
        total, self.bytes_up, self.bytes_down = self.bytes_up + self.bytes_down, 0, 0
        return total

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target))
        link: dict[str, Any] = {}
        try:
            while True:
                ready, _, _ = select.select([client, upstream], [], [], self.idle_s)
                if not ready:
                    return
                for src, dst, is_up in ((client, upstream, True), (upstream, client, False)):
                    if src not in ready:
                        continue
                    data = src.recv(65536)
                    if not data:
                        return
                    if is_up:
                        self.bytes_up += len(data)
                        out, go_on = self.up(link, data)
                    else:
                        self.bytes_down += len(data)
                        out, go_on = self.down(link, data)
                    if out:
                        dst.sendall(out)
                    if not go_on:
                        return
        finally:
            for s in (client, upstream):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
