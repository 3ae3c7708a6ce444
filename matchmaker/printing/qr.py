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
    placed = np.array(code.modules, dtype=bool)
    plain = placed ^ (masks[0] & region)
    # The eight candidates at once, (8, size, size): the data under each mask...
    candidates = np.where(region, plain ^ masks, placed)
    fixed_row, fixed_column = ~region[8], ~region[:, 8]
    for mask in range(1, 8):
        # ...and the format bits that name the mask, all in row 8 and column 8.
        code.setup_type_info(False, mask)
        candidates[mask, 8, fixed_row] = np.array(code.modules[8], dtype=bool)[fixed_row]
        candidates[mask, fixed_column, 8] = np.array(
            [row[8] for row in code.modules], dtype=bool)[fixed_column]
    best = int(np.argmin(penalties(candidates)))  # the first of equal scores, as qrcode does
    modules = np.pad(candidates[best], QUIET_ZONE_MODULES)
    modules.setflags(write=False)
    return best, modules


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


# N3's finder-like patterns 1:1:3:1:1 with four light modules on one side, as 11-bit numbers.
_FINDER_LIKE = (0b10111010000, 0b00001011101)


def penalty(modules: np.ndarray) -> int:
    """The spec's penalty score of a masked symbol (without quiet zone); lower is better."""
    return int(penalties(modules[None])[0])


def penalties(symbols: np.ndarray) -> np.ndarray:
    """The penalty score of each symbol of a stack (count × size × size, dark = True),
    scored together: one pass of array operations for all eight masks of a code."""
    import numpy as np

    count, size = symbols.shape[0], symbols.shape[1]
    scores = np.zeros(count, dtype=np.int64)
    for lines in (symbols, symbols.transpose(0, 2, 1)):
        # N1: runs of five or more modules of one colour, 3 + (length - 5) each. Each line
        # ends with a separator (2) so that no run crosses into the next line or symbol.
        marked = np.concatenate([lines.astype(np.int8), np.full((count, size, 1), 2, np.int8)], 2)
        flat = marked.ravel()
        ends = np.append(np.flatnonzero(np.diff(flat)), flat.size - 1)
        runs = np.diff(ends, prepend=-1)
        long = runs >= 5
        scores += np.bincount(ends[long] // (size * (size + 1)), weights=runs[long] - 2,
                              minlength=count).astype(np.int64)
        # N3: 1:1:3:1:1 finder-like patterns with four light modules on one side, 40 each;
        # each window of 11 modules read as a number.
        bits = lines.astype(np.int16)
        windows = np.zeros((count, size, size - 10), dtype=np.int16)
        for offset in range(11):
            windows = (windows << 1) | bits[:, :, offset:size - 10 + offset]
        matches = (windows == _FINDER_LIKE[0]) | (windows == _FINDER_LIKE[1])
        scores += 40 * matches.sum(axis=(1, 2))
    # N2: 2×2 blocks of one colour, 3 each.
    corner = symbols[:, :-1, :-1]
    blocks = ((corner == symbols[:, 1:, :-1]) & (corner == symbols[:, :-1, 1:])
              & (corner == symbols[:, 1:, 1:]))
    scores += 3 * blocks.sum(axis=(1, 2))
    # N4: 10 for every 5 % the dark share is away from half.
    dark = symbols.sum(axis=(1, 2)) / (size * size)
    scores += 10 * (np.abs(dark * 100 - 50) // 5).astype(np.int64)
    return scores
