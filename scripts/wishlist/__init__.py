"""scripts/queue, one module per concern.

The queue itself (what a newcomer reads first):
  queue     series and patch files, apply, export, status, rebase
  sdist     the pinned release: download, verify, import as `base`
  rehearse  the queue on Django main in a throwaway tree; main forms

The harness around it (CI and local checks):
  lint      check: commit form, tests+docs per patch, Django's linters
  wheel     build: the wheel of tree/'s HEAD and its smoke test
  testing   test: Django's suite as an unprivileged user
  coverage  coverage: the added lines executed, combined over the runs
  docs      docs: Sphinx build, warnings compared with pristine docs
  e2e       e2e: the round trips of tests/e2e/ with the built wheel
  verify    verify: every step CI runs, with a summary

Shared: config (paths, settings, databases, QueueError, say), proc (git and
other subprocesses), envs (Pythons and venvs). cli maps the command line
onto these functions; only it knows argparse.
"""
