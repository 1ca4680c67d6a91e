"""`vaultls serve --tcp --port N` speaks LSP over a TCP socket."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_over_tcp_answers_initialize(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "vaultls", "serve", "--tcp", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                assert time.monotonic() < deadline, "server never listened"
                time.sleep(0.1)
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}},
            }
        ).encode()
        with conn:
            conn.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            header, _, rest = data.partition(b"\r\n\r\n")
            fields = dict(line.split(b":", 1) for line in header.split(b"\r\n"))
            length = int(fields[b"Content-Length"])
            while len(rest) < length:
                rest += conn.recv(65536)
        answer = json.loads(rest[:length])
        assert answer["id"] == 1 and answer["result"]["serverInfo"]["name"] == "vaultls"
        assert "completionProvider" in answer["result"]["capabilities"]
    finally:
        server.kill()
        server.wait(10)
