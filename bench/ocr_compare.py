"""Compare Chinese OCR engines on the project's gazette fixtures; print a table.

    python3.11 -m venv /tmp/ocrbench
    /tmp/ocrbench/bin/pip install rapidocr-onnxruntime==1.4.4 pypdfium2==5.15.2 \
        pdfplumber==0.11.10 rapidfuzz            # rapidfuzz is optional (a DP is the fallback)
    apt-get install tesseract-ocr tesseract-ocr-chi-sim
    /tmp/ocrbench/bin/python bench/ocr_compare.py [--engines rapidocr,rapidocr-tuned,parsers.pdf.tesseract,...]
        [--dpi 150,300] [--max-pages N] [--degraded] [--throughput ENGINES] [--json FILE]

Pages (tests/fixtures/corpus/raw/): jiaxing-2024-11.pdf (one column), its two-column
issue with radical code points, each rendered greyscale with pypdfium2 at every --dpi, and
scanned.pdf (image only: pages 2-3 of the one-column issue at 150 dpi) at its own 150 dpi.

Reference: pdfplumber's text of the text PDF (for scanned.pdf: pages 2-3 of
jiaxing-2024-11.pdf), radicals mapped to ideographs (pipeline/data/radicals_supplement.tsv
plus NFKC for the Kangxi block). On a two-column page the reference is read header, left
column, right column, footer, since pdfplumber alone would interleave the two columns. OCR
lines are put in the same order from their boxes (the project's layout code orders lines
from boxes too), so CER measures recognition, not the engine's reading order.

CER = Levenshtein(reference, OCR) / len(reference), both NFKC-normalised (so ASCII and
full-width punctuation count as the same), without dot leaders (the contents page) and with
all whitespace removed; the table gives
the mean over pages and the pooled figure (sum of edits / sum of reference lengths), and
"conf" the lowest page confidence (the engine's line confidences, weighted by characters).
--degraded adds scanned.pdf made worse four ways (skewed 1.5 degrees, blurred with noise,
JPEG quality 20, 100 dpi); --max-pages 0 leaves only scanned.pdf.

Each engine runs in its own subprocess (--worker), one page at a time, so that its peak
RSS is its own; cpu s/page is the process's user+sys time per page (for tesseract, its
child's), wall s/page the clock. The machine may be shared with other jobs: cpu s/page is
the steadier figure. --throughput E1,E2 runs 4 one-column pages at 150 dpi as 1 process x 1
thread, 1 process x 2 threads and 2 processes x 1 thread, and gives pages per wall second.

Two-column pages: the gutter is the widest x band near the page middle that no body
character of the text layer covers; an OCR line "crosses" when its box spans that band.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "tests" / "fixtures" / "corpus" / "raw"
ONE_COL = RAW / "jiaxing-2024-11.pdf"
TWO_COL = RAW / "jiaxing-2024-11-2col-radicals.pdf"
SCANNED = RAW / "scanned.pdf"
SCANNED_PAGES = (1, 2)  # scanned.pdf's pages are these pages (0-based) of ONE_COL
SCANNED_DPI = 150
# rapidocr: the library's defaults; rapidocr-nocls: without the 180-degree line classifier,
# which turns some upright lines of these pages over (the line then reads as nothing);
# rapidocr-tuned: no classifier, one line per recognition run, 丶 read as 、 (bench/ocr_choice.md
# calls it parsers.ocr: it was measured as a module of that name, not shipped);
# parsers.pdf.tesseract: the project's OCR engine module as it is.
ENGINES = ("rapidocr", "rapidocr-nocls", "rapidocr-tuned", "tesseract-psm3", "tesseract-psm6",
           "parsers.pdf.tesseract")
HEADER_FRACTION, FOOTER_FRACTION = 0.09, 0.93  # running header / page number bands


# --------------------------------------------------------------------------- worker side

def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _rapidocr(threads: int, use_cls: bool, tuned: bool = False):
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1,
                      **({"rec_batch_num": 1} if tuned else {}))

    def run(image, dpi):
        result, _ = engine(image, use_cls=use_cls)
        lines = []
        for box, text, score in result or []:
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            text = text.replace("丶", "、") if tuned else text
            lines.append([text, min(xs), min(ys), max(xs), max(ys), float(score)])
        return lines

    return run, _cpu_self


def _tesseract(psm: int, threads: int):
    import io

    env = dict(os.environ, OMP_THREAD_LIMIT=str(threads))

    def run(image, dpi):
        png = io.BytesIO()
        image.save(png, format="PNG")
        out = subprocess.run(["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", str(psm),
                              "--dpi", str(dpi), "tsv"], input=png.getvalue(), capture_output=True,
                             env=env, check=True).stdout.decode("utf-8")
        rows = [row.split("\t") for row in out.splitlines()[1:]]
        lines: dict[tuple, list] = {}
        for row in rows:
            if len(row) < 12:
                continue
            level, key = int(row[0]), tuple(row[1:5])
            left, top, width, height = map(float, row[6:10])
            if level == 4:
                lines[key] = ["", left, top, left + width, top + height, []]
            elif level == 5 and row[11].strip() and key in lines:
                lines[key][0] += row[11]
                lines[key][5].append(float(row[10]) / 100)
        return [[t, x0, y0, x1, y1, sum(c) / len(c)] for t, x0, y0, x1, y1, c in lines.values() if t]

    return run, _cpu_children


def _module(threads: int):
    sys.path.insert(0, str(ROOT))
    from parsers.pdf import tesseract as ocr

    ocr.THREADS = str(threads)

    def run(image, dpi):  # the page's "points" are its pixels here: the worker scales
        return [[ln.text, ln.x0, ln.top, ln.x1, ln.bottom, ln.confidence]
                for ln in ocr.recognise(image, image.width, image.height)]

    ocr.available()  # loads the engine now, so that its time is the load time
    return run, _cpu_children


def degrade(image, kind: str | None, seed: int):
    """A worse scan than the clean 150 dpi one: what a scanner or a copier does to a page."""
    if kind is None:
        return image
    import io

    import numpy as np
    from PIL import Image, ImageFilter

    if kind == "skew":  # fed in crooked
        return image.rotate(1.5, resample=Image.BICUBIC, fillcolor=255)
    if kind == "noise":  # soft focus and sensor noise
        pixels = np.asarray(image.filter(ImageFilter.GaussianBlur(0.8))).astype(np.float32)
        pixels += np.random.default_rng(seed).normal(0, 25, pixels.shape)
        return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if kind == "jpeg":  # saved at a low JPEG quality
        data = io.BytesIO()
        image.save(data, format="JPEG", quality=20)
        return Image.open(io.BytesIO(data.getvalue())).convert("L")
    raise ValueError(kind)


def worker(engine_name: str, threads: int, tasks: list[dict]) -> dict:
    import pypdfium2 as pdfium

    docs = {}

    def render(task):  # not timed: the figures are OCR's alone
        doc = docs.setdefault(task["pdf"], pdfium.PdfDocument(task["pdf"]))
        page = doc[task["page"]]
        image = page.render(scale=task["render_dpi"] / 72, grayscale=True).to_pil()
        return degrade(image, task.get("degrade"), task["page"]), page.get_width(), page.get_height()

    render(max(tasks, key=lambda t: t["render_dpi"]))  # the base RSS holds the largest page
    rss_base = _rss_kb("VmRSS")
    started = time.perf_counter()
    if engine_name == "parsers.pdf.tesseract":
        run, cpu = _module(threads)
    elif engine_name.startswith("rapidocr"):
        run, cpu = _rapidocr(threads, use_cls=engine_name == "rapidocr", tuned=engine_name == "rapidocr-tuned")
    else:
        run, cpu = _tesseract(int(engine_name.rsplit("psm", 1)[1]), threads)
    load_s = time.perf_counter() - started
    pages = []
    for task in tasks:
        image, width_pt, height_pt = render(task)
        scale = width_pt / image.width
        t0, c0, start = time.perf_counter(), cpu(), time.time()
        lines = run(image, task["dpi"])
        wall, cpu_s = time.perf_counter() - t0, cpu() - c0
        pages.append(dict(task, wall=wall, cpu=cpu_s, start=start, end=time.time(),
                          lines=[[t, x0 * scale, y0 * scale, x1 * scale, y1 * scale, c]
                                 for t, x0, y0, x1, y1, c in lines]))
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dict(engine=engine_name, threads=threads, load_s=load_s, rss_base_kb=rss_base,
                rss_peak_kb=_rss_kb("VmHWM"), child_rss_peak_kb=child_peak, pages=pages)


# ----------------------------------------------------------------------------- scoring

def _radical_map() -> dict[int, str]:
    table = {}
    for line in (ROOT / "pipeline" / "data" / "radicals_supplement.tsv").read_text("utf-8").splitlines():
        if line.startswith("U+"):
            code, ideograph = line.split("\t")[:2]
            table[int(code[2:], 16)] = ideograph
    return table


RADICALS = _radical_map()


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.translate(RADICALS))
    # dot leaders of the contents page are not text; engines drop or garble them
    return re.sub(r"\s+", "", re.sub(r"[.·…]{3,}", "", text))


try:
    from rapidfuzz.distance import Levenshtein

    def distance(a: str, b: str) -> int:
        return Levenshtein.distance(a, b)
except ImportError:  # plain DP, O(len(a) * len(b)): slow but the same number
    def distance(a: str, b: str) -> int:
        previous = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            current = [i]
            for j, cb in enumerate(b, 1):
                current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
            previous = current
        return previous[-1]


def page_layout(page) -> dict:
    """The text layer's reference text and, on a two-column page, its gutter band."""
    height, width = page.height, page.width
    body = [c for c in page.chars if c["text"].strip()
            and HEADER_FRACTION * height < (c["top"] + c["bottom"]) / 2 < FOOTER_FRACTION * height]
    free = [x for x in range(int(0.35 * width), int(0.65 * width))
            if not any(c["x0"] < x + 0.5 and c["x1"] > x - 0.5 for c in body)]
    gutter = None
    if free and body:
        runs, run = [], [free[0]]
        for x in free[1:]:
            if x == run[-1] + 1:
                run.append(x)
            else:
                runs.append(run)
                run = [x]
        runs.append(run)
        widest = max(runs, key=len)
        g0, g1 = widest[0] - 0.5, widest[-1] + 0.5
        left = sum(1 for c in body if c["x1"] <= g0)
        if 0.15 <= left / len(body) <= 0.85:  # text on both sides: really two columns
            gutter = (g0, g1)
    if gutter is None:
        return dict(text=page.extract_text() or "", gutter=None)
    top, bottom = HEADER_FRACTION * height, FOOTER_FRACTION * height
    parts = [page.within_bbox(box).extract_text() or "" for box in (
        (0, 0, width, top), (0, top, gutter[0], bottom), (gutter[1], top, width, bottom),
        (0, bottom, width, height))]
    return dict(text="\n".join(parts), gutter=gutter)


def reading_order(lines: list, gutter, height: float) -> list:
    """OCR lines in the reference's order: region (header, left, right, footer), then rows."""
    def region(line):
        middle_y = (line[2] + line[4]) / 2
        if middle_y < HEADER_FRACTION * height:
            return 0
        if middle_y > FOOTER_FRACTION * height:
            return 3
        if gutter and (line[1] + line[3]) / 2 > sum(gutter) / 2:
            return 2
        return 1

    ordered = []
    for r in range(4):
        todo = sorted((ln for ln in lines if region(ln) == r), key=lambda ln: (ln[2] + ln[4]) / 2)
        while todo:  # one row: lines whose middles lie within half the first's height
            first = todo[0]
            reach = (first[2] + first[4]) / 2 + (first[4] - first[2]) / 2
            row = [ln for ln in todo if (ln[2] + ln[4]) / 2 <= reach]
            todo = todo[len(row):]
            ordered += sorted(row, key=lambda ln: ln[1])
    return ordered


def references(dpis: list[int], max_pages: int | None, degraded: bool) -> tuple[list[dict], dict]:
    import pdfplumber

    tasks, refs = [], {}
    for layout, pdf in (("1col", ONE_COL), ("2col", TWO_COL)):
        with pdfplumber.open(pdf) as doc:
            for number, page in enumerate(doc.pages[:max_pages]):
                refs[(str(pdf), number)] = dict(page_layout(page), height=page.height)
                tasks += [dict(layout=layout, pdf=str(pdf), page=number, dpi=dpi, render_dpi=dpi) for dpi in dpis]
    with pdfplumber.open(ONE_COL) as doc:
        for number, source in enumerate(SCANNED_PAGES):
            refs[(str(SCANNED), number)] = dict(page_layout(doc.pages[source]), height=doc.pages[source].height)
            tasks.append(dict(layout="scanned", pdf=str(SCANNED), page=number, dpi=SCANNED_DPI,
                              render_dpi=SCANNED_DPI))
            if degraded:
                tasks += [dict(layout=f"scan-{kind}", pdf=str(SCANNED), page=number, dpi=SCANNED_DPI,
                               render_dpi=SCANNED_DPI, degrade=kind) for kind in ("skew", "noise", "jpeg")]
                # a 100 dpi scan: the 150 dpi image rendered smaller
                tasks.append(dict(layout="scan-100dpi", pdf=str(SCANNED), page=number, dpi=100, render_dpi=100))
    return tasks, refs


def score(page: dict, ref: dict) -> dict:
    lines = reading_order(page["lines"], ref["gutter"], ref["height"])
    reference, ocr = normalise(ref["text"]), normalise("".join(ln[0] for ln in lines))
    edits = distance(reference, ocr)
    crossing = None
    if ref["gutter"]:
        g0, g1 = ref["gutter"]
        crossing = sum(1 for ln in lines if ln[1] < g0 and ln[3] > g1
                       and HEADER_FRACTION * ref["height"] < (ln[2] + ln[4]) / 2 < FOOTER_FRACTION * ref["height"])
    chars = sum(len(ln[0]) for ln in lines)
    confidence = sum(len(ln[0]) * ln[5] for ln in lines) / chars if chars else None
    return dict(edits=edits, length=len(reference), cer=edits / max(len(reference), 1), confidence=confidence,
                nlines=len(lines), crossing=crossing)


# ------------------------------------------------------------------------------- driver

def spawn(engine: str, threads: int, tasks: list[dict]) -> subprocess.Popen:
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(tasks, handle)
    handle.close()
    return subprocess.Popen([sys.executable, __file__, "--worker", engine, "--threads", str(threads),
                             "--tasks", handle.name], stdout=subprocess.PIPE)


def collect(process: subprocess.Popen) -> dict:
    out, _ = process.communicate()
    if process.returncode:
        raise SystemExit(f"worker failed ({process.returncode}): {process.args}")
    return json.loads(out)


def throughput(engines: list[str], tasks: list[dict]) -> list[dict]:
    subset = [t for t in tasks if t["layout"] == "1col" and t["dpi"] == 150 and t["page"] in (1, 2, 3, 4)]
    if engines and not subset:
        raise SystemExit("--throughput needs the one-column pages 2-5 at 150 dpi")
    rows = []
    for engine in engines:
        for procs, threads in ((1, 1), (1, 2), (2, 1)):
            chunks = [subset[i::procs] for i in range(procs)]
            results = [collect(p) for p in [spawn(engine, threads, chunk) for chunk in chunks]]
            pages = [p for r in results for p in r["pages"]]
            span = max(p["end"] for p in pages) - min(p["start"] for p in pages)
            rows.append(dict(engine=engine, processes=procs, threads=threads, pages=len(pages),
                             span_s=span, pages_per_s=len(pages) / span))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--dpi", default="150,300")
    parser.add_argument("--max-pages", type=int, default=None, help="first N pages of each text PDF")
    parser.add_argument("--threads", type=int, default=1, help="threads per engine process")
    parser.add_argument("--degraded", action="store_true",
                        help="also read scanned.pdf skewed 1.5 degrees, blurred with noise, as JPEG q20, at 100 dpi")
    parser.add_argument("--throughput", metavar="ENGINES", default="",
                        help="also measure pages/s of these engines (comma-separated)")
    parser.add_argument("--json", type=Path, help="write every page's figures and OCR lines here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--tasks", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        tasks = json.loads(Path(args.tasks).read_text())
        Path(args.tasks).unlink()
        json.dump(worker(args.worker, args.threads, tasks), sys.stdout)
        return 0

    engines = [e for e in args.engines.split(",") if e]
    tasks, refs = references([int(d) for d in args.dpi.split(",") if d], args.max_pages, args.degraded)
    print(f"{len(tasks)} pages per engine; load average {os.getloadavg()[0]:.2f}", file=sys.stderr)
    results = []
    for engine in engines:
        started = time.perf_counter()
        result = collect(spawn(engine, args.threads, tasks))
        for page in result["pages"]:
            page.update(score(page, refs[(page["pdf"], page["page"])]))
        results.append(result)
        print(f"  {engine}: {time.perf_counter() - started:.0f} s, load average "
              f"{os.getloadavg()[0]:.2f}", file=sys.stderr)

    header = (f"{'engine':<16}{'layout':<12}{'dpi':>4}{'pages':>6}{'CER mean':>10}{'CER pooled':>11}"
              f"{'cpu s/pg':>9}{'wall s/pg':>10}{'cross/lines':>12}{'conf':>6}")
    print(header)
    print("-" * len(header))
    for result in results:
        groups: dict[tuple, list] = {}
        for page in result["pages"]:
            groups.setdefault((page["layout"], page["dpi"]), []).append(page)
        for (layout, dpi), pages in groups.items():
            n = len(pages)
            cross = ""
            if any(p["crossing"] is not None for p in pages):
                two = [p for p in pages if p["crossing"] is not None]
                cross = f"{sum(p['crossing'] for p in two)}/{sum(p['nlines'] for p in two)}"
            print(f"{result['engine']:<16}{layout:<12}{dpi:>4}{n:>6}"
                  f"{sum(p['cer'] for p in pages) / n:>10.2%}"
                  f"{sum(p['edits'] for p in pages) / sum(p['length'] for p in pages):>11.2%}"
                  f"{sum(p['cpu'] for p in pages) / n:>9.2f}{sum(p['wall'] for p in pages) / n:>10.2f}{cross:>12}"
                  f"{min((p['confidence'] or 0) for p in pages):>6.2f}")
    print()
    for result in results:
        child = f", tesseract child {result['child_rss_peak_kb'] / 1024:.0f} MB" if result["child_rss_peak_kb"] else ""
        print(f"{result['engine']:<16} model load {result['load_s']:.1f} s; peak RSS "
              f"{result['rss_peak_kb'] / 1024:.0f} MB (pages rendered, before the engine: "
              f"{result['rss_base_kb'] / 1024:.0f} MB){child}")

    rates = throughput([e for e in args.throughput.split(",") if e], tasks)
    if rates:
        print(f"\nthroughput, 4 one-column pages at 150 dpi (load average {os.getloadavg()[0]:.2f})")
        for row in rates:
            print(f"{row['engine']:<16}{row['processes']} process(es) x {row['threads']} thread(s): "
                  f"{row['pages_per_s']:.3f} pages/s ({row['span_s']:.1f} s)")
    if args.json:
        args.json.write_text(json.dumps(dict(results=results, throughput=rates), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
