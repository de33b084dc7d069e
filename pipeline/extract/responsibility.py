"""Responsible units: the list that closes a task by naming who is in charge of it, one row per unit.

    1.加大项目招引。...(责任单位:市商务局、市发展改革委、市经信局,列第一位的为牵头单位,下同。
    嘉兴经济技术开发区...和各县〔市、区〕政府均为责任主体,不再列出)
    (一)推动各级机关...带头参与消费扶贫。...(扶贫办、中央统战部、...、全国总工会等和各省级人民政府负责)
    (一)...放宽人才中介机构限制。(负责部门:人力资源社会保障部、住房城乡建设部、商务部;适用范围:所有自贸试验区)
    (三)...。由省发展改革委牵头,省财政厅、省自然资源厅配合。

A list takes one of five forms:
- A labelled parenthesis: a bracket that opens with a label of unit_labels.tsv (`责任单位:`, `负责部门:`,
  `牵头单位:…;配合单位:…`). Each label starts a part; a `not-a-unit` label (`适用范围:`, `完成时限:`) starts a
  part that names no unit. It runs to its matching bracket, whatever brackets it holds (`市委组织部〔市委人才办〕`).
- An unlabelled parenthesis that closes a task (`(XX、YY等负责)`, `(XX牵头,YY、ZZ参与)`, `(XX指导,YY参与)`): every
  clause names units and ends in a verb of unit_roles.tsv (units without one share the next clause's verb), or
  states a rule (lead_rules.tsv) or a time (`2019年底前完成`), and every unit looks like a body (it ends in an
  ending of organisation_endings.tsv). Anything else in it (`(以下简称…)`, `(含…)`, an example list) means it is
  not a list. It is followed by the end of its line or a punctuation mark, not by more of a sentence.
- A line of its own that opens with such a label, without brackets (`责任单位:省经济和信息化厅、省财政厅`), where
  every unit is a body.
- A row of a task-division table (重点任务分工表) whose header names columns with such labels
  (`序号  重点任务  牵头单位  配合单位`): the row's number is its task's path under its section.
- The last sentence of a paragraph that assigns the task, read the same way: `由XX会同YY负责。`, `由XX负责兑现。`,
  `此项工作由XX牵头,YY配合。` (not every sentence with 负责: `本办法由XX负责解释` names no list).

Units are split on `、` `,` `,` `;` and on `会同` outside brackets; a trailing `等`/`等相关部门` is dropped; `和`/`及`
joins the last unit only after `等` (`全国总工会等和各省级人民政府`) or where both sides are whole bodies
(`财政部和税务总局`), never inside a name (`文化和旅游部`, `中央和国家机关工委`: `文化`, `中央` are no bodies);
`各省、自治区、直辖市人民政府` and `各区、县(市)政府` are one collective unit.

The lead: a unit the list marks (a `牵头单位:` label, `XX牵头`, `XX为牵头单位`), and the first unit of every list
from the one that states `列第一位的为牵头单位` on (in that list only, unless it says `下同`; for all lists after a
plan's text states it outside a list). Rule clauses are not units. `X、Y均为责任主体,不再列出` makes X and Y
responsible for this task and every later one; `以下均需X落实,不再列出` for every later one: those are written
as is_implicit rows (the gold lists written units only).

`unit` is the full name: unit_names.tsv for a city's or a province's bodies (the city taken from the document's
issuer), central_unit_names.tsv for the central bodies of a central document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

import regex

from pipeline import rules
from pipeline.records import Document, ResponsibleUnitRow

from .text import CLOSING, OPENING, DocumentText, Span, split_top_level

_LABELS = rules.table("unit_labels.tsv")
_ROLES = rules.table("unit_roles.tsv")
NOT_A_UNIT, LEAD, PARTNER = "not-a-unit", "lead", "partner"
_WORDS = "unit_list_words.tsv"
_RULES = "lead_rules.tsv"

_LABEL = regex.compile(rf"^\s*(?P<label>{rules.alternation('unit_labels.tsv')})\s*[:：]")
_RESPONSIBLE_LABEL = rules.alternation("unit_labels.tsv", "responsible")
# a clause of units closed by its verb: `由XX会同YY负责`, `XX、YY等按职责分工负责`
_UNIT_CLAUSE = regex.compile(rf"^(?:由)?(?P<units>.+?)(?P<verb>{rules.alternation('unit_roles.tsv')})$")
_LEAD_RULE = regex.compile(rf"(?:{rules.alternation(_RULES, 'first')})[^,，。;；]{{0,8}}(?:{rules.alternation(_RULES, 'lead')})"
                           rf"|(?:{rules.alternation(_RULES, 'lead')})[^,，。;；]{{0,4}}(?:{rules.alternation(_RULES, 'first')})")
_SAME_BELOW = regex.compile(rules.alternation(_RULES, "carry"))
_ALL_ARE = regex.compile(rf"(?:{rules.alternation(_RULES, 'all_are')})(?:{_RESPONSIBLE_LABEL})")
_LATER_ALL = regex.compile(r"以下(?:各项任务)?均(?:需|由|要)(?P<units>.+?)(?:负责)?(?:落实|实施|推进|负责)")
_NOT_LISTED = regex.compile(rules.alternation(_RULES, "not_listed"))
_SCHEDULE = regex.compile(rf"^(?:{rules.alternation(_WORDS, 'schedule')}|[0-9]{{2,4}}年|[0-9一二三四五六七八九十]{{1,2}}月)")
_TRAILING_ETC = regex.compile(rf"等(?:{rules.alternation(_WORDS, 'etc_qualifier')}|{rules.alternation(_WORDS, 'determiner')})*"
                              rf"(?:{rules.alternation(_WORDS, 'etc_noun')})?$")
_WITH = regex.compile(rules.alternation(_WORDS, "with"))
_AND = regex.compile(rules.alternation(_WORDS, "and"))
_DIVISION = rules.alternation(_WORDS, "division")
_BRACKETED = r"(?:[(（〔\[［][^)）〕\]］]*[)）〕\]］])"
_AREA_HEAD = regex.compile(rf"^各(?:{_DIVISION})+$")  # 各区、县(市)政府: one collective unit
_AREA_MORE = regex.compile(rf"^(?:{_DIVISION}){_BRACKETED}?$")  # 自治区, 县(市): the divisions go on
_AREA_TAIL = regex.compile(rf"^(?:{_DIVISION}){_BRACKETED}?[^、,，;；]{{0,12}}?政府")  # 直辖市人民政府, 县(市)政府
_ASSIGNING = regex.compile(rf"^(?:{rules.alternation(_WORDS, 'subject')}"
                           rf"|[^，,。由]{{1,12}}(?:{rules.alternation(_WORDS, 'subject_end')}))?由(?P<body>[^。]+)。?$")
# a task table's header cell that is a label (`牵头单位`, `责任单位（部门）`), its row number, its group rows
_LABEL_CELL = regex.compile(rf"^(?P<label>{rules.alternation('unit_labels.tsv')})(?:[(（][^)）]*[)）])?$")
_ROW_NUMBER = regex.compile(r"^[0-9]{1,3}[.．、]?$")
_GROUP_ROW = regex.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[部分])")
_RULE_NOTE = regex.compile(r"^(?P<head>.+?)[(（](?P<note>[^()（）]+)[)）]$")  # a unit, then a rule in brackets
_IN_CHARGE_OF = regex.compile(r"^(?P<list>.+负责)(?P<what>\p{Han}{1,8})$")  # 由XX会同YY负责统筹协调
_NOT_A_TASK = regex.compile(rf"^(?:{rules.alternation(_WORDS, 'not_a_task')})$")
_CITY = regex.compile(r"^(?:中共)?(?P<city>\p{Han}{2,4}?市)")
_PROVINCE = regex.compile(r"^(?:中共)?(?P<province>\p{Han}{2,3}?省)")
_ALIAS = regex.compile(r"^(?P<main>.+?)(?P<alias>[〔(（\[［][^〔(（\[［]+[〕)）\]］])$")
_BRACKET = re.compile(f"[{re.escape(OPENING + CLOSING)}]")
_LIST_OPENING = re.compile(r"[(（\[［【〔]")
_MAY_NAME_UNITS = regex.compile(rf"{rules.alternation('unit_labels.tsv')}|{rules.alternation('unit_roles.tsv')}")
# what may follow a list that closes a task: the end of its line, a mark, a bracket
_AFTER_A_LIST = re.compile(r"\s*(?:$|[\n。；;，,、：:.．)）\]］】〕])")
_ENDINGS = rules.words("organisation_endings.tsv", "organisation", "unit")
_COLLECTIVE_ENDINGS = rules.words("organisation_endings.tsv", "collective", "unit_collective")
# 财政部门, 工业和信息化主管部门, 公安机关: a body named by its field (unit_field_endings.tsv)
_FIELD_BODY = regex.compile(rf"^\p{{Han}}{{2,}}(?:{rules.alternation('unit_field_endings.tsv')})$")
_BARE_FIELD = regex.compile(r"^\p{Han}{2,8}$")  # 各级民政 before 、财政部门
_DETERMINER = regex.compile(rules.alternation(_WORDS, "determiner"))
_NOT_IN_NAME = regex.compile(rules.alternation(_WORDS, "not_in_name"))
_CENTRAL = rules.words("central_issuers.tsv")
MAX_UNIT_CHARS = 40


@dataclass(frozen=True, slots=True)
class UnitList:
    """One list of units read: a parenthesis or a sentence, its units and the rules it states."""

    span: Span
    units: tuple[str, ...]
    marked_leads: tuple[str, ...]  # units a `牵头单位:` label or a 牵头 verb names
    states_lead_rule: bool
    lead_rule_carries_on: bool  # 下同
    implicit_from_here: tuple[str, ...]  # X均为责任主体,不再列出
    implicit_after_here: tuple[str, ...]  # 以下均需X落实,不再列出
    row_number: str | None = None  # a task table's row: its printed number (the task under its section)
    row_task: str | None = None  # and its task


def find_parentheses(text: str) -> list[UnitList]:
    """The bracketed lists of a text: labelled ones wherever they stand, unlabelled ones where they close a task."""
    found: list[UnitList] = []
    for line_start, line_end in _lines_naming_units(text):
        closings = _closings(text, line_start, line_end)
        for match in _LIST_OPENING.finditer(text, line_start, line_end):
            if found and match.start() < found[-1].span.end:
                continue  # a bracket inside a list (an alias) is part of it
            end = closings.get(match.start())
            if end is None:
                continue
            content = text[match.start() + 1:end - 1]
            if not _MAY_NAME_UNITS.search(content):
                continue
            labelled = bool(_LABEL.match(content))
            if not labelled and not _AFTER_A_LIST.match(text, end):
                continue
            unit_list = read_list(content, Span(match.start(), end, text[match.start():end]), bodies_only=not labelled)
            if unit_list is not None:
                found.append(unit_list)
    return found


def _lines_naming_units(text: str):
    """(start, end) of each line that holds a label or a role word. A list's brackets pair within
    their line, and its content holds such a word: the other lines (most of a text) are not
    scanned for brackets at all."""
    line_end = -1
    for match in _MAY_NAME_UNITS.finditer(text):
        if match.start() < line_end:
            continue  # a line already given
        line_end = text.find("\n", match.start())
        line_end = len(text) if line_end < 0 else line_end
        yield text.rfind("\n", 0, match.start()) + 1, line_end


def find_assigning_sentences(doc: DocumentText) -> list[UnitList]:
    """`由XX会同YY负责。` as the last sentence of a paragraph: the list of the task it closes."""
    found = []
    for paragraph in doc.paragraphs:
        sentence = doc.sentence_at(paragraph.end - 1)
        if "由" not in sentence.text or not (match := _ASSIGNING.match(sentence.text)):
            continue
        body = match.group("body")
        if (charge := _IN_CHARGE_OF.match(body)) and not _MAY_NAME_UNITS.search(charge.group("what")):
            if _NOT_A_TASK.match(charge.group("what")):
                continue  # 由XX负责解释: who interprets the text, no task
            body = charge.group("list")  # 由XX会同YY负责兑现: 负责 closes the list, what follows is the task
        unit_list = read_list(body, sentence, bodies_only=True)
        if unit_list is not None and unit_list.units:
            found.append(unit_list)
    return found


def find_task_tables(text: str) -> list[UnitList]:
    """The rows of a task-division table (重点任务分工表), one list per row: a header row of cells
    (tab-separated, as readers give table rows) names columns with labels of unit_labels.tsv
    (`序号  重点任务  牵头单位  配合单位  完成时限`), and each row after it gives its task's units under
    those labels. The table runs on over its group rows (`一、促进…`, headings of their own) and ends at
    any other line without cells."""
    found: list[UnitList] = []
    if "\t" not in text:
        return found  # no table rows: most texts, not scanned line by line
    columns: dict[int, str] = {}  # column -> the unit label over it
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if "\t" in line:
            cells = [cell.strip() for cell in line.split("\t")]
            labels = {i: label.group("label") for i, cell in enumerate(cells)
                      if (label := _LABEL_CELL.match(cell)) and _LABELS[label.group("label")] != NOT_A_UNIT}
            if labels:
                columns = labels
            elif columns:
                unit_list = _task_row(cells, columns, Span(start, end, line))
                if unit_list is not None:
                    found.append(unit_list)
        elif columns and line.strip() and not _GROUP_ROW.match(line.strip()):
            columns = {}
        start = end + 1
    return found


def _task_row(cells: list[str], columns: dict[int, str], span: Span) -> UnitList | None:
    parts = [f"{label}:{cells[i]}" for i, label in sorted(columns.items()) if i < len(cells) and cells[i]]
    if not parts:
        return None
    unit_list = read_list(";".join(parts), span, bodies_only=False)
    if unit_list is None or not unit_list.units or not any(map(looks_like_body, unit_list.units)):
        return None
    number = cells[0] if _ROW_NUMBER.match(cells[0]) else None
    task = next((cell for i, cell in enumerate(cells) if i not in columns and cell and cell != cells[0]), None)
    return replace(unit_list, row_number=number.rstrip(".．、") if number else None, row_task=task)


def find_labelled_lines(text: str) -> list[UnitList]:
    """Lists printed as a line of their own under a task, without brackets (`责任单位:省经济和信息化厅、
    省财政厅、各市(州)人民政府`): the line opens with a label that puts units in charge, and every unit is a body."""
    found: list[UnitList] = []
    for line_start, line_end in _lines_naming_units(text):
        line = text[line_start:line_end]
        label = _LABEL.match(line)
        if label is None or _LABELS[label.group("label")] == NOT_A_UNIT:
            continue
        content = line.strip().rstrip("。;；")
        unit_list = read_list(content, Span(line_start, line_end, line), bodies_only=False)
        if unit_list is not None and unit_list.units and all(map(looks_like_body, unit_list.units)):
            found.append(unit_list)
    return found


def _closings(text: str, start: int, end: int) -> dict[int, int]:
    """Each bracket opened and closed within the line text[start:end]: its start -> its end (exclusive).
    One pass; an unclosed bracket does not swallow the next paragraph."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for match in _BRACKET.finditer(text, start, end):  # the characters that matter, not all
        i = match.start()
        if match.group() in OPENING:
            stack.append(i)
        elif stack:
            pairs[stack.pop()] = i + 1
    return pairs


def read_list(content: str, span: Span, *, bodies_only: bool) -> UnitList | None:
    """The units of a list and the rules it states; None where `content` is not a list.

    `bodies_only` (a list without a label): every unit must look like a body, every clause must end in a role
    verb, state a rule or give a time, and a verb must put someone in charge (`(多部门参与)` alone is no list)."""
    units: list[str] = []
    leads: list[str] = []
    from_here: list[str] = []
    after_here: list[str] = []
    states_rule = carries_on = in_charge = False  # in_charge: a verb that puts units in charge (负责, 牵头)
    role: str | None = None  # the role of the label whose part this is; None before any label

    def commit(names: list[str], as_role: str | None) -> bool:
        if as_role is None:
            return False  # units with neither a label nor a verb: not a list
        units.extend(names)
        if as_role == LEAD:
            leads.extend(names)
        return True

    for _, sentence in split_top_level(content, "。;；"):
        pending: list[str] = []  # units waiting for the verb of a later clause, or for the end of the sentence
        for _, clause in split_top_level(sentence, ",，"):
            clause = clause.strip()
            if not clause:
                continue
            if label := _LABEL.match(clause):
                if not commit(pending, role) and pending:
                    return None
                pending = []
                role = _LABELS[label.group("label")]
                clause = clause[label.end():].strip()
            if role == NOT_A_UNIT or not clause:
                continue
            if (noted := _RULE_NOTE.match(clause)) and (_LEAD_RULE.search(noted.group("note"))
                                                        or _SAME_BELOW.search(noted.group("note"))):
                # 各区县(市)人民政府(列第一位的为牵头单位,下同): the rule in brackets after the last unit
                states_rule = states_rule or bool(_LEAD_RULE.search(noted.group("note")))
                carries_on = carries_on or bool(_SAME_BELOW.search(noted.group("note")))
                clause = noted.group("head").strip()
            if all_are := _ALL_ARE.search(clause):
                from_here += pending + split_units(clause[:all_are.start()])
                pending = []
                continue
            if later := _LATER_ALL.search(clause):
                after_here += split_units(later.group("units"))
                continue
            is_rule = False
            if _LEAD_RULE.search(clause):
                states_rule = is_rule = True
            if _SAME_BELOW.search(clause):
                carries_on = is_rule = True
            if _NOT_LISTED.search(clause):
                is_rule = True
            if is_rule or _SCHEDULE.match(clause):
                continue
            if closed := _UNIT_CLAUSE.match(clause):
                verb_role = _ROLES[closed.group("verb")]
                commit(pending + split_units(closed.group("units")), verb_role)
                pending, in_charge = [], in_charge or verb_role != PARTNER
            else:
                pending += split_units(clause)
        if pending and not commit(pending, role):
            return None
    if bodies_only and not (in_charge and units and all(looks_like_body(unit) for unit in units)):
        return None
    return UnitList(span, tuple(dict.fromkeys(units)), tuple(leads), states_rule, carries_on,
                    tuple(from_here), tuple(after_here))


def looks_like_body(name: str) -> bool:
    """`卫生健康委`, `各省级人民政府`, `有关部门`, `市委组织部〔市委人才办〕`: a name that ends in a body's ending
    (organisation_endings.tsv) after something else; a collective's ending (部门, 单位, 企业) only with a word
    that makes it one (各有关部门, 相关单位: not 建设单位), or after a field of government (财政部门, 公安机关:
    unit_field_endings.tsv). `中央`, `发改`, `企业`, `多部门` are no bodies."""
    if (match := _ALIAS.match(name)) and len(match.group("main")) > 1:
        name = match.group("main")
    if not 1 < len(name) <= MAX_UNIT_CHARS or _NOT_IN_NAME.search(name):
        return False
    if any(name.endswith(ending) and len(name) > len(ending) for ending in _ENDINGS):
        return True
    if _FIELD_BODY.match(name):
        return True
    return (any(name.endswith(ending) and len(name) > len(ending) for ending in _COLLECTIVE_ENDINGS)
            and _DETERMINER.search(name) is not None)


def split_units(text: str) -> list[str]:
    """`市经信局、市委组织部〔市委人才办〕、各区、县(市)政府等` -> three units;
    `全国总工会等和各省级人民政府` -> two; `文化和旅游部` -> one."""
    pieces = [piece.strip() for _, piece in split_top_level(text, "、;；,，")]
    pieces = [part.strip() for piece in pieces for part in _WITH.split(piece)]
    joined: list[str] = []
    area_open = False  # the last unit is a collective of divisions still being listed (各区、县…)
    for piece in pieces:
        if not piece:
            continue
        parts = [piece] if _AREA_HEAD.match(piece) else _split_and(piece)
        if joined and area_open and (_AREA_MORE.match(parts[0]) or _AREA_TAIL.match(parts[0])):
            joined[-1] = f"{joined[-1]}、{parts.pop(0)}"
            area_open = not parts and bool(_AREA_MORE.match(piece))
        if parts:
            joined += parts
            area_open = bool(_AREA_HEAD.match(parts[-1]))
    units = [_TRAILING_ETC.sub("", unit).strip() for unit in _join_fields(joined)]
    return [unit for unit in units if unit]


def _join_fields(units: list[str]) -> list[str]:
    """`各级民政、财政部门`: fields that share the ending of the body after them are one collective unit
    (GOLD: a collective phrase with a bare 、 may be one unit)."""
    joined: list[str] = []
    for unit in units:
        if joined and _FIELD_BODY.match(unit) and _BARE_FIELD.match(joined[-1]) and not looks_like_body(joined[-1]):
            joined[-1] = f"{joined[-1]}、{unit}"
        else:
            joined.append(unit)
    return joined


def _split_and(piece: str) -> list[str]:
    """`XX等和YY` and `XX部和YY局` at 和; a 和 inside a name stays (`文化和旅游部`: 文化 is no body)."""
    parts, start = [], 0
    for match in _AND.finditer(piece):
        left, right = piece[start:match.start()], piece[match.end():]
        if _open_bracket(left):
            continue
        bare_left = _TRAILING_ETC.sub("", left).strip()
        after_etc = bare_left != left.strip() and bool(bare_left)
        whole_left = looks_like_body(left) and not _AREA_MORE.match(left.strip())  # 直辖市及…: a division
        if (after_etc or whole_left) and (looks_like_body(right.strip()) or _AREA_HEAD.match(right.strip())):
            parts.append(bare_left)
            start = match.end()
    parts.append(piece[start:])
    return parts


def _open_bracket(text: str) -> bool:
    return sum(ch in OPENING for ch in text) > sum(ch in CLOSING for ch in text)


def extract_responsible_units(doc: DocumentText) -> list[ResponsibleUnitRow]:
    rows = []
    city, province = places_of(doc.document)
    central = is_central(doc.document)
    lead_rule_from = _lead_rule_outside_parentheses(doc.text)
    carried_lead_rule = False
    # unit -> the list that first made it implicit: a rule restated task after task (a huge plan says
    # `X均为责任主体,不再列出` every tenth task) names X once, so a task's implicit rows stay one per unit
    implicit: dict[str, UnitList] = {}
    lists = sorted(find_parentheses(doc.text) + find_labelled_lines(doc.text) + find_task_tables(doc.text)
                   + find_assigning_sentences(doc), key=lambda found: found.span.start)
    for unit_list in lists:
        section = doc.section_at(unit_list.span.start)
        path, task = (section.path, section.heading) if section else (None, None)
        if unit_list.row_number:  # a task table's row: its number under the section it is in
            path = f"{path}/{unit_list.row_number}" if path else unit_list.row_number
        task = unit_list.row_task or task
        lead_rule = (carried_lead_rule or unit_list.states_lead_rule
                     or (lead_rule_from is not None and lead_rule_from < unit_list.span.start))
        _make_implicit(implicit, unit_list.implicit_from_here, unit_list)
        provenance = doc.provenance(unit_list.span)
        for position, unit in enumerate(unit_list.units, start=1):
            is_lead = unit in unit_list.marked_leads or (lead_rule and position == 1)
            rows.append(ResponsibleUnitRow(provenance, path, task, unit,
                                           canonical_unit(unit, city, province, central),
                                           position, is_lead, is_implicit=False))
        position = len(unit_list.units)
        for unit, source in implicit.items():
            if unit in unit_list.units:
                continue
            position += 1
            rows.append(ResponsibleUnitRow(doc.provenance(source.span), path, task, unit,
                                           canonical_unit(unit, city, province, central), position, False,
                                           is_implicit=True))
        _make_implicit(implicit, unit_list.implicit_after_here, unit_list)
        carried_lead_rule = carried_lead_rule or (unit_list.states_lead_rule and unit_list.lead_rule_carries_on)
    return rows


def _make_implicit(implicit: dict[str, UnitList], units: tuple[str, ...], source: UnitList) -> None:
    """Units a `不再列出` rule of `source` puts in charge of later tasks; a unit already implicit keeps its first rule."""
    for unit in units:
        implicit.setdefault(unit, source)


def _lead_rule_outside_parentheses(text: str) -> int | None:
    """Where the text states the lead rule once for all tasks (`各项任务中列第一位的为牵头单位`): the first
    statement whose last bracket before it closes one (or that has none). One pass over the brackets, however
    many lists state the rule inside their parenthesis."""
    brackets = _BRACKET.finditer(text)
    bracket = next(brackets, None)
    in_bracket = False  # the last bracket before the statement opens one
    for match in _LEAD_RULE.finditer(text):
        while bracket is not None and bracket.start() < match.start():
            in_bracket = bracket.group() in OPENING
            bracket = next(brackets, None)
        if not in_bracket:
            return match.start()
    return None


def places_of(document: Document) -> tuple[str | None, str | None]:
    """The city and the province the document's issuer belongs to (嘉兴市, 浙江省)."""
    city = province = None
    for name in (document.issuer, document.title, document.gazette_title):
        if not name:
            continue
        city = city or (m.group("city") if (m := _CITY.match(name)) else None)
        province = province or (m.group("province") if (m := _PROVINCE.match(name)) else None)
    return city, province


def is_central(document: Document) -> bool:
    """Whether a central body issued the document (国务院办公厅, 国家发展和改革委员会, 财政部): its issuer opens
    with a name of central_issuers.tsv."""
    issuer = "".join((document.issuer or "").split())
    return issuer.startswith(_CENTRAL)


@lru_cache(maxsize=1024)  # a document names the same few units task after task
def canonical_unit(raw: str, city: str | None, province: str | None, central: bool = False) -> str:
    """`市经信局` -> `嘉兴市经济和信息化局`; in a central document `发展改革委` -> `国家发展和改革委员会`. A name
    the tables do not know keeps its spelling with its leading 市 or 省 spelled out; without a city, the raw name."""
    alias = ""
    if (match := _ALIAS.match(raw)) and not match.group("main").endswith(("各县", "各区", "各市")):
        raw, alias = match.group("main"), match.group("alias")
    central_name = rules.table("central_unit_names.tsv").get(raw)
    if central_name and (central or raw.startswith(_CENTRAL)):
        return central_name + alias
    names = rules.table("unit_names.tsv")
    # a row keyed by the city's (or province's) own spelling first: its name there only
    place = city if raw.startswith("市") else province if raw.startswith("省") else None
    full = (names.get(place + raw[1:]) if place else None) or names.get(raw)
    if full is None:
        if raw.startswith("市委"):
            full = "中共{市}委" + raw[2:]
        elif raw.startswith("市") and not raw.startswith("市场"):
            full = "{市}" + raw[1:]
        elif raw.startswith("省委"):
            full = "中共{省}委" + raw[2:]
        elif raw.startswith("省"):
            full = "{省}" + raw[1:]
        else:
            return raw + alias
    if ("{市}" in full and not city) or ("{省}" in full and not province):
        return raw + alias
    return full.replace("{市}", city or "").replace("{省}", province or "") + alias
