"""Tests of `scripts/queue rehearse`, offline: a fake release sdist and a fake
archive of "Django main" on which one patch applies as is, one only with a
3-way merge, and two conflict (main forms are made for those).
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import unittest
from pathlib import Path

from scriptloader import SCRIPTS
from test_queue import IDENTITY, QueueTestCase
from wishlist import rehearse

DB = "".join(f"LINE_{n} = {n}\n" for n in range(40))
MAIN_INIT = """from django.utils.version import get_version

VERSION = (6, 2, 0, "alpha", 0)

__version__ = get_version(VERSION)
"""
MAIN_FILES = {
    "django/__init__.py": MAIN_INIT,
    # Main changed a line in the context of patch 2 and the line patch 3 changes.
    "django/db.py": DB.replace("LINE_28 = 28", "LINE_28 = 'twenty-eight'").replace(
        "LINE_10 = 10", "LINE_10 = 10.0"
    ),
    "docs/index.txt": "Django\n======\n",
    "tests/test_db.py": "import django\n",
    "README.rst": "Django main\n",
    "pyproject.toml": "[project]\nname = 'Django'\n",
}
NAMES = [
    "0001-Added-a-docs-page.patch",
    "0002-Changed-line-30.patch",
    "0003-Changed-line-10.patch",
    "0004-Changed-the-readme.patch",
]


def make_archive(path, files, prefix="django-main-0123abcd"):
    """A `git archive --prefix` of a Django-like tree."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, text in sorted(files.items()):
            data = text.encode()
            info = tarfile.TarInfo(f"{prefix}/{name}")
            info.size = len(data)
            info.mtime = 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    return path


class RehearseTestCase(QueueTestCase):
    def setUp(self):
        super().setUp()
        self.archive = make_archive(self.root / "main.tar.gz", MAIN_FILES)
        self.rehearsal = self.root / ".cache" / "rehearsal"
        self.main_forms = self.patches / "main"
        self.queue("apply")
        self.commit(
            "docs/index.txt",
            "Django\n======\n\nMore.\n",
            "Added a docs page.\n\nWishlist-Item: 0",
        )
        for line, message in (
            ("LINE_30 = 'thirty'", "Changed line 30."),
            ("LINE_10 = 'ten'", "Changed line 10."),
        ):
            db = (self.tree / "django/db.py").read_text()
            name = line.split(" = ")[0]
            self.commit(
                "django/db.py",
                db.replace(f"{name} = {name[5:]}\n", f"{line}\n"),
                f"{message}\n\nWishlist-Item: 3",
            )
        self.commit(
            "README.rst", "Django, patched\n", "Changed the readme.\n\nWishlist-Item: 0"
        )
        self.queue("export")
        self.assertEqual((self.patches / "series").read_text().split(), NAMES)

    def rehearse(self, *args, check=False, env=None):
        result = subprocess.run(
            [sys.executable, str(SCRIPTS / "queue"), "rehearse", *args],
            env={
                **os.environ,
                **IDENTITY,
                "WISHLIST_ROOT": str(self.root),
                **(env or {}),
            },
            capture_output=True,
            text=True,
        )
        if check and result.returncode:
            self.fail(
                f"rehearse exited {result.returncode}:\n{result.stdout}{result.stderr}"
            )
        return result

    def in_rehearsal(self, *args):
        return self.git(*args, cwd=self.rehearsal)

    def resolve(self, path, text):
        """Resolve the conflict in progress with `text` and continue it."""
        (self.rehearsal / path).write_text(text)
        self.in_rehearsal("add", path)
        subprocess.run(
            ["git", "cherry-pick", "--continue"],
            cwd=self.rehearsal,
            env={**os.environ, **IDENTITY, "GIT_EDITOR": "true"},
            check=True,
            capture_output=True,
        )

    def status_line(self, output, name):
        (line,) = [line for line in output.splitlines() if name in line]
        return line

    def make_main_forms(self):
        """--keep, resolve patches 3 and 4 by hand, --export-main."""
        result = self.rehearse(str(self.archive), "--keep")
        self.assertEqual(result.returncode, 1, result.stdout)
        main_db = MAIN_FILES["django/db.py"].replace(
            "LINE_30 = 30", "LINE_30 = 'thirty'"
        )
        self.resolve(
            "django/db.py", main_db.replace("LINE_10 = 10.0", "LINE_10 = 'ten'")
        )
        result = self.rehearse("--continue")
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("conflict  0004-Changed-the-readme.patch", result.stdout)
        self.resolve("README.rst", "Django main, patched\n")
        result = self.rehearse("--continue", check=True)
        self.assertIn("resolved  0003-Changed-line-10.patch", result.stdout)
        self.assertIn("resolved  0004-Changed-the-readme.patch", result.stdout)
        return self.rehearse("--export-main", check=True)


class RehearseTests(RehearseTestCase):
    def test_reports_each_patch_and_stops_at_a_conflict(self):
        before = (
            self.git("rev-parse", "HEAD"),
            self.git("status", "--porcelain"),
            self.git("for-each-ref"),
        )
        result = self.rehearse(str(self.archive))
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        out = result.stdout
        self.assertIn("Django 6.2.0 alpha 0", out)
        self.assertIn("clean     0001-Added-a-docs-page.patch", out)
        self.assertIn("3-way     0002-Changed-line-30.patch", out)
        self.assertIn("conflict  0003-Changed-line-10.patch", out)
        self.assertRegex(out, r"\n +django/db\.py: lines 11-17\n")
        self.assertIn("not tried 0004-Changed-the-readme.patch", out)
        self.assertIn("1 clean, 1 3-way, 1 conflict, 1 not tried", out)
        # tree/ is left alone; the rehearsal tree holds the archive and the
        # two patches that apply, with nothing in progress.
        after = (
            self.git("rev-parse", "HEAD"),
            self.git("status", "--porcelain"),
            self.git("for-each-ref"),
        )
        self.assertEqual(after, before)
        self.assertEqual(
            self.in_rehearsal("log", "--format=%s", "archive..HEAD").splitlines(),
            ["Changed line 30.", "Added a docs page."],
        )
        self.assertIn(
            "LINE_28 = 'twenty-eight'\nLINE_29 = 29\nLINE_30 = 'thirty'",
            (self.rehearsal / "django/db.py").read_text(),
        )
        self.assertEqual(self.in_rehearsal("status", "--porcelain"), "")
        self.assertFalse(self.main_forms.exists())

    def test_tree_is_applied_first_when_missing(self):
        shutil.rmtree(self.tree)
        result = self.rehearse(str(self.archive))
        self.assertIn("queue: tree/ is ready", result.stdout)
        self.assertIn("3-way     0002-Changed-line-30.patch", result.stdout)

    def test_archive_from_the_environment(self):
        result = self.rehearse(env={"WISHLIST_MAIN_ARCHIVE": str(self.archive)})
        self.assertIn("on main.tar.gz", result.stdout)
        self.assertIn("conflict  0003-Changed-line-10.patch", result.stdout)
        result = self.rehearse(env={"WISHLIST_MAIN_ARCHIVE": "/nonexistent.tar.gz"})
        self.assertEqual(result.returncode, 1)
        self.assertIn("does not exist", result.stderr)

    def test_keep_stops_in_the_conflict(self):
        result = self.rehearse(str(self.archive), "--keep")
        self.assertEqual(result.returncode, 1)
        self.assertIn("git cherry-pick --continue", result.stdout)
        self.assertTrue((self.rehearsal / ".git" / "CHERRY_PICK_HEAD").exists())
        text = (self.rehearsal / "django/db.py").read_text()
        # diff3 markers: main's line, the release's, the patch's.
        self.assertIn("<<<<<<< HEAD\nLINE_10 = 10.0\n||||||| ", text)
        self.assertIn("=======\nLINE_10 = 'ten'\n>>>>>>> ", text)
        # Nothing throws the conflict being resolved away.
        result = self.rehearse("--export-main")
        self.assertEqual(result.returncode, 1)
        self.assertIn("cherry-pick is in progress", result.stderr)
        result = self.rehearse(str(self.archive))
        self.assertEqual(result.returncode, 1)
        self.assertIn("holds work that would be lost", result.stderr)
        result = self.rehearse("--continue")
        self.assertEqual(result.returncode, 1)
        self.assertIn("in progress", result.stderr)
        result = self.rehearse(str(self.archive), "--force")
        self.assertIn("conflict  0003-Changed-line-10.patch", result.stdout)


class MainFormTests(RehearseTestCase):
    def test_main_forms_are_made_and_used(self):
        result = self.make_main_forms()
        self.assertIn("written: patches/main/0003-Changed-line-10.patch", result.stdout)
        self.assertIn(
            "written: patches/main/0004-Changed-the-readme.patch", result.stdout
        )
        self.assertEqual(sorted(p.name for p in self.main_forms.iterdir()), NAMES[2:])
        main_form = (self.main_forms / NAMES[2]).read_text()
        release = (self.patches / NAMES[2]).read_bytes()
        digest = hashlib.sha256(release[release.index(b"\ndiff --git ") + 1 :])
        self.assertIn(
            f"\nX-Wishlist-Release-Form: sha256={digest.hexdigest()}\n", main_form
        )
        self.assertIn("Subject: [PATCH] Changed line 10.", main_form)
        self.assertIn("-LINE_10 = 10.0\n+LINE_10 = 'ten'\n", main_form)
        # Exporting again changes nothing.
        result = self.rehearse("--export-main", check=True)
        self.assertIn("0 written, 2 unchanged, 0 removed", result.stdout)

        result = self.rehearse(str(self.archive), check=True)
        line = self.status_line(result.stdout, NAMES[2])
        self.assertIn("clean", line)
        self.assertIn("(main form; release form: conflict)", line)
        self.assertNotIn("STALE", result.stdout)
        self.assertIn("3 clean, 1 3-way; 2 main form(s) used, 0 stale", result.stdout)
        # git am keeps the message; the header stays out of it.
        self.assertEqual(
            self.in_rehearsal("log", "--format=%B", "archive..HEAD"),
            self.git("log", "--format=%B", "base..HEAD"),
        )

    def test_stale_main_form(self):
        self.make_main_forms()
        patch = self.patches / NAMES[3]
        patch.write_text(
            patch.read_text().replace("+Django, patched\n", "+Django, patched again\n")
        )
        result = self.rehearse(str(self.archive))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("STALE", self.status_line(result.stdout, NAMES[3]))
        self.assertNotIn("STALE", self.status_line(result.stdout, NAMES[2]))
        self.assertIn("2 main form(s) used, 1 stale", result.stdout)
        result = self.rehearse(str(self.archive), "--strict")
        self.assertEqual(result.returncode, 1)
        self.assertIn("stale main forms (--strict): " + NAMES[3], result.stdout)
        # Exporting the stale form as it was keeps it stale.
        result = self.rehearse("--export-main", check=True)
        self.assertIn("0 written, 2 unchanged", result.stdout)
        # Remade from the new release form, it is fresh again.
        result = self.rehearse(str(self.archive), "--keep", "--release-form", "0004")
        self.assertEqual(result.returncode, 1)
        self.assertIn("conflict  0004-Changed-the-readme.patch", result.stdout)
        self.resolve("README.rst", "Django main, patched again\n")
        self.rehearse("--continue", check=True)
        result = self.rehearse("--export-main", check=True)
        self.assertIn("written: patches/main/" + NAMES[3], result.stdout)
        result = self.rehearse(str(self.archive), "--strict", check=True)
        self.assertIn("2 main form(s) used, 0 stale", result.stdout)

    def test_main_forms_no_longer_needed_are_removed(self):
        self.make_main_forms()
        (self.main_forms / "0009-Gone.patch").write_text("From x\n\n")
        # Main takes the release's line 10 and readme back.
        files = {
            **MAIN_FILES,
            "django/db.py": MAIN_FILES["django/db.py"].replace("10.0", "10"),
            "README.rst": "Django 6.1.2\n",
        }
        archive = make_archive(self.root / "main2.tar.gz", files)
        result = self.rehearse(str(archive))
        # The main form of patch 3 was made on the other archive.
        self.assertEqual(result.returncode, 1)
        self.assertIn("conflict  0003-Changed-line-10.patch", result.stdout)
        self.assertIn("patches/main/0009-Gone.patch is not in series", result.stdout)
        result = self.rehearse(
            str(archive), "--release-form", NAMES[2], "--release-form", "0004"
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("clean     0003-Changed-line-10.patch", result.stdout)
        result = self.rehearse("--export-main", check=True)
        self.assertIn("0 written, 0 unchanged, 3 removed", result.stdout)
        self.assertFalse(self.main_forms.exists())

    def test_a_three_way_merge_changed_by_hand_is_a_main_form(self):
        """Patch 2 merges, but main needs more (like a renamed attribute)."""
        self.make_main_forms()
        # Rewrite patch 2's commit in the rehearsal tree.
        self.in_rehearsal("checkout", "-q", "-b", "fix", "archive")
        for commit in self.in_rehearsal(
            "rev-list", "--reverse", "archive..main"
        ).split():
            self.in_rehearsal("cherry-pick", commit)
            if (
                self.in_rehearsal("log", "-1", "--format=%s").strip()
                == "Changed line 30."
            ):
                db = (self.rehearsal / "django/db.py").read_text()
                (self.rehearsal / "django/db.py").write_text(
                    db.replace("LINE_31 = 31", "LINE_31 = 'thirty-one'")
                )
                self.in_rehearsal("commit", "-q", "-a", "--amend", "--no-edit")
        result = self.rehearse("--export-main", check=True)
        self.assertIn("written: patches/main/0002-Changed-line-30.patch", result.stdout)
        self.assertIn("0004-Changed-the-readme.patch", result.stdout)
        result = self.rehearse(str(self.archive), check=True)
        line = self.status_line(result.stdout, NAMES[1])
        self.assertIn("(main form; release form: 3-way)", line)

    def test_unknown_release_form(self):
        result = self.rehearse(str(self.archive), "--release-form", "0042")
        self.assertEqual(result.returncode, 1)
        self.assertIn("--release-form 0042: no such patch", result.stderr)


class VerifyStepTests(RehearseTestCase):
    def verify_step(self, strict, env=None):
        code = (
            "import json, sys; sys.path.insert(0, sys.argv[1]);"
            "from wishlist import rehearse;"
            f"print(json.dumps(rehearse.verify_step(strict={strict})))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code, str(SCRIPTS)],
            env={
                **os.environ,
                **IDENTITY,
                "WISHLIST_ROOT": str(self.root),
                **(env or {}),
            },
            capture_output=True,
            text=True,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout.splitlines()[-1]), result.stdout

    def test_conflicts_are_reported_not_failed(self):
        env = {"WISHLIST_MAIN_ARCHIVE": str(self.archive)}
        (code, note), output = self.verify_step(False, env)
        self.assertEqual(code, 0)
        self.assertEqual(note, "1 conflict(s), 1 not tried, reported (not --strict)")
        self.assertIn("conflict  0003-Changed-line-10.patch", output)
        self.assertTrue((self.root / ".cache" / "rehearsal-verify").is_dir())
        (code, note), _ = self.verify_step(True, env)
        self.assertEqual((code, note), (1, "1 conflict(s), 1 not tried"))

    def test_skipped_without_an_archive(self):
        env = {"WISHLIST_MAIN_ARCHIVE": ""}
        if list((self.root.parent / "shared" / "upstream").glob("django-main-*")):
            self.skipTest("an archive lies beside the temporary project")
        (code, note), output = self.verify_step(False, env)
        self.assertEqual((code, note), (None, "no archive"))
        self.assertIn("the rehearsal is skipped", output)


class HelperTests(unittest.TestCase):
    def test_conflict_regions(self):
        text = textwrap.dedent("""\
            class A:
                def f(self):
                    class Model:
                        x = 1
                    return 2

            <<<<<<< HEAD
                def g(self):
                    pass
            ||||||| base
            =======
                def h(self):
                    pass
            >>>>>>> patch
                def i(self):
                    y = 1
            <<<<<<< HEAD
                    y = 2
            =======
                    y = 3
            >>>>>>> patch
            """)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "x.py"
            path.write_text(text)
            self.assertEqual(
                rehearse.conflict_regions(path),
                ["lines 7-14 (in A)", "lines 17-21 (in A.i)"],
            )
            path = path.rename(Path(tmp) / "x.txt")
            self.assertEqual(
                rehearse.conflict_regions(path), ["lines 7-14", "lines 17-21"]
            )

    def test_looks_like_archive(self):
        self.assertTrue(rehearse.looks_like_archive("x/django-main-1234.tar.gz"))
        self.assertFalse(rehearse.looks_like_archive("migrations"))
        self.assertFalse(rehearse.looks_like_archive("schema.tests.SchemaTests"))

    def test_release_digest_is_of_the_diff(self):
        with tempfile.TemporaryDirectory() as tmp:
            one, two = Path(tmp) / "one", Path(tmp) / "two"
            one.write_text(
                "Subject: [PATCH] One.\n\nBody.\n---\ndiff --git a/x b/x\n+1\n"
            )
            two.write_text(
                "Subject: [PATCH] Two.\n\nOther.\n---\ndiff --git a/x b/x\n+1\n"
            )
            self.assertEqual(rehearse.release_digest(one), rehearse.release_digest(two))
            two.write_text("Subject: [PATCH] Two.\n\n---\ndiff --git a/x b/x\n+2\n")
            self.assertNotEqual(
                rehearse.release_digest(one), rehearse.release_digest(two)
            )


if __name__ == "__main__":
    unittest.main()
