"""The heading tree of a document (pipeline/segment/sections.py): a block of a real document
in, its sections' paths out. The blocks are cut from the real inputs (tests/fixtures) with
their lines kept as printed; some long lines are shortened after their first sentence."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.segment.sections import find_sections
from tests.golden import segment_file

REAL = Path(__file__).parent / "fixtures" / "real"  # real official documents (fixtures/real/README.md)


def paths(text: str) -> list[str]:
    return [s.path for s in find_sections(text, "doc")]


def by_path(text: str) -> dict:
    return {s.path: s for s in find_sections(text, "doc")}


# --- ordinary documents keep their paths ---------------------------------------------------

# 国办发〔2024〕7号 县域冷链物流设施提质升级实施方案 (fixtures/extra guowuyuan-2024-05)
PLAN = """县域冷链物流设施提质升级实施方案
为贯彻落实党中央、国务院关于全面推进乡村振兴和加快建设现代流通体系的决策部署，制定本方案。
一、总体要求
到2026年，县域冷链物流设施布局更加完善，县乡村三级冷链物流服务网络基本建立。
二、重点任务
(一)完善县域冷链集配网络。
1.建设县级冷链集配中心。支持农产品主产县依托现有物流园区改造建设县级冷链集配中心。
2.改造提升乡镇冷链节点。引导商贸流通企业在中心镇布局建设冷链中转站点。
3.补齐村级产地预冷设施。鼓励家庭农场、农民合作社建设产地预冷库。
(二)提升冷链运输服务能力。
4.发展冷链共同配送。鼓励冷链物流企业整合县域内冷链运输资源。
5.推广标准化冷链装备。加快淘汰老旧冷藏车辆。
三、保障措施
(一)加强组织领导。各省级人民政府要将县域冷链物流设施提质升级工作纳入重要议事日程。
(二)加大政策支持。统筹用好现有资金渠道，支持县域冷链物流设施建设。
本方案自印发之日起施行。"""


def test_an_ordinary_document_keeps_its_paths_and_levels():
    sections = find_sections(PLAN, "doc")
    assert [(s.level, s.path, s.heading) for s in sections] == [
        (1, "一", "总体要求"),
        (1, "二", "重点任务"),
        (2, "二/(一)", "完善县域冷链集配网络"),
        (3, "二/(一)/1", "建设县级冷链集配中心"),
        (3, "二/(一)/2", "改造提升乡镇冷链节点"),
        (3, "二/(一)/3", "补齐村级产地预冷设施"),
        (2, "二/(二)", "提升冷链运输服务能力"),
        (3, "二/(二)/4", "发展冷链共同配送"),  # 1.-5. run on across (一)-(二)
        (3, "二/(二)/5", "推广标准化冷链装备"),
        (1, "三", "保障措施"),
        (2, "三/(一)", "加强组织领导"),
        (2, "三/(二)", "加大政策支持"),
    ]


# --- regulations: 第X章 / 第X条 --------------------------------------------------------------

# 国令第706号 专利代理条例 (fixtures/real govcn-058), its first two chapters
REGULATION = """专利代理条例
(1991年3月4日中华人民共和国国务院令第76号发布2018年9月6日国务院第23次常务会议修订通过)
第一章总则
第一条为了规范专利代理行为，保障委托人、专利代理机构和专利代理师的合法权益，制定本条例。
第二条本条例所称专利代理，是指专利代理机构接受委托，以委托人的名义在代理权限范围内办理专利申请、宣告专利权无效等专利事务的行为。
第三条任何单位和个人可以自行在国内申请专利和办理其他专利事务，也可以委托依法设立的专利代理机构办理，法律另有规定的除外。
专利代理机构应当按照委托人的委托办理专利事务。
第四条专利代理机构和专利代理师执业应当遵守法律、行政法规，恪守职业道德、执业纪律，维护委托人的合法权益。
第五条国务院专利行政部门负责全国的专利代理管理工作。
第六条专利代理机构和专利代理师可以依法成立和参加专利代理行业组织。
第二章专利代理机构和专利代理师
第七条专利代理机构的组织形式应当为合伙企业、有限责任公司等。
第八条合伙企业、有限责任公司形式的专利代理机构从事专利代理业务应当具备下列条件：
(一)有符合法律、行政法规规定的专利代理机构名称；
(二)有书面合伙协议或者公司章程；
(三)有独立的经营场所；
(四)合伙人、股东符合国家有关规定。
第九条从事专利代理业务，应当向国务院专利行政部门提出申请，提交有关材料，取得专利代理机构执业许可证。
专利代理机构合伙人、股东或者法定代表人等事项发生变化的，应当办理变更手续。"""


def test_an_article_is_a_child_of_its_chapter_and_keeps_its_number_across_chapters():
    sections = find_sections(REGULATION, "doc")
    assert [(s.level, s.path) for s in sections] == [
        (1, "第一章"),
        (2, "第一章/第一条"), (2, "第一章/第二条"), (2, "第一章/第三条"),
        (2, "第一章/第四条"), (2, "第一章/第五条"), (2, "第一章/第六条"),
        (1, "第二章"),
        (2, "第二章/第七条"),  # runs on: 第七条 is the first of 第二章
        (2, "第二章/第八条"),
        (3, "第二章/第八条/(一)"), (3, "第二章/第八条/(二)"), (3, "第二章/第八条/(三)"), (3, "第二章/第八条/(四)"),
        (2, "第二章/第九条"),
    ]
    found = by_path(REGULATION)
    assert found["第一章"].heading == "总则"
    assert found["第二章"].heading == "专利代理机构和专利代理师"
    # a 条's heading: its text up to the first 。, without the colon that opens its items
    assert found["第二章/第八条"].heading == "合伙企业、有限责任公司形式的专利代理机构从事专利代理业务应当具备下列条件"
    assert found["第二章/第八条/(一)"].parent_id == found["第二章/第八条"].section_id
    assert found["第二章/第八条"].parent_id == found["第二章"].section_id
    article = found["第一章/第三条"]  # its second paragraph is its text
    assert REGULATION[article.char_start:article.char_end].endswith("专利代理机构应当按照委托人的委托办理专利事务。")


def test_an_article_with_a_bracketed_title_is_headed_by_the_title():
    text = "第一章总则\n第一条【立法目的】为了规范专利代理行为，制定本条例。\n第2条【适用范围】本条例适用于专利代理。"
    assert [(s.path, s.heading) for s in find_sections(text, "doc")] == [
        ("第一章", "总则"), ("第一章/第一条", "立法目的"), ("第一章/第2条", "适用范围")]


# 穗府办规〔2021〕19号 广州市临时救助实施细则 (fixtures/real gz-suifubangui-2021-19): no 章
REFERENCES = """广州市临时救助实施细则
第一条为完善广州市社会救助体系,进一步发挥社会救助托底线、救急难的作用,制定本实施细则。
第二条本实施细则所称临时救助,是指国家对遭遇突发事件、意外伤害、重大疾病的家庭或个人给予的应急性、过渡性的救助。
第三条市民政部门负责统筹开展全市临时救助工作,区民政部门负责本行政区域内临时救助审批等工作。
第四条规定的临时救助资金,由区财政部门多方筹集。
第四条区民政部门应将临时救助资金、临时救助工作所需经费纳入年度部门预算。
第五条临时救助对象,根据困难类型分为支出型临时救助对象和急难型临时救助对象。
第六条城乡居民向非户籍所在地镇人民政府(街道办事处)提出申请的,应按照省《办法》第八条规定提供本市有效居住证。
(一)申请事项属于非紧急情况,可申请其他社会救助但未申请的;
(二)不符合本实施细则第五条规定的。
第十条申请人户籍所在地与申请地不一致的,可致函请求申请人户籍所在地民政部门协助入户调查核实。"""


def test_a_reference_to_an_article_is_not_a_heading():
    # `…第八条规定…` and `…第五条规定的` are inside sentences; `第四条规定的…` starts a line
    # but is a reference; `第十条` does not carry on from 第六条 (a stray number: text)
    assert paths(REFERENCES) == ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条",
                                 "第六条/(一)", "第六条/(二)"]


def test_the_items_of_every_article_have_their_own_paths_in_a_whole_regulation():
    issue = segment_file(REAL / "raw" / "govcn-058.html")
    sections = issue.documents[0].sections
    found = {s.path: s for s in sections}
    assert len(found) == len(sections)  # each path once (the (一)-(五) of 第二十五条 and 第二十六条)
    assert {"第四章/第二十五条/(五)", "第四章/第二十六条/(五)", "第五章/第三十二条"} <= set(found)
    assert found["第五章/第三十二条"].heading == "本条例自2019年3月1日起施行"
    assert [s.path for s in sections if s.level == 1] == [f"第{n}章" for n in "一二三四五"]


def test_the_articles_of_a_chapter_run_on_in_a_notice_that_prints_its_measures():
    # 穗府办规〔2022〕13号: the notice, then the 办法 with 第一章 ... 第七章 and 第一条 ... 第五十二条
    issue = segment_file(REAL / "raw" / "gz-suifubangui-2022-13.html")
    found = {s.path for s in issue.documents[0].sections}
    assert {"第五章/第三十三条/(一)", "第五章/第三十六条/(二)", "第四章/第二十四条/(一)/6",
            "第七章/第五十二条"} <= found


A_CONTENTS = """个人所得税专项附加扣除暂行办法
目录
第一章总则
第二章子女教育
第三章继续教育
第一章总则
第一条根据《中华人民共和国个人所得税法》(以下简称个人所得税法)规定，制定本办法。
第二条本办法所称个人所得税专项附加扣除，是指个人所得税法规定的子女教育、继续教育等6项专项附加扣除。
第二章子女教育
第三条纳税人的子女接受全日制学历教育的相关支出，按照每个子女每月1000元的标准定额扣除。"""


def test_a_table_of_contents_is_not_headings():
    assert paths(A_CONTENTS) == ["第一章", "第一章/第一条", "第一章/第二条", "第二章", "第二章/第三条"]
    wrapped = A_CONTENTS.replace("第二章子女教育\n", "第二章子女\n教育\n", 1)  # an entry on two lines
    assert paths(wrapped) == paths(A_CONTENTS)
    # a line 目录 that no numbered line follows at once is no table of contents
    assert paths(PLAN.replace("一、总体要求", "目录\n见附表。\n一、总体要求")) == paths(PLAN)


# --- attachments -----------------------------------------------------------------------------

# 国函〔2024〕15号 (its 一、-四、) and the 附件 of 国办函〔2024〕8号, which restarts at 一、
# (fixtures/extra guowuyuan-2024-05): one body with headings, one attachment
REPLY_WITH_ATTACHMENT = """你们关于设立湛江东海岛综合保税区的请示收悉。现批复如下：
一、同意设立湛江东海岛综合保税区，规划面积1.86平方公里。
二、湛江东海岛综合保税区的功能定位、税收政策、外汇政策和海关监管要求，按照国家关于综合保税区的现行有关规定执行。
附件：县域商业体系建设部际联席会议制度
国务院
2024年2月5日
(此件公开发布)
附件
县域商业体系建设部际联席会议制度
为加强县域商业体系建设工作的统筹协调，建立县域商业体系建设部际联席会议制度。
一、主要职能
贯彻落实党中央、国务院关于县域商业体系建设的决策部署。
二、成员单位
联席会议由商务部、国家发展改革委、财政部等部门和单位组成，商务部为牵头单位。"""


def test_an_attachment_that_restarts_its_numbering_is_prefixed_with_its_name():
    sections = find_sections(REPLY_WITH_ATTACHMENT, "doc")
    assert [(s.level, s.path, s.heading) for s in sections] == [
        (1, "一", "同意设立湛江东海岛综合保税区，规划面积1.86平方公里"),
        (1, "二", "湛江东海岛综合保税区的功能定位、税收政策、外汇政策和海关监管要求，按照国家关于综合保税区的现行有关规定执行"),
        (1, "附件", "县域商业体系建设部际联席会议制度"),  # the attachment's title
        (2, "附件/一", "主要职能"),
        (2, "附件/二", "成员单位"),
    ]
    body_end = sections[1].char_end  # the body's last section ends before the 附件 listing
    assert REPLY_WITH_ATTACHMENT[body_end:].lstrip().startswith("附件：")
    assert sections[2].char_start == REPLY_WITH_ATTACHMENT.index("附件\n")


def test_an_attachment_printed_under_its_own_title_is_found_where_its_numbering_restarts():
    unmarked = REPLY_WITH_ATTACHMENT.replace("附件：县域商业体系建设部际联席会议制度\n", "").replace("附件\n", "")
    assert [(s.path, s.heading) for s in find_sections(unmarked, "doc")][2:] == [
        ("附件", "县域商业体系建设部际联席会议制度"), ("附件/一", "主要职能"), ("附件/二", "成员单位")]


def test_numbered_attachments_are_named_by_their_number():
    text = REPLY_WITH_ATTACHMENT.replace("附件\n", "附件1\n") + "\n附件2\n联席会议成员名单\n一、召集人\n二、成员"
    text = text.replace("二、湛江", "附件1所列制度由商务部负责解释。\n二、湛江")  # a sentence, not an attachment
    assert paths(text) == ["一", "二", "附件1", "附件1/一", "附件1/二", "附件2", "附件2/一", "附件2/二"]


def test_an_attachment_to_a_body_without_headings_keeps_plain_paths():
    # 国办函〔2024〕8号 as printed: nothing in the body to clash with
    text = """国务院同意建立由商务部牵头的县域商业体系建设部际联席会议制度。
附件：县域商业体系建设部际联席会议制度
国务院办公厅
2024年1月30日
附件
县域商业体系建设部际联席会议制度
一、主要职能
贯彻落实党中央、国务院关于县域商业体系建设的决策部署。
二、成员单位
联席会议由商务部、国家发展改革委、财政部等部门和单位组成。"""
    assert paths(text) == ["一", "二"]


def test_the_attachment_of_a_regulation_is_not_a_child_of_its_last_article():
    # 穗人社规字〔2019〕6号: the 办法's 第一章 ... 第二十三条, then its 附件 and 附表
    issue = segment_file(REAL / "raw" / "gz-suirensheguizi-2019-6.html")
    sections = issue.documents[0].sections
    assert not [path for path, n in Counter(s.path for s in sections).items() if n > 1]
    found = {s.path: s for s in sections}
    assert found["附件"].heading == "广州市就业见习基地申请程序"
    assert found["附件/二/(二)/3"].heading == "就业见习示范基地补贴"
    assert found["第五章/第二十三条"].char_end < found["附件"].char_start
    # the 附表 listing `附表：1.…` / `2.…` ... `6.…` is not headings
    assert not [s.path for s in sections if s.path.startswith("附件/三/(三)/") and s.number not in ("1", "2")]


@pytest.mark.parametrize("name", sorted(p.name for p in (REAL / "raw").glob("*.html") if p.stem != "govcn-041"))
def test_no_real_document_has_a_path_twice(name):
    # govcn-041 numbers its headings 1.1 / 2.1.3, which are not read: its (1) lists still clash
    for doc in segment_file(REAL / "raw" / name).documents:
        assert not [p for p, n in Counter(s.path for s in doc.sections).items() if n > 1]


# --- notes -----------------------------------------------------------------------------------

BULLETIN = """一、综合
全年国内生产总值1349084亿元，比上年增长5.0%。
二、农业
全年粮食种植面积11932万公顷，比上年增加35万公顷。
(一)粮食生产。全年粮食产量70650万吨，比上年增加1109万吨。
1.夏粮产量14989万吨。
2.秋粮产量52735万吨。
注释：
1.本公报中数据均为初步统计数据，各项统计数据均未包括香港特别行政区、澳门特别行政区和台湾省。
2.部分数据因四舍五入的原因，存在总计与分项合计不等的情况。
3.国内生产总值、三次产业及相关产业增加值绝对数按现价计算，增长速度按不变价格计算。"""


def test_the_notes_of_a_bulletin_are_a_section_of_their_own_and_their_numbers_not_headings():
    sections = find_sections(BULLETIN, "doc")
    assert [s.path for s in sections] == ["一", "二", "二/(一)", "二/(一)/1", "二/(一)/2", "注释"]
    notes = sections[-1]
    assert notes.level == 1 and notes.parent_id is None
    assert BULLETIN[notes.char_start:notes.char_end].startswith("注释：\n1.本公报中数据")
    assert notes.char_end == len(BULLETIN)  # to the end of the document
    assert sections[-2].char_end < notes.char_start  # 2.秋粮 ends before the notes


def test_a_note_followed_by_headings_is_text_of_its_heading():
    text = BULLETIN.replace("注释：\n1.本公报中数据", "注：1.本表中数据").split("\n2.部分数据")[0] + \
        "\n3.秋粮产量以外的其他粮食。\n三、工业\n全年全部工业增加值399103亿元。"
    assert paths(text) == ["一", "二", "二/(一)", "二/(一)/1", "二/(一)/2", "二/(一)/3", "三"]


# --- a list whose first item was lost --------------------------------------------------------


def test_a_list_may_start_at_two_when_the_next_heading_carries_it_on():
    lost = PLAN.replace("一、总体要求\n", "")  # the OCR dropped the first heading
    assert paths(lost)[:3] == ["二", "二/(一)", "二/(一)/1"]
    assert paths(lost)[-3:] == ["三", "三/(一)", "三/(二)"]


def test_a_stray_two_that_nothing_carries_on_is_text():
    text = """一、主要目标
到2027年，培育链主企业10家。
2.5万吨以上的冷库，按规定享受用地政策。
2.其他冷链设施参照执行。
(一)完善县域冷链集配网络。
二、重点任务"""
    assert paths(text) == ["一", "一/(一)", "二"]


def test_an_attachment_marked_fu_with_a_colon_ends_the_body():
    # 附：…计划表 under a 请示 (国办发〔1996〕32号) and 附：…分工表 under a ministry plan: an 附件 like any other
    text = ("为做好援藏办学工作,现提出如下意见。\n一、扩大招生规模\n从1996年起逐年扩招。\n"
            "二、加强领导\n(一)加强政府的责任。明确专人负责。\n(二)加强工作的领导。建立制度。\n"
            "附:内地西藏初中班(校)扩大招生计划表\n国家教委\n一九九六年五月十三日\n")
    sections = find_sections(text, "doc")
    assert [s.path for s in sections] == ["一", "二", "二/(一)", "二/(二)"]
    assert sections[-1].char_end == text.index("附:") - 1  # the line before it
