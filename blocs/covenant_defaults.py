"""The province's default covenant template, seeded by a data migration and editable by staff.

Placeholders: {year} is the emulation year and {bloc} the bloc's name; they are filled in when a
bloc head drafts the year's covenant from the template.
"""

DEFAULT_TITLE_PATTERN = "Giao ước thi đua năm {year}"

DEFAULT_PREAMBLE = (
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022 và các văn bản quy định chi tiết, "
    "hướng dẫn thi hành; căn cứ Kế hoạch tổ chức các phong trào thi đua năm {year} của Ủy ban "
    "nhân dân tỉnh, các cơ quan, đơn vị thành viên {bloc} thống nhất ký kết giao ước thi đua "
    "năm {year} với những nội dung sau đây:"
)

DEFAULT_CLAUSES = [
    "Quán triệt và thực hiện nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của "
    "Nhà nước; phấn đấu hoàn thành toàn diện, vượt mức các chỉ tiêu, nhiệm vụ chính trị được "
    "Tỉnh ủy, Hội đồng nhân dân, Ủy ban nhân dân tỉnh giao năm {year}.",
    "Đẩy mạnh các phong trào thi đua yêu nước gắn với nhiệm vụ chuyên môn của từng cơ quan, đơn "
    "vị; hưởng ứng thiết thực các phong trào “Cả nước chung tay vì người nghèo - Không để ai bị "
    "bỏ lại phía sau”, “Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở” và các "
    "phong trào thi đua do Trung ương, tỉnh phát động.",
    "Thực hiện có hiệu quả công tác cải cách hành chính và chuyển đổi số; nâng cao chất lượng "
    "giải quyết thủ tục hành chính, tỷ lệ hồ sơ giải quyết đúng hạn và mức độ hài lòng của "
    "người dân, doanh nghiệp; giữ vững, cải thiện thứ hạng các chỉ số cải cách hành chính của "
    "cơ quan, đơn vị.",
    "Thực hành tiết kiệm, chống lãng phí; quản lý, sử dụng ngân sách, tài sản công đúng mục "
    "đích, đúng quy định; chủ động phòng ngừa, phát hiện và xử lý tham nhũng, tiêu cực; thực "
    "hiện nghiêm quy chế dân chủ ở cơ sở và quy tắc ứng xử của cán bộ, công chức, viên chức.",
    "Xây dựng tổ chức cơ sở đảng trong sạch, vững mạnh; xây dựng tổ chức Công đoàn, Đoàn Thanh "
    "niên, Hội Cựu chiến binh và các đoàn thể trong cơ quan vững mạnh; chăm lo đời sống vật "
    "chất, tinh thần của cán bộ, công chức, viên chức và người lao động.",
    "Chú trọng phát hiện, bồi dưỡng, tổng kết và nhân rộng các điển hình tiên tiến, nhân tố "
    "mới, mô hình hay, cách làm hiệu quả; mỗi cơ quan, đơn vị xây dựng ít nhất 01 mô hình hoặc "
    "điển hình tiên tiến trong năm; thực hiện công tác khen thưởng kịp thời, chính xác, công "
    "khai, minh bạch.",
    "Thực hiện tốt các nhiệm vụ trọng tâm của khối năm {year}: tham gia đầy đủ, đúng thành phần "
    "các hội nghị và hoạt động chung của khối; phối hợp, hỗ trợ nhau hoàn thành nhiệm vụ; gửi "
    "báo cáo kết quả thi đua và hồ sơ đề nghị khen thưởng đúng thời hạn, đúng quy định.",
    "Các cơ quan, đơn vị thành viên đăng ký danh hiệu thi đua và chỉ tiêu thi đua năm {year} "
    "theo Phụ lục kèm theo Giao ước này. Trưởng khối có trách nhiệm theo dõi, đôn đốc việc thực "
    "hiện; tổ chức sơ kết, tổng kết, chấm điểm và bình xét thi đua cuối năm theo quy định.",
]
