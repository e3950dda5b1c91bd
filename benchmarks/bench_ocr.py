"""OCR throughput and memory: our pipeline against raw Tesseract on the same pages (issue 4).

Pages: the Party and state first pages of tests/capture/scans.py, rendered at 200 dpi (colour,
A4), as one multi-page image-only PDF. Measured on one core (OMP_THREAD_LIMIT=1), as a worker
process runs it:
- raw: ``tesseract page.png out -l vie pdf`` per page (a PDF with a text layer, no PDF/A), the
  floor any OCR pipeline built on Tesseract can reach;
- ours: ``vanthu.capture.ocr.ocr_pdf`` (OCRmyPDF: orientation check, Tesseract, PDF/A-2b
  conversion, text read back), in a child process whose peak RSS is taken from
  ``resource.getrusage(RUSAGE_CHILDREN)``.
Run: ``.venv/bin/python -m benchmarks bench_ocr`` (VANTHU_BENCH_OCR_PAGES, default 8).

Spreading (issue 4): a file of VANTHU_BENCH_OCR_SPREAD_PAGES pages (default 40; 0 skips it) is
OCR'd once in one process (``ocr_pdf``, as one job does) and once as the page ranges of
``vanthu.capture.spread`` (5 pages each) handed to 2 worker processes, each range through
``ocr_pdf`` as the ``capture.ocr_range`` job does, then merged with ``spread.merge``; the
merged text must equal the single run's. The job queue itself (a row per job) is not timed.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import os, sys, time, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
import django
django.setup()
from pathlib import Path
from vanthu.capture.ocr import ocr_pdf
started = time.monotonic()
result = ocr_pdf(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"seconds": time.monotonic() - started, "pages": len(result.pages),
                  "pdfa": result.pdfa}))
"""


def _pages(folder: Path, count: int) -> list[Path]:
    from tests.capture.scans import SAMPLES, render, save

    paths = []
    for i in range(count):
        sample = SAMPLES[i % len(SAMPLES)]
        paths.append(save(render(sample, dpi=200, seed=i), folder / f"page-{i}.png", dpi=200))
    return paths


def _setup_child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def _ocr_range(args: tuple[str, int, int, str]) -> str:
    from vanthu.capture import spread
    from vanthu.capture.ocr import ocr_pdf

    source, first, last, folder = args
    cut = Path(folder) / f"in-{first:05d}.pdf"
    out = Path(folder) / f"out-{first:05d}.pdf"
    spread.cut(Path(source), first, last, cut)
    ocr_pdf(cut, out)
    return str(out)


def spreading(folder: Path, pages: list[Path], env: dict[str, str]) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import img2pdf

    from vanthu.capture import spread
    from vanthu.capture.extract import pdf_page_texts

    layout = img2pdf.get_fixed_dpi_layout_fun((200, 200))
    scan = folder / "long.pdf"
    scan.write_bytes(img2pdf.convert([str(p) for p in pages], layout_fun=layout))
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-c", CHILD, str(scan), str(folder / "long-single.pdf")],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    single = time.monotonic() - started
    parts = spread.ranges(len(pages), 5)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    started = time.monotonic()
    with ProcessPoolExecutor(
        max_workers=2,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_setup_child,
    ) as pool:
        outs = list(pool.map(_ocr_range, [(str(scan), a, b, str(folder)) for a, b in parts]))
    spread.merge([Path(o) for o in outs], folder / "long-merged.pdf")
    two = time.monotonic() - started
    same = pdf_page_texts(folder / "long-merged.pdf") == pdf_page_texts(folder / "long-single.pdf")
    print(
        f"spreading, {len(pages)} pages: one job {single:6.1f} s; {len(parts)} ranges on "
        f"2 workers + merge {two:6.1f} s = {single / two:.2f}× faster; same text: {same}"
    )


def main() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import img2pdf

    count = int(os.environ.get("VANTHU_BENCH_OCR_PAGES", "8"))
    env = dict(os.environ, OMP_THREAD_LIMIT="1", PYTHONPATH=f"{ROOT / 'src'}:{ROOT}")
    with tempfile.TemporaryDirectory(prefix="vanthu-ocr-bench-") as tmp:
        folder = Path(tmp)
        pages = _pages(folder, count)
        layout = img2pdf.get_fixed_dpi_layout_fun((200, 200))
        scan = folder / "scan.pdf"
        scan.write_bytes(img2pdf.convert([str(p) for p in pages], layout_fun=layout))
        size_mb = scan.stat().st_size / 1e6

        started = time.monotonic()
        for page in pages:
            subprocess.run(
                ["tesseract", str(page), str(page.with_suffix("")), "-l", "vie", "pdf"],
                env=env,
                check=True,
                capture_output=True,
            )
        raw = time.monotonic() - started
        raw_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(scan), str(folder / "out.pdf")],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        ours = time.monotonic() - started
        ours_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        long_count = int(os.environ.get("VANTHU_BENCH_OCR_SPREAD_PAGES", "40"))
        if long_count:
            _setup_child()
            (folder / "long").mkdir()
            more = _pages(folder / "long", long_count) if long_count > count else pages
            spreading(folder, more[:long_count], env)
    print(f"{count} pages A4 200 dpi colour, scan PDF {size_mb:.1f} MB, one core")
    print(f"raw tesseract (vie, pdf): {raw:6.1f} s = {60 * count / raw:5.1f} pages/min")
    print(
        f"vanthu ocr_pdf (PDF/A-2b): {ours:6.1f} s = {60 * count / ours:5.1f} pages/min "
        f"({ours / raw:.2f}× raw, incl. interpreter start) {done.stdout.strip()}"
    )
    print(f"peak RSS of a child: raw ≤ {raw_rss:.0f} MB, all children ≤ {ours_rss:.0f} MB")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
