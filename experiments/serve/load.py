"""An RPC load test of a served twin: many JSON-RPC calls, latency percentiles, exactly-once.

Concept: what an integration team measures before pointing its clients at the twin under load:
``run_load(url, calls)`` sends ``calls`` JSON-RPC ``object.execute_kw`` calls over one
keep-alive connection — 70 % ``product.product.search_read`` with a domain, 10 %
``stock.quant.search_read``, 20 % ``res.partner.create`` — each with its own
``Idempotency-Key``, and retries a call that times out with the same key (up to
``max_tries``). ``verify`` then reads back the partners the load created: every create
applied exactly once (none lost, none doubled).

``SlowAnswers`` is the fault that makes a retrying client dangerous: an ASGI wrapper that holds
every ``every``-th answer back ``delay_s`` wall seconds *after* the call was applied, longer than
the client's timeout, so the client retries a call the server already executed.

Units: latencies in wall-clock milliseconds (one logical call, retries included).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np

PREFIX = "load-"


@dataclass
class LoadResult:
    calls: int
    creates: int
    retries: int
    failures: int
    latencies_ms: list[float] = field(repr=False, default_factory=list)
    #: per call: True when it needed no retry
    first_try: list[bool] = field(repr=False, default_factory=list)

    def percentile(self, q: float, first_try_only: bool = False) -> float:
        lat = np.asarray(self.latencies_ms)
        if first_try_only:
            lat = lat[np.asarray(self.first_try, dtype=bool)]
        return float(np.percentile(lat, q))

    def summary(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "creates": self.creates,
            "retries": self.retries,
            "failures": self.failures,
            "p50_ms": round(self.percentile(50), 3),
            "p99_ms": round(self.percentile(99), 3),
            "p99_ms_first_try": round(self.percentile(99, first_try_only=True), 3),
            "calls_per_s": round(1000.0 * self.calls / sum(self.latencies_ms), 1),
        }


class SlowAnswers:
    """ASGI wrapper: every ``every``-th HTTP answer is held ``delay_s`` after being computed."""

    def __init__(self, app: Any, every: int, delay_s: float) -> None:
        self.app, self.every, self.delay_s = app, every, delay_s
        self.count = 0
        self.held = 0

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.count += 1
        slow = self.count % self.every == 0

        async def delayed(message: dict) -> None:
            if slow and message["type"] == "http.response.start":
                self.held += 1
                await asyncio.sleep(self.delay_s)
            await send(message)

        await self.app(scope, receive, delayed)


def _call(i: int, db: str, uid: int, key: str) -> tuple[dict[str, Any], bool]:
    kind = i % 10
    if kind < 7:
        args = ["product.product", "search_read", [[["name", "=", f"SKU {i % 40:05d}"]]]]
        kwargs: dict[str, Any] = {"fields": ["name", "list_price"]}
        create = False
    elif kind < 8:
        args = ["stock.quant", "search_read", [[["quantity", ">", 0]]]]
        kwargs = {"fields": ["product_id", "quantity"], "limit": 5}
        create = False
    else:
        args = ["res.partner", "create", [{"name": f"{PREFIX}{i:06d}"}]]
        kwargs = {}
        create = True
    params = {"service": "object", "method": "execute_kw", "args": [db, uid, key, *args, kwargs]}
    return {"jsonrpc": "2.0", "method": "call", "params": params, "id": i}, create


def run_load(
    url: str,
    calls: int,
    *,
    db: str,
    login: str,
    key: str,
    timeout_s: float = 0.1,
    max_tries: int = 5,
) -> LoadResult:
    """Send ``calls`` calls; a timed-out call is retried with the same Idempotency-Key."""
    result = LoadResult(calls, 0, 0, 0)
    with httpx.Client(base_url=url, timeout=10.0) as client:
        login_body = {"service": "common", "method": "login", "args": [db, login, key]}
        uid = client.post("/jsonrpc", json={"jsonrpc": "2.0", "params": login_body}).json()
        uid = uid["result"]
        for i in range(calls):
            body, create = _call(i, db, uid, key)
            headers = {"Idempotency-Key": f"load-call-{i}"}
            started = time.perf_counter()  # wall clock: client-side latency only
            answered, retries_before = False, result.retries
            for _ in range(max_tries):
                try:
                    r = client.post("/jsonrpc", json=body, headers=headers, timeout=timeout_s)
                except httpx.TimeoutException:
                    result.retries += 1
                    continue
                if r.status_code == 409:  # the first attempt is still being answered
                    result.retries += 1
                    time.sleep(timeout_s)
                    continue
                answered = "error" not in r.json()
                break
            result.failures += not answered
            result.latencies_ms.append(1000.0 * (time.perf_counter() - started))
            result.first_try.append(result.retries == retries_before)
            result.creates += create and answered
    return result


def verify(url: str, result: LoadResult, *, db: str, login: str, key: str) -> dict[str, int]:
    """The partners the load created, read back: how many, and how many names twice."""
    with httpx.Client(base_url=url, timeout=30.0) as client:
        login_body = {"service": "common", "method": "login", "args": [db, login, key]}
        uid = client.post("/jsonrpc", json={"jsonrpc": "2.0", "params": login_body}).json()
        args = [db, uid["result"], key, "res.partner", "search_read",
                [[["name", "=like", f"{PREFIX}%"]]], {"fields": ["name"]}]  # fmt: skip
        params = {"service": "object", "method": "execute_kw", "args": args}
        rows = client.post("/jsonrpc", json={"jsonrpc": "2.0", "params": params}).json()["result"]
    names = [row["name"] for row in rows]
    return {"created": len(names), "distinct": len(set(names)), "expected": result.creates}
