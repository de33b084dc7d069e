"""The section a fact is under (DocumentText.section_at): one bisect over the stretches where
the innermost heading changes, the same answer as scanning every heading."""
from __future__ import annotations

from bisect import bisect_right

from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.text import innermost_sections
from pipeline.records import Section
from tests.documents import document


def innermost_by_scanning(sections, offset):
    """The rule as the extractors state it: of the headings holding `offset`, the deepest;
    of equally deep ones, the last in (start, level) order."""
    best = None
    for section in sorted(sections, key=lambda s: (s.char_start, s.level)):
        if section.char_start <= offset < section.char_end and (best is None or section.level >= best.level):
            best = section
    return best


def lookup(sections, offset):
    starts, innermost = innermost_sections(sections)
    i = bisect_right(starts, offset) - 1
    return innermost[i] if i >= 0 else None


@st.composite
def outlines(draw):
    """Headings with any starts, ends and levels: nested as a real outline or not at all."""
    sections = []
    for number in range(draw(st.integers(0, 25))):
        start = draw(st.integers(0, 300))
        sections.append(Section(f"s{number}", None, draw(st.integers(1, 4)), str(number), "标题", str(number),
                                start, start + draw(st.integers(0, 120))))
    return sections


@given(outlines(), st.integers(0, 450))
def test_the_lookup_gives_the_innermost_heading_a_scan_gives(sections, offset):
    assert lookup(sections, offset) == innermost_by_scanning(sections, offset)


def test_a_task_under_its_numbered_heading_is_found_under_it():
    text = document("""嘉兴市推动人工智能高质量发展实施方案
一、主要目标
到2027年,培育链主企业10家。
二、重点任务
(一)加大项目招引
1.引进项目。引进人工智能项目40个。
2.培育企业。培育企业50家。
三、保障措施
加强组织领导。""")
    plan = text.document
    assert text.path_at(plan.text.index("引进人工智能项目")) == "二/(一)/1"
    assert text.path_at(plan.text.index("培育企业50家")) == "二/(一)/2"
    assert text.path_at(plan.text.index("链主企业")) == "一"
    assert text.path_at(plan.text.index("加强组织领导")) == "三"
    assert text.path_at(0) is None  # the title is under no heading
