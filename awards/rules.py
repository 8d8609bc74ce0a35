"""A rule written out in Vietnamese words, for the poll page, the ballot paper and the minutes.

Pure: takes a `RuleSpec` (and the poll's subject and seats), returns sentences. The minutes must
state the rule that was applied, so the words come from the frozen numbers, never from code.

`unit` is how the papers name the group: "Khối" for a khối thi đua, "Cụm" for a cụm thi đua
(`unit_of(bloc)`), so a cụm's minutes read "tổng số thành viên của Cụm" and "Trưởng cụm".
"""

from fractions import Fraction

from awards.tally import RuleSpec

KHOI, CUM = "Khối", "Cụm"

# The words for a khối; `base_words`, `tie_words` and `subject_words` give a cụm's.
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
    "leaders": "Trưởng khối và Phó Trưởng khối quyết định",
}

SUBJECTS = {
    "award": "Đơn vị được đề nghị",
    "next_head": "Đơn vị được bầu làm Trưởng khối",
    "next_deputy": "Đơn vị được bầu làm Phó Trưởng khối",
    "tie_break": "Đơn vị được chọn",
}


def unit_of(bloc) -> str:
    """ "Cụm" for a cụm thi đua, "Khối" for a khối (and when the bloc is unknown)."""
    return CUM if getattr(bloc, "kind", "") == "cum" else KHOI


def for_unit(text: str, unit: str = KHOI) -> str:
    """A khối's wording said of `unit`: "… của Khối" → "… của Cụm", "Trưởng khối" →
    "Trưởng cụm"."""
    if unit == KHOI:
        return text
    return text.replace(KHOI, unit).replace(KHOI.lower(), unit.lower())


def base_words(base: str, unit: str = KHOI) -> str:
    """What a percentage is taken of: "tổng số thành viên của Cụm", "số phiếu hợp lệ"."""
    return for_unit(BASE_WORDS[base], unit)


def tie_words(rule_name: str, unit: str = KHOI) -> str:
    return for_unit(TIE_WORDS[rule_name], unit)


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


def threshold_sentence(rule: RuleSpec, *, kind: str = "award", unit: str = KHOI) -> str:
    """E.g. "Đơn vị được đề nghị phải đạt trên 50% tổng số thành viên của Khối đồng ý"."""
    subject = for_unit(SUBJECTS.get(kind, SUBJECTS["award"]), unit)
    if rule.threshold == 0:
        return f"{subject} là đơn vị có số phiếu đồng ý cao hơn"
    amount = fraction_words(rule.threshold)
    base = base_words(rule.base, unit)
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


def quorum_sentence(rule: RuleSpec, *, unit: str = KHOI) -> str:
    if rule.quorum == 0:
        return "Không yêu cầu số thành viên có mặt tối thiểu"
    return (
        f"Cuộc bỏ phiếu chỉ được tiến hành khi có từ {fraction_words(rule.quorum)} "
        f"{base_words('all_members', unit)} trở lên có mặt"
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


def fallback_words(rule: RuleSpec, unit: str = KHOI) -> str:
    """Who decides once the rounds run out (the chair when the rule names no one)."""
    return tie_words(rule.fallback_rule or "chair", unit)


def tie_sentence(rule: RuleSpec, *, unit: str = KHOI) -> str:
    # With a single round there is no runoff: the tie goes straight to the fallback decider.
    method = fallback_words(rule, unit) if rule.max_rounds == 1 else tie_words(rule.tie_rule, unit)
    return f"Trường hợp có nhiều đơn vị bằng phiếu nhau ở vị trí cuối cùng thì {method}"


def rounds_sentence(rule: RuleSpec, *, unit: str = KHOI) -> str:
    """E.g. "Bỏ phiếu tối đa 2 vòng; nếu vẫn bằng phiếu thì Trưởng khối và Phó Trưởng khối
    quyết định"; empty when the rule sets no round limit (or one round, said by the tie
    sentence)."""
    if rule.max_rounds is None or rule.max_rounds == 1:
        return ""
    return (
        f"Bỏ phiếu tối đa {rule.max_rounds} vòng; nếu vẫn bằng phiếu thì "
        f"{fallback_words(rule, unit)}"
    )


def describe(rule: RuleSpec, *, kind: str = "award", seats: int = 1, unit: str = KHOI) -> list[str]:
    """Every sentence of the rule, in the order the minutes print them."""
    sentences = [
        threshold_sentence(rule, kind=kind, unit=unit),
        seats_sentence(rule, seats),
        quorum_sentence(rule, unit=unit),
        marks_sentence(rule, seats),
        self_vote_sentence(rule),
        tie_sentence(rule, unit=unit),
        rounds_sentence(rule, unit=unit),
    ]
    return [sentence + "." for sentence in sentences if sentence]
