"""One policy, one policy_id, whichever input it was read from."""
from __future__ import annotations

from pipeline.segment.policy import is_listing, policy_id


def test_copies_of_one_document_share_its_policy_id():
    pdf = policy_id("嘉政发〔2024〕19号", "嘉兴市人民政府关于公布2023年度嘉兴市市长质量奖获奖单位的通知", "嘉兴市人民政府")
    text = policy_id("嘉政发〔2024〕19号", "嘉兴市人民政府关于公布 2023年度嘉兴市市长质量奖获奖单位的通知", None)
    assert pdf == text  # the 文号 decides; a copy without the issuer read is the same policy


def test_without_a_doc_number_the_title_and_issuer_decide_whatever_the_punctuation():
    site = policy_id(None, "嘉兴市推进“人工智能+”行动计划（2025—2027年）", "嘉兴市人民政府办公室")
    mirror = policy_id(None, "嘉兴市推进\"人工智能+\"行动计划(2025-2027年)", "嘉兴市人民政府办公室")
    assert site == mirror
    assert site != policy_id(None, "嘉兴市推进“人工智能+”行动计划（2025—2027年）", "杭州市人民政府办公厅")


def test_an_interpretation_belongs_to_the_policy_it_explains():
    notice = policy_id("嘉政办发〔2024〕25号", "嘉兴市人民政府办公室关于印发嘉兴市推动人工智能高质量发展实施方案的通知", None)
    reading = policy_id(None, "《嘉兴市人民政府办公室关于印发嘉兴市推动人工智能高质量发展实施方案的通知》政策解读", None,
                        interprets_doc_number="嘉政办发〔2024〕25号")
    assert reading == notice


def test_a_monthly_list_of_documents_is_a_listing_not_a_policy():
    assert is_listing("发文目录")
    assert not is_listing("通知") and not is_listing(None)
