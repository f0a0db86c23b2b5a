"""Tests of scripts/bench-assertion-constraint: its helpers, and a tiny run."""

import subprocess
import unittest
from collections import Counter
from pathlib import Path

from scriptloader import load_script

SCRIPTS = Path(__file__).resolve().parent.parent
SCRIPT = SCRIPTS / "bench-assertion-constraint"


def can_run():
    """The test venv exists and tree/ has AssertionConstraint."""
    constraints = (
        SCRIPTS.parent / "tree" / "django" / "db" / "models" / "constraints.py"
    )
    return (
        load_script(SCRIPT.name).PYTHON.exists()
        and constraints.exists()
        and "class AssertionConstraint" in constraints.read_text()
    )


class BenchAssertionConstraintTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bench = load_script(SCRIPT.name)

    def test_spread_rows(self):
        pairs = self.bench.spread_rows(list(range(100, 110)), [1, 2, 3], 23, 3)
        self.assertEqual(len(pairs), 23)
        self.assertEqual(len(set(pairs)), 23)
        self.assertLessEqual(max(Counter(p for p, _ in pairs).values()), 3)
        with self.assertRaises(ValueError):
            self.bench.spread_rows([1, 2], [1, 2, 3], 7, 3)

    def test_summarize_and_report(self):
        times = {
            "a": [1.0, 1.0, 1.0],
            "b": [2.0, 2.2, 2.4],
            "c": [2.0, 2.0, 2.0],
        }
        per_row, ratios = self.bench.summarize(times, rows=1000)
        self.assertAlmostEqual(per_row["b"], 0.0022)
        self.assertEqual(ratios["b/a"], (2.2, 2.0, 2.4))
        median, low, high = ratios["b/c"]
        self.assertAlmostEqual(median, 1.1)
        self.assertAlmostEqual(low, 1.0)
        self.assertAlmostEqual(high, 1.2)
        lines = self.bench.report(per_row, ratios)
        self.assertIn("within the 1.2x target: yes", lines[-1])
        self.assertIn("NO", self.bench.report(per_row, ratios, target=1.05)[-1])

    def test_handwritten_sql(self):
        def qn(name):
            return f'"{name}"'

        args = (qn, "lim", "pizza", "id", "pizza_toppings", "pizza_id", 5)
        for vendor, expected in [
            ("sqlite", ["RAISE(ABORT"]),
            ("postgresql", ["FOR NO KEY UPDATE", "INITIALLY DEFERRED"]),
            ("mysql", ["FOR UPDATE", "LOCK IN SHARE MODE", "SIGNAL"]),
        ]:
            with self.subTest(vendor=vendor):
                sql = " ".join(self.bench.handwritten_sql(vendor, *args))
                self.assertIn("> 5", sql)
                for text in expected:
                    self.assertIn(text, sql)

    @unittest.skipUnless(
        can_run(), "needs the test venv and a tree with AssertionConstraint"
    )
    def test_tiny_sqlite_run(self):
        result = subprocess.run(
            [SCRIPT, "--rows", "20", "--rounds", "2", "--warmup", "0", "--show-sql"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("CREATE TRIGGER", result.stdout)
        self.assertIn("ratio b/c", result.stdout)
        self.assertIn("within the 1.2x target", result.stdout)


if __name__ == "__main__":
    unittest.main()
