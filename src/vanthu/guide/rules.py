"""The rules the offices work by, as data (from docs/domain.md, which cites its sources).

Each rule has a code (the handbook anchor), a topic, a one-line statement used in validation
messages (``cite``), a longer explanation for the handbook, its sources (document + article)
and the confidence tag of domain.md: V checked against the official text, S secondary source,
M unverified. Rules tagged S or M are marked as such in the handbook.
"""

from __future__ import annotations

from dataclasses import dataclass

from vanthu.core.text import fold

# Source documents: key → (short name used in citations, full name).
SOURCES: dict[str, tuple[str, str]] = {
    "nd30": ("NĐ 30/2020", "Nghị định 30/2020/NĐ-CP ngày 05/3/2020 về công tác văn thư"),
    "qd693": (
        "QĐ 693-QĐ/VPTW",
        "Quy định 693-QĐ/VPTW ngày 15/12/2021 về công tác văn thư trong các cơ quan, tổ chức đảng",
    ),
    "qd399": (
        "QĐ 399-QĐ/TW",
        "Quy định 399-QĐ/TW ngày 09/01/2026 về thể loại, thẩm quyền ban hành và thể thức "
        "văn bản của Đảng",
    ),
    "hd36": (
        "HD 36-HD/VPTW",
        "Hướng dẫn 36-HD/VPTW ngày 03/4/2018 về thể thức và kỹ thuật trình bày văn bản của Đảng "
        "(được cho là thay bằng 05-HD/VPTW ngày 27/5/2026)",
    ),
    "qd270": ("QĐ 270-QĐ/TW", "Quy định 270-QĐ/TW ngày 06/12/2014 về Phông Lưu trữ ĐCSVN"),
    "hd35": (
        "HD 35-HD/VPTW",
        "Hướng dẫn 35-HD/VPTW ngày 18/10/2010: bảng thời hạn bảo quản mẫu cấp tỉnh, cấp huyện",
    ),
    "luat-luu-tru-2024": ("Luật Lưu trữ 2024", "Luật Lưu trữ số 33/2024/QH15 (từ 01/7/2025)"),
    "tt05-2025": ("TT 05/2025", "Thông tư 05/2025/TT-BNV (lưu trữ số, từ 01/7/2025)"),
    "tt06-2025": ("TT 06/2025", "Thông tư 06/2025/TT-BNV"),
    "tt10-2022": ("TT 10/2022", "Thông tư 10/2022/TT-BNV: thời hạn bảo quản hồ sơ, tài liệu"),
    "luat-bvbmnn-2018": (
        "Luật BVBMNN 2018",
        "Luật Bảo vệ bí mật nhà nước số 29/2018/QH14 (áp dụng đến 28/02/2026)",
    ),
    "luat-117-2025": (
        "Luật 117/2025/QH15",
        "Luật Bảo vệ bí mật nhà nước số 117/2025/QH15 (từ 01/3/2026)",
    ),
    "nd26-2020": ("NĐ 26/2020", "Nghị định 26/2020/NĐ-CP hướng dẫn Luật Bảo vệ bí mật nhà nước"),
    "qcvn102": ("QCVN 102:2016", "QCVN 102:2016/BTTTT: cấu trúc thông điệp công văn điện tử"),
}


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    intro: str


TOPICS: tuple[Topic, ...] = (
    Topic(
        "van-ban-den",
        "Văn bản đến",
        "Tiếp nhận → đăng ký (vào sổ) → trình, chuyển giao → giải quyết và theo dõi, đôn đốc.",
    ),
    Topic(
        "van-ban-di",
        "Văn bản đi",
        "Soạn thảo → duyệt → kiểm tra → ký → cấp số → đăng ký → phát hành, theo dõi → lưu.",
    ),
    Topic("danh-so", "Số và ký hiệu văn bản", "Cách lấy số, ký hiệu văn bản Nhà nước và Đảng."),
    Topic("ho-so", "Lập hồ sơ và nộp lưu", "Danh mục hồ sơ, mở và kết thúc hồ sơ, nộp lưu."),
    Topic(
        "luu-tru",
        "Lưu trữ",
        "Thời hạn bảo quản, lưu trữ lịch sử, khai thác, hủy tài liệu, bảo quản tài liệu số.",
    ),
    Topic("so-hoa", "Số hóa", "Yêu cầu đối với bản số hóa từ văn bản giấy."),
    Topic("bi-mat", "Bảo vệ bí mật nhà nước", "Độ mật, nơi được lưu, sổ riêng, sao chụp."),
    Topic("he-thong", "Hệ thống và tra cứu", "Chức năng bắt buộc của hệ thống, quyền truy cập."),
)
TOPIC_BY_SLUG = {t.slug: t for t in TOPICS}


@dataclass(frozen=True)
class Rule:
    code: str
    topic: str
    statement: str  # one line, lower-case start: used after "NĐ 30/2020 Điều 22: "
    text: str  # the handbook's explanation
    refs: tuple[tuple[str, str], ...]  # (source key, article); the first is cited
    confidence: str = "V"

    @property
    def citation(self) -> str:
        """``NĐ 30/2020 Điều 22`` (short source and article of the first reference)."""
        key, article = self.refs[0]
        short = SOURCES[key][0]
        return f"{short} {article}".strip()

    @property
    def sources(self) -> list[tuple[str, str]]:
        """Full source names with articles, for the handbook."""
        return [(SOURCES[key][1], article) for key, article in self.refs]


def _r(
    code: str,
    topic: str,
    statement: str,
    text: str,
    *refs: tuple[str, str],
    confidence: str = "V",
) -> Rule:
    return Rule(code, topic, statement, text, tuple(refs), confidence)


RULE_LIST: tuple[Rule, ...] = (
    # --- Văn bản đến (NĐ 30 Điều 4, 20–24) --------------------------------------------------
    _r(
        "den-tap-trung",
        "van-ban-den",
        "văn bản đến được quản lý tập trung tại Văn thư cơ quan",
        "Mọi văn bản đến được tiếp nhận và đăng ký tập trung tại Văn thư cơ quan, trừ loại văn "
        "bản được đăng ký riêng theo quy định của pháp luật.",
        ("nd30", "Điều 4"),
        ("qd693", ""),
    ),
    _r(
        "den-trong-ngay",
        "van-ban-den",
        "văn bản đến được đăng ký, trình, chuyển giao trong ngày, chậm nhất ngày làm việc "
        "tiếp theo",
        "Văn bản đến phải được đăng ký, trình, chuyển giao trong ngày, chậm nhất là trong ngày "
        "làm việc tiếp theo. Trang “Việc hôm nay” liệt kê văn bản chờ vào sổ và chờ trình.",
        ("nd30", "Điều 4"),
    ),
    _r(
        "den-khan",
        "van-ban-den",
        "văn bản khẩn (Hỏa tốc, Thượng khẩn, Khẩn) được đăng ký, trình, chuyển giao ngay",
        "Văn bản có mức độ khẩn (Hỏa tốc, Thượng khẩn, Khẩn) phải được đăng ký, trình và chuyển "
        "giao ngay sau khi nhận được; danh sách luôn đưa văn bản khẩn chưa xử lý lên đầu.",
        ("nd30", "Điều 4"),
    ),
    _r(
        "den-tiep-nhan",
        "van-ban-den",
        "Văn thư kiểm tra văn bản đến trước khi tiếp nhận; văn bản điện tử sai được trả lại",
        "Văn bản giấy: kiểm tra số lượng, tình trạng bì, dấu niêm phong, nơi gửi; đối chiếu số, "
        "ký hiệu ngoài bì với văn bản; văn bản (kể cả văn bản có dấu mật) được bóc bì và đóng "
        "dấu “ĐẾN”; bì gửi đích danh cá nhân được chuyển nguyên bì. Văn bản điện tử: kiểm tra "
        "tính xác thực và toàn vẹn; không đúng thì trả lại nơi gửi trên Hệ thống, và phải ghi "
        "lý do.",
        ("nd30", "Điều 21"),
    ),
    _r(
        "so-den",
        "van-ban-den",
        "số đến được lấy liên tiếp trong năm",
        "Số đến được lấy liên tiếp theo thứ tự và trình tự thời gian tiếp nhận trong năm, thống "
        "nhất giữa văn bản giấy và văn bản điện tử; mỗi năm bắt đầu lại từ 01.",
        ("nd30", "Điều 22"),
    ),
    _r(
        "den-dang-ky-mat",
        "van-ban-den",
        "văn bản mật đến được đăng ký theo pháp luật về bảo vệ bí mật nhà nước",
        "Văn bản mật đến được đăng ký vào sổ riêng, với dãy số riêng, theo quy định của pháp "
        "luật về bảo vệ bí mật nhà nước.",
        ("nd30", "Điều 22"),
        ("nd26-2020", ""),
    ),
    _r(
        "den-chua-dang-ky",
        "van-ban-den",
        "văn bản đến không đăng ký tại Văn thư thì không bắt buộc giải quyết",
        "Văn bản đến không được đăng ký tại Văn thư cơ quan thì đơn vị, cá nhân không có trách "
        "nhiệm giải quyết.",
        ("nd30", "Điều 22"),
    ),
    _r(
        "den-so-dang-ky",
        "van-ban-den",
        "sổ đăng ký văn bản đến có tối thiểu 10 cột và được in, đóng sổ",
        "Sổ đăng ký văn bản đến gồm tối thiểu: Ngày đến, Số đến, Tác giả, Số ký hiệu, Ngày tháng "
        "văn bản, Tên loại và trích yếu, Đơn vị hoặc người nhận, Ngày chuyển, Ký nhận, Ghi chú. "
        "Đăng ký trên Hệ thống thì phải in sổ đủ các cột, ký xác nhận và đóng sổ.",
        ("nd30", "Điều 22"),
        ("nd30", "Phụ lục IV mục VI"),
    ),
    _r(
        "den-trinh",
        "van-ban-den",
        "văn bản đến được trình trong ngày; lãnh đạo ghi ý kiến chỉ đạo, người chủ trì và thời hạn",
        "Văn bản đến được trình người có thẩm quyền trong ngày, chậm nhất ngày làm việc tiếp "
        "theo. Lãnh đạo ghi ý kiến chỉ đạo giải quyết: đơn vị hoặc cá nhân chủ trì, phối hợp và "
        "thời hạn giải quyết (bút phê, phiếu giải quyết văn bản đến).",
        ("nd30", "Điều 23"),
    ),
    _r(
        "den-theo-doi",
        "van-ban-den",
        "việc giải quyết văn bản đến được theo dõi, đôn đốc theo thời hạn",
        "Người đứng đầu giao người theo dõi, đôn đốc việc giải quyết văn bản đến; thời hạn theo "
        "quy chế làm việc của cơ quan; văn bản khẩn giải quyết ngay.",
        ("nd30", "Điều 24"),
    ),
    _r(
        "den-dau-den",
        "van-ban-den",
        "dấu “ĐẾN” ghi Số, Ngày, Chuyển, Số và ký hiệu hồ sơ",
        "Dấu “ĐẾN” (35 × 50 mm) gồm tên cơ quan, chữ ĐẾN, Số, Ngày, Chuyển, Số và ký hiệu HS.",
        ("nd30", "Phụ lục IV mục V"),
    ),
    _r(
        "den-trung",
        "van-ban-den",
        "Hệ thống cảnh báo khi số, ký hiệu và cơ quan ban hành bị trùng",
        "Hệ thống cảnh báo Văn thư khi mã định danh văn bản, hoặc bộ (số, ký hiệu, tên cơ quan "
        "ban hành) đã có trong sổ.",
        ("nd30", "Phụ lục VI"),
    ),
    _r(
        "den-bao-da-nhan",
        "van-ban-den",
        "nơi nhận báo cho nơi gửi trong ngày là đã nhận văn bản điện tử",
        "Cơ quan nhận văn bản điện tử phải thông báo ngay trong ngày cho nơi gửi là đã nhận "
        "(trạng thái 01 “Đã đến”, 03 “Đã tiếp nhận” khi vào sổ; 02 “Từ chối tiếp nhận” phải có "
        "lý do).",
        ("nd30", "Điều 21"),
        ("qcvn102", ""),
    ),
    # --- Văn bản đi (NĐ 30 Điều 10–19; văn bản Đảng) ------------------------------------------
    _r(
        "di-soan-thao",
        "van-ban-di",
        "người soạn thảo xác định tên loại, nội dung, độ mật, mức độ khẩn",
        "Người đứng đầu giao đơn vị, cá nhân chủ trì soạn thảo; người soạn thảo xác định tên "
        "loại, nội dung, độ mật, mức độ khẩn; văn bản điện tử được đưa bản thảo và tệp đính kèm "
        "lên Hệ thống.",
        ("nd30", "Điều 10"),
    ),
    _r(
        "di-duyet",
        "van-ban-di",
        "bản thảo do người có thẩm quyền ký duyệt; sửa sau khi duyệt phải duyệt lại",
        "Bản thảo phải do người có thẩm quyền ký văn bản duyệt; sửa đổi sau khi đã duyệt phải "
        "trình duyệt lại.",
        ("nd30", "Điều 11"),
    ),
    _r(
        "di-kiem-tra",
        "van-ban-di",
        "kiểm tra nội dung và thể thức trước khi ký",
        "Thủ trưởng đơn vị soạn thảo chịu trách nhiệm về nội dung; người được giao (thường là "
        "Chánh Văn phòng, Văn thư) kiểm tra thể thức, kỹ thuật trình bày. Hệ thống lưu cả hai ý "
        "kiến duyệt.",
        ("nd30", "Điều 12"),
    ),
    _r(
        "di-ky",
        "van-ban-di",
        "ký văn bản theo thẩm quyền (TM., Q., KT., TL., TUQ.); văn bản điện tử ký số",
        "Ký theo chế độ thủ trưởng hoặc tập thể, với TM., Q., KT., TL., TUQ. (ủy quyền bằng văn "
        "bản, có thời hạn và phạm vi, không ủy quyền lại). Văn bản của Đảng dùng T/M, K/T, T/L. "
        "Văn bản điện tử ký số; văn bản điện tử được ký số của người có thẩm quyền và của cơ "
        "quan có giá trị như bản gốc giấy.",
        ("nd30", "Điều 13"),
        ("nd30", "Điều 5"),
        ("hd36", ""),
    ),
    _r(
        "di-trinh-tu",
        "van-ban-di",
        "văn bản đi: cấp số → đăng ký → đóng dấu hoặc ký số của cơ quan → phát hành → lưu",
        "Quản lý văn bản đi: cấp số, thời gian ban hành; đăng ký; nhân bản, đóng dấu, dấu độ "
        "mật, mức độ khẩn (giấy) hoặc ký số của cơ quan (điện tử); phát hành và theo dõi việc "
        "chuyển phát; lưu văn bản.",
        ("nd30", "Điều 14"),
    ),
    _r(
        "di-phat-hanh",
        "van-ban-di",
        "văn bản đi được phát hành trong ngày ký, chậm nhất ngày làm việc tiếp theo",
        "Văn bản được phát hành ngay trong ngày ký, chậm nhất là ngày làm việc tiếp theo; văn "
        "bản khẩn phát hành ngay. Sai sót nội dung thì thay thế bằng văn bản có hình thức tương "
        "đương; sai thể thức thì đính chính bằng công văn. Thu hồi văn bản điện tử: nơi nhận hủy "
        "trên Hệ thống và báo lại nơi gửi.",
        ("nd30", "Điều 17–19"),
    ),
    _r(
        "di-luu",
        "van-ban-di",
        "bản gốc văn bản đi được lưu tại Văn thư theo thứ tự số đăng ký",
        "Bản gốc giấy lưu tại Văn thư, đóng dấu, sắp theo thứ tự số đăng ký; bản chính lưu trong "
        "hồ sơ công việc. Bản gốc điện tử lưu trên Hệ thống của cơ quan ban hành.",
        ("nd30", "Điều 17–19"),
    ),
    _r(
        "di-so-dang-ky",
        "van-ban-di",
        "sổ đăng ký văn bản đi có tối thiểu 10 cột và được in, đóng sổ",
        "Sổ đăng ký văn bản đi gồm tối thiểu: Số ký hiệu, Ngày tháng, Tên loại và trích yếu, "
        "Người ký, Nơi nhận, Đơn vị nhận bản lưu, Số lượng bản, Ngày chuyển, Ký nhận, Ghi chú; "
        "đăng ký trên Hệ thống thì in đủ các cột và đóng sổ.",
        ("nd30", "Phụ lục IV mục I"),
        ("nd30", "Điều 16"),
    ),
    _r(
        "dang-the-loai",
        "van-ban-di",
        "thể loại và thẩm quyền ban hành văn bản của Đảng theo Quy định 399-QĐ/TW",
        "Thể loại văn bản của Đảng (nghị quyết, quyết định, chỉ thị, kết luận, quy chế, quy "
        "định, thông tri, hướng dẫn, thông báo, báo cáo, kế hoạch, chương trình, tờ trình, công "
        "văn, biên bản…) và thẩm quyền ban hành theo loại tổ chức; phần mềm giữ ma trận thẩm "
        "quyền là dữ liệu cấu hình.",
        ("qd399", ""),
        confidence="S",
    ),
    _r(
        "dang-the-thuc",
        "van-ban-di",
        "thể thức văn bản của Đảng theo Hướng dẫn 36-HD/VPTW",
        "Văn bản của Đảng có tiêu đề “ĐẢNG CỘNG SẢN VIỆT NAM”, tên cơ quan ban hành, số và ký "
        "hiệu, địa danh và ngày tháng, tên loại và trích yếu, nội dung, thể thức đề ký, dấu, "
        "nơi nhận.",
        ("hd36", ""),
    ),
    # --- Số và ký hiệu ------------------------------------------------------------------------
    _r(
        "so-di-nam",
        "danh-so",
        "số văn bản lấy liên tiếp trong năm, từ 01 ngày 01/01 đến 31/12; số và ký hiệu không trùng",
        "Số và thời gian ban hành được lấy theo thứ tự trong năm, bắt đầu liên tiếp từ 01 ngày "
        "01 tháng 01 và kết thúc ngày 31 tháng 12; số và ký hiệu là duy nhất trong năm, thống "
        "nhất giữa văn bản giấy và điện tử. Số đã lấy không bị bỏ trống hay dùng lại: số lấy "
        "trước và số hủy được giữ trong sổ cùng lý do.",
        ("nd30", "Điều 15"),
    ),
    _r(
        "so-hanh-chinh",
        "danh-so",
        "văn bản hành chính đánh số chung hoặc theo từng loại do người đứng đầu quyết định",
        "Văn bản quy phạm pháp luật có dãy số riêng theo loại; văn bản hành chính do người đứng "
        "đầu quyết định đánh số chung hay theo từng loại (cấu hình theo từng sổ).",
        ("nd30", "Điều 15"),
    ),
    _r(
        "so-mat",
        "danh-so",
        "văn bản mật có hệ thống số riêng",
        "Văn bản mật được đánh số theo hệ thống số riêng (sổ mật riêng).",
        ("nd30", "Điều 15"),
    ),
    _r(
        "so-duoi-10",
        "danh-so",
        "số nhỏ hơn 10 được ghi thêm số 0 phía trước",
        "Số nhỏ hơn 10 ghi thêm số 0 phía trước: “Số: 05/QĐ-BNV”, “Số 05-NQ/TU”.",
        ("nd30", "Phụ lục I"),
    ),
    _r(
        "ky-hieu-nha-nuoc",
        "danh-so",
        "ký hiệu văn bản Nhà nước: “Số: 15/QĐ-BNV”, công văn “Số: 05/BNV-VP”",
        "Văn bản có tên loại: số/tên loại-cơ quan ban hành (“Số: 15/QĐ-BNV”); công văn: "
        "số/cơ quan-đơn vị soạn thảo (“Số: 05/BNV-VP”); các nhóm nối bằng dấu gạch nối, không "
        "có khoảng trắng.",
        ("nd30", "Phụ lục I"),
    ),
    _r(
        "ky-hieu-dang",
        "danh-so",
        "ký hiệu văn bản Đảng: “Số 15-NQ/TU” (chữ “Số” không có dấu hai chấm)",
        "Số - chữ viết tắt tên loại / chữ viết tắt cơ quan ban hành: “Số 15-NQ/TU”, "
        "“Số 120-CV/TU”, “Số 45-CV/VPTU”; chữ “Số” không có dấu hai chấm.",
        ("hd36", ""),
    ),
    _r(
        "so-nhiem-ky",
        "danh-so",
        "văn bản của cấp ủy đánh số từ 01 theo từng tên loại, liên tục trong một nhiệm kỳ",
        "Văn bản của cấp ủy, cơ quan, tổ chức đảng đánh số từ 01 cho mỗi tên loại, liên tục "
        "trong một nhiệm kỳ cấp ủy. Nhiệm kỳ tính từ ngày sau bế mạc đại hội lần này đến hết "
        "ngày bế mạc đại hội lần sau (hoặc từ khai mạc hội nghị lần thứ nhất nếu họp trong đại "
        "hội). Văn bản của đại hội dùng một dãy số chung cho mọi loại.",
        ("hd36", "mục II.1.3.1"),
    ),
    _r(
        "dong-so",
        "danh-so",
        "sổ đăng ký đã in, ký xác nhận và đóng thì không ghi thêm",
        "Sổ đăng ký trên Hệ thống được in đủ các cột, ký xác nhận và đóng sổ theo kỳ; kỳ đã khóa "
        "thì không vào sổ thêm.",
        ("nd30", "Điều 22"),
        ("nd30", "Điều 16"),
    ),
    # --- Hồ sơ (NĐ 30 Điều 28–31, Phụ lục V) --------------------------------------------------
    _r(
        "danh-muc-ho-so",
        "ho-so",
        "Danh mục hồ sơ do người đứng đầu phê duyệt đầu năm",
        "Danh mục hồ sơ là bảng kê những hồ sơ dự kiến lập trong năm, do người đứng đầu phê "
        "duyệt vào đầu năm; cột: Số và ký hiệu hồ sơ, Tên đề mục và tiêu đề hồ sơ, Thời hạn bảo "
        "quản, Người lập hồ sơ, Ghi chú. Danh mục đã ban hành không sửa.",
        ("nd30", "Điều 28"),
        ("nd30", "Phụ lục V"),
    ),
    _r(
        "so-ky-hieu-ho-so",
        "ho-so",
        "số hồ sơ gồm số thứ tự và chữ viết tắt đề mục lớn, ví dụ 01.TCCB",
        "Đề mục lớn đánh số La Mã, đề mục nhỏ số Ả Rập; số hồ sơ = số thứ tự + chữ viết tắt đề "
        "mục lớn, ví dụ “01.TCCB”; đánh số liên tục cả danh mục hoặc lại theo từng đề mục lớn.",
        ("nd30", "Phụ lục V"),
    ),
    _r(
        "mo-ho-so",
        "ho-so",
        "người giải quyết công việc mở hồ sơ theo Danh mục hồ sơ",
        "Hồ sơ được mở theo Danh mục hồ sơ; ngoài danh mục thì người lập tự xác định tiêu đề, "
        "số và ký hiệu, thời hạn bảo quản, người lập và thời gian bắt đầu. Một văn bản có thể "
        "thuộc nhiều hồ sơ mà không nhân bản.",
        ("nd30", "Điều 28–31"),
        ("nd30", "Phụ lục VI"),
    ),
    _r(
        "ket-thuc-ho-so",
        "ho-so",
        "hồ sơ được kết thúc khi công việc kết thúc, kèm chứng từ kết thúc",
        "Khi công việc kết thúc: loại bản trùng, bản nháp; kiểm tra lại thời hạn bảo quản; "
        "đánh số tờ với hồ sơ bảo quản từ 05 năm; viết mục lục văn bản với hồ sơ vĩnh viễn; "
        "chứng từ kết thúc cho mọi hồ sơ.",
        ("nd30", "Điều 28–31"),
    ),
    _r(
        "nop-luu-han",
        "ho-so",
        "hồ sơ nộp lưu trong 01 năm từ khi công việc kết thúc",
        "Nộp vào lưu trữ cơ quan (lưu trữ hiện hành) trong 01 năm kể từ ngày công việc kết "
        "thúc; hồ sơ xây dựng cơ bản trong 03 tháng kể từ khi quyết toán. Nộp lưu giấy kèm 02 "
        "bản Mục lục hồ sơ, tài liệu nộp lưu và 02 bản Biên bản giao nhận. Hệ thống báo trước 30 "
        "ngày hồ sơ đến hạn nộp lưu.",
        ("nd30", "Điều 30"),
        ("luat-luu-tru-2024", ""),
        ("nd30", "Phụ lục VI"),
    ),
    _r(
        "nop-luu-so",
        "ho-so",
        "hồ sơ điện tử nộp vào lưu trữ hiện hành trong 60 ngày",
        "Hồ sơ điện tử nộp vào lưu trữ hiện hành trong 60 ngày kể từ khi công việc kết thúc.",
        ("tt05-2025", ""),
        confidence="S",
    ),
    _r(
        "giu-lai",
        "ho-so",
        "giữ lại hồ sơ quá hạn nộp lưu phải được người đứng đầu đồng ý, tối đa 02 năm",
        "Hồ sơ có thời hạn bảo quản từ 05 năm phải nộp lưu; đơn vị muốn giữ lại quá hạn phải "
        "được người đứng đầu đồng ý bằng văn bản, lập Danh mục hồ sơ, tài liệu giữ lại, tối đa "
        "02 năm. Người nghỉ việc, chuyển công tác phải bàn giao hồ sơ.",
        ("nd30", "Điều 31"),
    ),
    # --- Lưu trữ ------------------------------------------------------------------------------
    _r(
        "thoi-han-ma",
        "luu-tru",
        "mã thời hạn bảo quản: 01 vĩnh viễn, 02 70 năm, 03 50 năm, 04 30 năm, 05 20 năm, "
        "06 10 năm, 07 khác",
        "Thời hạn bảo quản là vĩnh viễn hoặc có thời hạn (số năm). Danh mục mã: 01 Vĩnh viễn · "
        "02 70 năm · 03 50 năm · 04 30 năm · 05 20 năm · 06 10 năm · 07 Khác (ghi số năm).",
        ("tt05-2025", ""),
        confidence="S",
    ),
    _r(
        "bang-thoi-han",
        "luu-tru",
        "thời hạn bảo quản theo bảng thời hạn bảo quản đã ban hành",
        "Bảng thời hạn bảo quản là dữ liệu: TT 10/2022/TT-BNV cho cơ quan Nhà nước, Hướng dẫn "
        "35-HD/VPTW cho cơ quan đảng; thời hạn tính từ năm hồ sơ kết thúc.",
        ("tt10-2022", ""),
        ("hd35", ""),
    ),
    _r(
        "luu-tru-lich-su",
        "luu-tru",
        "hồ sơ vĩnh viễn nộp vào lưu trữ lịch sử trong 05 năm",
        "Nộp vào lưu trữ lịch sử trong 05 năm kể từ năm nộp vào lưu trữ hiện hành; chỉ hồ sơ "
        "bảo quản vĩnh viễn.",
        ("luat-luu-tru-2024", ""),
        confidence="S",
    ),
    _r(
        "khai-thac",
        "luu-tru",
        "khai thác tài liệu lưu trữ theo phiếu yêu cầu được duyệt; bản đọc tối đa 15 ngày",
        "Khai thác bằng phiếu yêu cầu, do lãnh đạo có thẩm quyền duyệt; bản đọc trên Hệ thống "
        "không tải về, tối đa 15 ngày; bản sao ghi “BẢN SAO”; mọi lượt sử dụng ghi vào Sổ sử "
        "dụng bản lưu.",
        ("luat-luu-tru-2024", "Điều 23"),
        ("tt05-2025", "Điều 37–42"),
        ("nd30", "Phụ lục IV"),
    ),
    _r(
        "huy-tai-lieu",
        "luu-tru",
        "hủy tài liệu hết giá trị theo quyết định, trong 15 ngày, có biên bản",
        "Tài liệu hết thời hạn được Hội đồng xem xét; có quyết định hủy của người có thẩm quyền; "
        "thực hiện trong 15 ngày kể từ quyết định, lập biên bản bàn giao và biên bản hủy; hồ sơ "
        "hủy tài liệu được lưu giữ.",
        ("tt06-2025", ""),
        ("luat-luu-tru-2024", "Điều 16"),
        confidence="S",
    ),
    _r(
        "bao-quan-so",
        "luu-tru",
        "tài liệu số: tối thiểu 02 bộ sao lưu độc lập, kiểm tra toàn vẹn trong 3 năm",
        "Tối thiểu 02 bộ sao lưu trên phương tiện độc lập; sao lưu gia tăng hằng ngày, toàn bộ "
        "hằng tháng; kiểm tra toàn vẹn toàn bộ tài liệu trong chu kỳ 3 năm.",
        ("tt05-2025", "Điều 26–31"),
        confidence="S",
    ),
    _r(
        "phong-luu-tru-dang",
        "luu-tru",
        "tài liệu của tổ chức đảng thuộc Phông Lưu trữ Đảng Cộng sản Việt Nam",
        "Phông Lưu trữ ĐCSVN gồm tài liệu của các tổ chức đảng, tổ chức chính trị - xã hội; là "
        "bản gốc, bản chính hoặc bản sao hợp pháp khi mất bản gốc.",
        ("qd270", "Điều 1–3"),
    ),
    # --- Số hóa -------------------------------------------------------------------------------
    _r(
        "so-hoa",
        "so-hoa",
        "bản số hóa là PDF từ 1.4, ảnh màu, từ 200 dpi, tỷ lệ 100%",
        "Bản điện tử từ văn bản giấy: định dạng PDF phiên bản 1.4 trở lên, ảnh màu, độ phân giải "
        "tối thiểu 200 dpi, tỷ lệ số hóa 100%.",
        ("nd30", "Phụ lục I"),
    ),
    _r(
        "so-hoa-luu-tru",
        "so-hoa",
        "tài liệu lưu trữ số hóa là PDF/A hai lớp, từ 24 bit màu, 200 dpi",
        "Tài liệu lưu trữ giấy số hóa thành PDF/A hai lớp (ảnh và chữ nhận dạng), màu như bản "
        "gốc, tối thiểu 24 bit, 200 dpi (300 dpi với bản đồ, bản vẽ), tỷ lệ 100%.",
        ("tt05-2025", "Điều 8"),
        confidence="S",
    ),
    # --- Bí mật nhà nước ----------------------------------------------------------------------
    _r(
        "mat-do",
        "bi-mat",
        "bí mật nhà nước có ba độ: Tuyệt mật, Tối mật, Mật",
        "Ba độ mật: Tuyệt mật, Tối mật, Mật. Người có thẩm quyền xác định độ mật theo danh mục "
        "bí mật nhà nước; người soạn thảo đề xuất độ mật. Người dùng chỉ thấy văn bản có độ mật "
        "không cao hơn mức tiếp cận của mình.",
        ("luat-bvbmnn-2018", ""),
        ("luat-117-2025", ""),
    ),
    _r(
        "mat-noi-mang",
        "bi-mat",
        "không soạn thảo, lưu giữ bí mật nhà nước trên máy kết nối Internet, mạng máy tính",
        "Cấm soạn thảo, lưu giữ tài liệu bí mật nhà nước trên máy tính, thiết bị đã hoặc đang "
        "kết nối Internet, mạng máy tính, mạng viễn thông (từ 01/3/2026: được dùng mạng LAN độc "
        "lập). Hệ thống ở vùng kết nối mạng chỉ giữ mục sổ không có nội dung của văn bản mật.",
        ("luat-bvbmnn-2018", "Điều 5"),
        ("luat-117-2025", ""),
    ),
    _r(
        "mat-thoi-han",
        "bi-mat",
        "thời hạn bảo vệ bí mật: 30 năm Tuyệt mật, 20 năm Tối mật, 10 năm Mật",
        "Thời hạn bảo vệ tính từ ngày xác định độ mật: 30 năm Tuyệt mật, 20 năm Tối mật, 10 năm "
        "Mật (chưa kiểm chứng đã thay đổi theo Luật 117/2025 hay chưa).",
        ("luat-bvbmnn-2018", "Điều 19"),
    ),
    _r(
        "mat-sao-chup",
        "bi-mat",
        "sao, chụp bí mật nhà nước được ghi vào Sổ quản lý sao, chụp",
        "Sao, chụp bí mật nhà nước tại nơi an toàn, ghi vào Sổ quản lý sao, chụp bí mật nhà "
        "nước, đóng dấu bản sao; với Tuyệt mật, sổ chỉ ghi trích yếu khi người có thẩm quyền "
        "đồng ý.",
        ("nd26-2020", ""),
        confidence="S",
    ),
    # --- Hệ thống -----------------------------------------------------------------------------
    _r(
        "tra-cuu",
        "he-thong",
        "Hệ thống tìm kiếm trên mọi trường và toàn văn, lưu được câu tìm kiếm",
        "Tìm kiếm theo mọi trường thông tin và toàn văn; lưu câu truy vấn (bộ lọc đã lưu); kết "
        "xuất; mọi lượt truy cập được ghi nhật ký.",
        ("nd30", "Phụ lục VI"),
    ),
    _r(
        "quyen-truy-cap",
        "he-thong",
        "quyền truy cập theo từng hồ sơ, văn bản; thay đổi quyền được cảnh báo và ghi lại",
        "Phân quyền theo mức độ thông tin, theo hồ sơ và văn bản; thay đổi quyền khi đổi vị trí "
        "công tác; mọi thao tác được ghi vào nhật ký không sửa được.",
        ("nd30", "Phụ lục VI"),
    ),
    _r(
        "co-cau-to-chuc",
        "he-thong",
        "cây tổ chức đảng và ký hiệu cơ quan ban hành (TU, ĐU, CB, VPTU…)",
        "Tổ chức đảng gồm cấp ủy, cơ quan tham mưu, tổ chức cơ sở đảng, đơn vị nội bộ; mỗi tổ "
        "chức có chữ viết tắt dùng trong ký hiệu văn bản (TU, ĐU, CB, VPTU…) và các nhiệm kỳ cấp "
        "ủy dùng để đánh số.",
        ("hd36", ""),
        confidence="S",
    ),
)

RULES: dict[str, Rule] = {r.code: r for r in RULE_LIST}


def cite(code: str, message: str | None = None) -> str:
    """``NĐ 30/2020 Điều 22: số đến được lấy liên tiếp trong năm``; with ``message``, the message
    followed by the citation in brackets. An unknown code is a programming error (KeyError)."""
    rule = RULES[code]
    citation = f"{rule.citation}: {rule.statement}"
    if message is None:
        return citation
    return f"{message} ({citation})"


def anchor(code: str) -> str:
    """The handbook address of a rule: its topic page and the rule's anchor."""
    from django.urls import reverse

    rule = RULES[code]
    return reverse("guide:topic", args=[rule.topic]) + f"#{rule.code}"


def rules_of_topic(slug: str) -> list[Rule]:
    return [r for r in RULE_LIST if r.topic == slug]


def search(query: str) -> list[Rule]:
    """Rules whose words contain every word of the query, with or without diacritics."""
    words = fold(query).split()
    if not words:
        return []
    found = []
    for rule in RULE_LIST:
        haystack = fold(
            " ".join(
                [rule.code, rule.statement, rule.text, rule.citation]
                + [f"{name} {article}" for name, article in rule.sources]
            )
        )
        if all(w in haystack for w in words):
            found.append(rule)
    return found
