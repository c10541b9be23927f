"""Writing files so that nothing is ever half-written: one file, or a whole folder, in one step.

A reader - or a kill, a crash, Ctrl+C at any moment - sees the old complete content or the new complete
content, never a mix.  A folder is written beside itself (``.NAME.ny``) and swapped in; the entries that are not
ours (``own``) - the team leader's notes, an export inside a plan folder - are kept.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from workbench.errors import Refusal


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, flushed to disk, then an atomic rename."""
    temporary = path.with_name(f".{path.name}.tmp")
    data = content.encode("utf-8") if isinstance(content, str) else content
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)


def _ours(name: str, own: frozenset[str]) -> bool:
    """One of our own entries, or the temporary file of one (see :func:`write_atomic`)."""
    return name in own or (name.startswith(".") and name.endswith(".tmp") and name[1:-4] in own)


def _sides(out: Path) -> tuple[Path, Path]:
    return out.with_name(f".{out.name}.ny"), out.with_name(f".{out.name}.gammel")


def recover_folder(out: Path, own: Iterable[str]) -> None:
    """Finish or undo a folder write that was killed half-way, so ``out`` is the old or the new content.

    Killed before the swap: the new folder is dropped.  Killed between the two renames of the swap: the old
    content is put back.  Entries that are not ours are moved back to ``out`` first."""
    own = frozenset(own)
    out = Path(out).absolute()
    new, old = _sides(out)
    if not out.exists() and old.exists():
        os.rename(old, out)
    if new.exists():
        if out.exists():
            for entry in new.iterdir():
                if not _ours(entry.name, own) and not (out / entry.name).exists():
                    os.rename(entry, out / entry.name)
        shutil.rmtree(new)
    if old.exists():
        shutil.rmtree(old)


@contextmanager
def replacing_folder(out: Path, own: Iterable[str]) -> Iterator[Path]:
    """Yield an empty staging folder; when the block ends without error, its content replaces our entries in
    ``out`` in one step (the other entries of ``out`` are kept).  On an error nothing in ``out`` changes."""
    own = frozenset(own)
    out = Path(out).absolute()
    if out.exists() and not out.is_dir():
        raise Refusal(f"{out} er en fil, ikke en mappe. Vælg en mappe at gemme i.")
    out.parent.mkdir(parents=True, exist_ok=True)
    recover_folder(out, own)
    new, old = _sides(out)
    new.mkdir()
    try:
        yield new
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    staged = {entry.name for entry in new.iterdir()}
    if out.exists():
        for entry in out.iterdir():
            if not _ours(entry.name, own) and entry.name not in staged:
                os.rename(entry, new / entry.name)  # the user's own files follow
        os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


def write_folder_atomic(out: Path, files: dict[str, str | bytes], own: Iterable[str] = ()) -> Path:
    """Replace ``out``'s own entries (``own`` and the names in ``files``) by ``files`` in one step."""
    with replacing_folder(out, set(own) | set(files)) as staging:
        for name, content in files.items():
            write_atomic(staging / name, content)
    return Path(out).absolute()
