"""The ceiling for benchmarks/load.py: a bare Starlette hello-world served the same way as the
emulator (uvicorn, the same socket binding, no access log)."""

import sys

import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from cognitive_conformance.emulator.server import bind_socket


async def hello(request):
    return JSONResponse({"status": "succeeded"})


app = Starlette(routes=[Route("/{path:path}", hello)])

if __name__ == "__main__":
    sock = bind_socket("127.0.0.1", 0)
    print(f"hello listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")).run(sockets=[sock])
