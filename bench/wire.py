"""Bytes on the wire of the laptop's server connections, read from the kernel (Linux TCP_INFO) rather than through a
forwarding proxy: a proxy thread in the laptop's process took turns with the laptop's own threads for the
interpreter lock and made every timed sync slower than it is (a fresh therapist laptop: 7.2 s through it, 5.9 s
direct, in one run). The counts are the TCP payload both ways (TLS records included, TCP/IP headers not), as the
proxy counted them.

    wire = Wire()
    syncing.sync(ws=ws, connect=wire.connect)
    wire.take()  # the bytes since the last take
"""

from __future__ import annotations

import os
import socket
import struct
import threading
from typing import Any

# struct tcp_info (linux/tcp.h): tcpi_bytes_acked (sent and acknowledged) and tcpi_bytes_received, both __u64, at
# byte 120 (Linux 4.1 and later)
_BYTES_AT = 120


def wire_bytes(sock: socket.socket) -> tuple[int, int]:
    """(bytes sent and acknowledged, bytes received) on a TCP socket so far."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    if len(info) < _BYTES_AT + 16:
        raise RuntimeError("this kernel's TCP_INFO has no byte counts (Linux 4.1 or later needed)")
    up, down = struct.unpack_from("=QQ", info, _BYTES_AT)
    return int(up), int(down)


class Wire:
    """A `connect` for syncing.sync that keeps a duplicate of each connection's socket, to read its counts after the
    sync has closed the connection (the duplicate keeps the kernel's socket and its counts until taken)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []

    def connect(self, state: Any) -> Any:
        from behandlerklient.services.sync import connection

        conn = connection.connect(state)
        with self._lock:
            self._socks.append(socket.socket(fileno=os.dup(conn.fileno())))
        return conn

    def take(self) -> int:
        """The bytes both ways on the connections made since the last take."""
        with self._lock:
            socks, self._socks = self._socks, []
        total = 0
        for sock in socks:
            try:
                total += sum(wire_bytes(sock))
            finally:
                sock.close()
        return total
