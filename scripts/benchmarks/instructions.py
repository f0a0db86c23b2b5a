"""The instruction-count runner of scripts/bench --instructions.

scripts/bench runs this file under valgrind's callgrind, once per side
(pristine Django, the fork), hash seed and memory layout, with the side's
``django`` package first on PYTHONPATH:

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=OUT \\
        python instructions.py --setup --bench model_init=2 --bench create=15

It configures Django (SQLite in memory, the benchmark app), creates the test
database and populates it once, runs each benchmark's function with
`--warmup` iterations, then, counted, with none and with its count of
iterations, the garbage collector disabled. Callgrind counts only while
instrumentation is on and writes its counters to a new file OUT.1, OUT.2, ...
at the end of every phase: the set-up runs uninstrumented (fast), the phases
are named on standard output, one a line, in the order of the files.
scripts/bench subtracts the zero-iteration phase from the other and divides
by the iterations: the instructions of one iteration, without what the
benchmark's function does before its loop. With --setup, ``import django``
and ``django.setup()`` are a phase too.

The requests to callgrind are valgrind's client requests, made from Python:
a few bytes of machine code (valgrind.h's sequence for amd64) in an
executable page, called through ctypes. Outside valgrind they do nothing.

With --trace (no valgrind) it prints, as JSON, the bytecode instructions each
Python function executes per phase (per iteration for the benchmarks), so
that the two sides can be compared function by function:
scripts/bench --trace NAME.
"""

import argparse
import gc
import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402
from registry import BENCHMARKS  # noqa: E402

# callgrind.h: VG_USERREQ_TOOL_BASE('C', 'T') + 0 (dump), + 4 (start), + 5 (stop).
CALLGRIND = (ord("C") << 24) | (ord("T") << 16)
DUMP_STATS, START_INSTRUMENTATION = CALLGRIND, CALLGRIND + 4
STOP_INSTRUMENTATION = CALLGRIND + 5

# valgrind.h's client request on amd64: %rax -> the request's six words,
# %rdx = the default result; four rotations of %rdi by 128 bits in all, then
# xchg %rbx,%rbx. The function takes (args, default) and returns %rdx.
CLIENT_REQUEST = bytes.fromhex(
    "4889f8"  # mov %rdi,%rax
    "4889f2"  # mov %rsi,%rdx
    "48c1c703"  # rol $3,%rdi
    "48c1c70d"  # rol $13,%rdi
    "48c1c73d"  # rol $61,%rdi
    "48c1c733"  # rol $51,%rdi
    "4887db"  # xchg %rbx,%rbx
    "4889d0"  # mov %rdx,%rax
    "c3"  # ret
)


class Valgrind:
    """Valgrind's client requests (callgrind's) from Python, on amd64."""

    def __init__(self):
        import ctypes
        import mmap

        if platform.machine() not in ("x86_64", "AMD64"):
            raise SystemExit("instructions.py: valgrind requests need x86-64")
        prot = mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC
        self.page = mmap.mmap(-1, mmap.PAGESIZE, prot=prot)
        self.page.write(CLIENT_REQUEST)
        address = ctypes.addressof(ctypes.c_char.from_buffer(self.page))
        prototype = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_void_p, ctypes.c_uint64)
        self.function = prototype(address)
        self.args = (ctypes.c_uint64 * 6)()
        self.address = ctypes.addressof(self.args)

    def __call__(self, request):
        self.args[0] = request
        return self.function(self.address, 0)


def core_benchmarks():
    """The core benchmarks callgrind can run: the fast ones, one app."""
    import core  # noqa: F401 (registers them)

    return [
        name
        for name, bench in BENCHMARKS.items()
        if not bench.slow and not bench.make_apps and not bench.requires
    ]


def parse_bench(text):
    name, _, loops = text.partition("=")
    return name, int(loops or 1)


def relative_name(code, prefixes):
    filename = code.co_filename
    for prefix in prefixes:
        if filename.startswith(prefix):
            filename = filename[len(prefix) :]
            break
    return f"{filename}:{code.co_qualname}"


class Phases:
    """Runs the phases, ending each with a dump (or, traced, a count)."""

    def __init__(self, trace):
        self.names = []
        self.trace = trace
        self.counts = {}
        self.result = {}
        if trace:
            self.monitoring = sys.monitoring
            self.tool = sys.monitoring.PROFILER_ID
            self.monitoring.use_tool_id(self.tool, "instructions")
            self.monitoring.register_callback(
                self.tool, self.monitoring.events.INSTRUCTION, self.count
            )
            self.prefixes = [
                os.path.join(os.path.abspath(p), "")
                for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                if p
            ] + [os.path.join(sys.prefix, "")]
        else:
            self.request = Valgrind()

    def count(self, code, offset):
        self.counts[code] = self.counts.get(code, 0) + 1

    def start(self):
        if self.trace:
            self.counts.clear()
            self.monitoring.set_events(self.tool, self.monitoring.events.INSTRUCTION)
        else:
            self.request(START_INSTRUMENTATION)
            self.request(DUMP_STATS)
            self.names.append("-")

    def end(self, name):
        if self.trace:
            self.monitoring.set_events(self.tool, 0)
            counts = self.result[name] = {}
            for code, n in self.counts.items():
                key = relative_name(code, self.prefixes)
                counts[key] = counts.get(key, 0) + n
            self.counts.clear()
            self.monitoring.set_events(self.tool, self.monitoring.events.INSTRUCTION)
        else:
            self.request(DUMP_STATS)
            self.names.append(name)

    def stop(self):
        if self.trace:
            self.monitoring.set_events(self.tool, 0)
        else:
            self.request(STOP_INSTRUMENTATION)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--bench",
        action="append",
        default=[],
        type=parse_bench,
        metavar="NAME=LOOPS",
        help="a benchmark and its iterations (repeatable)",
    )
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument(
        "--setup", action="store_true", help="measure import django + django.setup()"
    )
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args(argv)
    names = core_benchmarks()
    if args.list:
        print("\n".join(names))
        return
    unknown = [name for name, _ in args.bench if name not in names]
    if unknown:
        parser.error(f"not a core benchmark: {', '.join(unknown)}")
    phases = Phases(args.trace)

    if args.setup:
        phases.start()
    import django
    from django.conf import settings

    settings.configure(**run.django_settings("sqlite", []))
    django.setup()
    if args.setup:
        phases.end("setup")
        phases.stop()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    benches = [(BENCHMARKS[name], loops) for name, loops in args.bench]
    setups = {bench.setup for bench, _ in benches if bench.setup}
    # The core benchmarks share one set-up (populate()) and leave the
    # database as they found it.
    context = setups.pop()() if setups else None
    if setups:
        raise SystemExit("instructions.py: benchmarks with different set-ups")
    gc.collect()
    gc.disable()
    # Warm-ups first, uncounted: first calls fill Django's caches and
    # CPython's specializations.
    for bench, _ in benches:
        bench.func(args.warmup, context)
    if benches:
        phases.start()
        for bench, loops in benches:
            for label, n in (("0", 0), ("n", loops)):
                bench.func(n, context)
                phases.end(f"{bench.name}:{label}:{n}")
        phases.stop()
    if args.trace:
        print(json.dumps(phases.result))
    else:
        print("\n".join(phases.names))
    sys.stdout.flush()
    # No interpreter shutdown: nothing after the last phase matters.
    os._exit(0)


if __name__ == "__main__":
    main()
