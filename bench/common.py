"""What every benchmark part shares: where things are, percentiles, and the part file.

Each part (harvest, search, throughput, ...) writes ``var/bench/parts/<part>.json``::

    {"part": "search", "started": "...", "duration_s": 812.4,
     "figures": [{"id": "search.package_search.text.p95.10k", "label": "package_search, text query, p95",
                  "unit": "ms", "scn": 41.2, "stock": 38.0, "ratio": 1.08,
                  "target": "<= 1.1x stock and < 100 ms", "met": true, "spread": {...}}],
     "notes": ["..."], "raw": {...}}

``bench/report.py`` merges the parts into ``bench/results/<date>-<name>.json`` and REPORT.md.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import statistics
import time
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("SCN_VAR") or ROOT / "var")
BENCH_VAR = VAR / "bench"
PARTS_DIR = BENCH_VAR / "parts"
VENV_BIN = ROOT / ".venv" / "bin"
# The two configurations measured, rendered by scripts/init.sh bench|stock.
INI = {"scn": BENCH_VAR / "scn.ini", "stock": BENCH_VAR / "stock.ini"}
PORT = {"scn": int(os.environ.get("SCN_BENCH_PORT", "5001")), "stock": int(os.environ.get("SCN_STOCK_PORT", "5002"))}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def latency_summary(seconds: Iterable[float]) -> dict[str, float]:
    """Milliseconds: p50/p95/p99, mean, min, max, stdev and the count."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "p99": round(percentile(ms, 99), 2),
        "mean": round(statistics.fmean(ms), 2),
        "min": round(min(ms), 2),
        "max": round(max(ms), 2),
        "stdev": round(statistics.pstdev(ms), 2),
    }


def figure(id: str, label: str, unit: str, scn: float | None, stock: float | None = None, *,
           target: str | None = None, met: bool | None = None, spread: dict[str, Any] | None = None,
           higher_is_better: bool = False) -> dict[str, Any]:
    """One reported number, SCN against stock where both exist (ratio = scn / stock)."""
    ratio = round(scn / stock, 3) if scn is not None and stock not in (None, 0) else None
    return {"id": id, "label": label, "unit": unit, "scn": scn, "stock": stock, "ratio": ratio,
            "higher_is_better": higher_is_better, "target": target, "met": met, "spread": spread or {}}


class Part:
    """Collects a part's figures and notes and writes its file (also when the part fails midway,
    so the report shows what was measured)."""

    def __init__(self, name: str):
        self.name = name
        self.started = dt.datetime.now(dt.timezone.utc)
        self._t0 = time.monotonic()
        self.figures: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.raw: dict[str, Any] = {}

    def add(self, **kwargs: Any) -> dict[str, Any]:
        value = figure(**kwargs)
        self.figures.append(value)
        self.write()
        return value

    def note(self, text: str) -> None:
        self.notes.append(text)
        self.write()

    def write(self) -> Path:
        PARTS_DIR.mkdir(parents=True, exist_ok=True)
        path = PARTS_DIR / f"{self.name}.json"
        document = {"part": self.name, "started": self.started.isoformat(timespec="seconds"),
                    "duration_s": round(time.monotonic() - self._t0, 1),
                    "figures": self.figures, "notes": self.notes, "raw": self.raw}
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return path
