"""Build the synthetic benchmark corpus in bench/corpus/ (git-ignored), once.

    python bench/corpus.py --shared ../shared [--jobs N] [--force]

New gazette issues are put together from the documents of the project's sample issues
(tests/fixtures/*/raw/*.txt, tests/fixtures/extra/sources/): each issue gets its own
masthead, issue number, 目录, 人事任免, 发文目录 and colophon; documents are picked and
reordered, city names, years, 文号 serials and amounts varied. They are rendered with the
shared tools (render_gazette.py for PDFs, render_page.py for web pages) in a process pool.

    corpus/pdf/   PDF issues, one and two columns, some with radical code points
    corpus/big/   one ~300-page issue (the memory figure)
    corpus/html/  government web pages, one document each (UTF-8, GBK, GB18030)
    corpus/txt/   issue texts (UTF-8, GBK, GB18030)
    corpus/manifest.json  every file with its format, pages and options
    corpus/.stamp         VERSION: the build is skipped while it matches

Deterministic: fixed seeds, and the renderers are deterministic. Bump VERSION when you
change anything here that changes the files.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import random
import re
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

VERSION = "1"
SEED = 20250601
N_PDF, N_HTML, N_TXT = 160, 20, 20
BIG_PAGES = 300
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "corpus"
SOURCES = [ROOT / "tests/fixtures/corpus/raw", ROOT / "tests/fixtures/extra/raw",
           ROOT / "tests/fixtures/extra/sources"]
# characters of issue text per rendered page (measured on this corpus), one / two columns
CHARS_PER_PAGE = {1: 800, 2: 1100}

# 文号 as the sources write it (also 浙财企2024]12 号, without its opening bracket)
DOCNUM = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[\[〔【(（]?\s*\d{4}\s*[\]〕】)）]\s*\d+\s*号$")
# 文号 as render_gazette.py recognises it (the first document must have one)
STRICT_DOCNUM = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[\[〔【(（]\s*\d{4}\s*[\]〕】)）]\s*\d+\s*号$")
DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?=\s*(?:年|〕|\]|】|—|-|）|\)))")
AMOUNT = re.compile(r"(?<![\d.〔\[])(\d+(?:\.\d+)?)(?=\s*(万元|亿元|元|家|个|项|名|人|台|%))")

# city -> (abbreviation used in 文号, name in the English masthead)
CITIES = {
    "嘉兴": ("嘉", "JIAXING"), "湖州": ("湖", "HUZHOU"), "宁波": ("甬", "NINGBO"),
    "杭州": ("杭", "HANGZHOU"), "绍兴": ("绍", "SHAOXING"), "温州": ("温", "WENZHOU"),
    "金华": ("金", "JINHUA"), "台州": ("台", "TAIZHOU"), "衢州": ("衢", "QUZHOU"),
    "舟山": ("舟", "ZHOUSHAN"), "丽水": ("丽", "LISHUI"),
}
SECTIONS = {  # 目录 sections in print order, per gazette family
    "city": ["【市政府文件】", "【市政府办公室文件】", "【部门行政规范性文件】"],
    "province": ["【省政府文件】", "【省政府办公厅文件】", "【部门行政规范性文件】"],
    "state": ["【国务院文件】", "【国务院批复】", "【国务院办公厅文件】"],
}


@dataclass(frozen=True)
class Doc:
    kind: str              # doc (title + 文号 + body) | jiedu (政策解读) | renmian (人事任免) | draft
    lines: tuple[str, ...]
    family: str            # city | province | state
    city: str              # the source city (嘉兴 ...), "" for province and state
    year: int


# --------------------------------------------------------------------------- sources

def read_sources() -> list[tuple[str, str]]:
    """(text_id, text) of every sample text, each text once."""
    seen: dict[str, str] = {}
    for folder in SOURCES:
        for path in sorted(folder.glob("*.txt")):
            data = path.read_bytes()
            for enc in ("utf-8", "gb18030"):
                try:
                    text = data.decode(enc)
                    break
                except UnicodeDecodeError:
                    text = None
            if text and "。" in text and text not in seen.values():
                seen.setdefault(path.name.split(".")[0], text)
    return sorted(seen.items())


def clean_lines(text: str) -> list[str]:
    return [ln.strip(" \u3000\r") for ln in text.splitlines() if ln.strip()]


def parse_issue(text: str) -> list[Doc]:
    """Split one sample issue into its documents, 政策解读 and 人事任免 (a text without 目录: one draft)."""
    lines = clean_lines(text)
    if lines[0] == "首页":  # a web page's text: not an issue
        return []
    toc = next((i for i, ln in enumerate(lines[:40]) if re.fullmatch(r"目\s*录", ln)), None)
    if toc is None:
        return [Doc("draft", tuple(lines), "city", "嘉兴" if "嘉兴" in text else "", 2024)]
    title = next(ln for ln in lines[:toc] if "公报" in ln)
    year = int(next(ln for ln in lines[:toc] if re.fullmatch(r"\d{4}", ln)))
    family = "state" if "国务院" in title else "province" if "省" in title else "city"
    city = title.split("市")[0] if family == "city" else ""
    body_at = next(i for i in range(toc + 1, len(lines) - 1) if DOCNUM.match(lines[i + 1]))
    end = max(i for i, ln in enumerate(lines) if ln == title)
    body = lines[body_at:end]

    def starts(i: int) -> bool:
        ln = body[i]
        return ((i + 1 < len(body) and DOCNUM.match(body[i + 1]) and not DOCNUM.match(ln))
                or ln.startswith("【") or bool(re.match(r"^《.+》\s*政策解读$", ln))
                or ln.endswith("发文目录") or ln in ("部门行政规范性文件目录", "政策解读目录"))

    cuts = [i for i in range(len(body)) if starts(i)] + [len(body)]
    docs = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        seg = body[a:b]
        if DOCNUM.match(seg[1] if len(seg) > 1 else ""):
            docs.append(Doc("doc", tuple(seg), family, city, year))
        elif seg[0].endswith("政策解读") and len(seg) > 3:
            docs.append(Doc("jiedu", tuple(seg), family, city, year))
        elif "任免" in seg[0]:
            docs.append(Doc("renmian", tuple(seg[1:]), family, city, year))
        # 发文目录 and other listings are made anew for each issue
    return docs


# --------------------------------------------------------------------------- variation

def vary(doc: Doc, city: str, year: int, rng: random.Random) -> Doc:
    """The document as another city's, in another year, with other 文号 serial and amounts."""
    delta = year - doc.year
    abbr_from = CITIES.get(doc.city, ("",))[0]
    factors = (0.5, 0.8, 1, 1, 1.2, 1.5, 2, 3)

    def amount(m: re.Match) -> str:
        n = float(m.group(1)) * rng.choice(factors)
        if m.group(2) == "%":
            n = min(n, 100)
        return str(max(1, round(n))) if "." not in m.group(1) else f"{n:.1f}"

    def leap_safe(s: str) -> str:  # 2024年2月29日 shifted to a common year
        return re.sub(r"(\d{4})(\s*年\s*2\s*月\s*)29(\s*日)",
                      lambda m: m.group(0) if int(m.group(1)) % 4 == 0 else f"{m.group(1)}{m.group(2)}28{m.group(3)}", s)

    out = []
    for n, ln in enumerate(doc.lines):
        if doc.city and city != doc.city:
            ln = ln.replace(doc.city, city)
            if abbr_from:  # the abbreviation only where it opens a 文号 (嘉政发〔2024〕19号)
                ln = re.sub(abbr_from + r"(?=[\u4e00-\u9fff]{0,4}\s*[\[〔【]?\s*\d{4}\s*[\]〕】])", CITIES[city][0], ln)
        if delta:
            ln = leap_safe(YEAR.sub(lambda m: str(int(m.group(1)) + delta), ln))
        out.append(ln if doc.kind == "doc" and n == 1 else AMOUNT.sub(amount, ln))
    return replace(doc, lines=tuple(out), city=city if doc.city else "", year=year)


def renumber(docs: list[Doc], rng: random.Random) -> list[Doc]:
    """New 文号 serials, ascending per issuer (嘉政发〔2024〕7号, 9号, 12号 ...)."""
    last: dict[str, int] = {}
    out = []
    for d in docs:
        issuer = re.match(r"^[\u4e00-\u9fff]+", d.lines[1]).group(0)
        last[issuer] = last.get(issuer, rng.randint(0, 30)) + rng.randint(1, 4)
        number = re.sub(r"\d+(?=\s*号$)", str(last[issuer]), d.lines[1])
        out.append(replace(d, lines=(d.lines[0], number, *d.lines[2:])))
    return out


def section(doc: Doc) -> int:
    """Index of the document's 目录 section, from its 文号 (国函 = 批复, X政办发 = 办公室 ...)."""
    prefix = re.match(r"^[\u4e00-\u9fff]+", doc.lines[1]).group(0)[1:]
    if doc.family == "state":
        return 2 if prefix.startswith("办") else 1 if prefix.startswith("函") else 0
    if prefix.startswith("政办") or prefix.startswith("办"):
        return 1
    return 0 if prefix.startswith("政") else 2


def number_of(doc: Doc) -> str:
    return re.sub(r"\s+", "", doc.lines[1])


def doc_chars(doc: Doc) -> int:
    return sum(len(ln) for ln in doc.lines)


# --------------------------------------------------------------------------- issues

@dataclass
class Issue:
    name: str
    text: str
    header: str | None = None   # running header for render_gazette.py --header


def make_issue(pool: list[Doc], family: str, target_chars: int, rng: random.Random, *,
               city: str = "", cpp: int = 1000) -> Issue:
    """A whole gazette issue: masthead, 目录, documents, 政策解读, 人事任免, 发文目录, colophon."""
    year = rng.randint(2019, 2025)
    per_year = 12 if family == "state" else 24
    number = rng.randint(1, per_year)
    month = (number - 1) * 12 // per_year + 1
    prev = f"{year}年{month - 1}月份" if month > 1 else f"{year - 1}年12月份"  # 人事任免, 发文目录: the month before
    total = 100 + (year - 2010) * per_year + number

    docs_pool = [d for d in pool if d.family == family and d.kind == "doc"]
    picked: list[Doc] = []
    while not picked or sum(doc_chars(d) for d in picked) < 0.9 * target_chars:
        batch = docs_pool[:]
        rng.shuffle(batch)
        picked += [vary(d, city, year, rng) for d in batch]
        while len(picked) > 1 and sum(doc_chars(d) for d in picked[:-1]) >= 0.9 * target_chars:
            picked.pop()
    # section order; within a section, documents whose 文号 the renderer misses go last
    picked.sort(key=lambda d: (section(d), not STRICT_DOCNUM.match(d.lines[1])))
    picked = renumber(picked, rng)
    extras = [vary(d, city, year, rng) for d in pool
              if d.family == family and d.kind in ("jiedu", "renmian") and rng.random() < 0.7]

    gov = {"city": f"{city}市", "province": "浙江省", "state": ""}[family]
    if family == "state":
        title, en = "中华人民共和国国务院公报", ["GAZETTE OF THE STATE COUNCIL", "OF THE PEOPLE'S REPUBLIC OF CHINA"]
        issue_line = f"第{number}号（总号：{total}）"
    else:
        title = f"{gov}人民政府公报"
        en = ["GAZETTE OF THE PEOPLE'S GOVERNMENT",
              f"OF {CITIES[city][1]} MUNICIPALITY" if family == "city" else "OF ZHEJIANG PROVINCE"]
        issue_line = f"第{number:02d}期（总第{total}期）" if family == "province" else f"第{number}期（总第{total}期）"
    short = "省政府" if family == "province" else "市政府"
    office = "省政府办公厅" if family == "province" else "市政府办公室"

    # 目录 with page numbers estimated from the text length
    toc, body, chars = [], [], 0
    last_section = None

    def page() -> int:
        return 2 + chars // cpp

    for d in picked:
        s = SECTIONS[family][section(d)]
        if s != last_section:
            toc.append(s)
            last_section = s
        toc += [d.lines[0].replace(" ", ""), f"（{number_of(d)}） ({page()})"]
        body += d.lines
        chars += doc_chars(d)
    for d in extras:
        if d.kind == "jiedu":
            toc += ["【政策解读】", d.lines[0], f"..... ({page()})"]
            body += d.lines
        else:
            head = f"【{short}人事任免】（{prev}）"
            toc.append(f"{head} ({page()})")
            body += [head, *d.lines]
        chars += doc_chars(d)
    if family != "state":
        listing = f"{prev}{short}、{office}发文目录"
        toc.append(f"{listing} ({page()})")
        body.append(listing)
        body += [f"{number_of(d)}\t{d.lines[0].replace(' ', '')}" for d in picked
                 if section(d) < 2]

    colophon = [title, f"{year}年{issue_line}", f"{year}年{month}月{rng.randint(1, 28)}日出版",
                f"主办：{gov}{'人民政府办公室' if family == 'city' else '人民政府办公厅' if gov else '国务院办公厅'}",
                f"编辑：{title.removesuffix('公报')}公报编辑部",
                "地址：" + {"city": f"{city}市行政中心{rng.randint(1, 9)}号楼", "province": "杭州市省府路8号",
                           "state": "北京市西城区西长安街"}[family]]
    lines = [title, *en, str(year), issue_line, "目 录", *toc, *body, *colophon]
    slug = CITIES[city][1].lower() if city else {"province": "zhejiang", "state": "guowuyuan"}[family]
    header = f"{title}|{year}年第{number}号" if family == "state" else None
    return Issue(f"{slug}-{year}-{number:02d}", join(lines), header)


def join(lines: list[str]) -> str:
    """One paragraph per line with blank lines between, as the samples; table rows stay together."""
    out = []
    for prev, ln in zip([""] + lines[:-1], lines, strict=True):
        out.append(("\n" if "\t" in prev and "\t" in ln else "\n\n") + ln)
    return "".join(out).lstrip("\n") + "\n"


def web_page_text(doc: Doc, rng: random.Random) -> str:
    """The text of a government site's article page for one document (render_page.py --style gov)."""
    title, number, *rest = doc.lines
    issuer = next((ln for ln, nxt in zip(rest, rest[1:] + [""], strict=True) if DATE.match(nxt)), f"{doc.city}市人民政府")
    m = next((DATE.match(ln) for ln in rest if DATE.match(ln)), None)
    y, mo, d = (int(g) for g in m.groups()) if m else (doc.year, 6, 1)
    signed = f"{y}-{mo:02d}-{d:02d}"
    published = f"{y}-{mo:02d}-{min(28, d + rng.randint(1, 6)):02d} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
    source = "市政府办公室" if "办公" in issuer else issuer
    return join([
        "首页", f"> 政务公开 > 政策文件 > {issuer}",
        f"索引号：{rng.randint(10**8, 10**9 - 1)}/{y}-{rng.randint(10**5, 10**6 - 1)} 文号：{number}",
        f"发布单位：{source} 有效性：有效",
        f"规范性文件统一编号：ZJ{rng.randint(10, 99)}-{y}-{rng.randint(1, 30):04d} 成文日期：{signed}",
        "公开方式：主动公开", title.replace(" ", ""),
        f"发布日期：{published} 信息来源：{source} 浏览次数：", *rest,
        "作者：", "信息来源：", "【打印本页】 【关闭本页】"])


# --------------------------------------------------------------------------- jobs

def plan(pool: list[Doc]) -> list[dict]:
    """Every file of the corpus as a job for render(): kind, path, text, options."""
    rng = random.Random(SEED)
    cities = sorted(CITIES)
    jobs: list[dict] = []
    names: set[str] = set()

    def unique(name: str) -> str:
        base, n = name, 2
        while name in names:
            name, n = f"{base}-{chr(ord('a') + n - 2)}", n + 1
        names.add(name)
        return name

    def family_issue(target_pages: float, columns: int) -> Issue:
        family = rng.choices(["city", "province", "state"], [80, 10, 10])[0]
        if family != "city":  # their sample documents are few: keep repeats down
            target_pages = min(target_pages, 6 if family == "province" else 8)
        cpp = CHARS_PER_PAGE[columns]
        return make_issue(pool, family, int(target_pages * cpp), rng,
                          city=rng.choice(cities) if family == "city" else "", cpp=cpp)

    # the big issue first, so that it does not finish last
    big = make_issue(pool, "city", BIG_PAGES * 950, rng, city="嘉兴", cpp=950)  # denser than the average
    jobs.append(dict(kind="pdf", path=f"big/{big.name}-big.pdf", text=big.text, header=big.header,
                     columns=1, radicals=False, seed=1))

    singles = [d for d in pool if d.kind in ("doc", "draft") and doc_chars(d) > 1500]
    for i in range(N_PDF):
        columns = 2 if rng.random() < 0.35 else 1
        radicals = rng.random() < (0.5 if columns == 2 else 0.15)
        r = rng.random()
        if r < 0.05:    # a lone document or draft, no cover, no running header (2-5 pages)
            d = rng.choice(singles)
            if d.kind == "doc":
                d, = renumber([vary(d, rng.choice(cities) if d.city else "", rng.randint(2019, 2025), rng)], rng)
            issue = Issue(f"single-{i:03d}", join(list(d.lines)), "")
        else:           # most 5-40 pages (log-uniform), a few 40-60
            pages = math.exp(rng.uniform(math.log(5), math.log(40))) if r < 0.95 else rng.uniform(40, 60)
            issue = family_issue(pages, columns)
        suffix = ("-2col" if columns == 2 else "") + ("-radicals" if radicals else "")
        jobs.append(dict(kind="pdf", path=f"pdf/{unique(issue.name + suffix)}.pdf", text=issue.text,
                         header=issue.header, columns=columns, radicals=radicals, seed=1000 + i))

    docs = [d for d in pool if d.kind == "doc"]
    for i in range(N_HTML):
        d = rng.choice(docs)
        d, = renumber([vary(d, rng.choice(cities) if d.city else "", rng.randint(2019, 2025), rng)], rng)
        enc = rng.choice(["utf-8", "utf-8", "utf-8", "gbk", "gb18030"])
        name = re.sub(r"\D", "", d.lines[1])
        jobs.append(dict(kind="html", path=f"html/{unique(f'page-{name}')}.html",
                         text=web_page_text(d, rng), encoding=enc, seed=2000 + i))

    for _ in range(N_TXT):
        issue = family_issue(math.exp(rng.uniform(math.log(5), math.log(30))), 1)
        enc = rng.choice(["utf-8", "utf-8", "utf-8", "gbk", "gbk", "gb18030"])
        try:
            issue.text.encode(enc)
        except UnicodeEncodeError:
            enc = "gb18030"
        suffix = "" if enc == "utf-8" else f".{enc}"
        jobs.append(dict(kind="txt", path=f"txt/{unique(issue.name)}{suffix}.txt", text=issue.text,
                         encoding=enc))
    return jobs


_tools: dict = {}


def _load_tools(shared: str) -> None:
    for name in ("render_gazette", "render_page"):
        spec = importlib.util.spec_from_file_location(name, Path(shared) / "tools" / f"{name}.py")
        module = sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _tools[name] = module
    import logging
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


def render(job: dict, out: Path) -> dict:
    """Write one file; returns its manifest entry."""
    path = out / job["path"]
    entry = {k: v for k, v in job.items() if k not in ("text", "path")}
    if job["kind"] == "pdf":
        entry["pages"] = _tools["render_gazette"].render(
            job["text"], path, columns=job["columns"], radicals=job["radicals"], header=job["header"],
            seed=job["seed"], join_broken=True)
    elif job["kind"] == "html":
        data, entry["encoding"] = _tools["render_page"].render(job["text"], "gov", job["encoding"], job["seed"])
        path.write_bytes(data)
    else:
        path.write_bytes(job["text"].encode(job["encoding"]))
    entry["bytes"] = path.stat().st_size
    entry["chars"] = len(job["text"])
    return {job["path"]: {k: v for k, v in entry.items() if v is not None}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="folder with tools/render_gazette.py and tools/render_page.py")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="render processes (default 2)")
    ap.add_argument("--force", action="store_true", help="rebuild even when the stamp matches")
    a = ap.parse_args(argv)
    stamp = OUT / ".stamp"
    if not a.force and stamp.exists() and stamp.read_text().strip() == VERSION:
        print(f"bench corpus: {OUT.relative_to(ROOT)} is up to date (generator version {VERSION})")
        return 0
    tools = a.shared / "tools"
    if not (tools / "render_gazette.py").exists() or not (tools / "render_page.py").exists():
        sys.exit(f"bench corpus: no render_gazette.py / render_page.py in {tools}; "
                 "pass --shared (make bench SHARED=/path/to/shared)")

    started = time.perf_counter()
    pool = [d for _, text in read_sources() for d in parse_issue(text)]
    jobs = plan(pool)
    if OUT.exists():
        shutil.rmtree(OUT)
    for sub in ("pdf", "big", "html", "txt"):
        (OUT / sub).mkdir(parents=True)
    print(f"bench corpus: {len(pool)} documents from the samples -> {len(jobs)} files, "
          f"rendering with {a.jobs} processes")
    manifest: dict = {}
    with ProcessPoolExecutor(a.jobs, initializer=_load_tools, initargs=(str(a.shared),)) as ex:
        futures = [ex.submit(render, job, OUT) for job in jobs]
        for n, fut in enumerate(as_completed(futures), 1):
            entry = fut.result()
            manifest.update(entry)
            (path, info), = entry.items()
            size = f"{info['pages']:3d} pp" if "pages" in info else f"{info['bytes'] // 1024:3d} KB"
            print(f"  [{n:3d}/{len(jobs)}] {time.perf_counter() - started:6.1f} s  {size}  {path}", flush=True)
    manifest = dict(sorted(manifest.items()))
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    stamp.write_text(VERSION + "\n")
    pdf = [v["pages"] for k, v in manifest.items() if k.startswith("pdf/")]
    big = [v["pages"] for k, v in manifest.items() if k.startswith("big/")]
    print(f"bench corpus: {len(pdf)} PDFs ({sum(pdf)} pages), big issue {big[0]} pages, "
          f"{sum(k.startswith('html/') for k in manifest)} web pages, {sum(k.startswith('txt/') for k in manifest)} "
          f"texts; built in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
