"""Responsible units: the lists that close tasks (labelled or not, parentheses or sentences) in, one row per unit."""
from __future__ import annotations

from pipeline.extract.responsibility import canonical_unit, extract_responsible_units, split_units
from tests.documents import document

PLAN = (
    "一、重点任务\n"
    "(一)明确空间布局。构建都市型工业园区。(责任单位:市自然资源和规划局)\n"
    "(二)创新土地供给。盘活存量工业用地。(责任单位:市经信局、市发展改革委,排序在第一位的为牵头单位,下同;"
    "南湖区政府、秀洲区政府,嘉兴经济技术开发区均为责任主体,不再列出)\n"
    "(三)加强人才支撑。引育人才。(责任部门:市委组织部〔市委人才办〕、市人力社保局、各县〔市、区〕政府等相关部门)\n"
)


def table(text: str, **fields):
    return [(r.section_path, r.unit_raw, r.position, r.is_lead, r.is_implicit)
            for r in extract_responsible_units(document(text, **fields))]


def test_units_leads_and_implicit_units_of_a_plan():
    assert table(PLAN) == [
        ("一/(一)", "市自然资源和规划局", 1, False, False),  # before the lead rule: no lead
        ("一/(二)", "市经信局", 1, True, False),
        ("一/(二)", "市发展改革委", 2, False, False),
        ("一/(二)", "南湖区政府", 3, False, True),
        ("一/(二)", "秀洲区政府", 4, False, True),
        ("一/(二)", "嘉兴经济技术开发区", 5, False, True),
        ("一/(三)", "市委组织部〔市委人才办〕", 1, True, False),  # 下同: the rule holds on
        ("一/(三)", "市人力社保局", 2, False, False),
        ("一/(三)", "各县〔市、区〕政府", 3, False, False),  # 等相关部门 dropped
        ("一/(三)", "南湖区政府", 4, False, True),
        ("一/(三)", "秀洲区政府", 5, False, True),
        ("一/(三)", "嘉兴经济技术开发区", 6, False, True),
    ]


def test_units_named_for_later_tasks_are_explicit_here_and_implicit_after():
    text = ("1.加大项目招引。(责任单位：市商务局、市发展改革委，各县(市、区)人民政府，以下均需各县(市、区)人民政府落实，不再列出。"
            "列第一位的为牵头单位，下同)\n2.加快平台建设。(责任单位：市经信局)")
    assert table(text) == [
        ("1", "市商务局", 1, True, False), ("1", "市发展改革委", 2, False, False),
        ("1", "各县(市、区)人民政府", 3, False, False),
        ("2", "市经信局", 1, True, False), ("2", "各县(市、区)人民政府", 2, False, True)]


def test_square_brackets_a_collective_area_phrase_and_a_sole_unit_as_lead():
    text = ("(一)强化算力供给。[责任单位:市经信局、市财政局,各区、县(市)政府。以下均需各区、县(市)政府落实,不再列出。"
            "列第一位的为牵头单位,下同。]\n(二)推进城市治理。(责任单位:市数据局)")
    rows = table(text)
    assert [r[1] for r in rows if not r[4]] == ["市经信局", "市财政局", "各区、县(市)政府", "市数据局"]
    assert rows[-2] == ("(二)", "市数据局", 1, True, False)


def test_a_lead_named_by_its_label():
    assert table("(一)推进改革。(牵头单位:市发改委;配合单位:市经信局、市财政局)") == [
        ("(一)", "市发改委", 1, True, False), ("(一)", "市经信局", 2, False, False), ("(一)", "市财政局", 3, False, False)]


def test_split_keeps_brackets_with_their_unit():
    assert split_units("市委组织部〔市委人才办〕、各县〔市、区〕政府,国网嘉兴供电公司;市数据局等") == [
        "市委组织部〔市委人才办〕", "各县〔市、区〕政府", "国网嘉兴供电公司", "市数据局"]


def test_canonical_names_use_the_issuers_city():
    assert canonical_unit("市经信局", "嘉兴市", "浙江省") == "嘉兴市经济和信息化局"
    assert canonical_unit("市发改委", "杭州市", None) == "杭州市发展和改革委员会"
    assert canonical_unit("市财政局", "嘉兴市", None) == "嘉兴市财政局"  # not in the table: 市 spelled out
    assert canonical_unit("市委组织部〔市委人才办〕", "嘉兴市", None) == "中共嘉兴市委组织部〔市委人才办〕"
    assert canonical_unit("省经信厅", None, "浙江省") == "浙江省经济和信息化厅"
    assert canonical_unit("国网嘉兴供电公司", "嘉兴市", None) == "国网嘉兴供电公司"
    assert canonical_unit("市经信局", None, None) == "市经信局"  # no city known: as written


def test_every_unit_row_points_at_its_parenthesis():
    d = document(PLAN)
    for row in extract_responsible_units(d):
        p = row.provenance
        assert d.text[p.char_start:p.char_end] == p.evidence and p.evidence.startswith("(责任")


# --- State Council and provincial forms ---------------------------------------------------------------

CENTRAL = {"title": "国务院办公厅关于深入开展消费扶贫助力打赢脱贫攻坚战的指导意见", "issuer": "国务院办公厅"}


def rows_of(text: str, **fields):
    """(path, unit_raw, is_lead) of the written units."""
    return [(r.section_path, r.unit_raw, r.is_lead)
            for r in extract_responsible_units(document(text, **{**CENTRAL, **fields})) if not r.is_implicit]


def test_a_labelled_list_ends_where_its_scope_begins():
    # 国发〔2018〕38号 (govcn-057): the 适用范围 part names where a measure applies, not who is in charge
    text = ("一、营造优良投资环境\n"
            "(一)借鉴北京市服务业扩大开放综合试点经验，放宽人才中介机构限制。(负责部门：人力资源社会保障部、住房城乡建设部、"
            "商务部；适用范围：所有自贸试验区，以下除标注适用于特定自贸试验区的措施外，适用范围均为所有自贸试验区)\n"
            "(二)加强顶层设计，探索创新石油储备模式。(负责部门：发展改革委、粮食和储备局，适用范围：浙江自贸试验区)\n"
            "(三)推动使用人民币计价、结算。(负责部门：人民银行等部门，适用范围：浙江自贸试验区)\n"
            "(四)推进改革。(牵头单位：省发展改革委；配合单位：省财政厅、省自然资源厅；完成时限：2024年底前)\n")
    assert rows_of(text) == [
        ("一/(一)", "人力资源社会保障部", False), ("一/(一)", "住房城乡建设部", False), ("一/(一)", "商务部", False),
        ("一/(二)", "发展改革委", False), ("一/(二)", "粮食和储备局", False),
        ("一/(三)", "人民银行", False),  # 等部门 dropped
        ("一/(四)", "省发展改革委", True), ("一/(四)", "省财政厅", False), ("一/(四)", "省自然资源厅", False)]


def test_an_unlabelled_parenthesis_that_closes_a_task():
    # 国办发〔2018〕129号 (govcn-009): `等` ends the ministries, `和` joins the provincial governments
    text = ("一、动员社会各界扩大贫困地区产品和服务消费\n"
            "(一)推动各级机关和国有企事业单位等带头参与消费扶贫。鼓励有关部队积极参与消费扶贫。(扶贫办、中央统战部、"
            "中央和国家机关工委、教育部、全国总工会等和各省级人民政府负责)\n"
            "(二)拓展销售途径。扩大电子商务进农村综合示范覆盖面。(商务部、工业和信息化部、文化和旅游部、粮食和储备局、"
            "供销合作总社等和各有关省级人民政府负责)\n")
    assert rows_of(text) == [
        ("一/(一)", "扶贫办", False), ("一/(一)", "中央统战部", False), ("一/(一)", "中央和国家机关工委", False),
        ("一/(一)", "教育部", False), ("一/(一)", "全国总工会", False), ("一/(一)", "各省级人民政府", False),
        ("一/(二)", "商务部", False), ("一/(二)", "工业和信息化部", False), ("一/(二)", "文化和旅游部", False),
        ("一/(二)", "粮食和储备局", False), ("一/(二)", "供销合作总社", False), ("一/(二)", "各有关省级人民政府", False)]


def test_the_verbs_of_an_unlabelled_list_mark_leads_partners_and_co_leads():
    text = ("一、强化组织实施\n"
            "(一)加强市场监管。(市场监管总局牵头，公安部、商务部参与)\n"
            "(二)完善标准体系。(国家标准委指导，各省级人民政府参与)\n"
            "(三)健全协调机制。(国家发展改革委、财政部牵头负责)\n"
            "(四)开展试点示范。(人力资源社会保障部牵头，财政部、税务总局配合，2019年底前完成)\n"
            "(五)强化督促落实。(中央网信办、工业和信息化部、公安部按职责分工负责，持续推进)\n"
            "(六)做好政策衔接。(教育部、财政部等部门和各省、自治区、直辖市人民政府按职责分工负责)\n")
    assert rows_of(text) == [
        ("一/(一)", "市场监管总局", True), ("一/(一)", "公安部", False), ("一/(一)", "商务部", False),
        ("一/(二)", "国家标准委", False), ("一/(二)", "各省级人民政府", False),  # 指导 is not 牵头
        ("一/(三)", "国家发展改革委", True), ("一/(三)", "财政部", True),  # co-leads
        ("一/(四)", "人力资源社会保障部", True), ("一/(四)", "财政部", False), ("一/(四)", "税务总局", False),
        ("一/(五)", "中央网信办", False), ("一/(五)", "工业和信息化部", False), ("一/(五)", "公安部", False),
        ("一/(六)", "教育部", False), ("一/(六)", "财政部", False), ("一/(六)", "各省、自治区、直辖市人民政府", False)]


def test_a_parenthesis_that_names_no_body_is_no_list():
    text = ("一、总体要求\n"
            "(一)建设自由贸易试验区(以下简称自贸试验区)是重大举措。\n"
            "(二)允许外商投资工程设计(工程勘察除外)企业参与(含中央和地方项目)。\n"
            "(三)建立部际联席会议(多部门参与)。\n"
            "(四)所需资金(费用由项目单位负责)。落实主体责任(党政主要负责同志负责)。\n"
            "(五)支持龙头企业(如中国移动、中国电信等)发挥作用。支持试点(国家发展改革委负责)的地区先行先试。\n")
    assert rows_of(text) == []


def test_and_splits_only_after_etc_or_between_whole_bodies():
    assert split_units("中央和国家机关工委、文化和旅游部、住房和城乡建设部、全国总工会等和各省级人民政府") == [
        "中央和国家机关工委", "文化和旅游部", "住房和城乡建设部", "全国总工会", "各省级人民政府"]
    assert split_units("教育部、财政部和人力资源社会保障部") == ["教育部", "财政部", "人力资源社会保障部"]
    assert split_units("中央网信办和工业和信息化部") == ["中央网信办", "工业和信息化部"]
    assert split_units("各有关部门和单位") == ["各有关部门和单位"]  # a collective subject is one unit
    assert split_units("国家发展改革委会同有关部门") == ["国家发展改革委", "有关部门"]


def test_a_sentence_at_a_tasks_end_that_assigns_it():
    text = ("一、重点任务\n"
            "(一)完善标准。制定消费扶贫产品标准。由国家发展改革委会同有关部门负责。\n"
            "(二)加强宣传。开展多种形式的宣传推介。由省发展改革委牵头，省财政厅、省自然资源厅配合。\n"
            "(三)建立工作专班。由市经信局牵头，统筹推进重大事项。\n"  # a duty sentence: its task goes on
            "(四)附则。本办法由市科技局负责解释。\n")
    assert rows_of(text) == [
        ("一/(一)", "国家发展改革委", False), ("一/(一)", "有关部门", False),  # 会同 marks no lead
        ("一/(二)", "省发展改革委", True), ("一/(二)", "省财政厅", False), ("一/(二)", "省自然资源厅", False)]


def test_lead_rules_in_the_words_state_council_documents_use():
    text = ("一、重点任务\n"
            "(一)优化税收服务。(税务总局负责)\n"  # before the rule: no lead
            "(二)推进产业升级。(工业和信息化部、发展改革委、科技部等负责。列第一位者为牵头单位，下同)\n"
            "(三)扩大有效投资。(商务部负责)\n"  # a sole unit after the rule leads
            "(四)便利通关。(海关总署、财政部参与，税务总局牵头)\n")  # marked 牵头 wherever it stands
    assert rows_of(text) == [
        ("一/(一)", "税务总局", False),
        ("一/(二)", "工业和信息化部", True), ("一/(二)", "发展改革委", False), ("一/(二)", "科技部", False),
        ("一/(三)", "商务部", True),
        ("一/(四)", "海关总署", True), ("一/(四)", "财政部", False), ("一/(四)", "税务总局", True)]
    once = ("一、重点任务\n(一)优化税收服务。(税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门)\n"
            "(二)扩大有效投资。(商务部、发展改革委负责)\n")  # without 下同 the rule holds in its list only
    assert [lead for _, _, lead in rows_of(once)] == [True, False, False, False, False]
    stated_before = ("各项任务中列第一位的为牵头单位。\n一、重点任务\n(一)扩大有效投资。(商务部、发展改革委负责)\n")
    assert rows_of(stated_before) == [("一/(一)", "商务部", True), ("一/(一)", "发展改革委", False)]


def test_central_short_forms_are_spelled_out_in_central_documents_only():
    central = extract_responsible_units(document("(一)扩大消费。(发展改革委、人民银行、统计局负责)\n", **CENTRAL))
    assert [r.unit for r in central] == ["国家发展和改革委员会", "中国人民银行", "国家统计局"]
    local = extract_responsible_units(document("(一)扩大消费。(统计局、国家发展改革委负责)\n",
                                               title="柳河县人民政府关于加快重点产业发展的实施意见", issuer="柳河县人民政府"))
    assert [r.unit for r in local] == ["统计局", "国家发展和改革委员会"]  # a county's 统计局 is its own


def test_a_citys_own_name_applies_in_that_city_only():
    assert canonical_unit("市数据资源局", "杭州市", None) == "杭州市数据资源管理局"
    assert canonical_unit("市数据资源局", "合肥市", None) == "合肥市数据资源局"
    assert canonical_unit("市建设局", "嘉兴市", None) == "嘉兴市建设局"  # 嘉兴 kept the name 建设局


def test_a_list_in_an_article_has_the_articles_path():
    text = ("第一章 总则\n第一条 为加强管理，制定本办法。\n第二章 职责分工\n"
            "第二条 建立联席会议制度，统筹协调重大事项。(民政部牵头，财政部、人力资源社会保障部参与)\n")
    assert rows_of(text) == [("第二章/第二条", "民政部", True), ("第二章/第二条", "财政部", False),
                             ("第二章/第二条", "人力资源社会保障部", False)]


def test_units_that_carry_a_task_out_after_the_lead():
    # Sichuan, Hubei and Hunan city plans: the lead, then the governments that 落实 (a probe of 2026-12-07)
    assert table("1.加快工业互联网平台建设。(省经济和信息化厅牵头,各市(州)人民政府落实)") == [
        ("1", "省经济和信息化厅", 1, True, False), ("1", "各市(州)人民政府", 2, False, False)]
    assert table("1.推进试点。(市科技局牵头,市经信局、市财政局具体落实)") == [
        ("1", "市科技局", 1, True, False), ("1", "市经信局", 2, False, False), ("1", "市财政局", 3, False, False)]
    assert table("1.开展评估。(市发展改革委牵头,各区政府组织实施)") == [
        ("1", "市发展改革委", 1, True, False), ("1", "各区政府", 2, False, False)]


def test_departments_named_by_their_field():
    # ministry and 民政 notices name departments by their field, with no 各/有关 before them
    assert table("(一)加强资金保障。(地方各级财政部门、工业和信息化主管部门按职责分工负责)") == [
        ("(一)", "地方各级财政部门", 1, False, False), ("(一)", "工业和信息化主管部门", 2, False, False)]
    assert table("(一)规范市场秩序。(省民政厅牵头,公安机关、市场监管部门配合)") == [
        ("(一)", "省民政厅", 1, True, False), ("(一)", "公安机关", 2, False, False), ("(一)", "市场监管部门", 3, False, False)]
    # fields that share the ending after them are one collective unit (GOLD: either reading)
    assert table("(一)落实补助。(各级民政、财政部门按职责分工负责)") == [("(一)", "各级民政、财政部门", 1, False, False)]
    # one character before 部门 names no body: no list
    assert table("(一)形成合力。(多部门参与)") == []


def test_a_labelled_line_of_its_own_under_a_task():
    text = ("(一)推进企业数字化改造。\n1.实施中小企业数字化赋能行动,推动企业上云用数赋智。\n"
            "责任单位:省经济和信息化厅、省财政厅、各市(州)人民政府\n"
            "2.支持企业申报。\n实施主体:符合条件的企业\n")
    assert table(text) == [("(一)/1", "省经济和信息化厅", 1, False, False), ("(一)/1", "省财政厅", 2, False, False),
                           ("(一)/1", "各市(州)人民政府", 3, False, False)]  # 符合条件的企业 is no body


def test_a_sentence_that_assigns_the_task_and_says_what_to_do():
    # county policies close an item with 由XX会同YY负责<a verb> (a probe of 2026-12-07)
    text = "(一)兑现奖补资金。对认定的企业给予奖励。由县工业和信息化局会同县财政局负责兑现。\n"
    assert table(text) == [("(一)", "县工业和信息化局", 1, False, False), ("(一)", "县财政局", 2, False, False)]
    # an explanation clause names no list
    assert table("(一)附则。本办法由县工业和信息化局负责解释。\n") == []
    assert table("(一)附则。本办法自印发之日起施行。由县财政局、县农业农村局负责解释。\n") == []


def test_a_task_division_table_gives_each_row_its_units():
    # a 重点任务分工表 as an 附件, rows of tab-separated cells (a probe of 2026-12-07: State Council and ministry plans)
    text = ("一、重点任务\n(一)完善回收网络。合理布局回收网点。\n"
            "附:加快推动废旧物资循环利用重点任务分工表\n"
            "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
            "1\t完善废旧物资回收网络\t商务部\t国家发展改革委、自然资源部\t2025年12月底前\n"
            "2\t推进耐用消费品以旧换新\t商务部、国家发展改革委\t工业和信息化部\t2024年12月底前\n"
            "3\t加强环境监管\t生态环境部\t\t持续推进\n"
            "4\t完善统计制度\t国家统计局\t国家发展改革委、商务部等有关部门\t2024年12月底前\n")
    assert table(text) == [
        ("1", "商务部", 1, True, False), ("1", "国家发展改革委", 2, False, False), ("1", "自然资源部", 3, False, False),
        ("2", "商务部", 1, True, False), ("2", "国家发展改革委", 2, True, False), ("2", "工业和信息化部", 3, False, False),
        ("3", "生态环境部", 1, True, False),
        ("4", "国家统计局", 1, True, False), ("4", "国家发展改革委", 2, False, False), ("4", "商务部", 3, False, False)]
    [first] = [r for r in extract_responsible_units(document(text)) if r.unit_raw == "自然资源部"]
    assert first.task == "完善废旧物资回收网络"


def test_a_table_without_unit_columns_names_no_units():
    text = "附:扩大招生计划表\n省(市)\t1995年招生人数\t扩招\n江苏\t100\t100\n上海\t105\t70\n"
    assert table(text) == []


def test_held_out_forms_of_unit_lists():
    # found on a held-out probe (2026-12-07): 应急 is no modal 应; a rule in brackets after the last unit;
    # a longer subject before 由
    assert table("(一)强化安全保障。(省应急管理厅、省消防救援总队、省能源局按职责分工负责)") == [
        ("(一)", "省应急管理厅", 1, False, False), ("(一)", "省消防救援总队", 2, False, False), ("(一)", "省能源局", 3, False, False)]
    text = "(一)完善路网。\n责任单位:市发展改革委,市交通运输局,各区县(市)人民政府(列第一位的为牵头单位,下同)\n"
    assert [(u, lead) for _, u, _, lead, _ in table(text)] == [
        ("市发展改革委", True), ("市交通运输局", False), ("各区县(市)人民政府", False)]
    text = "(一)建立工作专班。统筹推进重点工作。工作专班日常工作由省发展改革委会同省经济和信息化厅、省能源局负责。\n"
    assert [u for _, u, *_ in table(text)] == ["省发展改革委", "省经济和信息化厅", "省能源局"]
