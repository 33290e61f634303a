"""Shrink the screenshots `make screens` saves: a 128-colour palette, then PNG's best compression.

Run as `python -m tests.browser.shrink_screens FOLDER`; the pages are flat colours and text, so a
palette loses nothing a reader would see and makes each file a fraction of its size.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image


def shrink(path: Path) -> tuple[int, int]:
    """Rewrite one PNG in place; returns its sizes before and after, in bytes."""
    before = path.stat().st_size
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    return before, path.stat().st_size


def main(folder: str) -> None:
    """Shrink every PNG in the folder and say how much was saved."""
    total_before = total_after = 0
    for path in sorted(Path(folder).glob("*.png")):
        before, after = shrink(path)
        total_before += before
        total_after += after
    sys.stdout.write(f"{total_before} -> {total_after} bytes\n")


if __name__ == "__main__":
    main(sys.argv[1])
