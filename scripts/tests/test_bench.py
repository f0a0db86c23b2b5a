"""Tests of scripts/bench's parsing and comparison (no benchmark is run)."""

import json
import tempfile
import unittest

from scriptloader import load_script


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


if __name__ == "__main__":
    unittest.main()
