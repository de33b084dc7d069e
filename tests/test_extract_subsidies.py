"""Subsidies: a policy's sentence in, one row per amount it gives."""
from __future__ import annotations

from pipeline.extract.subsidies import extract_subsidies
from tests.documents import document


def rows(text: str):
    return [(r.amount_yuan, r.rate, r.cap_yuan, r.tier) for r in extract_subsidies(document(text))]


def test_a_fixed_amount_and_its_kind():
    [row] = extract_subsidies(document("对首次认定的国家高新技术企业,给予20万元奖励。"))
    assert (row.amount_yuan, row.kind, row.beneficiary_condition, row.currency) == (200000, "奖励", "首次认定的国家高新技术企业", "CNY")


def test_a_cap_alone_and_a_threshold_that_is_a_condition():
    text = ("对生产性投入(不含土建)达到2000万元(含)以上的人工智能领域投资和技术改造项目,根据绩效综合评价分档给予补助,"
            "战略性新兴产业补助标准上浮5%,单个项目最高不超过1500万元。")
    assert rows(text) == [(None, 0.05, None, "战略性新兴产业"), (None, None, 15000000, None)]


def test_a_share_with_two_caps_is_two_rows_with_their_tiers():
    text = ("对新建项目投资额达到1000万元(含)以上、提升改造项目投资额达到500万元(含)以上的信息服务业项目,"
            "按照项目实际投资额(不含土地款)的5%给予一次性补助,新建项目最高不超过300万元、提升改造项目最高不超过150万元。")
    found = extract_subsidies(document(text))
    assert [(r.rate, r.cap_yuan, r.tier, r.rate_base) for r in found] == [
        (0.05, 3000000, "新建项目", "项目实际投资额(不含土地款)"),
        (0.05, 1500000, "提升改造项目", "项目实际投资额(不含土地款)")]


def test_two_rates_pair_with_two_caps_in_order():
    text = "对入选市级标杆项目和示范项目的,按项目数字化投入的3%和1.5%给予奖励,单个项目最高分别不超过10万元和3万元。"
    assert [(a, r, c) for a, r, c, _ in rows(text)] == [(None, 0.03, 100000), (None, 0.015, 30000)]


def test_one_cap_after_several_rates_limits_each():
    text = "按实际支付服务费用的50%予以抵扣,其中科技型中小企业按60%予以补助,单家企业每年最高不超过20万元。"
    assert [(a, r, c) for a, r, c, _ in rows(text)] == [(None, 0.5, 200000), (None, 0.6, 200000)]


def test_respectively_pairs_amounts_with_the_thresholds_they_answer():
    text = ("对年度营业收入首次达到2000万元、3000万元、1亿元的,且同比增速在10%(含)以上的企业,"
            "分别给予20万元、50万元、100万元奖励。")
    assert rows(text) == [(200000, None, None, "2000万元"), (500000, None, None, "3000万元"),
                          (1000000, None, None, "1亿元")]


def test_respectively_pairs_amounts_with_the_labels_before_it():
    text = "对新认定的国家级、省级制造业创新中心,分别给予300万元、150万元一次性奖励。"
    assert rows(text) == [(3000000, None, None, "国家级制造业创新中心"), (1500000, None, None, "省级制造业创新中心")]


def test_caps_of_a_respectively_list_share_the_first_ones_maximum():
    text = "数据产品全年交易额首次达到300万元、600万元、1000万元的,分别给予产品提供方最高15万元、25万元和35万元的奖励。"
    assert rows(text) == [(None, None, 150000, "300万元"), (None, None, 250000, "600万元"), (None, None, 350000, "1000万元")]


def test_a_second_grant_and_a_share_with_its_cap_in_one_clause():
    assert rows("对列入试点的牵头企业给予20万元奖励,通过验收后再给予30万元奖励。") == [
        (200000, None, None, None), (300000, None, None, None)]
    assert rows("每个项目按照不超过投资额30%的标准给予最高200万元的补助。") == [(None, 0.3, 2000000, None)]


def test_budgets_cost_sharing_and_unpriced_support_are_not_rows():
    assert rows("全市每年设立总额不超过5000万元的“算力券”,重点支持中小企业购买算力服务。") == []
    assert rows("对符合条件的重点项目给予贴息支持,所需资金由市、区县财政按1:1比例分担。") == []


def test_a_measure_carries_its_heading_and_responsible_units():
    d = document("一、支持政策\n(一)鼓励制造业投资。对符合条件的项目给予50万元奖励。(责任单位:市经信局、市财政局)")
    [row] = extract_subsidies(d, {"一/(一)": ("嘉兴市经济和信息化局", "嘉兴市财政局")})
    assert (row.section_path, row.measure, row.responsible_units) == (
        "一/(一)", "鼓励制造业投资", ("嘉兴市经济和信息化局", "嘉兴市财政局"))


def test_a_welfare_standard_is_money_paid_without_a_verb_that_pays():
    # gz 穗民规字〔2025〕2号: standards per person per month, one 分别 list after the list of districts
    assert rows("(一)全市城乡最低生活保障标准为每人每月1309元。") == [(1309, None, None, None)]
    text = ("黄埔区、番禺区、南沙区的城镇特困人员基本生活标准为每人每月2094.4元，"
            "其农村特困人员基本生活标准每人每月分别为2413元、2512元、2121元。")
    assert rows(text) == [(2094.4, None, None, None), (2413, None, None, "黄埔区"), (2512, None, None, "番禺区"),
                          (2121, None, None, "南沙区")]
    assert rows("孤儿基本生活费标准为：机构集中养育孤儿每人每月1800元，社会散居孤儿每人每月1200元。") == [
        (1800, None, None, None), (1200, None, None, None)]
    # a raised standard: the new value only
    assert rows("城市低保标准由每人每月850元提高到900元，农村低保标准由每人每月650元提高到700元。") == [
        (900, None, None, None), (700, None, None, None)]


def test_a_standard_that_is_not_money_paid_is_no_row():
    assert rows("(一)直辖市、省会(首府)城市、计划单列市以及国务院确定的其他城市，扣除标准为每月1500元；") == []  # govcn-032
    assert rows("城乡居民医保个人缴费标准提高到每人每年380元，财政补助标准提高到每人每年640元。") == [
        (640, None, None, None)]
    assert rows("对家庭人均收入低于每人每月1000元的困难家庭给予临时补助。") == []


def test_a_standard_capped_per_person_per_day():
    # gz 穗府办规〔2021〕19号
    text = "其中本市特困人员住院照料临时救助标准不超过240元/人/日,其他申请人住院照料临时救助标准不超过120元/人/日。"
    assert rows(text) == [(None, None, 240, None), (None, None, 120, None)]


def test_care_standards_set_at_an_amount_per_person():
    # 民政 notices state the 特困人员 care standards as what they are set at (a probe of 2026-12-07)
    text = "全自理、半护理、全护理特困人员照料护理标准分别按照每人每月不低于100元、400元、800元执行。"
    assert [a for a, *_ in rows(text)] == [100, 400, 800]
    assert rows("特困人员照料护理标准按照每人每月不低于400元执行。") == [(400, None, None, None)]


def test_a_cap_on_the_amount_of_a_welfare_payment():
    # GOLD: welfare caps are subsidies (a probe of 2026-12-07: 民政 临时救助 rules)
    assert rows("对急难型临时救助，可由乡镇（街道）先行救助，单次救助金额原则上不超过5000元。") == [(None, None, 5000, None)]


def test_amounts_and_caps_each_given_respectively_pair_in_order():
    # as GOLD's 3%和1.5%…分别不超过10万元和3万元, for amounts per unit (a probe of 2026-12-07: talent housing)
    text = ("对在我县首次购买新建商品住房的全日制博士研究生、硕士研究生,分别按每平方米500元、300元的标准给予购房补贴,"
            "最高分别不超过10万元、6万元。")
    assert rows(text) == [(500, None, 100000, "全日制博士研究生"), (300, None, 60000, "硕士研究生")]


def test_penalties_and_transfers_between_governments_are_no_rates():
    # the closing articles of a subsidy 办法, and a province's share of its cities' costs (a probe of 2026-12-07)
    assert rows("对骗取补贴资金的,追回补贴资金,并依照《财政违法行为处罚处分条例》处以骗取金额10%以上50%以下罚款。") == []
    assert rows("违反协议的,按补贴资金的20%收取违约金。") == []
    assert rows("省级财政对各地提标所需资金,按照一类地区80%、二类地区60%、三类地区40%的比例给予补助。") == []
    assert rows("中央财政对中西部地区按照80%的比例给予补助。") == []
    assert rows("省级财政对国家乡村振兴重点帮扶县按照90%、其他县（市、区）按照70%的比例给予补助。") == []
    assert rows("县财政对县级龙头企业按投资额的10%给予补助。") == [(None, 0.1, None, None)]
    assert rows("对贫困地区企业按投资额的10%给予补助。") == [(None, 0.1, None, None)]  # an enterprise is paid


def test_allowances_paid_out_enjoyed_or_added():
    # welfare and talent rules pay with 发放/享受/增发 (a probe of 2026-12-07)
    text = "对80至89周岁、90至99周岁、100周岁及以上老年人,分别按每人每月不低于50元、100元、300元的标准发放高龄津贴。"
    assert [a for a, *_ in rows(text)] == [50, 100, 300]
    assert rows("符合条件的人才可享受每人每年2000元的交通补贴。") == [(2000, None, None, None)]
    assert rows("对低保家庭中的重度残疾人,每人每月增发50元。") == [(50, None, None, None)]


def test_the_new_value_of_a_raised_allowance():
    # 由…提高到…: the former value is no row, the new one is (a probe of 2026-12-07: 残疾人两项补贴)
    assert rows("重度残疾人护理补贴由每人每月不低于80元提高到110元。") == [(110, None, None, None)]
    assert rows("城市低保标准由每人每月不低于560元提高到不低于600元。") == [(600, None, None, None)]


def test_a_threshold_and_its_award_in_one_clause():
    # 分档 awards printed without a comma after the threshold (a probe of 2026-12-07)
    assert rows("对年营业收入首次达到1亿元的奖励11万元,达到5亿元的奖励31万元。") == [
        (110000, None, None, None), (310000, None, None, None)]


def test_the_caps_of_items_after_a_semicolon_limit_the_rate_before_them():
    # the 农机购置补贴 notices of every province (a probe of 2026-12-07); GOLD pairs a rate with its caps
    text = ("农机购置补贴按不超过该档次产品上年平均销售价格的30%测算,单机补贴额不超过5万元;"
            "挤奶机械、烘干机单机补贴额不超过12万元;大型联合收割机单机补贴额不超过30万元。")
    assert [(r, c) for _, r, c, _ in rows(text)] == [(0.3, 50000), (0.3, 120000), (0.3, 300000)]
    assert [(r, c) for _, r, c, _ in rows("按项目投资额的10%给予补助,单个项目最高不超过107万元;其中列入省重点的,最高不超过207万元。")] == [
        (0.1, 1070000), (0.1, 2070000)]
    # an amount's sentence carries no rate
    assert rows("对新认定的企业给予10万元奖励;对复审通过的企业,最高不超过5万元。") == [
        (100000, None, None, None), (None, None, 50000, None)]


def test_a_standard_listed_by_class_after_a_colon():
    # 奖励标准：国家级…，省级…: each class's amount (a probe of 2026-12-07)
    assert [a for a, *_ in rows("奖励标准：国家级101万元，省级51万元，市级21万元。")] == [1010000, 510000, 210000]


def test_a_standard_set_as_a_share_of_another():
    # 民政 notices set one standard as a share of another (a probe of 2026-12-07)
    [row] = extract_subsidies(document("农村低保标准按城市低保标准的70%确定。"))
    assert (row.rate, row.rate_base) == (0.7, "城市低保标准")
    assert rows("城乡居民基本养老保险缴费标准按上年度收入的8%确定。") == []  # what is paid in, not out


def test_the_items_of_a_list_of_standards_after_a_semicolon():
    text = "高龄津贴标准：80至89周岁老年人每人每月100元；90至99周岁每人每月200元；100周岁以上每人每月500元。"
    assert [a for a, *_ in rows(text)] == [100, 200, 500]


def test_amounts_per_unit_and_an_amount_with_its_total_cap_in_one_sentence():
    assert rows("对新发展的500亩以上的中药材种植基地和道地药材基地，一次性奖励企业200元/亩。") == [
        (200, None, None, None)]  # liuhe-chanye
    text = ("并根据两年共接收就业见习人员的数量，按200元/人的标准给予补贴，补贴总额最高不超过50000元，"
            "用于对见习人员的指导、培训等。")  # gz 穗人社规字〔2019〕6号
    assert rows(text) == [(200, None, 50000, None)]
    text = ("每成功推荐1个港澳青年企业在基地登记注册，且该港澳青年企业后续经营满1年的，给予1万元奖励，"
            "同一服务机构的奖励额度每年最高不超过10万元。")  # gz 穗天科工信规字〔2023〕1号
    assert rows(text) == [(10000, None, 100000, None)]
    assert rows("对租用办公用房的，按每平方米每月30元的标准给予租金补贴，每年最高补贴50万元。") == [
        (30, None, 500000, None)]


def test_shares_of_a_wage_or_a_standard():
    text = "经核实后，根据见习期限，由市财政按本市最低工资标准的50%核拨经费补贴，每月按22个工作日计算。"
    [row] = extract_subsidies(document(text))  # gz 穗人社规字〔2019〕6号
    assert (row.rate, row.rate_base, row.cap_yuan) == (0.5, "本市最低工资标准", None)
    [row] = extract_subsidies(document("就业见习补贴标准为当地最低工资标准的70%。"))
    assert (row.rate, row.rate_base) == (0.7, "当地最低工资标准")
    assert rows("返还比例最高不超过企业及其职工上年度实际缴纳失业保险费的60%。") == [(None, 0.6, None, None)]


def test_shares_given_without_a_base_word_take_their_caps():
    # liuhe-chanye: two shares, one yearly cap, the base from the clause before
    text = "自认定当年起，按其年度地方经济贡献额给予五年奖励，其中前三年给予80%的奖励，后两年给予50%的奖励，每年最高奖励不超过5000万元。"
    found = extract_subsidies(document(text))
    assert [(r.rate, r.cap_yuan, r.rate_base) for r in found] == [
        (0.8, 50000000, "其年度地方经济贡献额"), (0.5, 50000000, "其年度地方经济贡献额")]
    # gz 穗天科工信规字〔2023〕1号: X的50%予以补贴, and its cap per year
    text = ("对其入驻天河区行政区域内港澳青年创新创业孵化载体期间实际发生的场地租金总额的50%予以租金补贴，"
            "每个企业租金补贴每年不超过5万元、补贴期限最长不超过3年。")
    [row] = extract_subsidies(document(text))
    assert (row.rate, row.cap_yuan, row.rate_base) == (0.5, 50000, "场地租金总额")
    assert rows("对上述医药品种剂型引进，投产达效后，给予企业引进成本不低于10%的资金支持。") == [(None, 0.1, None, None)]


def test_grades_each_in_their_own_clause_are_tiers():
    text = "被评为五星级的给予10万元，四星级的给予5万元，三星级的给予3万元，二星级的给予2万元，一星级的给予1万元。"
    assert [(a, t) for a, _, _, t in rows(text)] == [  # gz 穗府办规〔2022〕13号
        (100000, "五星级"), (50000, "四星级"), (30000, "三星级"), (20000, "二星级"), (10000, "一星级")]


def test_respectively_answers_the_last_items_of_a_list_or_quoted_names():
    text = ("被党委、政府及其统战、台港澳事务、科技、人社部门评定为国家级、省级、市级港澳青年创新创业孵化载体的"
            "天河区行政区域内创新创业孵化载体，分别给予每家80万元、30万元、20万元一次性配套建设支持。")
    assert [t for *_, t in rows(text)] == [  # gz 穗天科工信规字〔2023〕1号
        "国家级港澳青年创新创业孵化载体", "省级港澳青年创新创业孵化载体", "市级港澳青年创新创业孵化载体"]
    text = "对实现“小升规”“规改股”“股上市”三个梯度发展目标的港澳青年企业分别给予10万元、20万元和50万元的一次性奖励支持。"
    assert rows(text) == [(100000, None, None, "小升规"), (200000, None, None, "规改股"), (500000, None, None, "股上市")]
    text = "对初次认定为国家、省级企业技术(研发)中心的企业，分别给予企业100万元、30万元奖励。"  # liuhe-chanye
    assert [t for *_, t in rows(text)] == ["国家企业技术(研发)中心", "省级企业技术(研发)中心"]


def test_a_cap_on_a_beneficiarys_sum_stands_beside_per_item_caps():
    text = "分别按项目投资额的3%和1.5%给予奖励,单个项目最高分别不超过10万元和3万元,每家每年累计不超过100万元。"
    assert [(a, r, c) for a, r, c, _ in rows(text)] == [(None, 0.03, 100000), (None, 0.015, 30000), (None, None, 1000000)]
    assert rows("每家企业每年补助总额不超过500万元。") == [(None, None, 5000000, None)]
    assert rows("对新购置新能源公交车的，按每辆车5万元给予补贴，每家企业年度补贴总额不超过200万元。") == [
        (50000, None, 2000000, None)]


def test_fines_cost_sharing_thresholds_and_budgets_are_not_rows():
    text = "专利代理机构有下列行为之一的，由省、自治区、直辖市人民政府管理专利工作的部门责令限期改正，予以警告，可以处10万元以下的罚款；"
    assert rows(text) == []  # govcn-058
    text = "有条件的地方可对单户担保金额500万元及以下、平均担保费率不超过1%的担保业务给予适当担保费补贴。"
    assert rows(text) == []  # govcn-002
    assert rows("补助资金由市、区两级财政各承担50%，对符合条件的项目给予补助。") == []
    assert rows("每年安排不超过2000万元资金，对符合条件的企业给予补助。") == []
    assert rows("2023年全市共发放各类补贴资金3.5亿元，惠及企业1200家。") == []
