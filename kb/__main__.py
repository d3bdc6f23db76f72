"""``python -m kb`` is the same as the ``kb`` command (useful where the scripts folder is not on PATH)."""
from kb.cli import cli

cli(prog_name="kb")
