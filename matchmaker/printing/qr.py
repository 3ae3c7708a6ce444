"""QR codes for lead capture: random tokens, inline SVG, PNG bytes and the raw module matrix.

numpy and qrcode are imported by the functions that encode: issuing tokens and badge codes,
which every web worker does, needs neither (numpy alone is ~12 MB of a worker's memory).
"""

from __future__ import annotations

import functools
import io
import secrets
from html import escape
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    import qrcode

ErrorLevel = Literal["L", "M", "Q", "H"]

# Q restores up to ~25 % of damaged codewords: enough for a smudged print or a scuffed
# sample bag, while the code stays one or two versions smaller than with H.
DEFAULT_LEVEL: ErrorLevel = "Q"

# The QR spec asks for four light modules around the symbol; phone scanners fail
# noticeably more often on badges printed without it.
QUIET_ZONE_MODULES = 4

TOKEN_BYTES = 8

# qrcode.constants.ERROR_CORRECT_*, written out so that checking a level imports nothing.
_LEVELS = {"L": 1, "M": 0, "Q": 3, "H": 2}


def new_token() -> str:
    """Return an opaque, URL-safe random token of 11 characters (64 bits of entropy)."""
    # 64 random bits make guessing hopeless even with tens of thousands of live tokens
    # (about 1 in 10^15 per try), and 11 characters keep a full lead URL inside a small
    # QR version, so the printed code stays readable at badge size. Callers must still
    # store tokens under a unique constraint.
    return secrets.token_urlsafe(TOKEN_BYTES)


# No 0/O, 1/I/L and no U/V pair: what remains cannot be misread from a print or a screen.
MANUAL_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
MANUAL_CODE_LENGTH = 8


def new_manual_code() -> str:
    """Return a random badge code of MANUAL_CODE_LENGTH characters from MANUAL_CODE_ALPHABET."""
    # 29^8 ≈ 5·10^11 codes: with a few thousand badges a typed guess hits one about once in
    # 10^8 tries. Callers store it under a unique constraint and retry on a collision.
    return "".join(secrets.choice(MANUAL_CODE_ALPHABET) for _ in range(MANUAL_CODE_LENGTH))


def format_manual_code(code: str) -> str:
    """The code as printed: two groups of four, "K7MQ-2XRD"."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def parse_manual_code(typed: str) -> str | None:
    """The stored form of a typed badge code (any case, dashes and spaces ignored), or None
    when what was typed cannot be one."""
    compact = "".join(ch for ch in (typed or "") if ch not in "- \t").upper()
    if len(compact) != MANUAL_CODE_LENGTH or not set(compact) <= set(MANUAL_CODE_ALPHABET):
        return None
    return compact


def qr_matrix(url: str, level: ErrorLevel = DEFAULT_LEVEL) -> list[list[bool]]:
    """Return the QR modules for url as rows of booleans (True = dark), quiet zone included.

    Raises:
        ValueError: if level is not one of L, M, Q, H.
    """
    return _modules(url, level).tolist()


def dark_runs(matrix: list[list[bool]]) -> list[tuple[int, int, int]]:
    """Return horizontal runs of dark modules as (column, row, length) triples."""
    # Merging neighbours into runs roughly halves the shapes to draw, in SVG and in PDF.
    runs: list[tuple[int, int, int]] = []
    for row_index, row in enumerate(matrix):
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            runs.append((start, row_index, column - start))
    return runs


def qr_svg(url: str, level: ErrorLevel = DEFAULT_LEVEL, label: str | None = None) -> str:
    """Return an inline-able SVG element of the QR code for url, drawn as one path.

    The SVG has a viewBox in modules and no width or height, so CSS sizes it; label is the
    accessible name (defaults to the URL itself).

    Raises:
        ValueError: if level is not one of L, M, Q, H.
    """
    matrix = qr_matrix(url, level)
    size = len(matrix)
    path = "".join(f"M{x} {y}h{length}v1h-{length}z" for x, y, length in dark_runs(matrix))
    accessible_name = escape(label if label is not None else url, quote=True)
    # crispEdges stops browsers anti-aliasing the seams between neighbouring runs.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="{accessible_name}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>'
    )


def qr_png(url: str, box_size: int = 10, level: ErrorLevel = DEFAULT_LEVEL) -> bytes:
    """Return PNG bytes of the QR code for url, box_size pixels per module.

    Raises:
        ValueError: if level is not one of L, M, Q, H, or box_size is below 1.
    """
    if box_size < 1:
        raise ValueError("box_size must be at least 1 pixel per module")
    from qrcode.image.pil import PilImage

    code = _encode(url, level, box_size=box_size)
    buffer = io.BytesIO()
    code.make_image(image_factory=PilImage).save(buffer, format="PNG")
    return buffer.getvalue()


def _encode(url: str, level: ErrorLevel, box_size: int = 10) -> qrcode.QRCode:
    import qrcode

    if level not in _LEVELS:
        raise ValueError(f"unknown QR error correction level {level!r}")
    code = qrcode.QRCode(error_correction=_LEVELS[level], border=QUIET_ZONE_MODULES,
                         box_size=box_size, mask_pattern=_best_mask(url, level)[0])
    code.add_data(url)
    code.make(fit=True)
    return code


# Choosing the mask ------------------------------------------------------------------------
# The spec's penalty rules keep a printed code free of finder-like patterns and large blotches
# that confuse phone scanners, so every one of the eight masks is scored. qrcode does that by
# placing the data eight times and scoring in pure Python (~8 ms a code, most of a big print
# job); here the data is placed once and the eight candidates are made and scored with numpy
# (~1 ms). Each URL's matrix is kept: a badge or poster printed again costs nothing.

def _modules(url: str, level: ErrorLevel) -> np.ndarray:
    """The code's modules (True = dark) with the quiet zone, as a read-only array."""
    return _best_mask(url, level)[1]


@functools.lru_cache(maxsize=2048)  # ~3 KB a code: a whole fair's badges and posters
def _best_mask(url: str, level: ErrorLevel) -> tuple[int, np.ndarray]:
    import numpy as np
    import qrcode

    if level not in _LEVELS:
        raise ValueError(f"unknown QR error correction level {level!r}")
    code = qrcode.QRCode(error_correction=_LEVELS[level], border=0, mask_pattern=0)
    code.add_data(url)
    code.make(fit=True)  # one placement, with mask 0
    region = _data_region(code.version)
    masks = _masks(code.modules_count)
    plain = np.array(code.modules, dtype=bool) ^ (masks[0] & region)
    best: tuple[int, int, np.ndarray] | None = None
    for mask in range(8):
        code.setup_type_info(False, mask)  # the format bits name the mask
        candidate = np.where(region, plain ^ masks[mask], np.array(code.modules, dtype=bool))
        score = penalty(candidate)
        if best is None or score < best[0]:
            best = (score, mask, candidate)
    assert best is not None
    modules = np.pad(best[2], QUIET_ZONE_MODULES)
    modules.setflags(write=False)
    return best[1], modules


@functools.lru_cache(maxsize=64)
def _masks(size: int) -> np.ndarray:
    """The eight mask patterns of ISO/IEC 18004 (i = row, j = column)."""
    import numpy as np

    i, j = np.indices((size, size))
    return np.stack([
        (i + j) % 2 == 0, i % 2 == 0, j % 3 == 0, (i + j) % 3 == 0,
        (i // 2 + j // 3) % 2 == 0, (i * j) % 2 + (i * j) % 3 == 0,
        ((i * j) % 2 + (i * j) % 3) % 2 == 0, ((i * j) % 3 + (i + j) % 2) % 2 == 0,
    ])


@functools.lru_cache(maxsize=64)
def _data_region(version: int) -> np.ndarray:
    """Where data (and so the mask) goes: every module no function pattern takes."""
    import numpy as np
    import qrcode

    probe = qrcode.QRCode(version=version)
    size = probe.modules_count = version * 4 + 17
    probe.modules = [[None] * size for _ in range(size)]
    for row, col in ((0, 0), (size - 7, 0), (0, size - 7)):
        probe.setup_position_probe_pattern(row, col)
    probe.setup_position_adjust_pattern()
    probe.setup_timing_pattern()
    probe.setup_type_info(False, 0)
    if version >= 7:
        probe.setup_type_number(False)
    return np.array([[module is None for module in row] for row in probe.modules])


_FINDER_LIKE = ((1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0), (0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1))


def penalty(modules: np.ndarray) -> int:
    """The spec's penalty score of a masked symbol (without quiet zone); lower is better."""
    import numpy as np

    size = len(modules)
    score = 0
    for lines in (modules, modules.T):
        # N1: runs of five or more modules of one colour, 3 + (length - 5) each.
        marked = np.concatenate([lines.astype(np.int8), np.full((size, 1), 2, np.int8)], 1)
        flat = marked.ravel()
        edges = np.flatnonzero(np.diff(flat))
        runs = np.diff(np.concatenate(([-1], edges, [flat.size - 1])))
        score += int((runs[runs >= 5] - 2).sum())
        # N3: 1:1:3:1:1 finder-like patterns with four light modules on one side, 40 each.
        windows = np.lib.stride_tricks.sliding_window_view(lines, 11, axis=1)
        score += 40 * sum(int((windows == np.array(pattern, dtype=bool)).all(-1).sum())
                          for pattern in _FINDER_LIKE)
    # N2: 2×2 blocks of one colour, 3 each.
    corner = modules[:-1, :-1]
    blocks = (corner == modules[1:, :-1]) & (corner == modules[:-1, 1:]) & (corner == modules[1:, 1:])
    score += 3 * int(blocks.sum())
    # N4: 10 for every 5 % the dark share is away from half.
    score += 10 * int(abs(modules.mean() * 100 - 50) // 5)
    return score
