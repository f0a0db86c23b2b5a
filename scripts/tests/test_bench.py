"""Tests of scripts/bench's parsing and comparison (no benchmark is run)."""

import importlib.util
import io
import json
import platform
import tarfile
import tempfile
import unittest
import zipfile
from pathlib import Path

from scriptloader import SCRIPTS, load_script

CALLGRIND_OUTPUT = """\
# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 5827
cmd:  python scripts/benchmarks/instructions.py --bench model_init=3
part: 4

desc: Trigger: Client Request

positions: line
events: Ir
summary: 16117


ob=(1) /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
fn=(638) __tls_get_addr
30 97
"""


def load_runner():
    """scripts/benchmarks/instructions.py, imported as a module."""
    path = SCRIPTS / "benchmarks" / "instructions.py"
    spec = importlib.util.spec_from_file_location("wishlist_instructions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BenchTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bench = load_script("bench")

    def test_load_values(self):
        data = {
            "version": "1.0",
            "metadata": {"name": "suite"},
            "benchmarks": [
                {
                    "metadata": {"name": "save"},
                    "runs": [
                        {"metadata": {}, "warmups": [[1, 9.0]], "values": [1.0, 2.0]},
                        {"metadata": {}, "values": [3.0]},
                        # Calibration runs have no values.
                        {"metadata": {}, "warmups": [[1, 1.0]]},
                    ],
                }
            ],
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(data, f)
            f.flush()
            self.assertEqual(self.bench.load_values(f.name), {"save": [1.0, 2.0, 3.0]})

    def rounds(self, pristine, fork):
        return [
            {"pristine": {"b": p}, "fork": {"b": f}} for p, f in zip(pristine, fork)
        ]

    def verdict(self, pristine, fork):
        (row,) = self.bench.compare(self.rounds(pristine, fork), {})
        return row

    def test_same(self):
        row = self.verdict([[1.0, 1.01, 0.99]] * 3, [[1.0, 1.02, 0.98]] * 3)
        self.assertEqual(row[-1], "same")
        self.assertAlmostEqual(row[3], 1.0)

    def test_slower_beyond_noise(self):
        row = self.verdict([[1.0, 1.01, 0.99]] * 3, [[1.2, 1.21, 1.19]] * 3)
        self.assertEqual(row[-1], "slower")
        self.assertAlmostEqual(row[3], 1.2)
        self.assertEqual(len(row[5]), 3)

    def test_faster_beyond_noise(self):
        row = self.verdict([[1.0, 1.01, 0.99]] * 3, [[0.8, 0.81, 0.79]] * 3)
        self.assertEqual(row[-1], "faster")

    def test_rounds_disagree(self):
        # Slower overall, but one round says faster: not beyond noise.
        row = self.verdict(
            [[1.0], [1.0], [1.0]],
            [[1.3], [1.3], [0.95]],
        )
        self.assertEqual(row[-1], "same")

    def test_noisy_difference_is_same(self):
        row = self.verdict([[0.5, 1.0, 1.5]] * 3, [[0.6, 1.1, 1.6]] * 3)
        self.assertEqual(row[-1], "same")

    def test_one_round_never_judges(self):
        row = self.verdict([[1.0, 1.0, 1.0]], [[2.0, 2.0, 2.0]])
        self.assertEqual(row[-1], "same")

    def test_feature_benchmark_compares_with_its_baseline(self):
        rounds = [{"pristine": {}, "fork": {"feature": [2.0], "by_hand": [1.0]}}] * 2
        rows = self.bench.compare(rounds, {"feature": "by_hand"})
        labels = [row[0] for row in rows]
        self.assertIn("feature vs by_hand", labels)
        row = rows[labels.index("feature vs by_hand")]
        self.assertEqual(row[1:4], (1.0, 2.0, 2.0))

    def test_format_time(self):
        self.assertEqual(self.bench.format_time(2.5), "2.5 s")
        self.assertEqual(self.bench.format_time(0.0123), "12.3 ms")
        self.assertEqual(self.bench.format_time(0.000004), "4 us")


class InstructionTests(unittest.TestCase):
    """The pure parts of scripts/bench --instructions."""

    @classmethod
    def setUpClass(cls):
        cls.bench = load_script("bench")

    def test_callgrind_summary(self):
        self.assertEqual(self.bench.callgrind_summary(CALLGRIND_OUTPUT), 16117)
        totals = CALLGRIND_OUTPUT.replace("summary:", "totals:")
        self.assertEqual(self.bench.callgrind_summary(totals), 16117)
        with self.assertRaisesRegex(ValueError, "no summary"):
            self.bench.callgrind_summary("events: Ir\n")

    def test_callgrind_functions(self):
        text = (
            "events: Ir\n"
            "ob=(1) /lib/libpython3.13.so\n"
            "fl=(1) Python/ceval.c\n"
            "fn=(1) _PyEval_EvalFrameDefault\n"
            "0 100\n"
            "+2 50\n"
            "cfn=(2) r_object\n"
            "calls=3 0\n"
            "0 900\n"
            "* 7\n"
            "+1\n"
            "fn=(2)\n"
            "0 400\n"
            "fn=(3) marshal_loads\n"
            "-1 20\n"
            "cfn=(2)\n"
            "calls=1 0\n"
            "0 500\n"
            "totals: 577\n"
        )
        self.assertEqual(
            self.bench.callgrind_functions(text),
            {"_PyEval_EvalFrameDefault": 157, "r_object": 400, "marshal_loads": 20},
        )

    def test_per_iteration(self):
        counts = {
            "setup": 600_000_000,
            "create:warmup:1": 1_800_000,
            "create:0:0": 160_000,
            "create:n:25": 160_000 + 25 * 900_000,
            "model_init:warmup:1": 7_300_000,
            "model_init:0:0": 16_000,
            "model_init:n:3": 16_000 + 21_000_001,
        }
        self.assertEqual(
            self.bench.per_iteration(counts),
            {
                "django.setup()": 600_000_000,
                "create": 900_000,
                "model_init": 21_000_001 / 3,
            },
        )

    def test_t_quantile(self):
        # Student's t table, two-sided 95 %.
        for df, expected in ((1, 12.706), (2, 4.303), (7, 2.365), (30, 2.042)):
            with self.subTest(df=df):
                self.assertAlmostEqual(
                    self.bench.t_quantile(0.975, df), expected, places=3
                )
        self.assertAlmostEqual(self.bench.t_quantile(0.975, 100000), 1.960, places=3)
        self.assertAlmostEqual(self.bench.t_quantile(0.995, 10), 3.169, places=3)

    def test_incomplete_beta(self):
        beta = self.bench.incomplete_beta
        self.assertEqual(beta(0, 2, 3), 0.0)
        self.assertEqual(beta(1, 2, 3), 1.0)
        # I_x(1, 1) = x; I_x(a, 1) = x ** a; I_x(1, b) = 1 - (1 - x) ** b.
        self.assertAlmostEqual(beta(0.3, 1, 1), 0.3)
        self.assertAlmostEqual(beta(0.6, 3, 1), 0.6**3)
        self.assertAlmostEqual(beta(0.2, 1, 4), 1 - 0.8**4)

    def test_confidence_interval(self):
        mean, half = self.bench.confidence_interval([1.0, 1.01, 0.99, 1.02])
        self.assertAlmostEqual(mean, 1.005)
        # t(0.975, 3) = 3.182, stdev = 0.012910, n = 4.
        self.assertAlmostEqual(half, 3.182 * 0.012910 / 2, places=4)
        self.assertEqual(self.bench.confidence_interval([1.5]), (1.5, None))
        self.assertEqual(self.bench.confidence_interval([2.0, 2.0, 2.0]), (2.0, 0.0))

    def samples(self, pristine, fork, name="create"):
        return {
            (seed, 0): {"pristine": {name: p}, "fork": {name: f}}
            for seed, (p, f) in enumerate(zip(pristine, fork), 1)
        }

    def test_instruction_rows(self):
        samples = self.samples([100, 200, 400], [101, 202, 404])
        (row,) = self.bench.instruction_rows(samples)
        name, pristine, fork, mean, half, low, high, n, verdict = row
        self.assertEqual(name, "create")
        self.assertAlmostEqual(pristine, 700 / 3)
        self.assertAlmostEqual(fork, 707 / 3)
        self.assertAlmostEqual(mean, 1.01)
        self.assertAlmostEqual(half, 0.0)
        self.assertEqual((round(low, 6), round(high, 6), n), (1.01, 1.01, 3))
        self.assertEqual(verdict, "more")

    def test_instruction_rows_verdicts(self):
        rows = self.bench.instruction_rows
        # Within 0.3 %, or an interval that reaches below 1.003: same.
        same = self.samples([1000] * 3, [1002, 1001, 1003])
        self.assertEqual(rows(same)[0][-1], "same")
        wide = self.samples([1000] * 3, [1000, 1020, 990])
        self.assertEqual(rows(wide)[0][-1], "same")
        less = self.samples([1000] * 3, [990, 991, 989])
        self.assertEqual(rows(less)[0][-1], "less")
        one = self.samples([1000], [2000])
        self.assertEqual(rows(one)[0][4:], (None, 2.0, 2.0, 1, "-"))

    def test_instruction_rows_pairs_and_order(self):
        samples = {
            (1, 0): {
                "pristine": {"b": 10, "a": 10, "django.setup()": 100},
                "fork": {"b": 11, "a": 10, "django.setup()": 101},
            },
            # A pair with one side missing a benchmark is left out.
            (2, 0): {"pristine": {"b": 10, "a": 10}, "fork": {"a": 12}},
        }
        rows = self.bench.instruction_rows(samples)
        self.assertEqual([row[0] for row in rows], ["django.setup()", "a", "b"])
        self.assertEqual(rows[1][7], 2)
        self.assertAlmostEqual(rows[1][3], 1.1)
        self.assertEqual(rows[2][7], 1)

    def test_instruction_plan(self):
        args = type("Args", (), {"seeds": [1, 2], "layouts": 3, "smoke": False})()
        args.setup = True
        plan = self.bench.instruction_plan(args, ["create", "unknown"])
        self.assertEqual(len(plan), 2 * 3 * 2)
        self.assertEqual(
            plan[0], (1, 0, "pristine", [("create", 15), ("unknown", 1)], True)
        )
        self.assertEqual(plan[1][:3], (1, 0, "fork"))
        # The two sides of a pair run the same.
        self.assertEqual(plan[0][3:], plan[1][3:])
        args.smoke = True
        plan = self.bench.instruction_plan(args, ["create"])
        self.assertEqual(plan[0][3], [("create", 1)])

    def test_fewer_samples(self):
        args = type("Args", (), {"seeds": list(range(1, 9)), "layouts": 8})()
        args.smoke, args.setup = False, True
        plan = self.bench.instruction_plan(args, ["create", "bulk_create_1000"])
        pairs = {
            (seed, layout): (benches, setup) for seed, layout, _, benches, setup in plan
        }
        self.assertEqual(len(pairs), 64)
        heavy = [pair for pair, (benches, _) in pairs.items() if len(benches) == 2]
        self.assertEqual(len(heavy), 16)
        # Spread over every seed and every layout.
        self.assertEqual({seed for seed, _ in heavy}, set(range(1, 9)))
        self.assertEqual({layout for _, layout in heavy}, set(range(8)))
        self.assertEqual(sum(setup for _, setup in pairs.values()), 8)
        self.assertTrue(all(("create", 15) in b for b, _ in pairs.values()))
        # Few pairs: every benchmark in each.
        self.assertTrue(self.bench.sampled("bulk_create_1000", 1, 0, 4))
        self.assertTrue(self.bench.sampled("django.setup()", 2, 1, 8))

    def test_more_samples(self):
        args = type("Args", (), {"seeds": [1, 2], "layouts": 3, "smoke": False})()
        args.setup = True
        plan = self.bench.instruction_plan(args, ["create", "model_init"])
        pairs = {(seed, layout): benches for seed, layout, _, benches, _ in plan}
        # model_init runs over twice the seeds, the others over the seeds.
        self.assertEqual(len(pairs), 2 * 2 * 3)
        self.assertEqual(pairs[1, 0], [("create", 15), ("model_init", 2)])
        self.assertEqual(pairs[3, 2], [("model_init", 2)])
        self.assertEqual({seed for seed, _ in pairs}, {1, 2, 3, 4})
        self.assertFalse(any(setup for seed, _, _, _, setup in plan if seed > 2))
        args.smoke = True
        plan = self.bench.instruction_plan(args, ["model_init"])
        self.assertEqual(len(plan), 2 * 3 * 2)

    def test_sides_and_layouts(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for side in ("pristine", "fork"):
                (root / self.bench.SIDES[side]).mkdir()
            paths = {}
            for layout in range(3):
                for side in ("pristine", "fork"):
                    path = self.bench.layout_path(root, layout, side)
                    self.assertTrue(path.is_dir())
                    paths[layout, side] = str(path)
                self.assertEqual(
                    len(paths[layout, "pristine"]), len(paths[layout, "fork"])
                )
            # Again: the links exist already.
            self.assertEqual(
                str(self.bench.layout_path(root, 2, "fork")), paths[2, "fork"]
            )
            self.assertEqual(len(paths[1, "fork"]) - len(paths[0, "fork"]), 5)
        env = self.bench.runner_env(Path("/x/p"), 7, 2)
        self.assertEqual(env["PYTHONHASHSEED"], "7")
        self.assertEqual(env["PYTHONPATH"], "/x/p")
        self.assertEqual(len(env["WISHLIST_PAD"]), 202)
        self.assertNotIn("HOME", env)

    def test_extract_packages(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            sdist = root / "django-6.1.3.tar.gz"
            with tarfile.open(sdist, "w:gz") as tar:
                for name in (
                    "django-6.1.3/django/__init__.py",
                    "django-6.1.3/django/db/models.py",
                    "django-6.1.3/docs/index.txt",
                    "django-6.1.3/djangox.py",
                    "django-6.1.3/PKG-INFO",
                ):
                    info = tarfile.TarInfo(name)
                    info.size = 2
                    tar.addfile(info, io.BytesIO(b"#\n"))
            wheel = root / "django-6.1.3+wishlist.1-py3-none-any.whl"
            with zipfile.ZipFile(wheel, "w") as archive:
                archive.writestr("django/__init__.py", "#\n")
                archive.writestr("django/db/models.py", "#\n")
                archive.writestr("django-6.1.3+wishlist.1.dist-info/METADATA", "")
            self.bench.extract_sdist_package(sdist, root / "p")
            self.bench.extract_wheel_package(wheel, root / "f")
            for side in "pf":
                files = sorted(
                    str(path.relative_to(root / side))
                    for path in (root / side).rglob("*")
                    if path.is_file()
                )
                self.assertEqual(files, ["django/__init__.py", "django/db/models.py"])

    def test_trace_counts_and_differences(self):
        phases = {
            "save_update:warmup:1": {"a": 50},
            "save_update:0:0": {"a": 10, "b": 4},
            "save_update:n:25": {"a": 10 + 25 * 3, "b": 4, "c": 50},
        }
        counts = self.bench.trace_counts(phases, "save_update")
        self.assertEqual(counts, {"a": 3, "b": 0, "c": 2})
        self.assertEqual(
            self.bench.trace_counts({"setup": {"a": 1}}, "django.setup()"), {"a": 1}
        )
        rows = self.bench.trace_differences(
            {"a": 3, "b": 0, "d": 9}, {"a": 3, "c": 2, "d": 5}
        )
        self.assertEqual(rows, [("d", 9, 5), ("c", 0, 2)])


class InstructionRunnerTests(unittest.TestCase):
    """scripts/benchmarks/instructions.py's helpers (no Django needed)."""

    @classmethod
    def setUpClass(cls):
        cls.runner = load_runner()

    def test_parse_bench(self):
        self.assertEqual(self.runner.parse_bench("create=25"), ("create", 25))
        self.assertEqual(self.runner.parse_bench("create"), ("create", 1))

    def test_core_benchmarks(self):
        names = self.runner.core_benchmarks()
        self.assertIn("create", names)
        self.assertIn("model_init", names)
        # Too slow under callgrind, or generating apps of their own.
        self.assertNotIn("autodetector_500", names)
        self.assertNotIn("migrate_100", names)
        self.assertEqual(
            set(names), set(load_script("bench").INSTRUCTION_LOOPS), "loops for each"
        )

    def test_relative_name(self):
        code = compile("def f():\n    pass\n", "/x/p/django/db/a.py", "exec")
        function = code.co_consts[0]
        self.assertEqual(
            self.runner.relative_name(function, ["/y/", "/x/p/"]), "django/db/a.py:f"
        )
        self.assertEqual(
            self.runner.relative_name(function, []), "/x/p/django/db/a.py:f"
        )

    @unittest.skipUnless(
        platform.machine() in ("x86_64", "AMD64"), "the request is amd64 code"
    )
    def test_client_request_outside_valgrind(self):
        # The magic sequence does nothing outside valgrind: the default (0).
        request = self.runner.Valgrind()
        self.assertEqual(request(0x1001), 0)  # RUNNING_ON_VALGRIND
        self.assertEqual(request(self.runner.DUMP_STATS), 0)


if __name__ == "__main__":
    unittest.main()
