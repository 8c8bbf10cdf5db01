"""The load generator's own ceiling for benchmarks/load.py: an asyncio server that answers every
request with the same canned bytes and parses nothing but the end of the request head.

What the generator reaches against it is the most it can drive on this machine; a figure for
the emulator or bare Starlette well below it is the server's, not the generator's.
"""

import asyncio
import socket
import sys

_REPLY = b'HTTP/1.1 200 OK\r\ncontent-length: 22\r\ncontent-type: application/json\r\n\r\n{"status":"succeeded"}'


class _Canned(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.pending = b""

    def data_received(self, data):
        data = self.pending + data
        count = data.count(b"\r\n\r\n")
        self.pending = data[data.rfind(b"\r\n\r\n") + 4 :] if count else data
        if count:
            self.transport.write(_REPLY * count)


async def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    server = await asyncio.get_running_loop().create_server(_Canned, sock=sock)
    print(f"canned listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.run(main())
    except ImportError:
        asyncio.run(main())
    sys.exit(0)
