"""A concurrent HTTP client for load and throughput measurements.

Each client is a thread with its own ``requests.Session`` (keep-alive, like a developer's script)
that cycles through the paths from its own offset, so all paths are hit evenly from the start.
Requests answered during the warm-up are not counted.

    python -m bench.load http://127.0.0.1:5001 --clients 32 --seconds 60 /api/3/action/package_search /dataset/
"""
from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter, defaultdict
from typing import Any, Sequence

import requests

from bench.common import latency_summary


def run(base_url: str, paths: Sequence[str], clients: int, seconds: float, warmup: float = 2.0,
        timeout: float = 30.0) -> dict[str, Any]:
    """Run ``clients`` concurrent clients against ``base_url`` for ``warmup`` + ``seconds`` and
    summarise the measured window (requests started after the warm-up and before the end)."""
    if not paths:
        raise ValueError("at least one path is needed")
    base = base_url.rstrip("/")
    lock = threading.Lock()
    status: Counter[str] = Counter()
    failures = 0
    latencies: list[float] = []
    per_path_latencies: dict[str, list[float]] = defaultdict(list)
    per_path_errors: Counter[str] = Counter()
    start = time.monotonic()
    measure_from = start + warmup
    stop_at = measure_from + seconds

    def client(index: int) -> None:
        nonlocal failures
        session = requests.Session()
        position = index  # its own offset into the paths
        while True:
            began = time.monotonic()
            if began >= stop_at:
                break
            path = paths[position % len(paths)]
            position += 1
            code: str | None = None
            try:
                response = session.get(base + path, timeout=timeout)
                response.content  # read the whole body: the client's cost includes the transfer
                code = str(response.status_code)
            except requests.RequestException:
                pass
            elapsed = time.monotonic() - began
            if began < measure_from:
                continue
            with lock:
                if code is None:
                    failures += 1
                    continue
                status[code] += 1
                latencies.append(elapsed)
                per_path_latencies[path].append(elapsed)
                if code.startswith("5"):
                    per_path_errors[path] += 1
        session.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + seconds + timeout + 10)
    measured = min(time.monotonic(), stop_at + timeout) - measure_from
    requests_done = sum(status.values())
    return {
        "clients": clients,
        "seconds": round(measured, 2),
        "requests": requests_done,
        "rps": round(requests_done / measured, 2) if measured > 0 else 0.0,
        "status": dict(sorted(status.items())),
        "server_errors": sum(n for code, n in status.items() if code.startswith("5")),
        "failures": failures,
        "latency": latency_summary(latencies) if latencies else {},
        "per_path": {path: {"requests": len(values), "server_errors": per_path_errors[path],
                            "latency": latency_summary(values)}
                     for path, values in per_path_latencies.items()},
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url")
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    result = run(args.base_url, args.paths, args.clients, args.seconds, args.warmup, args.timeout)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
