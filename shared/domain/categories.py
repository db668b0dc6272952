"""Classification (R7): complaint types and report categories.

Report categories include the nine kinds of harmful information listed in the last seed policy
(用户举报和投诉处理制度), plus infringement, fraud, privacy, harassment and other.
"""
from __future__ import annotations

from .cases import Kind

COMPLAINT_TYPES = (
    "service",
    "product_quality",
    "technical",
    "staff_conduct",
    "billing",
    "privacy",
    "other",
)

HARMFUL_INFORMATION = (
    "harmful_resisting_law",  # 一、煽动抗拒、破坏宪法和法律、行政法规实施的
    "harmful_subversion",  # 二、煽动颠覆国家政权、推翻社会主义制度的
    "harmful_separatism",  # 三、煽动分裂国家、破坏国家统一的
    "harmful_ethnic_hatred",  # 四、煽动民族仇恨、民族歧视，破坏民族团结的
    "harmful_rumours",  # 五、捏造或者歪曲事实，散布谣言，扰乱社会秩序的
    "harmful_obscenity_violence",  # 六、宣扬封建迷信、淫秽、色情、赌博、暴力、凶杀、恐怖，教唆犯罪的
    "harmful_defamation",  # 七、公然侮辱他人或者捏造事实诽谤他人的
    "harmful_damaging_site",  # 八、损害网站形象和网站利益的
    "harmful_other_illegal",  # 九、其他违反宪法和法律、行政法规的
)

REPORT_CATEGORIES = HARMFUL_INFORMATION + (
    "infringement",
    "fraud",
    "privacy",
    "harassment",
    "other",
)

CATEGORIES = {Kind.COMPLAINT: COMPLAINT_TYPES, Kind.REPORT: REPORT_CATEGORIES}


def is_valid_category(kind: Kind, category: str) -> bool:
    return category in CATEGORIES[kind]
