#!/usr/bin/env python3
"""A stand-in Docker engine for the none driver (compat tier, no root needed): a TLS endpoint on
127.0.0.1 that, like a dockerd started with --tlsverify, demands a client certificate signed by
the given CA, and answers GET /_ping and GET [/vX.Y]/version (the two calls env, config, ls and
version make). A fake because a real dockerd cannot run here without root; the local-driver
suites use real engines. It is docker-machine's own approach for its reference outputs
(fakedockerd).

usage: fake_dockerd.py CA SERVER_CERT SERVER_KEY PORTFILE   (prints nothing; writes its port)
"""
import http.server
import json
import os
import re
import socket
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/_ping":
            self.reply(200, b"OK", "text/plain")
        elif re.fullmatch(r"(/v[0-9.]+)?/version", self.path):
            body = {"Version": "19.03.5", "ApiVersion": "1.40", "Os": "linux", "Arch": "amd64"}
            self.reply(200, json.dumps(body).encode(), "application/json")
        else:
            self.reply(404, b'{"message":"page not found"}', "application/json")

    def reply(self, code, body, ctype):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Api-Version", "1.40")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    """TLS per connection, on a socket with TCP_NODELAY set before the handshake as dockerd's
    (Go's) are: otherwise Nagle holds the second TLS 1.3 session ticket until the client's
    delayed ACK, 40 ms per request that a real engine does not cost. A backlog for many clients at
    once (`ls` asks every machine together): with socketserver's 5, the others' SYNs wait 1 s."""

    request_queue_size = 128

    def __init__(self, ctx):
        self.ctx = ctx
        super().__init__(("127.0.0.1", 0), Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.ctx.wrap_socket(sock, server_side=True), addr


def main():
    ca, cert, key, portfile = sys.argv[1:5]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.load_verify_locations(ca)
    ctx.verify_mode = ssl.CERT_REQUIRED
    server = Server(ctx)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, portfile)
    server.serve_forever()


if __name__ == "__main__":
    main()
