"""The builds serve runs, as one object (Builder), each pass answering a builder.Outcome:

- first(): the full build serve starts with, in its own process;
- quick(): the whole site, keeping the last search index and same-story links;
- hot(changed, lock): only the pages an edit of content pages touches, replaced in place
  (builder.hot); HotDeclined when that is not enough and a quick build must run;
- full(): the full build, in a child process (`python -m newsarchive.serve.passes ROOT`) so that
  the next edit can stop it at once - SIGKILL, which the build is made to survive - and have the
  CPU to itself. The child prints its outcome as one line of JSON.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from ..archive import Archive
from ..builder import BuildState, build, hot
from ..builder.outcome import Built, Failed, Outcome, from_json, to_json
from ..forked import child_of_this_process


class Builder:
    """What serve runs for an archive: it ingests into the archive, and builds the archive's preview
    (its own site folder, for the preview's address `base_url`; site/ is never touched). Its
    BuildState carries what one build leaves the next."""

    def __init__(self, archive: Archive, base_url: str | None = None):
        self.archive, self.base_url = archive, base_url
        self.preview = archive.for_preview()
        self.state = BuildState()

    def ingest(self) -> None:
        from .. import ingest
        from ..clean.rules import for_archive

        ingest.run(self.archive, [], for_archive(self.archive))

    def first(self) -> Outcome:
        """The build serve starts with: a full one, in this process (what it reads serves the first hot pass)."""
        return build(self.preview, self.base_url, state=self.state)

    def quick(self) -> Outcome:
        return build(self.preview, self.base_url, quick=True, state=self.state)

    def hot(self, changed: set[Path], lock) -> Outcome:
        return hot(self.preview, changed, lock, self.state, self.base_url)

    def full(self) -> "FullBuild":
        return FullBuild(self, subprocess.Popen(
            [sys.executable, "-m", __name__, str(self.archive.root), self.base_url or ""], stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, preexec_fn=child_of_this_process()))

    def full_done(self, outcome: Outcome) -> None:
        """After a full build, the new same-story answers are read in while serve is idle (the hot pass uses them)."""
        if isinstance(outcome, Built):
            from ..builder import related

            related.preload(self.preview.cache, self.state)


class FullBuild:
    """A full build under way in a child process."""

    def __init__(self, builder: Builder, proc: subprocess.Popen):
        self.builder, self.proc = builder, proc

    def wait(self) -> Outcome | None:
        """Its outcome; None when it was stopped (killed for a newer change)."""
        out, _ = self.proc.communicate()
        lines = out.strip().splitlines()
        if self.proc.returncode == -signal.SIGKILL:
            return None
        if self.proc.returncode != 0 or not lines:  # a bug in the build: said, not taken for a good build
            return Failed(f"the full build stopped (exit status {self.proc.returncode}); run `newsarchive build` to see why")
        outcome = from_json(json.loads(lines[-1]))
        self.builder.full_done(outcome)
        return outcome

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _child(root: Path, base_url: str) -> int:
    outcome = build(Archive(root).for_preview(), base_url or None, tell_changes=True)
    print(json.dumps(to_json(outcome), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1]), sys.argv[2]))
