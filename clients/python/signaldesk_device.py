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
import os
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

    def update_result(self, update_id, status, error_code=None, error_message=None, closed_volume=None,
                      close_price=None):
        payload = {"updateId": update_id, "status": status}
        for key, value in (("errorCode", error_code), ("errorMessage", error_message),
                           ("closedVolume", closed_volume), ("closePrice", close_price)):
            if value is not None:
                payload[key] = value
        return self.request("POST", f"{API}/update-result", payload)

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


class Positions:
    """The simulated account's open positions, kept in a JSON file when --state is given, so a
    restarted client still knows what it holds (an EA keeps this in the terminal's files)."""

    def __init__(self, path=None):
        self.path = path
        self.items = {}
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.items = json.load(f)

    def save(self):
        if self.path:
            tmp = f"{self.path}.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(self.items, f)
            os.replace(tmp, self.path)


def execute(client, signal, positions):
    """ACK first so no later poll hands the signal out again, then report a simulated fill."""
    signal_id = signal["signalId"]
    try:
        emit("ack", signalId=signal_id, execution=client.ack(signal_id))
        price = signal.get("entryPrice") or 1.0
        volume = signal.get("volume") or 0.01
        ticket = f"sim-{secrets.randbelow(10**9)}"
        positions.items[signal_id] = {
            "ticket": ticket, "instrument": signal["instrument"], "side": signal["side"],
            "volume": volume, "openPrice": price, "stopLoss": signal.get("stopLoss"),
            "takeProfit": signal.get("takeProfit"), "openedAt": utc_now(),
        }
        positions.save()
        execution = retrying(lambda: client.fill(signal_id, price, volume, ticket))
        emit("fill", signalId=signal_id, execution=execution)
    except DeviceApiError as err:
        # 404: not ours to execute (not approved, cancelled); 409: already final. Neither is retried.
        if err.status in (404, 409):
            emit("skipped", signalId=signal_id, status=err.status, problem=err.problem)
        else:
            raise


def utc_now():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def apply_update(client, update, positions, close_offset):
    """Applies an update to the simulated position, reports the result, and reports the closed
    trade when the position is gone. A position this account does not hold fails with MT5's
    4753 (position not found): the server records it and stops sending the update."""
    position = positions.items.get(update["signalId"])
    action = update["action"]
    if position is None:
        result = retrying(lambda: client.update_result(update["updateId"], "failed", 4753, "position not found"))
        emit("update", updateId=update["updateId"], action=action, result=result)
        return
    direction = 1 if position["side"] == "buy" else -1
    close_price = round(position["openPrice"] + direction * close_offset, 6)
    closed_volume = None
    if action == "modify":
        for key in ("stopLoss", "takeProfit"):
            if update.get(key) is not None:
                position[key] = update[key]
    else:
        share = 1.0 if action == "close" else update["fraction"]
        closed_volume = max(0.01, round(position["volume"] * share, 2)) if action != "close" else position["volume"]
        position["volume"] = round(position["volume"] - closed_volume, 2)
    positions.save()
    result = retrying(lambda: client.update_result(
        update["updateId"], "applied", closed_volume=closed_volume,
        close_price=close_price if closed_volume else None))
    emit("update", updateId=update["updateId"], action=action, result=result)
    if action == "close" or position["volume"] <= 0:
        profit = round((close_price - position["openPrice"]) * direction * 100_000 * 100)
        trade = retrying(lambda: client.trades(
            position["ticket"], position["instrument"], position["side"], closed_volume,
            position["openPrice"], close_price, profit, "USD", position["openedAt"], utc_now(),
            update["signalId"]))
        del positions.items[update["signalId"]]
        positions.save()
        emit("trade", signalId=update["signalId"], trade=trade)


def run(client, wait, once, positions=None, close_offset=0.0):
    positions = positions or Positions()
    backoff = 1.0
    while True:
        try:
            result = client.poll(wait)
            emit("poll", serverTime=result.get("serverTime"), count=len(result.get("signals", [])),
                 updates=len(result.get("updates", [])))
            for signal in result.get("signals", []):
                execute(client, signal, positions)
            # In the order the server gives them: seq order within each position.
            for update in result.get("updates", []):
                apply_update(client, update, positions, close_offset)
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
    parser.add_argument("--state", help="JSON file keeping the simulated open positions across runs")
    parser.add_argument("--close-offset", type=float, default=0.0,
                        help="simulated price move in the position's favour when closing (price units)")
    args = parser.parse_args(argv)
    client = DeviceClient(args.url, args.device_id, args.secret)
    try:
        return run(client, max(0, min(30, args.wait)), args.once, Positions(args.state), args.close_offset)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
