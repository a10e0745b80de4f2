#!/usr/bin/env python3
"""A real local SMTP server for Bulwark's alert tests, on Debian's python3-aiosmtpd.

Listens on 127.0.0.1 (port 0: any free one), prints `READY <port>` once listening, then one JSON
line per message received: {"mail_from", "rcpt_tos", "data", "tls", "auth_user"}. Stops on
SIGTERM/SIGINT or when its standard input closes.

  --tls-cert/--tls-key   certificate for TLS
  --implicit-tls         TLS from the first byte (SMTPS)
  --require-starttls     refuse MAIL before STARTTLS (else STARTTLS is offered when a cert is given)
  --auth-user-env/--auth-password-env
                         require AUTH with the login held in these environment variables
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys
import threading
import warnings

sys.path.insert(0, "/usr/lib/python3/dist-packages")
warnings.simplefilter("ignore")

from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402


class Sink:
    async def handle_DATA(self, server, session, envelope):
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf8", errors="replace"),
            # STARTTLS sets session.ssl; implicit TLS shows on the transport
            "tls": session.ssl is not None
            or server.transport.get_extra_info("ssl_object") is not None,
            "auth_user": (
                session.auth_data.login.decode()
                if isinstance(session.auth_data, LoginPassword)
                else None
            ),
        }
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()
        return "250 OK"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--auth-user-env")
    p.add_argument("--auth-password-env")
    a = p.parse_args()

    ctx = None
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)

    smtp_kwargs = {}
    if ctx and not a.implicit_tls:
        smtp_kwargs["tls_context"] = ctx
        smtp_kwargs["require_starttls"] = a.require_starttls
    if a.auth_user_env:
        want_user = os.environ[a.auth_user_env].encode()
        want_pass = os.environ[a.auth_password_env].encode()

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login == want_user
                and auth_data.password == want_pass
            )
            if not ok:
                return AuthResult(success=False, handled=False)
            return AuthResult(success=True, auth_data=auth_data)

        smtp_kwargs["authenticator"] = authenticator
        smtp_kwargs["auth_required"] = True
        # plain connections in tests may authenticate only over TLS when TLS is on
        smtp_kwargs["auth_require_tls"] = ctx is not None

    port = a.port
    if port == 0:
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()

    controller = Controller(
        Sink(),
        hostname="127.0.0.1",
        port=port,
        ssl_context=ctx if a.implicit_tls else None,
        server_hostname="localhost",
        **smtp_kwargs,
    )
    controller.start()
    sys.stdout.write(f"READY {port}\n")
    sys.stdout.flush()

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())

    def watch_stdin():
        try:
            sys.stdin.read()
        finally:
            done.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
