"""Run Django's docs linter (docs/lint.py of the checkout) on given files only.

docs/lint.py always lints the whole docs/ directory; scripts/queue check wants
the files a patch touches. Loading lint.py installs Django's checkers; its
options are repeated here. Run from the root of a Django checkout.
"""

import runpy
import sys

namespace = runpy.run_path("docs/lint.py", run_name="django_docs_lint")
sys.exit(
    namespace["main"](
        [
            "sphinx-lint",  # main() drops argv[0], like sys.argv's.
            *sys.argv[1:],
            "--jobs",
            "1",
            "--enable",
            "all",
            "--disable",
            "line-too-long",
            "--max-line-length",
            "79",
        ]
    )
)
