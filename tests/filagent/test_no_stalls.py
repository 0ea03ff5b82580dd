"""No hidden stalls: servers answer without Nagle's delay, tool schemas are built once."""

from __future__ import annotations

import asyncio
import gc
import socket
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel

from filagent.search.app import create_search_app
from filagent.serving import serve_in_thread, tcp_listener
from filagent.tools import ToolRegistry, build_default_tools, packaged_data_dir
from filagent.tools.base import Tool


def server_side_sockets(port: int) -> list[socket.socket]:
    """The accepted (not listening) sockets of this process on ``port``."""
    found = []
    for candidate in gc.get_objects():
        if not isinstance(candidate, socket.socket) or candidate.fileno() < 0:
            continue
        if candidate.family not in (socket.AF_INET, socket.AF_INET6):
            continue
        try:
            local, peer = candidate.getsockname(), candidate.getpeername()
        except OSError:  # not connected: the listener, or a closed socket
            continue
        if local[1] == port and peer[1] != port:
            found.append(candidate)
    return found


def test_connections_to_serve_in_thread_have_tcp_nodelay() -> None:
    with serve_in_thread(create_search_app()) as url, httpx.Client() as client:
        assert client.get(f"{url}/search", params={"q": "pytest"}).status_code == 200
        port = int(url.rsplit(":", 1)[1])
        accepted = server_side_sockets(port)
        assert accepted, "the server's side of the connection was not found"
        for connection in accepted:
            assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_the_listener_is_a_tcp_socket_so_asyncio_sets_nodelay() -> None:
    listener = tcp_listener("127.0.0.1", 0)
    assert listener.proto == socket.IPPROTO_TCP
    nodelay: list[int] = []

    async def run() -> None:
        def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            del reader
            sock = writer.get_extra_info("socket")
            nodelay.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            while not nodelay:
                await asyncio.sleep(0.01)
            writer.close()

    asyncio.run(run())
    assert nodelay[0] != 0


class CountingArgs(BaseModel):
    text: str
    schemas_built: ClassVar[int] = 0

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        CountingArgs.schemas_built += 1
        return super().model_json_schema(*args, **kwargs)


class Echo(Tool[CountingArgs]):
    name = "echo"
    description = "Repeat the text."
    args_model = CountingArgs

    def run(self, args: CountingArgs) -> str:
        return args.text


def test_a_tool_schema_is_built_once() -> None:
    registry = ToolRegistry([Echo()])
    first = registry.specs()
    for _ in range(5):
        assert registry.specs() == first
    assert CountingArgs.schemas_built == 1
    assert first[0].parameters["properties"]["text"]["type"] == "string"


def test_the_built_in_tools_offer_the_same_spec_objects_every_time() -> None:
    with httpx.Client() as client:
        registry = build_default_tools(packaged_data_dir(), "http://127.0.0.1:1", client)
        first, second = registry.specs(), registry.specs()
    assert [a is b for a, b in zip(first, second, strict=True)] == [True, True, True]
