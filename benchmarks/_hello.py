"""The ceiling for benchmarks/load.py: a bare Starlette app served the same way as the emulator
(uvicorn with its automatic httptools/uvloop choice, the same socket binding, no access log).

It answers every method on every path with a small JSON body, so the mixed workload's POSTs
are served like its GETs. ``--workers N`` forks N uvicorn processes on the one listening socket.
"""

import argparse
import os
import signal
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from cognitive_conformance.emulator.server import bind_socket


async def hello(request):
    return JSONResponse({"status": "succeeded"})


app = Starlette(routes=[Route("/{path:path}", hello, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])])


def _serve(sock) -> None:
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")).run(sockets=[sock])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    workers = max(1, parser.parse_args().workers)
    sock = bind_socket("127.0.0.1", 0)
    print(f"hello listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    children = []
    for _ in range(workers - 1):
        pid = os.fork()
        if pid == 0:
            _serve(sock)
            os._exit(0)
        children.append(pid)
    try:
        _serve(sock)
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except OSError:
                pass
    sys.exit(0)
