#!/usr/bin/env python3
"""Loopback servers for the scripts that run the probe against something real (the watch
benchmark, the dist tests): a TLS port (a handshake with a certificate for localhost and
127.0.0.1 signed by a fresh CA, ALPN h2, then close) and a plain TCP port (accept, then close).
Writes the CA to DIR/ca.pem (give it to the probe with --ca), prints "TLS_PORT TCP_PORT" once
both listen, then serves until killed.

Usage: loopback-servers.py DIR
"""
import asyncio
import os
import ssl
import subprocess
import sys


def certificates(d):
    """A CA and a leaf it signs, made by openssl (EC P-256, 30 days)."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *key, "-days", "30", "-subj", "/CN=portcheck loopback CA",
            "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem")
    openssl("req", *key, "-subj", "/CN=localhost", "-keyout", f"{d}/leaf.key", "-out", f"{d}/leaf.csr")
    with open(f"{d}/leaf.ext", "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", f"{d}/leaf.csr", "-CA", f"{d}/ca.pem", "-CAkey", f"{d}/ca.key",
            "-CAcreateserial", "-days", "30", "-extfile", f"{d}/leaf.ext", "-out", f"{d}/leaf.pem")
    return f"{d}/leaf.pem", f"{d}/leaf.key"


async def close(reader, writer):
    writer.close()


async def main(d):
    cert, key = certificates(d)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    tls = await asyncio.start_server(close, "127.0.0.1", 0, ssl=ctx, backlog=512)
    tcp = await asyncio.start_server(close, "127.0.0.1", 0, backlog=512)
    print(tls.sockets[0].getsockname()[1], tcp.sockets[0].getsockname()[1], flush=True)
    await asyncio.gather(tls.serve_forever(), tcp.serve_forever())


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1]))
