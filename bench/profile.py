"""Profile one request kind in-process (cProfile, stdlib) and write the top of the profile to
bench/profiles/<name>.txt:

    python -m bench.profile scn search.plain [--repeat 30] [--size 10000]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time

from bench.common import INI, ROOT
from bench.search import KIND_LABELS, requests_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("config", choices=sorted(INI))
    parser.add_argument("kind", choices=sorted(KIND_LABELS))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--size", type=int, default=10000)
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    from werkzeug.test import Client

    # The whole WSGI stack (with CKAN's middleware: locale, repoze), as a server runs it.
    client = Client(make_app(load_config(str(INI[args.config]))))
    paths = [requests_for(args.config, args.kind, n, args.size) for n in range(args.repeat)]
    for path in paths[:3]:
        assert client.get(path).status_code == 200, path  # warm caches and templates
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for path in paths:
        client.get(path)
    profiler.disable()
    elapsed = (time.perf_counter() - began) / len(paths)
    out = io.StringIO()
    out.write(f"{args.config} {args.kind} ({KIND_LABELS[args.kind]}), {len(paths)} requests in-process, "
              f"{elapsed * 1000:.1f} ms each (under cProfile)\n\n")
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(45)
    target = ROOT / "bench" / "profiles" / f"{args.config}-{args.kind}.txt"
    target.write_text(out.getvalue())
    print(out.getvalue()[:6000])


if __name__ == "__main__":
    main()
