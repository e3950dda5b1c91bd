"""The image Tesseract reads for a scanned page, taken from the PDF instead of drawn (issue 4).

OCRmyPDF makes the OCR image of each page by rendering the page (pypdfium2) and writing the
pixels as a PNG at zlib's default level; Tesseract then decodes that PNG. On a 300 dpi colour
A4 page that encoding was the largest part of our Python CPU (docs/benchmarks.md, issue 4), and
the rendering the second. But a scan page is one image drawn over the whole page at the
resolution OCRmyPDF asks for: its pixels *are* the rendering. So for such a page the image's
own compressed bytes are handed on, rewrapped, without decoding or encoding a pixel:

- a Flate image with PNG row predictors (what img2pdf, and so :func:`ocr.image_to_pdf`, writes
  for PNG scans) is already PNG image data: it becomes the IDAT of a PNG file;
- a JPEG (``DCTDecode``, what most scanners write) is written as it is, with only the
  resolution of its JFIF header set to the page's.

Anything else — a page with more than that one image, text, drawings or annotations, a turned
page, a mask, a colour space other than grey or RGB, an image at another resolution, CCITT or
JBIG2 bilevel data, a request for a turned or greyscale picture (OCRmyPDF's orientation
preview) — returns ``False``, and OCRmyPDF renders the page as before. The stored page images
are not touched either way: this only chooses how the throw-away OCR input is made.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any, Final

import pikepdf
from PIL import Image

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
# OCRmyPDF's raster devices (GhostscriptRasterDevice values) we can serve: the image's
# (channels, bits per component) each asks for.
_DEVICE_FORMAT: Final = {"png16m": (3, 8), "pnggray": (1, 8), "pngmonod": (1, 1), "pngmono": (1, 1)}
_COLOUR_SPACES: Final = {"/DeviceRGB": 3, "/DeviceGray": 1}
# The image must cover the page box within this many points (img2pdf rounds to 1/100 pt).
_TOLERANCE_PT: Final = 0.05
# What extract_page_image did, per page; read by the tests and the benchmark.
EXTRACTED: Final = "extracted"
RENDERED: Final = "rendered"


def extract_page_image(
    input_file: Path,
    output_file: Path,
    *,
    pageno: int,
    raster_device: str,
    raster_dpi: Any,
    page_dpi: Any,
    rotation: int | None,
    filter_vector: bool,
    use_cropbox: bool,
) -> bool:
    """Write page ``pageno`` (1-based) of ``input_file`` as the OCR image when it is a single
    full-page image at ``raster_dpi``; return False (nothing written) when it must be rendered."""
    if rotation or filter_vector or use_cropbox:
        return False
    wanted = _DEVICE_FORMAT.get(str(raster_device).lower())
    if wanted is None:
        return False
    dpi = page_dpi or raster_dpi
    with pikepdf.open(input_file) as pdf:
        if not 1 <= pageno <= len(pdf.pages):
            return False
        page = pdf.pages[pageno - 1]
        image = _full_page_image(page)
        if image is None or _format(image) != wanted:
            return False
        width, height = int(image.Width), int(image.Height)
        box = [float(v) for v in page.mediabox]
        expected = (
            round((box[2] - box[0]) * float(raster_dpi.x) / 72.0),
            round((box[3] - box[1]) * float(raster_dpi.y) / 72.0),
        )
        if (width, height) != expected:
            return False
        if width * height > (Image.MAX_IMAGE_PIXELS or width * height):
            # What Pillow would say of the rendering: OCRmyPDF sets the limit
            # (max_image_mpixels) and ocr.py turns this into a clear refusal.
            raise Image.DecompressionBombError(f"page image of {width}×{height} pixels")
        data = _image_file(image, width, height, wanted, (float(dpi.x), float(dpi.y)))
    if data is None:
        return False
    output_file.write_bytes(data)
    return True


def _full_page_image(page: pikepdf.Page) -> pikepdf.Stream | None:
    """The page's only content when that is one image drawn over the whole media box."""
    obj = page.obj
    if int(obj.get("/Rotate", 0)) % 360 or "/UserUnit" in obj or len(obj.get("/Annots", [])):
        return None
    resources = obj.get("/Resources")
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None:
        return None
    matrix: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    drawn: pikepdf.Stream | None = None
    for instruction in pikepdf.parse_content_stream(page):
        op, operands = str(instruction.operator), instruction.operands
        if op in ("q", "Q"):
            continue
        if op == "cm" and drawn is None and len(operands) == 6:
            matrix = _multiply(tuple(float(v) for v in operands), matrix)
            continue
        if op == "Do" and drawn is None and len(operands) == 1:
            candidate = xobjects.get(str(operands[0]))
            if not isinstance(candidate, pikepdf.Stream) or candidate.get("/Subtype") != "/Image":
                return None
            drawn = candidate
            continue
        return None  # text, paths, a second image, inline images…
    if drawn is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    wanted = (x1 - x0, 0.0, 0.0, y1 - y0, x0, y0)
    if any(abs(got - want) > _TOLERANCE_PT for got, want in zip(matrix, wanted, strict=True)):
        return None
    return drawn


def _multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """``m × n`` for PDF matrices [a b c d e f] (``cm`` premultiplies the current matrix)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _format(image: pikepdf.Stream) -> tuple[int, int] | None:
    """(channels, bits per component) of a plain grey or RGB image; None for anything else."""
    if image.get("/ImageMask", False) or "/SMask" in image or "/Mask" in image:
        return None
    if "/Decode" in image:
        return None
    bits = int(image.get("/BitsPerComponent", 0))
    space = image.get("/ColorSpace")
    channels: int | None = None
    if isinstance(space, pikepdf.Name):
        channels = _COLOUR_SPACES.get(str(space))
    elif isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == "/ICCBased":
        n = int(space[1].get("/N", 0))
        channels = n if n in (1, 3) else None
    if channels is None or bits not in (1, 8) or (bits == 1 and channels != 1):
        return None
    return channels, bits


def _filters(image: pikepdf.Stream) -> tuple[list[str], Any]:
    filters = image.get("/Filter")
    parms = image.get("/DecodeParms")
    if isinstance(filters, pikepdf.Array):
        names = [str(f) for f in filters]
        if isinstance(parms, pikepdf.Array):
            parms = parms[0] if len(parms) == 1 else None
    else:
        names = [str(filters)] if filters is not None else []
    return names, parms


def _image_file(
    image: pikepdf.Stream,
    width: int,
    height: int,
    fmt: tuple[int, int],
    dpi: tuple[float, float],
) -> bytes | None:
    channels, bits = fmt
    names, parms = _filters(image)
    if names == ["/FlateDecode"] and parms is not None:
        if (
            int(parms.get("/Predictor", 1)) >= 10
            and int(parms.get("/Colors", 1)) == channels
            and int(parms.get("/BitsPerComponent", 8)) == bits
            and int(parms.get("/Columns", 1)) == width
        ):
            return png_file(image.read_raw_bytes(), width, height, fmt, dpi)
        return None
    if (
        bits == 8
        and names == ["/DCTDecode"]
        and (parms is None or int(parms.get("/ColorTransform", 1)) == 1)
    ):
        return jpeg_with_dpi(image.read_raw_bytes(), dpi)
    return None


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_file(
    idat: bytes, width: int, height: int, fmt: tuple[int, int], dpi: tuple[float, float]
) -> bytes:
    """A PNG file around zlib data of PNG-filtered rows (PDF Flate with predictor ≥ 10: the
    same bytes, a filter-type byte before each row). ``fmt``: (channels 1 or 3, bits 1 or 8);
    1-bit grey is 0 = black in both formats."""
    channels, bits = fmt
    colour_type = 2 if channels == 3 else 0
    header = struct.pack(">IIBBBBB", width, height, bits, colour_type, 0, 0, 0)
    per_metre = tuple(round(v / 0.0254) for v in dpi)
    return b"".join(
        (
            PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre[0], per_metre[1], 1)),
            _chunk(b"IDAT", idat),
            _chunk(b"IEND", b""),
        )
    )


def jpeg_with_dpi(data: bytes, dpi: tuple[float, float]) -> bytes | None:
    """The JPEG with its JFIF density set to ``dpi``; None when it has no JFIF header to set
    (OCRmyPDF needs the image's resolution, and a JFIF segment is not added to an Adobe or
    EXIF JPEG, whose colour handling it could change)."""
    # SOI, then APP0: FF E0, length (2), "JFIF\0", version (2), units, x density, y density.
    if len(data) < 20 or data[:4] != b"\xff\xd8\xff\xe0" or data[6:11] != b"JFIF\x00":
        return None
    x, y = (round(v) for v in dpi)
    if not (0 < x < 65536 and 0 < y < 65536):
        return None
    return data[:13] + struct.pack(">BHH", 1, x, y) + data[18:]
