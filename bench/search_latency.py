"""What a GET /search costs in wall time, with the listening socket created as TCP or not.

The search service runs with uvicorn in a thread, on a listener created two ways, side by
side in one run:

- ``plain``: ``socket.socket(AF_INET, SOCK_STREAM)``, proto 0 — what ``serve_in_thread``
  did before: asyncio then never sets TCP_NODELAY on accepted connections, and uvicorn's
  separate header and body writes meet Nagle's algorithm and delayed ACKs;
- ``tcp``: ``filagent.serving.tcp_listener``, proto IPPROTO_TCP — what every FilAgent
  server now listens on.

Each round sends the same keep-alive ``GET /search`` requests to both and takes the median
wall time per request; the figure is their ratio, and the ``tcp`` wall against the
process's CPU time per request (the target: wall within 1.5x CPU):

    plain wall / tcp wall        (before / after)
    tcp wall / tcp CPU           target: at most 1.5

Run: ``.venv/bin/python bench/search_latency.py [--rounds 5] [--requests 100]``; exits 1
when the target is missed.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from filagent.search.app import create_search_app
from filagent.serving import tcp_listener

TARGET_RATIO = 1.5


def plain_listener() -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    return listener


@contextmanager
def serving(listener: socket.socket) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(create_search_app(), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()


def per_request(client: httpx.Client, url: str, requests: int) -> tuple[float, float]:
    """Median wall seconds and mean process CPU seconds per request."""
    walls = []
    cpu_started = time.process_time()
    for _ in range(requests):
        started = time.perf_counter()
        client.get(f"{url}/search", params={"q": "opentelemetry context", "limit": 5})
        walls.append(time.perf_counter() - started)
    return statistics.median(walls), (time.process_time() - cpu_started) / requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    plain_walls, tcp_walls, tcp_cpus = [], [], []
    with (
        serving(plain_listener()) as plain,
        serving(tcp_listener("127.0.0.1", 0)) as tcp,
        httpx.Client() as client,
    ):
        per_request(client, plain, 10)  # warm both up
        per_request(client, tcp, 10)
        for _ in range(args.rounds):
            plain_walls.append(per_request(client, plain, args.requests)[0])
            wall, cpu = per_request(client, tcp, args.requests)
            tcp_walls.append(wall)
            tcp_cpus.append(cpu)
    plain_wall, tcp_wall = statistics.median(plain_walls), statistics.median(tcp_walls)
    tcp_cpu = statistics.median(tcp_cpus)
    print(f"GET /search wall, plain listener : {plain_wall * 1000:7.2f} ms")
    print(f"GET /search wall, TCP listener   : {tcp_wall * 1000:7.2f} ms")
    print(f"GET /search CPU (client + server): {tcp_cpu * 1000:7.2f} ms")
    print(f"plain / tcp wall                 : {plain_wall / tcp_wall:7.1f}x")
    ratio = tcp_wall / tcp_cpu
    print(f"tcp wall / CPU                   : {ratio:7.2f}  (target <= {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
