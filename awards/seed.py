"""The award types of DOMAIN.md, seeded by a data migration and editable by province staff."""

# code, legal name, display label, kind, recipient, deciding level
AWARD_TYPES = [
    (
        "CO_CP",
        "Cờ thi đua của Chính phủ",
        "Cờ thi đua của Chính phủ",
        "title",
        "collective",
        "prime_minister",
    ),
    (
        "CO_TINH",
        "Cờ thi đua của Ủy ban nhân dân tỉnh",
        "Cờ thi đua của UBND tỉnh",
        "title",
        "collective",
        "province_chairman",
    ),
    (
        "TTLDXS",
        "Tập thể lao động xuất sắc",
        "Tập thể lao động xuất sắc",
        "title",
        "collective",
        "province_chairman",
    ),
    (
        "TTLDTT",
        "Tập thể lao động tiên tiến",
        "Tập thể lao động tiên tiến",
        "title",
        "collective",
        "agency_head",
    ),
    (
        "CSTD_TQ",
        "Chiến sĩ thi đua toàn quốc",
        "Chiến sĩ thi đua toàn quốc",
        "title",
        "individual",
        "prime_minister",
    ),
    (
        "CSTD_TINH",
        "Chiến sĩ thi đua cấp tỉnh",
        "Chiến sĩ thi đua cấp tỉnh",
        "title",
        "individual",
        "province_chairman",
    ),
    (
        "CSTD_CS",
        "Chiến sĩ thi đua cơ sở",
        "Chiến sĩ thi đua cơ sở",
        "title",
        "individual",
        "agency_head",
    ),
    (
        "BK_TTG",
        "Bằng khen của Thủ tướng Chính phủ",
        "Bằng khen của Thủ tướng Chính phủ",
        "award",
        "both",
        "prime_minister",
    ),
    (
        "BK_TINH",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "Bằng khen của Chủ tịch UBND tỉnh",
        "award",
        "both",
        "province_chairman",
    ),
    (
        "HCLD_1",
        "Huân chương Lao động hạng Nhất",
        "Huân chương Lao động hạng Nhất",
        "award",
        "both",
        "president",
    ),
    (
        "HCLD_2",
        "Huân chương Lao động hạng Nhì",
        "Huân chương Lao động hạng Nhì",
        "award",
        "both",
        "president",
    ),
    (
        "HCLD_3",
        "Huân chương Lao động hạng Ba",
        "Huân chương Lao động hạng Ba",
        "award",
        "both",
        "president",
    ),
]

# The example points table of DOMAIN.md ("Scoring"): 100 points (chuyên môn 60, thi đua khen
# thưởng 15, xây dựng Đảng và đoàn thể 15, cải cách hành chính 10), bonus up to 5 and penalties.
# Seeded unconfirmed: a province confirms or replaces it before a bloc adopts it.
EXAMPLE_CRITERIA_TITLE = "Bảng tiêu chí chấm điểm thi đua các khối (mẫu)"
EXAMPLE_BONUS_CAP = "5"
EXAMPLE_CRITERIA = [
    (
        "I",
        "Thực hiện nhiệm vụ chuyên môn, nhiệm vụ chính trị được giao",
        "heading",
        "normal",
        "0",
        False,
    ),
    ("I.1", "Hoàn thành các chỉ tiêu, nhiệm vụ theo kế hoạch năm", "points", "normal", "30", True),
    ("I.2", "Tỷ lệ hoàn thành chỉ tiêu thi đua đã đăng ký", "rate", "normal", "20", False),
    (
        "I.3",
        "Thực hiện nhiệm vụ đột xuất do Tỉnh ủy, UBND tỉnh giao",
        "points",
        "normal",
        "10",
        False,
    ),
    ("II", "Công tác thi đua, khen thưởng", "heading", "normal", "0", False),
    (
        "II.1",
        "Tổ chức phát động, ký kết giao ước và sơ kết, tổng kết phong trào thi đua",
        "points",
        "normal",
        "8",
        False,
    ),
    ("II.2", "Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến", "points", "normal", "7", False),
    ("III", "Xây dựng Đảng và các đoàn thể", "heading", "normal", "0", False),
    (
        "III.1",
        "Tổ chức cơ sở đảng được xếp loại hoàn thành tốt nhiệm vụ trở lên",
        "yes_no",
        "normal",
        "10",
        True,
    ),
    ("III.2", "Công đoàn, Đoàn Thanh niên vững mạnh", "points", "normal", "5", False),
    ("IV", "Cải cách hành chính", "heading", "normal", "0", False),
    ("IV.1", "Chỉ số cải cách hành chính, chuyển đổi số", "points", "normal", "10", False),
    ("V", "Điểm thưởng (tối đa 5 điểm)", "heading", "bonus", "0", False),
    ("V.1", "Mô hình, cách làm mới được cấp tỉnh trở lên công nhận", "points", "bonus", "3", True),
    ("V.2", "Được khen thưởng đột xuất trong năm", "points", "bonus", "2", False),
    ("VI", "Điểm trừ", "heading", "penalty", "0", False),
    ("VI.1", "Chậm gửi báo cáo, đăng ký thi đua theo quy định", "points", "penalty", "3", False),
    (
        "VI.2",
        "Có cán bộ, công chức bị kỷ luật từ khiển trách trở lên",
        "points",
        "penalty",
        "5",
        False,
    ),
]


def example_criteria_rows() -> list[dict]:
    """The example table as the criteria editor's rows (I.2 earns nothing at half the target)."""
    rows = []
    for code, title, kind, section, max_points, evidence in EXAMPLE_CRITERIA:
        row = {"code": code, "title": title, "kind": kind, "section": section}
        row |= {"max_points": max_points, "evidence_required": evidence}
        if kind == "rate":
            row |= {"zero_at": "0.5", "full_at": "1"}
        rows.append(row)
    return rows
