"""The benchmark registry shared by the core and the feature benchmarks."""

import time
from dataclasses import dataclass, field
from typing import Callable

ALL_DATABASES = ("sqlite", "postgresql", "mysql")
BENCHMARKS = {}


@dataclass
class Benchmark:
    name: str
    func: Callable  # func(loops, context) -> seconds spent in the measured part
    setup: Callable | None = None  # setup() -> context, run once per process
    make_apps: Callable | None = None  # make_apps(workdir) -> extra app labels
    databases: tuple = ALL_DATABASES
    # A feature benchmark runs only where requires() is true (the fork), and
    # is compared with its baseline benchmark (e.g. the same query by hand)
    # rather than with pristine Django.
    requires: Callable | None = None
    baseline: str | None = None
    # A benchmark that takes seconds per call: scripts/bench runs it with one
    # value, one loop and no warmup per round.
    slow: bool = False
    doc: str = field(default="")


def benchmark(name, **options):
    """Register func(loops, context) as benchmark `name`."""

    def decorator(func):
        if name in BENCHMARKS:
            raise ValueError(f"Benchmark {name!r} is registered twice.")
        BENCHMARKS[name] = Benchmark(name, func, doc=func.__doc__ or "", **options)
        return func

    return decorator


def timed(loops, body, prepare=None):
    """Time body(prepared) `loops` times; prepare() runs outside the timing."""
    total = 0.0
    for _ in range(loops):
        prepared = prepare() if prepare else None
        start = time.perf_counter()
        body(prepared)
        total += time.perf_counter() - start
    return total
