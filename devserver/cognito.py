"""A local stand-in for a Cognito user pool: an RS256 key, its JWKS served over HTTP on
loopback, and access tokens signed with it. For the tests and benchmarks that run the
server with production settings (`NEONPANDA_COGNITO_*` and `NEONPANDA_JWKS_URL`)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class LocalUserPool:
    """`with LocalUserPool(pool_id, client_id) as pool:` serves the JWKS at `pool.jwks_url`
    until the block ends; `pool.token(sub)` is an access token the server accepts."""

    def __init__(self, pool_id: str, client_id: str, kid: str = "local-1") -> None:
        self.pool_id = pool_id
        self.client_id = client_id
        self.kid = kid
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._server: ThreadingHTTPServer | None = None

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.us-east-1.amazonaws.com/{self.pool_id}"

    @property
    def jwks_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the JWKS is served only inside `with`")
        return f"http://127.0.0.1:{self._server.server_address[1]}/.well-known/jwks.json"

    def token(self, sub: str, ttl_seconds: int = 600) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": sub,
            "token_use": "access",
            "client_id": self.client_id,
            "iat": now,
            "exp": now + ttl_seconds,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def __enter__(self) -> LocalUserPool:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        body = json.dumps({"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]})
        payload = body.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
