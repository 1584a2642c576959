"""bench/wire.py counts a sync's bytes on the wire from the kernel (TCP_INFO), so the bench times every sync on a
direct connection: its count is the forwarding proxy's (tests/server/proxy.py), which sees every byte, both ways."""

from __future__ import annotations

from bench.wire import Wire

from behandlerklient.services import sync as syncing
from tests.server.laptops import laptop, new_cpr, new_name, signed_session
from tests.server.proxy import Proxy


def test_the_kernel_s_count_of_a_sync_s_bytes_is_the_proxy_s(server, tmp_path) -> None:  # noqa: ANN001
    ws = laptop(server, tmp_path / "t", new_name("t"), "therapist")
    proxy = Proxy(server.cluster.port)
    wire = Wire()
    try:
        signed_session(ws, new_cpr())
        proxy.reset()
        result = syncing.sync(ws=ws, connect=lambda state: wire.connect({**dict(state), "server_port": proxy.port}))
        assert result.push.sent > 0
        counted, seen = wire.take(), proxy.reset()
        assert seen > 10_000  # a push of a child, a course and a session, TLS included
        # within the connection's close: its last bytes may not be acknowledged yet when counted, and the kernel
        # counts the peer's FIN as a byte received
        assert abs(seen - counted) <= 200, (counted, seen)
        assert wire.take() == 0  # taken once
    finally:
        proxy.close()
        ws.close()
