"""A document's own fields, read off its text: the head (title, 文号, draft mark, 主送),
the signature (issuer, 成文日期), and the clauses that date it (施行, 有效期).

    嘉兴市人民政府办公室关于印发嘉兴市推动人工智能高质量发展实施方案的通知      title
    嘉政办发〔2024〕25号                                                       文号
    各县(市、区)人民政府,市政府各部门、直属各单位:                            recipients
    ...
    嘉兴市人民政府办公室                                                       signature
    2024年10月10日                                                             signed_date
    ...本实施方案自公布之日起施行,有效期至2027年12月31日。                      effective, expiry

How the Rulings resolve the clauses: `自印发之日起施行` is the 版记's 印发 day, else the
signed date; `自公布(发布)之日起施行` a 公布 day the text states, else the signed date;
`自2012年2月1日至2017年1月31日施行` dates both ends;
`自7月1日起执行` takes the signed date's year; `自发文之日起30日后施行` is 30 days after the
signed date (null without one); `有效期为一年` from an effective date E ends at
E + 1 year - 1 day.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import islice

import regex

from pipeline import rules
from pipeline.dates import add_months, add_years, find_dates, parse_date
from pipeline.docnumber import DocNumber, find_doc_numbers, parse_doc_number
from pipeline.numerals import numeral_or_none
from pipeline.records import TextSpan

from .lines import TextLine, compact_key
from .split import (
    BAND_HEAD,
    DRAFT_MARKS,
    HEADNOTE,
    is_draft_line,
    is_title_line,
    looks_like_title,
    number_line,
)

HEAD_LINES = 8  # the head (title, 文号, 主送) is within a document's first lines
MAX_RECIPIENTS_CHARS = 120
MAX_SIGNATURE_CHARS = 40
MAX_DATE_LINE_CHARS = 20
# Joint issuers may open a title run together, unseparated (three organs of a district: 45).
MAX_JOINT_ISSUER_CHARS = 90

# What an organisation's name ends in: a government, an office, a bureau ... A signature
# line and the issuer before 关于 in a title must end in one of these; a 主送 line names
# collectives too (各部门, 直属各单位, 各县(市、区)). One list for the whole pipeline:
# pipeline/data/organisation_endings.tsv (responsible units read it too).
ORGANISATION_ENDS = rules.words("organisation_endings.tsv", "organisation")
COLLECTIVE_ENDS = rules.words("organisation_endings.tsv", "collective")
# A reply may be addressed to a person (`马万祺副主席:`, `王刚委员:`, `张三代表:`).
PERSON_ENDS = ("主席", "委员", "代表", "同志", "先生", "女士", "总理", "委员长", "部长", "省长", "市长")
_NUMBER = r"(?P<n>[0-9]{1,3}|[一二两三四五六七八九十]{1,3})"
_PUBLISHED_EVENT = r"(?:公布|印发|发布|发文|签发|颁布|下发|公告)"
_COMES_INTO_FORCE = r"(?:正式)?(?:开始)?(?:施行|实施|执行|生效|试行)"
_SINCE = r"(?:自|从)"
_EFFECTIVE_ON_EVENT = regex.compile(rf"{_SINCE}(?P<event>{_PUBLISHED_EVENT})之日起{_COMES_INTO_FORCE}")
# `自2012年2月1日至2017年1月31日施行`: both ends in one clause.
_IN_FORCE_BETWEEN = regex.compile(
    rf"自(?P<date>[^。;；,，自至]{{3,20}}?)(?:起)?至(?P<until>[^。;；,，]{{3,20}}?)(?:止)?{_COMES_INTO_FORCE}")
# The 版记's last line, `广州市人民政府办公厅秘书处 2021年12月6日印发`: the day a document
# was 印发, which `自印发之日起施行` means when it is printed.
_PRINTED_ON_LINE = regex.compile(
    r"(?P<date>(?:19|20)[0-9]{2}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日)\s*印\s*发\s*$", regex.M)
# `…于2019年3月2日公布`: a 公布/发布 day the text states.
_PUBLISHED_ON = regex.compile(
    r"(?P<date>(?:19|20)[0-9]{2}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日)\s*(?:公布|发布|颁布)")
# What may stand before the subject of a document's own clause: its article or item number.
_CLAUSE_NUMBER = regex.compile(r"^(?:第[一二三四五六七八九十百零〇0-9]+条|[一二三四五六七八九十]+[、.．]"
                               r"|[(（][一二三四五六七八九十0-9]+[)）]|[0-9]+(?:\.[0-9]+)*[、.．]?)\s*")
_EFFECTIVE_AFTER_EVENT = regex.compile(
    rf"{_SINCE}{_PUBLISHED_EVENT}之日(?:起)?{_NUMBER}(?P<unit>日|天|个月)(?:后|以后){_COMES_INTO_FORCE}")
_EFFECTIVE_ON_DATE = regex.compile(rf"(?:{_SINCE}|于)(?P<date>[^。;；,，自从]{{3,20}}?)起{_COMES_INTO_FORCE}")
# How a document names the time it holds: 有效期(限), 施行/执行/实施期限, 试行期.
_FORCE_WORD = regex.compile(_COMES_INTO_FORCE)
_TERM = r"(?:有效期限|有效期|(?:施行|执行|实施)期限?|试行期限|试行期)"
_EXPIRY_ON_DATE = regex.compile(rf"(?:{_TERM}(?:为|是)?|有效)(?:至|截至|截止至|截止到|到)(?P<date>[^。;；,，]{{3,20}})")
_EXPIRY_PERIOD = regex.compile(rf"{_TERM}(?:为|是)?{_NUMBER}(?P<unit>年|个月)")
# `本公告执行至2027年12月31日`: the document's own clause only (a measure is `执行至` its own end too)
_EXPIRY_IN_FORCE_UNTIL = regex.compile(r"(?:执行|实施|施行|有效)(?:至|到|截至)(?P<date>[^。;；,，]{3,20})")
# `本措施自2024年4月1日起施行,至2024年12月31日止`, `自印发之日起执行,执行至2025年12月31日`: the end of the
# clause that put the document in force
_EXPIRY_AFTER_FORCE = regex.compile(
    rf"起{_COMES_INTO_FORCE}[,，]?(?:执行|实施|施行|有效)?(?:至|到)(?P<date>[^。;；,，]{{3,20}}?)(?:止|(?=[。;；,，]|$))")
_INTERPRETER = regex.compile(r"解读(?:机关|单位|部门)\s*[:：]\s*(?P<name>[^。;；,，\n]+)")
_INTERPRETED_TITLE = regex.compile(r"《(?P<title>[^《》]+)》[^《》]*解读$")
_NUMBER_AFTER_NAME = 2  # characters between a cited 《name》 and its 文号: `》(`
_SHORT_NAME = regex.compile(r"\s*[,，;；]\s*(?:以下简称|下称|简称)")  # (深府办规〔2023〕9号,以下简称《办法》)
# The issuer opens a title before 关于, or before the verb of a 转发/批转/印发 title
# (`国务院办公厅转发国家教委关于…的通知` is the 国务院办公厅's).
_ISSUER_IN_TITLE = regex.compile(r"^(?P<org>.{2,60}?)(?:关于|转发|批转|印发)")
# An order's heading (`中华人民共和国国务院令`, `浙江省人民政府令`) and its number line (`第706号`).
_ORDER_HEADING = regex.compile(r"^(?P<org>\p{Han}{2,30}?)令$")
_ORDER_NUMBER_LINE = regex.compile(r"^(?:(?:19|20)[0-9]{2}\s*年\s*)?第\s*[0-9]{1,5}\s*号$")  # 第706号, 2023年第12号
_ORDER_SEQ = regex.compile(r"(?:(?:19|20)[0-9]{2}年)?第?[0-9]{1,5}号$")
_BOOK_TITLE = regex.compile(r"《(?P<title>[^《》\n]{2,80})》")
# Central organs sign without the state's name: 中华人民共和国国务院令 is issued by 国务院.
_STATE_NAME = "中华人民共和国"
_LABEL_OPENING = regex.compile(r"^(?P<label>\p{Han}(?:[ \u3000]*\p{Han}){1,9})[ \u3000]*[:：]")
_FULL_DATE = regex.compile(r"(?:19|20)[0-9]{2}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日")
# Separators between the organs of a joint issuer: `国务院、中央军委`, `广州市民政局 广州市财政局`.
_ORGAN_SEPARATORS = regex.compile(r"[\s、,，]+")
_NOT_IN_RECIPIENTS = regex.compile(r"[《。；;]")
_RECIPIENT_SEPARATOR = regex.compile(r"[,，、]")
_TRAILING_BRACKET = regex.compile(r"[(（][^()（）]*[)）]$")
_HEADING_BRACKETS = regex.compile(r"^【([^】]+)】")
_DRAFT_MARK_BRACKET = regex.compile(r"[(（](?:" + "|".join(DRAFT_MARKS) + r")[)）]\s*$")
_SITE_NAME = regex.compile(r"\s*(?:[_|｜]|\s*[-–—]\s*)\s*[^_|｜\-–—]{2,30}(?:网站|政府|门户|网|平台)\s*$")
_TITLE_PARTS = regex.compile(r"\s*[_|｜]\s*|\s+[-–—]\s+")
_ELLIPSES = ("…", "...", "。。。")
_SITE_PREFIX = regex.compile(r"^(?P<prefix>[^:：]{1,8})[:：](?P<rest>.{6,})$")
_NOT_IN_ORGANISATION = regex.compile(r"[。;；:：,，、()（）《》0-9]")


@dataclass(frozen=True, slots=True)
class Head:
    """What the first lines of a document say about it."""

    title: str | None
    doc_number: DocNumber | None
    is_draft: bool
    recipients: str | None
    issuer_hint: str | None  # a 版头 (`嘉兴市人民政府文件`) names the issuer


def _first_lines(lines: list[TextLine], count: int) -> list[TextLine]:
    """The first `count` lines that are not blank, without stripping every line of the document."""
    return list(islice((line for line in lines if line.text.strip()), count))


def read_head(lines: list[TextLine]) -> Head:
    title_lines: list[str] = []
    title_done = False
    number = None
    draft = False
    recipients = None
    band = None
    for line in _first_lines(lines, HEAD_LINES):
        text = line.text.strip()
        if number is None and title_lines and _ORDER_NUMBER_LINE.match(text) \
                and _ORDER_HEADING.match("".join(title_lines)):
            number = parse_doc_number("".join(title_lines) + text)  # 中华人民共和国国务院令 / 第706号
            title_done = True
            continue
        if number is None and (printed := number_line(line)):
            number = printed
            title_done = title_done or bool(title_lines)
            continue
        if is_draft_line(text):
            draft = True
            title_done = title_done or bool(title_lines)
            continue
        if not title_lines and band is None and BAND_HEAD.match(text):
            band = text[:-2]
            continue
        if recipients is None and _is_recipients(text):
            recipients = text[:-1].strip()
            break
        if not title_done and is_title_line(text):
            if compact_key(text) != compact_key("".join(title_lines)):  # a title printed twice counts once
                title_lines.append(text)
            continue
        if not title_lines and _is_page_label(text):
            continue  # `标题:…`, `发布时间:…`: a page's metadata printed above the document
        title_done = True
        if len(text) > MAX_RECIPIENTS_CHARS:
            break  # the body has begun
    title = "".join(title_lines) or None
    draft = draft or has_draft_mark(title)
    return Head(title=title, doc_number=number, is_draft=draft, recipients=recipients, issuer_hint=band)


def _is_page_label(text: str) -> bool:
    """A line that opens with a known metadata label (`标题：…`, `发布日期：…`, label_aliases.tsv)."""
    match = _LABEL_OPENING.match(text)
    return bool(match) and rules.is_metadata_label(match.group("label"))


def _is_recipients(text: str) -> bool:
    """`各县(市、区)人民政府,市政府各部门、直属各单位:`: names of bodies, then a colon."""
    if len(text) > MAX_RECIPIENTS_CHARS or not text.endswith((":", "：")) or _NOT_IN_RECIPIENTS.search(text):
        return False
    last = _RECIPIENT_SEPARATOR.split(text[:-1])[-1].strip()
    last = _TRAILING_BRACKET.sub("", last)  # 各县(市、区) -> 各县
    return last.endswith(ORGANISATION_ENDS + COLLECTIVE_ENDS + PERSON_ENDS)


def strip_heading_brackets(title: str) -> str:
    """`【市政府人事任免】(2024年10月份)` -> `市政府人事任免(2024年10月份)`: a gazette's heading
    brackets are not part of a title."""
    return _HEADING_BRACKETS.sub(r"\1", title.strip())


def has_draft_mark(title: str | None) -> bool:
    return bool(title) and any(word in title for word in DRAFT_MARKS)


def strip_draft_mark(title: str) -> str:
    """`...实施方案(征求意见稿)` -> `...实施方案`."""
    return _DRAFT_MARK_BRACKET.sub("", title).strip()


def strip_site_decoration(title: str) -> str:
    """A web page's title without what the site adds: a short prefix before a colon
    (`杭州:关于加快...的实施意见`) and the site's name after a separator
    (`...的通知_嘉兴市人民政府门户网站`, `...的通知 - 宁波市人民政府`), or any part that is
    not the document's when another is (`国务院关于…的通知_政府信息公开专栏`, `中国政府网|…的意见`)."""
    parts = [part.strip() for part in _TITLE_PARTS.split(title) if part.strip()]
    if len(parts) > 1:
        titled = [part for part in parts if looks_like_title(part)]
        if len(titled) == 1:
            title = titled[0]
    title = _SITE_NAME.sub("", title)
    match = _SITE_PREFIX.match(title)
    if match and "关于" not in match.group("prefix") and "的" not in match.group("prefix"):
        return match.group("rest").strip()
    return title.strip()


def page_title(stated: str | None, headline: str | None, lines: list[TextLine]) -> str | None:
    """A web page's document title: the 标题 its metadata block states; else its headline
    (<h1>, ArticleTitle, <title>) without the site's decoration, unless a title printed at
    the top of the text names more, as a notice that issues the headlined 办法 does
    (`…关于印发广州市天河区…实施办法的通知` under the headline `广州市天河区…实施办法`), or
    the headline names no document at all (`政策文件`, the site's name)."""
    if stated and not stated.rstrip().endswith(_ELLIPSES):  # a block may cut a long 标题 short
        return stated
    headline = strip_site_decoration(headline) if headline else None
    if not headline:
        return None  # the head of the text decides
    runs = _title_runs(lines)
    key = compact_key(headline)
    for printed in runs:
        printed = _SITE_NAME.sub("", printed)  # the reader's <title> printed on top: `…的实施意见-山东省人民政府`
        if len(printed) > len(headline) and "关于" in printed and key in compact_key(printed):
            return printed
    if looks_like_title(headline):
        return headline
    # A headline that names no document (a column's name, the site's own): the printed title.
    return next((printed for printed in runs if looks_like_title(printed)), headline)


def _title_runs(lines: list[TextLine]) -> list[str]:
    """Runs of consecutive title lines among a document's first lines, each joined."""
    runs, run = [], []
    for line in _first_lines(lines, HEAD_LINES + 4):
        if is_title_line(line.text):
            if compact_key(line.text) != compact_key("".join(run)):  # printed twice, once
                run.append(line.text.strip())
            continue
        if run:
            runs.append("".join(run))
        run = []
    return runs + (["".join(run)] if run else [])


# --- issuer -------------------------------------------------------------------------------


def is_organisation(text: str, max_chars: int = MAX_SIGNATURE_CHARS) -> bool:
    text = text.strip()
    return (0 < len(text) <= max_chars and text.endswith(ORGANISATION_ENDS)
            and not _NOT_IN_ORGANISATION.search(text))


def issuer_from_title(title: str | None) -> str | None:
    """`嘉兴市人民政府办公室关于...` -> `嘉兴市人民政府办公室`; `国务院办公厅转发...` -> `国务院办公厅`."""
    match = _ISSUER_IN_TITLE.match(title or "")
    if match and all(is_organisation(organ, MAX_JOINT_ISSUER_CHARS)
                     for organ in _ORGAN_SEPARATORS.split(match.group("org").strip())):
        return match.group("org").strip()  # one organ, or joint issuers `广州市民政局 广州市财政局`
    return None


def same_organs(a: str | None, b: str | None) -> bool:
    """`国务院 中央军委` and `国务院、中央军委` name the same organs."""
    return bool(a and b) and _ORGAN_SEPARATORS.sub("", a) == _ORGAN_SEPARATORS.sub("", b)


def order_issuer(heading: str | None) -> str | None:
    """`中华人民共和国国务院令` (or its number, `…令第706号`) -> `国务院`; `浙江省人民政府令` ->
    `浙江省人民政府`."""
    match = _ORDER_HEADING.match(_ORDER_SEQ.sub("", compact_key(heading or "")))
    if not match:
        return None
    org = match.group("org")
    return org[len(_STATE_NAME):] if org.startswith(_STATE_NAME) and len(org) > len(_STATE_NAME) else org


def order_heading_line(lines: list[TextLine]) -> str | None:
    """An order's heading printed as a line of its own among the first lines (`江苏省人民政府令`), even
    where the page prints its headline above it (`江苏省城市公共停车设施管理办法 江苏省人民政府`)."""
    return next((line.text.strip() for line in _first_lines(lines, HEAD_LINES) if order_issuer(line.text)), None)


def order_subject(lines: list[TextLine]) -> str | None:
    """What an order (令) promulgates: the first 《name》 its text cites
    (`《专利代理条例》已经…通过，现将修订后的《专利代理条例》公布`)."""
    for line in _first_lines(lines, HEAD_LINES):
        match = _BOOK_TITLE.search(line.text)
        if match:
            return match.group("title").strip()
    return None


def headnote_order(lines: list[TextLine]) -> DocNumber | None:
    """A reprinted regulation's 题注 (`(…国务院令第76号发布 …国务院令第588号修订)`) under its
    title: the last order it cites, the one that gave the text its present form."""
    for line in _first_lines(lines, HEAD_LINES):
        if HEADNOTE.match(line.text.strip()):
            undated = _FULL_DATE.sub(" ", line.text)  # `2018年11月6日中华人民共和国国务院令…`
            orders = [m.number for m in find_doc_numbers(undated) if m.number.year is None]
            return orders[-1] if orders else None
    return None


def interpreter(text: str) -> str | None:
    """A 政策解读's 解读机关 (`(一)解读机关:嘉兴市经济和信息化局。`)."""
    match = _INTERPRETER.search(text)
    return match.group("name").strip() if match else None


def interpreted_number(title: str | None, text: str, numbers_by_title: dict[str, str]) -> str | None:
    """The 文号 a 政策解读 explains: the document its 《title》 names (in this issue, else the 文号 its
    text cites right after that name: `《…管理办法》(深府办规〔2023〕9号,以下简称《办法》)`), else the 文号 its
    text introduces with 以下简称, else the first 文号 it cites. A 解读 opens with the policies above
    its document (`贯彻落实《…指导意见》(国发〔2017〕50号)`): the first 文号 is the last resort."""
    match = _INTERPRETED_TITLE.search(title or "")
    named = match.group("title") if match else None
    if named and compact_key(named) in numbers_by_title:
        return numbers_by_title[compact_key(named)]
    cited = list(find_doc_numbers(text))
    if named:
        for at in (m.end() for m in regex.finditer(f"《{regex.escape(named)}》", text)):
            after_name = next((c for c in cited if 0 <= c.start - at <= _NUMBER_AFTER_NAME), None)
            if after_name:
                return after_name.number.normalized
    introduced = next((c for c in cited if _SHORT_NAME.match(text, c.end)), None)
    chosen = introduced or (cited[0] if cited else None)
    return chosen.number.normalized if chosen else None


# --- signature --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Signature:
    issuer: str | None
    date: dt.date
    line: TextLine  # the date line


def find_signature(lines: list[TextLine]) -> Signature | None:
    """The first date printed alone on its line, with the organisation above it.

    A notice that prints a plan is signed before the plan starts, so the first such date
    is the notice's own.
    """
    kept = [line for line in lines if line.text.strip()]
    for i, line in enumerate(kept):
        text = line.text.strip()
        if len(text) > MAX_DATE_LINE_CHARS:
            continue
        date = parse_date(text)
        if date is None:
            continue
        issuers = []
        for above in reversed(kept[max(0, i - 3):i]):
            if not is_organisation(above.text):
                break
            issuers.insert(0, above.text.strip())
        return Signature("、".join(issuers) or None, date, line)
    return None


# --- 施行 and 有效期 ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatingClause:
    """The clause that dates a document (`自公布之日起施行`) and the date it resolves to."""

    date: dt.date | None
    start: int
    end: int


def printed_date(text: str) -> dt.date | None:
    """The 印发 day of the 版记 (`…秘书处 2021年12月6日印发`, the last such line)."""
    lines = _PRINTED_ON_LINE.findall(text)
    return parse_date(lines[-1]) if lines else None


def event_date(text: str, event: str, signed: dt.date | None) -> dt.date | None:
    """The day `自<event>之日` means (GOLD.md, order of authority): 印发 is the 版记's printed
    day, 公布/发布 a day the text says it was published; else, and for any other event,
    the signed date."""
    if event == "印发":
        return printed_date(text) or signed
    if event in ("公布", "发布", "颁布"):
        stated = _PUBLISHED_ON.search(text)
        return (parse_date(stated.group("date")) if stated else None) or signed
    return signed


def effective_clause(text: str, signed: dt.date | None) -> DatingClause | None:
    """The document's own 施行 clause and when it comes into force."""
    patterns = (_EFFECTIVE_ON_EVENT, _EFFECTIVE_AFTER_EVENT, _IN_FORCE_BETWEEN, _EFFECTIVE_ON_DATE)
    for match in _clauses(text, patterns):
        if match.re is _EFFECTIVE_ON_EVENT:
            return DatingClause(event_date(text, match.group("event"), signed), *match.span())
        if match.re is _EFFECTIVE_AFTER_EVENT:
            if signed is None:
                return DatingClause(None, *match.span())
            n = numeral_or_none(match.group("n"))
            if n is None:  # 十十个月后: the clause is there, its date unknown
                return DatingClause(None, *match.span())
            date = add_months(signed, n) if match.group("unit") == "个月" else signed + dt.timedelta(days=n)
            return DatingClause(date, *match.span())
        days = [m for m in find_dates(match.group("date"), default_year=signed.year if signed else None)
                if m.precision == "day"]
        if days:
            return DatingClause(days[0].date, *match.span())
    return None


def effective_date(text: str, signed: dt.date | None) -> dt.date | None:
    """When the document comes into force, as far as its own 施行 clause says."""
    clause = effective_clause(text, signed)
    return clause.date if clause else None


def expiry_clause(text: str, effective: dt.date | None) -> DatingClause | None:
    """The document's own 有效期 clause and its last valid day."""
    for match in _clauses(text, (_EXPIRY_ON_DATE, _EXPIRY_PERIOD, _IN_FORCE_BETWEEN, _EXPIRY_AFTER_FORCE,
                                 _EXPIRY_IN_FORCE_UNTIL)):
        if not _names_the_documents_term(text, match.start()):
            continue  # `(一)…政策执行期限至2024年12月31日`: one measure's term
        if match.re is _IN_FORCE_BETWEEN:
            return DatingClause(_last_day(match.group("until")), *match.span())
        if match.re is _EXPIRY_PERIOD:
            if effective is None:
                return DatingClause(None, *match.span())
            n = numeral_or_none(match.group("n"))
            if n is None:  # 有效期十十年: the clause is there, its date unknown
                return DatingClause(None, *match.span())
            end = add_years(effective, n) if match.group("unit") == "年" else add_months(effective, n)
            return DatingClause(end - dt.timedelta(days=1), *match.span())
        return DatingClause(_last_day(match.group("date")), *match.span())
    return None


def expiry_date(text: str, effective: dt.date | None) -> dt.date | None:
    """The last day the document is valid (`有效期至2027年12月31日`, `有效期为一年`)."""
    clause = expiry_clause(text, effective)
    return clause.date if clause else None


def _last_day(phrase: str) -> dt.date | None:
    """`2027年12月31日` -> that day; `2027年底` / `2027年` -> 31 December; `2027年6月` -> 30 June."""
    mentions = list(find_dates(phrase))
    if not mentions:
        return None
    first = mentions[0]
    if first.precision == "day":
        return first.date
    if first.precision == "month":
        return add_months(first.date, 1) - dt.timedelta(days=1)
    return dt.date(first.date.year, 12, 31)


# Patterns that date the document only in its own clause (`本办法自…至…施行`, `本措施自…起施行,至…止`): elsewhere
# `…自2024年1月1日至12月31日执行` is the period of one measure.
_OWN_CLAUSE_ONLY = (_IN_FORCE_BETWEEN, _EXPIRY_AFTER_FORCE, _EXPIRY_IN_FORCE_UNTIL)


def _clauses(text: str, patterns) -> list[regex.Match]:
    """Matches of any pattern, the document's own clauses (`本办法自...`) first, then in order."""
    matches = [m for pattern in patterns for m in pattern.finditer(text)]
    own = [m for m in matches if _sentence_opening(text, m.start()).startswith("本")]
    matches = [m for m in matches if m in own or m.re not in _OWN_CLAUSE_ONLY]
    return sorted(own, key=lambda m: m.start()) + sorted((m for m in matches if m not in own),
                                                         key=lambda m: m.start())


def _names_the_documents_term(text: str, at: int) -> bool:
    """A term clause is the document's where its sentence is the document's own (`本办法…`), opens with
    the term (`有效期至…`), or puts the document in force first (`自…起施行,有效期…`)."""
    opening = _sentence_opening(text, at)
    return not opening or opening.startswith("本") or bool(_FORCE_WORD.search(opening))


def _sentence_opening(text: str, at: int) -> str:
    """What the sentence holding `at` says before it, without its article or item number (`第十条`, `六、`)."""
    start = max(text.rfind(mark, 0, at) for mark in "。;；\n") + 1
    return _CLAUSE_NUMBER.sub("", text[start:at].strip())


# --- where the text states the dates ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dating:
    """Where a document's text states its signed, effective and expiry dates (spans of
    `text`), for the dates the document took from its text."""

    signed_at: TextSpan | None
    effective_at: TextSpan | None
    expiry_at: TextSpan | None


def stated_at(signature: Signature | None, effective_found: DatingClause | None,
              expiry_found: DatingClause | None, signed: dt.date | None, effective: dt.date | None,
              expiry: dt.date | None) -> Dating:
    """The line or clause that states each date, where it states that very date (a date a
    web page gave in its metadata block may differ from the text's, and then has no span)."""
    signed_at = None
    if signed and signature and signature.date == signed:
        line = signature.line
        signed_at = TextSpan(line.start + len(line.text) - len(line.text.lstrip()),
                             line.start + len(line.text.rstrip()))
    effective_at = (TextSpan(effective_found.start, effective_found.end)
                    if effective and effective_found and effective_found.date == effective else None)
    expiry_at = (TextSpan(expiry_found.start, expiry_found.end)
                 if expiry and expiry_found and expiry_found.date == expiry else None)
    return Dating(signed_at, effective_at, expiry_at)


def dating(text: str, lines: list[TextLine], signed: dt.date | None, effective: dt.date | None,
           expiry: dt.date | None) -> Dating:
    """stated_at for dates known already: finds the signature and the clauses itself."""
    return stated_at(find_signature(lines), effective_clause(text, signed), expiry_clause(text, effective),
                     signed, effective, expiry)


# --- validity ------------------------------------------------------------------------------


def validity(effective: dt.date | None, expiry: dt.date | None, today: dt.date) -> str | None:
    """有效 / 失效 / 尚未生效 against `today`; None when the text dates neither end."""
    if expiry is not None and today > expiry:
        return "失效"
    if effective is not None and today < effective:
        return "尚未生效"
    if effective is not None or expiry is not None:
        return "有效"
    return None
