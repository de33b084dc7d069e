"""Appointments: the 任命 and 免去 lines of a 人事任免, one row per person.

    任命:                                                   (a heading sets the action)
    眭永华任嘉兴经济技术开发区管理委员会(...)副主任(挂职一年);
    任命李晓梅、周立群为浙江省商务厅副厅长(试用期一年);    (two rows)
    免去陈国平的浙江省交通运输厅副厅长职务;
    原任的...职务同时免去。                                 (no person: no row)
    聘任王刚为市人民政府参事; 张三兼任…; 李四不再担任…职务  (聘任/聘为/兼任 are 任命, 不再担任 免去)
    任命李红梅(女)、王伟为…; 昆明市人民政府决定任命周云为…   (a note after a name is dropped; who decides may lead)
    任命何平为…局长，免去其…局长职务                         (其: the one person the sentence named)

The post splits into organization and position at the last organisation ending that
leaves a title after it (`浙江省商务厅` + `副厅长`); a trailing bracket is the note
(`挂职一年`, `试用期一年`, `退休`); the period is the month the 人事任免 names in its title.
"""
from __future__ import annotations

import regex

from pipeline import rules
from pipeline.docnumber import find_doc_numbers
from pipeline.records import AppointmentRow

from .text import DocumentText, Span, split_top_level

# The verbs, and where each puts the person, are data (appointment_verbs.tsv).
_VERBS = "appointment_verbs.tsv"
_REMOVING = frozenset(rules.words(_VERBS, "heading_remove", "remove_before"))
_HEADING_VERBS = rules.alternation(_VERBS, "heading_appoint", "heading_remove", "appoint_before", "remove_before")
_ACTION_HEADING = regex.compile(rf"^(?P<action>{_HEADING_VERBS})\s*[:：]?$")
_PEOPLE = r"(?P<people>[\p{Han}·、,，]{2,40}?)"
# who decides may open the clause: `昆明市人民政府决定任命周云为…`, `市政府决定免去…`
_DECIDER = r"(?:\p{Han}{2,30}?(?=决定))?"
_APPOINT = regex.compile(rf"^{_DECIDER}(?:{rules.alternation(_VERBS, 'appoint_before')})(?P<people>.+?)(?:为|任)(?P<post>.+)$")
_APPOINT_AFTER = regex.compile(rf"^{_PEOPLE}(?:{rules.alternation(_VERBS, 'appoint_after')})(?P<post>.+)$")
_TAKES_POST = regex.compile(rf"^{_PEOPLE}任(?P<post>.+)$")  # `王强、赵丽同志任…副厅长`: 任命 under any heading
_HOLDS = regex.compile(rf"^{_PEOPLE}为(?P<post>.+)$")  # `周平为…局长`: the heading's action
_REMOVE = regex.compile(rf"^{_DECIDER}(?:{rules.alternation(_VERBS, 'remove_before')})(?P<people>.+?)的(?P<post>.+?)(?:职务)?$")
# `任命何平为…局长，免去其…局长职务`, `吴建华同志因到龄退休，免去其…职务`: 其 is the person the sentence named
_REMOVE_NAMED = regex.compile(rf"^(?:同时)?(?:{rules.alternation(_VERBS, 'remove_before')})其(?P<post>.+?)(?:职务)?$")
_NAMED_FIRST = regex.compile(r"^(?P<person>\p{Han}{2,4})同志")
# what a 人事任免 puts in brackets after a name (person_notes.tsv): `李红梅(女)`, `杨晓华(女,彝族)`; dropped
_NOTE_ITEM = (rf"(?:{rules.alternation('person_notes.tsv', 'word')}"
              rf"|\p{{Han}}{{1,4}}?(?:{rules.alternation('person_notes.tsv', 'ending')}))")
_PERSON_NOTE = regex.compile(rf"(?<=\p{{Han}})\s*[(（]{_NOTE_ITEM}(?:[,，、]{_NOTE_ITEM})*[)）]")
_REMOVED_UNDER_HEADING = regex.compile(rf"^{_PEOPLE}的(?P<post>.+?)(?:职务)?$")
_NO_LONGER = regex.compile(rf"^{_PEOPLE}(?:{rules.alternation(_VERBS, 'remove_after')})(?P<post>.+?)(?:职务)?$")
_NAME = regex.compile(r"^\p{Han}{2,4}$|^\p{Han}{1,5}·\p{Han}{1,8}$")
_NOTE = regex.compile(r"[(（](?P<note>[^()（）]{1,12})[)）]$")
_PERIOD = regex.compile(r"(?P<period>(?:19|20)[0-9]{2}年(?:1[0-2]|0?[1-9])月)份?")
# The organisation a post names ends in an ending of organisation_endings.tsv (the list
# signatures and responsible units use), with the brackets of its other names.
_ORGANISATION_END = regex.compile(
    rf"(?:{rules.alternation('organisation_endings.tsv', 'organisation', 'unit')})(?:[(（][^()（）]+[)）])*")
_TITLE = regex.compile(r"^(?:副|常务副|党组|党委|总)?\p{Han}{0,8}?(?:长|主任|书记|主席|委员|员|师|官|监|理|专员|秘书长|巡视员|调研员|参事|馆长|院长|校长|经理)$")
_NOT_A_PERSON = regex.compile(r"^(?:原任|上述|以上|其|同时|均|另有)")  # 另有任用: no one
_APPOINTMENT_TITLE = regex.compile(r"任免|任职|免职")
_PEOPLE_SEPARATOR = regex.compile(r"[、,，]|同志")
_POST_WORD = regex.compile(r"职务$")


def is_appointment_document(doc: DocumentText) -> bool:
    d = doc.document
    return d.doc_type == "人事任免" or bool(_APPOINTMENT_TITLE.search(d.title or ""))


def extract_appointments(doc: DocumentText) -> list[AppointmentRow]:
    if not is_appointment_document(doc):
        return []
    period_match = _PERIOD.search(doc.document.title or "") or _PERIOD.search(doc.text)
    period = period_match.group("period") if period_match else None
    rows: list[AppointmentRow] = []
    action = None
    for sentence in doc.sentences:
        text = sentence.text.rstrip("。；;，,")
        heading = _ACTION_HEADING.match(text)
        if heading:
            action = "免去" if heading.group("action") in _REMOVING else "任命"
            continue
        named: list[str] = []  # the people this sentence has named so far
        for _, clause in split_top_level(_PERSON_NOTE.sub("", text), "，,"):  # 任命X为...，原任的...职务同时免去
            clause = clause.strip()
            if next(find_doc_numbers(clause), None):
                continue  # the 文号 of a 任免 notice (豫政任〔2023〕58号) appoints no one
            if (removal := _REMOVE_NAMED.match(clause)):
                if len(named) == 1:
                    rows += _row_for(doc, sentence, "免去", named, removal.group("post"), period)
                continue
            found = _rows(doc, sentence, clause, action, period)
            rows += found
            if found:
                named = [row.person for row in found]
            elif not named and (first := _NAMED_FIRST.match(clause)):
                named = [first.group("person")]
    return rows


def _rows(doc: DocumentText, sentence: Span, text: str, action: str | None, period: str | None):
    note = None
    if (noted := _NOTE.search(text)):
        note, text = noted.group("note"), text[:noted.start()]
    forms = ((_REMOVE, "免去"), (_APPOINT, "任命"), (_NO_LONGER, "免去"), (_APPOINT_AFTER, "任命"),
             (_TAKES_POST, "任命"), (_HOLDS, action or "任命"))
    if action == "免去":  # under `免去:` a line names the person and the post: `孙立的…副局长职务`
        forms += ((_REMOVED_UNDER_HEADING, "免去"),)
    match, act = next(((m, act) for pattern, act in forms if (m := pattern.match(text))), (None, None))
    if match is None:
        return []
    people = [p.strip() for p in _PEOPLE_SEPARATOR.split(match.group("people")) if p.strip()]
    if not people or _NOT_A_PERSON.match(match.group("people")) or not all(_NAME.match(p) for p in people):
        return []
    return _row_for(doc, sentence, act, people, match.group("post"), period, note)


def _row_for(doc: DocumentText, sentence: Span, action: str, people: list[str], post: str, period: str | None,
             note: str | None = None) -> list[AppointmentRow]:
    organization, position = split_post(post)
    return [AppointmentRow(doc.provenance(sentence), doc.path_at(sentence.start), action, person, position,
                           organization, note, period) for person in people]


def split_post(post: str) -> tuple[str | None, str | None]:
    """`浙江省商务厅副厅长` -> (`浙江省商务厅`, `副厅长`): the first organisation ending
    that leaves a title after it."""
    post = _POST_WORD.sub("", post.strip())
    for match in _ORGANISATION_END.finditer(post):
        rest = post[match.end():]
        if rest and _TITLE.match(rest):
            return post[:match.end()], rest
    return None, post or None
