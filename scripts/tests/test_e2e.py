"""Tests of the round trips' runner (tests/e2e/roundtrip.py), without Django."""

import importlib
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

E2E = Path(__file__).resolve().parent.parent.parent / "tests" / "e2e"


def load_roundtrip():
    if str(E2E) not in sys.path:
        sys.path.insert(0, str(E2E))
    return importlib.import_module("roundtrip")


class ScenarioTests(unittest.TestCase):
    def test_scenarios_load(self):
        """Every scenario module imports, and the names are unique."""
        roundtrip = load_roundtrip()
        scenarios = roundtrip.load_scenarios()
        self.assertTrue(scenarios)
        for scenario in scenarios:
            with self.subTest(scenario=scenario.name):
                self.assertIsNone(getattr(scenario, "error", None))
                self.assertTrue(scenario.steps)
                self.assertRegex(scenario.name, r"^[a-z0-9_]+$")
                for step in scenario.steps:
                    if step.errors:
                        self.assertIsNotNone(step.model, step.name)
                        self.assertIsNone(step.operations, step.name)

    def test_list(self):
        output = subprocess.run(
            [sys.executable, E2E / "roundtrip.py", "--python", "-", "--list"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        self.assertIn("generated_fields", output)

    def test_broken_module_is_a_failed_scenario(self):
        roundtrip = load_roundtrip()
        with tempfile.TemporaryDirectory() as tmp:
            scenarios = Path(tmp) / "scenarios"
            scenarios.mkdir()
            (scenarios / "__init__.py").write_text("")
            (scenarios / "broken.py").write_text("raise ValueError('oops')\n")
            (scenarios / "good.py").write_text(textwrap.dedent("""\
                    from roundtrip import Scenario, Step

                    SCENARIOS = [Scenario("good", ("app",), [Step("one")])]
                """))
            here, modules = roundtrip.HERE, dict(sys.modules)
            roundtrip.HERE = Path(tmp)
            sys.path.insert(0, tmp)
            try:
                for name in list(sys.modules):
                    if name == "scenarios" or name.startswith("scenarios."):
                        del sys.modules[name]
                loaded = roundtrip.load_scenarios()
            finally:
                roundtrip.HERE = here
                sys.path.remove(tmp)
                sys.modules.clear()
                sys.modules.update(modules)
        self.assertEqual([s.name for s in loaded], ["broken (module)", "good"])
        self.assertEqual(loaded[0].error, "scenarios/broken.py: ValueError: oops")

    def test_vendor_of(self):
        roundtrip = load_roundtrip()
        self.assertEqual(roundtrip.vendor_of("postgresql18"), "postgresql")
        self.assertEqual(roundtrip.vendor_of("mysql"), "mysql")


if __name__ == "__main__":
    unittest.main()
