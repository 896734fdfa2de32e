#!/usr/bin/env python3
"""A signaldesk device client using only the Python standard library.

It signs every request as docs/device-protocol.md describes and can run as a simulated
Expert Advisor: poll, ACK each signal at once, then report a simulated fill.

    python3 signaldesk_device.py --url http://localhost:3000 --device-id dev_... --secret ...
"""

import argparse
import hashlib
import hmac
import json
import random
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

API = "/api/v1/device"


def canonical_string(method, path_with_query, timestamp, nonce, body):
    """METHOD, request target, Unix seconds, nonce and hex SHA-256 of the raw body, one per line."""
    body_hash = hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), path_with_query, str(timestamp), nonce, body_hash])


def sign(secret, method, path_with_query, timestamp, nonce, body):
    message = canonical_string(method, path_with_query, timestamp, nonce, body)
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def new_nonce():
    return secrets.token_urlsafe(18)


class DeviceApiError(Exception):
    """The server answered with an error status; `problem` is its problem+json body when it sent one."""

    def __init__(self, status, problem, retry_after=None):
        self.status = status
        self.problem = problem
        self.retry_after = retry_after
        code = problem.get("code") if isinstance(problem, dict) else None
        super().__init__(f"HTTP {status} {code or ''}".strip())


class DeviceClient:
    def __init__(self, base_url, device_id, secret, clock=time.time):
        self.base_url = base_url.rstrip("/")
        self.device_id = device_id
        self.secret = secret
        self.clock = clock

    def request(self, method, path, payload=None, timeout=15):
        url = self.base_url + path
        body = b"" if payload is None else json.dumps(payload, separators=(",", ":")).encode("utf-8")
        # The signature covers the request target exactly as sent, so a path in base_url is
        # part of it, not just the API path.
        parts = urllib.parse.urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        # A fresh timestamp and nonce on every attempt: a retried request reusing its nonce
        # would be refused as a replay if the first attempt did reach the server.
        timestamp = int(self.clock())
        nonce = new_nonce()
        headers = {
            "X-Device-Id": self.device_id,
            "X-Timestamp": str(timestamp),
            "X-Nonce": nonce,
            "X-Signature": sign(self.secret, method, target, timestamp, nonce, body),
            "Accept": "application/json",
        }
        if payload is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        data = body if payload is not None else None
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as res:
                raw = res.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                problem = json.loads(raw) if raw else None
            except ValueError:
                problem = None
            raise DeviceApiError(err.code, problem, err.headers.get("Retry-After")) from None

    def poll(self, wait=0):
        return self.request("GET", f"{API}/poll?wait={int(wait)}", timeout=int(wait) + 15)

    def ack(self, signal_id):
        return self.request("POST", f"{API}/ack", {"signalId": signal_id})

    def fill(self, signal_id, price, volume, broker_ticket, filled_at=None):
        payload = {
            "signalId": signal_id,
            "price": price,
            "volume": volume,
            "brokerTicket": str(broker_ticket),
        }
        if filled_at is not None:
            payload["filledAt"] = filled_at
        return self.request("POST", f"{API}/fill", payload)

    def error(self, signal_id, code, message):
        payload = {"signalId": signal_id, "code": int(code), "message": message[:500]}
        return self.request("POST", f"{API}/error", payload)

    def trades(self, ticket, instrument, side, volume, open_price, close_price, profit_minor, currency,
               opened_at, closed_at, signal_id=None):
        return self.request("POST", f"{API}/trades", {
            "ticket": str(ticket), "instrument": instrument, "side": side, "volume": volume,
            "openPrice": open_price, "closePrice": close_price, "profitMinor": int(profit_minor),
            "currency": currency, "openedAt": opened_at, "closedAt": closed_at, "signalId": signal_id,
        })


def emit(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def retrying(call, attempts=5):
    """Retries a report after network or server errors; fills and errors are idempotent on the server."""
    for attempt in range(attempts):
        try:
            return call()
        except (urllib.error.URLError, OSError, DeviceApiError) as err:
            transient = not isinstance(err, DeviceApiError) or err.status >= 500 or err.status == 429
            if not transient or attempt == attempts - 1:
                raise
            time.sleep(min(2 ** attempt, 30) + random.uniform(0, 0.5))


def execute(client, signal):
    """ACK first so no later poll hands the signal out again, then report a simulated fill."""
    signal_id = signal["signalId"]
    try:
        emit("ack", signalId=signal_id, execution=client.ack(signal_id))
        price = signal.get("entryPrice") or 1.0
        volume = signal.get("volume") or 0.01
        ticket = f"sim-{secrets.randbelow(10**9)}"
        execution = retrying(lambda: client.fill(signal_id, price, volume, ticket))
        emit("fill", signalId=signal_id, execution=execution)
    except DeviceApiError as err:
        # 404: not ours to execute (not approved, cancelled); 409: already final. Neither is retried.
        if err.status in (404, 409):
            emit("skipped", signalId=signal_id, status=err.status, problem=err.problem)
        else:
            raise


def run(client, wait, once):
    backoff = 1.0
    while True:
        try:
            result = client.poll(wait)
            emit("poll", serverTime=result.get("serverTime"), count=len(result.get("signals", [])))
            for signal in result.get("signals", []):
                execute(client, signal)
            backoff = 1.0
        except (urllib.error.URLError, OSError, DeviceApiError) as err:
            status = getattr(err, "status", None)
            emit("error", status=status, message=str(err), problem=getattr(err, "problem", None))
            if once:
                return 1
            retry_after = getattr(err, "retry_after", None)
            delay = float(retry_after) if retry_after and retry_after.isdigit() else backoff
            # Auth failures will not fix themselves quickly (clock, secret, revocation): wait longer.
            if status == 401:
                delay = max(delay, 60.0)
            time.sleep(delay + random.uniform(0, delay / 4))
            backoff = min(backoff * 2, 60.0)
            continue
        if once:
            return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Simulated signaldesk Expert Advisor")
    parser.add_argument("--url", required=True, help="server base URL, e.g. http://localhost:3000")
    parser.add_argument("--device-id", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--wait", type=int, default=25, help="long-poll seconds, 0..30")
    parser.add_argument("--once", action="store_true", help="poll once, execute what arrives, exit")
    args = parser.parse_args(argv)
    client = DeviceClient(args.url, args.device_id, args.secret)
    try:
        return run(client, max(0, min(30, args.wait)), args.once)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
