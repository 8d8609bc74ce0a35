"""A rule written out in Vietnamese words, for the poll page, the ballot paper and the minutes.

Pure: takes a `RuleSpec` (and the poll's subject and seats), returns sentences. The minutes must
state the rule that was applied, so the words come from the frozen numbers, never from code.
"""

from fractions import Fraction

from awards.tally import RuleSpec

BASE_WORDS = {
    "all_members": "tổng số thành viên của Khối",
    "present": "số thành viên có mặt",
    "returned": "số phiếu thu vào",
    "valid": "số phiếu hợp lệ",
}

TIE_WORDS = {
    "runoff": "bỏ phiếu lại giữa các đơn vị có số phiếu bằng nhau",
    "chair": "chủ trì hội nghị quyết định",
    "lot": "bốc thăm giữa các đơn vị có số phiếu bằng nhau",
}

SUBJECTS = {
    "award": "Đơn vị được đề nghị",
    "next_head": "Đơn vị được bầu làm Trưởng khối",
    "next_deputy": "Đơn vị được bầu làm Phó Trưởng khối",
    "tie_break": "Đơn vị được chọn",
}


def fraction_words(value: Fraction) -> str:
    """1/2 → "50%", 9/10 → "90%", 1/8 → "12,5%", 2/3 → "2/3"."""
    value = Fraction(value)
    scaled = value * 10000
    if scaled.denominator == 1:
        hundredths = int(scaled)
        whole, rest = divmod(hundredths, 100)
        if rest == 0:
            return f"{whole}%"
        return f"{whole},{rest:02d}".rstrip("0") + "%"
    return f"{value.numerator}/{value.denominator}"


def threshold_sentence(rule: RuleSpec, *, kind: str = "award") -> str:
    """E.g. "Đơn vị được đề nghị phải đạt trên 50% tổng số thành viên của Khối đồng ý"."""
    subject = SUBJECTS.get(kind, SUBJECTS["award"])
    if rule.threshold == 0:
        return f"{subject} là đơn vị có số phiếu đồng ý cao hơn"
    amount = fraction_words(rule.threshold)
    base = BASE_WORDS[rule.base]
    if rule.comparator == "gt":
        return f"{subject} phải đạt trên {amount} {base} đồng ý"
    return f"{subject} phải đạt từ {amount} {base} trở lên đồng ý"


def seats_sentence(rule: RuleSpec, seats: int) -> str:
    if seats == 1:
        return "Nếu có nhiều đơn vị đạt tỷ lệ trên, chọn đơn vị có số phiếu cao nhất"
    return (
        f"Nếu có hơn {seats} đơn vị đạt tỷ lệ trên, chọn {seats} đơn vị có số phiếu "
        "từ cao xuống thấp"
    )


def quorum_sentence(rule: RuleSpec) -> str:
    if rule.quorum == 0:
        return "Không yêu cầu số thành viên có mặt tối thiểu"
    return (
        f"Cuộc bỏ phiếu chỉ được tiến hành khi có từ {fraction_words(rule.quorum)} "
        "tổng số thành viên của Khối trở lên có mặt"
    )


def marks_sentence(rule: RuleSpec, seats: int) -> str:
    marks = rule.marks_allowed(seats)
    return (
        f"Mỗi phiếu được đánh dấu tối đa {marks} đơn vị; phiếu đánh dấu quá {marks} đơn vị "
        "hoặc đánh dấu trùng là phiếu không hợp lệ"
    )


def self_vote_sentence(rule: RuleSpec) -> str:
    if rule.self_vote_allowed:
        return "Đơn vị được bỏ phiếu cho chính đơn vị mình"
    return "Đơn vị không bỏ phiếu cho chính đơn vị mình"


def tie_sentence(rule: RuleSpec) -> str:
    return (
        "Trường hợp có nhiều đơn vị bằng phiếu nhau ở vị trí cuối cùng thì "
        f"{TIE_WORDS[rule.tie_rule]}"
    )


def describe(rule: RuleSpec, *, kind: str = "award", seats: int = 1) -> list[str]:
    """Every sentence of the rule, in the order the minutes print them."""
    return [
        threshold_sentence(rule, kind=kind) + ".",
        seats_sentence(rule, seats) + ".",
        quorum_sentence(rule) + ".",
        marks_sentence(rule, seats) + ".",
        self_vote_sentence(rule) + ".",
        tie_sentence(rule) + ".",
    ]
