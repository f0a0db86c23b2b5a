"""Tests of scripts/queue, offline: fake sdists in a temporary project.

Run with: python3 -m unittest discover -s scripts/tests
"""

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
from pathlib import Path

from scriptloader import SCRIPTS
from wishlist import lint

QUEUE = SCRIPTS / "queue"

IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}

INIT = """from django.utils.version import get_version

VERSION = ({version}, "final", 0)

__version__ = get_version(VERSION)
"""

LABELLED_INIT = """from django.utils.version import get_version

VERSION = ({version}, "final", 0)

# A local version label.
VERSION_LABEL = "wishlist.1"

__version__ = get_version()
"""


def make_sdist(path, version, extra=None):
    """Write a small Django-like sdist for `version` (e.g. "6.1.2")."""
    top = f"django-{version}"
    files = {
        "PKG-INFO": "Metadata-Version: 2.4\nName: Django\n",
        "Django.egg-info/PKG-INFO": "Metadata-Version: 2.4\n",
        "django/__init__.py": INIT.format(version=version.replace(".", ", ")),
        "django/db.py": "".join(f"LINE_{n} = {n}\n" for n in range(40)),
        "docs/index.txt": "Django\n======\n",
        "tests/test_db.py": "import django\n",
        "README.rst": f"Django {version}\n",
        **(extra or {}),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, text in sorted(files.items()):
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            info.mtime = 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    return hashlib.sha256(path.read_bytes()).hexdigest()


class QueueTestCase(unittest.TestCase):
    def setUp(self):
        self.root = Path(tempfile.mkdtemp(prefix="queue-test-"))
        self.addCleanup(shutil.rmtree, self.root)
        self.tree = self.root / "tree"
        self.patches = self.root / "patches"
        self.patches.mkdir()
        (self.patches / "series").write_text("")
        sha256 = make_sdist(self.root / ".cache/sdist/django-6.1.2.tar.gz", "6.1.2")
        self.write_config("6.1.2", sha256)

    def write_config(self, version, sha256):
        (self.root / "setup.cfg").write_text(
            f"[wishlist]\nbase = {version}\nbase-sha256 = {sha256}\n"
            "label = wishlist.1\npython = 3.13\n"
        )

    def queue(self, *args, check=True):
        result = subprocess.run(
            [sys.executable, str(QUEUE), *args],
            env={**os.environ, **IDENTITY, "WISHLIST_ROOT": str(self.root)},
            capture_output=True,
            text=True,
        )
        if check and result.returncode:
            self.fail(
                f"queue {' '.join(args)} exited {result.returncode}:\n"
                f"{result.stdout}{result.stderr}"
            )
        return result

    def git(self, *args, cwd=None):
        return subprocess.run(
            ["git", *args],
            cwd=cwd or self.tree,
            env={**os.environ, **IDENTITY},
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def commit(self, path, text, message):
        target = self.tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        self.git("add", path)
        self.git("commit", "-q", "-m", message)

    def snapshot(self):
        return {p.name: p.read_bytes() for p in sorted(self.patches.iterdir())}

    def make_queue(self):
        """A two-patch queue, exported to patches/."""
        self.queue("apply")
        self.commit(
            "django/__init__.py",
            LABELLED_INIT.format(version="6, 1, 2"),
            "Added a version label.\n\nBody.\n\nWishlist-Item: 0",
        )
        db = (self.tree / "django/db.py").read_text()
        self.commit(
            "django/db.py",
            db.replace("LINE_20 = 20\n", "LINE_20 = 'twenty'\n"),
            "Added a feature.\n\nWishlist-Item: 3",
        )
        self.queue("export")


class ApplyExportTests(QueueTestCase):
    def test_apply_creates_base_and_one_commit_per_patch(self):
        self.make_queue()
        result = self.queue("apply", "--force")
        self.assertIn("[1/2] 0001-Added-a-version-label.patch", result.stdout)
        self.assertIn("[2/2] 0002-Added-a-feature.patch", result.stdout)
        log = self.git("log", "--format=%s|%an", "base..HEAD").splitlines()
        self.assertEqual(
            log,
            ["Added a feature.|Test Author", "Added a version label.|Test Author"],
        )
        base_files = self.git("ls-tree", "-r", "--name-only", "base").split()
        self.assertNotIn("PKG-INFO", base_files)
        self.assertFalse(any("egg-info" in name for name in base_files))
        self.assertIn("django/__init__.py", base_files)

    def test_apply_export_is_byte_identical(self):
        self.make_queue()
        before = self.snapshot()
        self.queue("apply", "--force")
        self.queue("export")
        self.assertEqual(self.snapshot(), before)
        # And exporting twice changes nothing either.
        self.queue("export")
        self.assertEqual(self.snapshot(), before)

    def test_export_has_no_varying_headers(self):
        self.make_queue()
        text = (self.patches / "0001-Added-a-version-label.patch").read_text()
        self.assertTrue(text.startswith("From " + "0" * 40))
        self.assertIn("Subject: [PATCH] Added a version label.", text)
        self.assertNotRegex(text, r"\n-- \n\d")  # No git version signature.
        self.assertRegex(text, r"index [0-9a-f]{40}\.\.[0-9a-f]{40}")

    def test_export_removes_dropped_patches(self):
        self.make_queue()
        self.git("reset", "-q", "--hard", "HEAD~1")
        self.queue("export")
        self.assertEqual(
            (self.patches / "series").read_text(),
            "0001-Added-a-version-label.patch\n",
        )
        self.assertFalse((self.patches / "0002-Added-a-feature.patch").exists())

    def test_patch_that_does_not_apply_is_named(self):
        self.make_queue()
        patch = self.patches / "0002-Added-a-feature.patch"
        patch.write_text(
            patch.read_text().replace("LINE_19 = 19", "LINE_19 = 'changed'")
        )
        result = self.queue("apply", "--force", check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("patch 0002-Added-a-feature.patch does not apply", result.stderr)
        # git's own explanation is shown.
        self.assertIn("django/db.py", result.stderr)

    def test_missing_patch_in_series(self):
        (self.patches / "series").write_text("0001-missing.patch\n")
        result = self.queue("apply", check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("0001-missing.patch, which does not exist", result.stderr)

    def test_wrong_sha256_is_refused(self):
        self.write_config("6.1.2", "0" * 64)
        result = self.queue("apply", check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("refusing", result.stderr)
        self.assertIn("0" * 64, result.stderr)
        self.assertFalse(self.tree.exists())

    def test_apply_refuses_to_overwrite_unexported_work(self):
        self.make_queue()
        self.commit("django/new.py", "X = 1\n", "Added new.\n\nWishlist-Item: 0")
        result = self.queue("apply", check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--force", result.stderr)
        self.assertIn("Added new.", self.git("log", "-1", "--format=%s"))
        self.queue("apply", "--force")
        self.assertIn("Added a feature.", self.git("log", "-1", "--format=%s"))


class StatusTests(QueueTestCase):
    def setUp(self):
        super().setUp()
        self.make_queue()

    def assertStatus(self, expected_text):
        result = self.queue("status", check=False)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn(expected_text, result.stdout)

    def test_clean(self):
        result = self.queue("status")
        self.assertIn("agree (2 patch(es) on Django 6.1.2)", result.stdout)

    def test_uncommitted_change(self):
        (self.tree / "django/db.py").write_text("changed\n")
        self.assertStatus("uncommitted changes in tree/")

    def test_untracked_file(self):
        (self.tree / "django/new.py").write_text("X = 1\n")
        self.assertStatus("django/new.py")

    def test_ignored_files_are_not_work(self):
        (self.tree / "django/__pycache__").mkdir()
        (self.tree / "django/__pycache__/db.cpython-313.pyc").write_bytes(b"")
        self.queue("status")

    def test_commit_not_exported(self):
        self.commit("django/new.py", "X = 1\n", "Added new.\n\nWishlist-Item: 0")
        self.assertStatus("commits not exported")

    def test_amended_commit_not_exported(self):
        self.git("commit", "-q", "--amend", "-m", "Added a better feature.")
        self.assertStatus("new or changed: 0002-Added-a-better-feature.patch")

    def test_hand_edited_series_agrees_after_apply(self):
        series = self.patches / "series"
        series.write_text("# The queue.\n" + series.read_text())
        self.queue("apply")
        self.queue("status")

    def test_stash_is_work(self):
        (self.tree / "django/db.py").write_text("changed\n")
        self.git("stash", "-q")
        self.assertStatus("stashed changes")
        result = self.queue("apply", check=False)
        self.assertNotEqual(result.returncode, 0)

    def test_other_branch_is_work(self):
        self.git("checkout", "-q", "-b", "feature")
        self.commit("django/new.py", "X = 1\n", "Added new.\n\nWishlist-Item: 0")
        self.git("checkout", "-q", "main")
        self.assertStatus("branch feature of tree/ has commits that HEAD lacks")

    def test_export_refuses_to_overwrite_changed_patches(self):
        patch = self.patches / "0002-Added-a-feature.patch"
        edited = patch.read_text().replace("Added a feature.", "Edited.")
        patch.write_text(edited)
        result = self.queue("export", check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--force", result.stderr)
        self.assertEqual(patch.read_text(), edited)
        self.queue("export", "--force")
        self.assertNotEqual(patch.read_text(), edited)

    def test_patches_changed_since_apply(self):
        patch = self.patches / "0002-Added-a-feature.patch"
        patch.write_text(patch.read_text().replace("Added a feature.", "Edited."))
        self.assertStatus("patches/ changed since tree/ was applied")

    def test_am_in_progress(self):
        self.git("reset", "-q", "--hard", "base")
        am = subprocess.run(
            ["git", "am", str(self.patches / "0002-Added-a-feature.patch")],
            cwd=self.tree,
            env={**os.environ, **IDENTITY},
            capture_output=True,
        )
        self.git("am", "--abort") if am.returncode else None
        # A patch that stops: the version label on a changed __init__.py.
        (self.tree / "django/__init__.py").write_text("VERSION = None\n")
        self.git("commit", "-q", "-am", "Changed.")
        subprocess.run(
            ["git", "am", str(self.patches / "0001-Added-a-version-label.patch")],
            cwd=self.tree,
            env={**os.environ, **IDENTITY},
            capture_output=True,
        )
        self.assertTrue((self.tree / ".git" / "rebase-apply").is_dir())
        self.assertStatus("a git am or rebase is in progress in tree/")


class RebaseTests(QueueTestCase):
    def test_rebase_across_two_releases(self):
        self.make_queue()
        make_sdist(self.root / ".cache/sdist/django-6.1.3.tar.gz", "6.1.3")
        sha_614 = make_sdist(
            self.root / ".cache/sdist/django-6.1.4.tar.gz",
            "6.1.4",
            {"docs/releases.txt": "6.1.4\n"},
        )
        self.queue("rebase", "6.1.3")
        result = self.queue("rebase", "6.1.4")
        self.assertIn(
            "rebasing 2 patch(es) from Django 6.1.3 onto 6.1.4", result.stdout
        )
        config = (self.root / "setup.cfg").read_text()
        self.assertIn("base = 6.1.4\n", config)
        self.assertIn(f"base-sha256 = {sha_614}\n", config)
        init = (self.tree / "django/__init__.py").read_text()
        self.assertIn("VERSION = (6, 1, 4,", init)
        self.assertIn('VERSION_LABEL = "wishlist.1"', init)
        self.assertIn("docs/releases.txt", self.git("ls-files"))
        self.assertEqual(
            self.git("log", "--format=%s", "base..HEAD").splitlines(),
            ["Added a feature.", "Added a version label."],
        )
        self.queue("status")
        # The rebased queue applies from scratch on the new base.
        before = self.snapshot()
        self.queue("apply", "--force")
        self.queue("export")
        self.assertEqual(self.snapshot(), before)

    def test_rebase_reports_conflicting_patch(self):
        self.make_queue()
        db = "".join(f"LINE_{n} = {n}\n" for n in range(40))
        make_sdist(
            self.root / ".cache/sdist/django-6.1.3.tar.gz",
            "6.1.3",
            {"django/db.py": db.replace("LINE_20 = 20", "LINE_20 = 2.0")},
        )
        result = self.queue("rebase", "6.1.3", check=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn("CONFLICT in 0002-Added-a-feature.patch", result.stdout)
        self.assertIn("    django/db.py", result.stdout)
        # Resolving it and exporting records the new base.
        (self.tree / "django/db.py").write_text(
            db.replace("LINE_20 = 20", "LINE_20 = 'twenty'")
        )
        self.git("add", "django/db.py")
        subprocess.run(
            ["git", "rebase", "--continue"],
            cwd=self.tree,
            env={**os.environ, **IDENTITY, "GIT_EDITOR": "true"},
            check=True,
            capture_output=True,
        )
        self.assertEqual(self.git("branch", "--show-current").strip(), "main")
        self.queue("export")
        self.assertIn("base = 6.1.3\n", (self.root / "setup.cfg").read_text())
        self.queue("status")

    def test_rebase_refuses_unexported_work(self):
        self.make_queue()
        (self.tree / "django/db.py").write_text("changed\n")
        result = self.queue("rebase", "6.1.3", check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("must agree before a rebase", result.stderr)


class MessageLintTests(unittest.TestCase):
    def lint(self, subject, body="Why.\n\nWishlist-Item: 3\n"):
        return lint.lint_message(subject, body)

    def test_valid(self):
        for subject in (
            "Fixed #35956 -- Added composite foreign keys.",
            "Refs #470 -- Made inspectdb emit db_default.",
            "Added per-field index types.",
        ):
            with self.subTest(subject=subject):
                self.assertEqual(self.lint(subject), (3, []))

    def test_invalid_subjects(self):
        for subject, message in (
            ("added things.", "Django's form"),
            ("Added things", "Django's form"),
            ("Fixed #1 - Added.", "Django's form"),
            ("Add composite keys.", "past tense"),
            ("Added " + "x" * 80 + ".", "characters"),
        ):
            with self.subTest(subject=subject):
                item, problems = self.lint(subject)
                self.assertTrue(any(message in p for p in problems), problems)

    def test_trailer(self):
        self.assertEqual(self.lint("Added x.", "Body.\n\nWishlist-Item: 0\n")[0], 0)
        for body, message in (
            ("No trailer.\n", "exactly one"),
            ("Wishlist-Item: 1\nWishlist-Item: 2\n", "exactly one"),
            ("Wishlist-Item: ten\n", "number from 0 to 9"),
        ):
            with self.subTest(body=body):
                item, problems = self.lint("Added x.", body)
                self.assertIsNone(item)
                self.assertTrue(any(message in p for p in problems), problems)


class HelpTests(unittest.TestCase):
    def test_every_command_has_help(self):
        commands = (
            "apply export status check build test docs e2e verify rebase rehearse"
        ).split()
        main = subprocess.run(
            [sys.executable, str(QUEUE), "--help"], capture_output=True, text=True
        )
        self.assertEqual(main.returncode, 0)
        for command in commands:
            with self.subTest(command=command):
                self.assertIn(command, main.stdout)
                result = subprocess.run(
                    [sys.executable, str(QUEUE), command, "--help"],
                    capture_output=True,
                    text=True,
                )
                self.assertEqual(result.returncode, 0)
                self.assertIn(f"usage: scripts/queue {command}", result.stdout)


if __name__ == "__main__":
    unittest.main()
