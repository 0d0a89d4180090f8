#!/usr/bin/env python3
"""Loopback stand-in for Google's OAuth2 token endpoint and an Artifact Registry host, for scripts/check-adc-aot.

usage: adc-standin.py PORT PUBLIC_KEY_PEM CLIENT_EMAIL UPSTREAM_REGISTRY(host:port) EVENTS_FILE

- POST /token: the service-account JWT-bearer grant (RFC 7523) that Google.Apis.Auth sends. The assertion's RS256 signature
  is checked with openssl against PUBLIC_KEY_PEM, and its claims (iss, aud = Google's token endpoint or this one, scope cloud-platform, iat/exp).
  A good grant gets a fresh access token; a bad one gets 400 invalid_grant.
- Any request in absolute form (http://HOST.pkg.dev/v2/…, as an HTTP proxy receives it): the registry. It must carry
  "Authorization: Bearer <an issued token>" (else 401); it is then forwarded to UPSTREAM_REGISTRY.
Every decision is appended to EVENTS_FILE as one JSON line: {"event": "token"|"registry", "ok": bool, "detail": …}.
"""
import base64
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, PUBLIC_KEY, CLIENT_EMAIL, UPSTREAM, EVENTS = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
TOKEN_URI = f"http://127.0.0.1:{PORT}/token"
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
issued = set()


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def record(event, ok, detail):
    with open(EVENTS, "a", encoding="utf-8") as f:
        f.write(json.dumps({"event": event, "ok": ok, "detail": detail}) + "\n")


def check_assertion(assertion):
    """Returns None when the JWT is a valid grant for this service account, else the reason."""
    parts = assertion.split(".")
    if len(parts) != 3:
        return "assertion is not a compact JWS"
    header, claims = json.loads(b64url(parts[0])), json.loads(b64url(parts[1]))
    if header.get("alg") != "RS256":
        return f"alg {header.get('alg')!r}, expected RS256"
    with tempfile.TemporaryDirectory() as tmp:
        data, sig = os.path.join(tmp, "data"), os.path.join(tmp, "sig")
        with open(data, "wb") as f:
            f.write(f"{parts[0]}.{parts[1]}".encode())
        with open(sig, "wb") as f:
            f.write(b64url(parts[2]))
        verified = subprocess.run(["openssl", "dgst", "-sha256", "-verify", PUBLIC_KEY, "-signature", sig, data],
                                  capture_output=True).returncode == 0
    if not verified:
        return "RS256 signature does not verify with the service account's public key"
    now = time.time()
    if claims.get("iss") != CLIENT_EMAIL:
        return f"iss {claims.get('iss')!r}"
    # Google.Apis.Auth always uses Google's token audience, whatever the key file's token_uri; Google accepts both.
    if claims.get("aud") not in (TOKEN_URI, GOOGLE_TOKEN_AUDIENCE):
        return f"aud {claims.get('aud')!r}, expected {GOOGLE_TOKEN_AUDIENCE} or {TOKEN_URI}"
    if CLOUD_PLATFORM not in str(claims.get("scope", "")).split():
        return f"scope {claims.get('scope')!r} lacks cloud-platform"
    if not (claims.get("iat", 0) - 300 <= now < claims.get("exp", 0)):
        return "iat/exp do not cover now"
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if not any(name.lower() == "content-length" for name, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path != "/token":
            return self.reply(404)
        form = urllib.parse.parse_qs(body.decode())
        grant, assertion = form.get("grant_type", [""])[0], form.get("assertion", [""])[0]
        problem = f"grant_type {grant!r}" if grant != JWT_BEARER else check_assertion(assertion)
        if problem:
            record("token", False, problem)
            return self.reply(400, json.dumps({"error": "invalid_grant", "error_description": problem}).encode(),
                              [("Content-Type", "application/json")])
        token = "ya29.adc-proof-" + secrets.token_urlsafe(16)
        issued.add(token)
        record("token", True, "JWT-bearer grant with a valid RS256 assertion; issued " + token)
        self.reply(200, json.dumps({"access_token": token, "expires_in": 3600, "token_type": "Bearer"}).encode(),
                   [("Content-Type", "application/json")])

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if not url.scheme:
            return self.reply(404)
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        if token not in issued:
            record("registry", False, f"{self.command} {url.netloc}{url.path} with Authorization {auth[:20]!r}")
            return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                              [("Content-Type", "application/json"), ("WWW-Authenticate", 'Basic realm="adc-proof"')])
        record("registry", True, f"{self.command} {url.netloc}{url.path} with Bearer {token}")
        upstream = urllib.request.Request(f"http://{UPSTREAM}{url.path}" + (f"?{url.query}" if url.query else ""),
                                          method=self.command, headers={"Accept": self.headers.get("Accept", "*/*")})
        try:
            with urllib.request.urlopen(upstream) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        wanted = ("content-type", "docker-content-digest") + (("content-length",) if self.command == "HEAD" else ())
        keep = [(n, v) for n, v in headers.items() if n.lower() in wanted]
        self.reply(status, body, keep)

    do_HEAD = do_GET


ThreadingHTTPServer(("127.0.0.1", int(PORT)), Handler).serve_forever()
