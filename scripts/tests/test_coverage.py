"""Tests of scripts/wishlist/coverage.py's report of the added lines."""

import unittest

from scriptloader import SCRIPTS  # noqa: F401 (puts scripts/ on sys.path)
from wishlist import coverage


class CompressTests(unittest.TestCase):
    def test_ranges(self):
        self.assertEqual(coverage.compress([1, 2, 3, 7, 9, 10]), "1-3, 7, 9-10")
        self.assertEqual(coverage.compress([4]), "4")
        self.assertEqual(coverage.compress([]), "")


class SummarizeTests(unittest.TestCase):
    def test_only_executable_added_lines(self):
        # Line 3 is added but not executable (a docstring, a blank line).
        files = {"django/a.py": ({1, 2, 10}, {4, 11})}
        added = {"django/a.py": {1, 3, 4}, "django/b.py": {1}}
        self.assertEqual(
            coverage._summarize(files, added), {"django/a.py": ({1, 4}, {1})}
        )

    def test_file_not_imported(self):
        # A file that no measured process imported, e.g. a backend's module:
        # coverage.py lists it (source_pkgs) with every line missing.
        files = {"django/b.py": (set(), {1, 2})}
        added = {"django/b.py": {2}}
        self.assertEqual(
            coverage._summarize(files, added), {"django/b.py": ({2}, set())}
        )


if __name__ == "__main__":
    unittest.main()
