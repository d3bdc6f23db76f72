"""A progress bar for long builds: shown on a terminal only, and only once a build has run for a second."""
from __future__ import annotations

import sys
import time
from typing import Callable

# (German stage name, done, total): called by the build as it goes
Progress = Callable[[str, int, int], None]
DELAY = 1.0  # seconds before the bar appears: short builds print nothing extra


class TerminalProgress:
    """A ``Progress`` that draws a rich progress bar on stderr when it is a terminal."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.bar = None
        self.task = None
        self.stage = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.bar is None:
            if not self.stream.isatty() or time.monotonic() - self.started < DELAY:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(file=self.stream), transient=True)
            self.bar.start()
        if stage != self.stage:
            if self.task is not None:
                self.bar.remove_task(self.task)
            self.task = self.bar.add_task(stage, total=total)
            self.stage = stage
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
