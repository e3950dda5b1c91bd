"""TCVN3 and VNI text read as Windows-1252: tables, round trips, and detection."""

from __future__ import annotations

import random
import shutil
import subprocess
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vanthu.core.text import (
    VIETNAMESE_LETTERS,
    VOWEL_LETTERS,
    canonical,
    decode_legacy,
    detect_legacy_encoding,
    encode_legacy,
    nfc,
)

# Everyday words of Party committee paperwork, place names and family names: the material the
# detection accuracy is measured on.
_VOCABULARY_TEXT = """
Đảng Cộng sản Việt Nam Ban Chấp hành Trung ương Tỉnh ủy Thành ủy Huyện ủy Đảng ủy xã phường
thị trấn Bí thư Phó Chủ tịch Ủy ban nhân dân Hội đồng Mặt trận Tổ quốc văn phòng công văn quyết
định nghị quyết chỉ thị thông báo báo cáo tờ trình kế hoạch hướng dẫn quy định chương trình đề
án biên bản giấy mời số ngày tháng năm về việc triển khai thực hiện tổ chức cán bộ đảng viên
kiểm tra giám sát kỷ luật tuyên giáo dân vận nội chính kinh tế văn hóa xã hội quốc phòng an
ninh đối ngoại phát triển nâng cao chất lượng hiệu quả lãnh đạo chỉ đạo điều hành công tác học
mới của các cơ quan đơn vị địa phương trên địa bàn tỉnh huyện toàn thể cần thiết đồng chí kính
gửi nơi nhận lưu trữ hồ sơ tài liệu bảo mật khẩn hỏa tốc thường trực thường vụ hội nghị đại hội
nhiệm kỳ bầu cử ứng cử đề cử giới thiệu nhân sự luân chuyển bổ nhiệm miễn nhiệm khen thưởng thi
đua tập làm theo tư tưởng đạo đức phong cách Hồ Chí Minh chuyển đổi số cải cách hành thủ tục
giải khiếu nại tố phòng chống tham nhũng lãng phí tiêu cực được những người này đã đang sẽ không
có là và với cho trong ngoài từ đến để khi nếu thì mà nhưng cũng rất nhiều ít hơn nhất mỗi từng
hàng quý tuần tiến độ kết đánh giá xếp loại hoàn thành xuất sắc tốt khá trung bình yếu kém
nghiêm túc đầy đủ kịp thời chính xác khách dân chủ tập trung đoàn kết thống nhất trách nhiệm
quyền hạn nghĩa vụ lợi chế độ sách bảo hiểm y tế giáo dục đào tạo bồi dưỡng lý luận trị nghiệp
chuyên môn kỹ năng ngoại ngữ tin môi trường tài nguyên đất đai xây dựng giao thông thủy lợi nông
thôn công nghiệp thương mại dịch du lịch ngân tài kế toán thuế khoa công nghệ truyền báo chí
xuất bản quân sự công an biên phòng thanh niên phụ nữ cựu chiến binh công đoàn khuyến người cao
tuổi chữ thập đỏ Hà Nội Huế Đà Nẵng Hải Phòng Cần Thơ Quảng Ninh Nghệ An Thanh Hóa Hòa Bình
Khánh Thừa Thiên Bắc Giang Lạng Sơn Điện Biên Lai Châu Tuyên Gia Kon Tum Đồng Nai Dương Tây Long
Tiền Vĩnh Sóc Trăng Bạc Liêu Cà Mau Kiên Tháp Bến Tre Trà Vinh Quỳnh Huỳnh khích ngoằn ngoèo
khuya Nguyễn Trần Lê Phạm Hoàng Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Lý nghiêng giường giữa gìn
"""
VOCABULARY = _VOCABULARY_TEXT.split()
# Things that sit in the same sentences and are not Vietnamese words.
NON_WORDS = ["15/NQ-TU", "UBND", "HĐND", "2025", "(", ")", "-", "TP.HCM", "ĐBQH", "43-CV/VPTU"]


def sentence(rng: random.Random) -> str:
    words = [
        rng.choice(NON_WORDS) if rng.random() < 0.1 else rng.choice(VOCABULARY)
        for _ in range(rng.randint(3, 16))
    ]
    text = " ".join(words)
    style = rng.random()
    if style < 0.15:
        return text.upper()  # headings are typed in capitals
    if style < 0.6:
        return text[:1].upper() + text[1:]
    return text


SENTENCES = [sentence(random.Random(seed)) for seed in range(200)]

vietnamese_text = st.text(
    alphabet=st.sampled_from(sorted(VIETNAMESE_LETTERS) + list(" ,.-/0123456789")), max_size=60
)
lowercase_vietnamese_text = st.text(
    alphabet=st.sampled_from(
        sorted(letter for letter in VIETNAMESE_LETTERS if letter.islower()) + list(" ,.-/019")
    ),
    max_size=60,
)


# --- known strings ------------------------------------------------------------------------------

KNOWN = [
    ("tcvn3", "Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("tcvn3", "§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("tcvn3", "§¶ng bé tØnh Hµ Giang", "Đảng bộ tỉnh Hà Giang"),
    ("tcvn3", "Ph\xadêng Hoµn KiÕm, ®\xadîc", "Phường Hoàn Kiếm, được"),
    ("tcvn3", "B¸o c¸o tµi chÝnh quý II n¨m 2008", "Báo cáo tài chính quý II năm 2008"),
    ("tcvn3", "CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("tcvn3", "§¶NG Bé TØNH", "ĐẢNG BỘ TỈNH"),
    ("vni", "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("vni", "Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("vni", "ngöôøi ñöôïc Ñaûng uûy", "người được Đảng ủy"),
    ("vni", "COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("vni", "Tænh uûy Khaùnh Hoøa, kyø hoïp, Ñaék Laék", "Tỉnh ủy Khánh Hòa, kỳ họp, Đắk Lắk"),
]


@pytest.mark.parametrize(("encoding", "legacy", "unicode"), KNOWN)
def test_known_legacy_strings_decode(encoding: str, legacy: str, unicode: str) -> None:
    assert decode_legacy(legacy, encoding) == unicode
    assert detect_legacy_encoding(legacy) == encoding
    assert decode_legacy(legacy) == unicode


@pytest.mark.parametrize(("encoding", "legacy", "unicode"), KNOWN)
def test_known_unicode_strings_encode(encoding: str, legacy: str, unicode: str) -> None:
    assert encode_legacy(unicode, encoding) == legacy


# --- the tables ---------------------------------------------------------------------------------


def test_tcvn3_decodes_the_74_letters_of_vn3_to_distinct_letters() -> None:
    codes = [chr(code) for code in range(0xA1, 0xFF)]
    decoded = {code: decode_legacy(code, "tcvn3") for code in codes}
    # 0xFD is ý in both TCVN3 and Latin-1; every other VN3 code changes.
    letters = {code: letter for code, letter in decoded.items() if letter != code or code == "ý"}
    assert len(letters) == 74  # 67 lower case + Ă Â Ê Ô Ơ Ư Đ (TCVN 5712:1993, VN3)
    assert len(set(letters.values())) == 74
    assert all(letter in VIETNAMESE_LETTERS for letter in letters.values())


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not installed")
def test_tcvn3_table_agrees_with_glibc_tcvn5712_1() -> None:
    # glibc's TCVN5712-1 is VN1, a superset of VN3: it must agree on every VN3 code.
    raw = bytes(range(0xA1, 0xFF))
    result = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=raw, capture_output=True, check=True
    )
    glibc = result.stdout.decode("utf-8")
    assert len(glibc) == len(raw)
    for code, theirs in zip(raw.decode("latin-1"), glibc, strict=True):
        ours = decode_legacy(code, "tcvn3")
        if ours != code:
            assert ours == theirs, f"0x{ord(code):02X}"


@pytest.mark.parametrize("letter", (*VOWEL_LETTERS, "đ", "Đ"))
def test_every_letter_round_trips_through_vni(letter: str) -> None:
    encoded = encode_legacy(letter, "vni")
    assert encoded.isascii() or all(ord(char) < 0x100 for char in encoded)
    assert decode_legacy(encoded, "vni") == letter


@pytest.mark.parametrize("letter", (*VOWEL_LETTERS, "đ", "Đ"))
def test_every_letter_round_trips_through_tcvn3_up_to_case(letter: str) -> None:
    encoded = encode_legacy(letter, "tcvn3")
    assert len(encoded) == 1
    assert ord(encoded) < 0x100
    decoded = decode_legacy(encoded, "tcvn3")
    if letter.islower() or letter in "AEIOUYĂÂÊÔƠƯĐ":
        assert decoded == letter
    else:
        # No upper-case toned vowels in VN3: .VnTimeH showed the lower-case code in capitals.
        assert decoded == letter.lower()


def test_tcvn3_capital_letters_in_an_all_capitals_word_decode_as_capitals() -> None:
    for letter in VOWEL_LETTERS[72:]:
        word = "TH" + letter + "NG"
        assert decode_legacy(encode_legacy(word, "tcvn3"), "tcvn3") == word


def test_vni_tolerates_a_sign_byte_in_the_other_case() -> None:
    assert decode_legacy("VIEäT Nam", "vni") == "VIỆT Nam"


def test_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown encoding"):
        decode_legacy("x", "viscii")
    with pytest.raises(ValueError, match="unknown encoding"):
        encode_legacy("x", "cp1258")


# --- round trips --------------------------------------------------------------------------------


@given(vietnamese_text)
def test_vni_round_trip_is_exact(text: str) -> None:
    assert decode_legacy(encode_legacy(text, "vni"), "vni") == nfc(text)
    assert decode_legacy(encode_legacy(canonical(text), "vni"), "vni") == canonical(text)


@given(lowercase_vietnamese_text)
def test_tcvn3_round_trip_is_exact_for_lower_case(text: str) -> None:
    assert decode_legacy(encode_legacy(text, "tcvn3"), "tcvn3") == nfc(text)
    assert decode_legacy(encode_legacy(canonical(text), "tcvn3"), "tcvn3") == canonical(text)


@given(vietnamese_text)
def test_tcvn3_round_trip_keeps_letters_and_marks(text: str) -> None:
    decoded = decode_legacy(encode_legacy(text, "tcvn3"), "tcvn3")
    assert decoded.lower() == nfc(text).lower()


@given(vietnamese_text)
def test_tcvn3_round_trip_is_exact_for_all_capitals(text: str) -> None:
    capitals = text.upper()
    if sum(char.isascii() and char.isalpha() for char in capitals) >= 3:
        assert decode_legacy(encode_legacy(capitals, "tcvn3"), "tcvn3") == nfc(capitals)


# --- detection ----------------------------------------------------------------------------------


def test_ascii_and_unicode_are_detected_as_unicode() -> None:
    assert detect_legacy_encoding("") == "unicode"
    assert detect_legacy_encoding("Ha Noi, 15/NQ-TU") == "unicode"
    assert detect_legacy_encoding("Cộng hòa xã hội chủ nghĩa Việt Nam") == "unicode"
    assert detect_legacy_encoding("Hà Nội") == "unicode"
    assert detect_legacy_encoding("Ê-đê, café, naïve, Straße, 東京") == "unicode"


@pytest.mark.parametrize(
    "text", ["Thanh Hoá", "Cộng hoà xã hội chủ nghĩa Việt Nam", "Hoà Bình", "thuý", "Khánh Hoà"]
)
def test_unicode_with_the_other_tone_placement_is_detected_as_unicode(text: str) -> None:
    # "oá" is also VNI for "ố": a tie must go to Unicode, never turn Hoá into Hố.
    assert detect_legacy_encoding(text) == "unicode"
    assert detect_legacy_encoding(unicodedata.normalize("NFD", text)) == "unicode"


@given(st.text())
def test_detection_and_decoding_never_raise(text: str) -> None:
    for encoding in (None, "unicode", "tcvn3", "vni"):
        decode_legacy(text, encoding)
    detect_legacy_encoding(text)


def accuracy(encoding: str) -> float:
    right = 0
    for original in SENTENCES:
        legacy = original if encoding == "unicode" else encode_legacy(original, encoding)
        expected = encoding if legacy != original else "unicode"
        right += detect_legacy_encoding(legacy) == expected
    return right / len(SENTENCES)


@pytest.mark.parametrize("encoding", ["unicode", "tcvn3", "vni"])
def test_detection_is_right_for_at_least_99_percent_of_200_sentences(encoding: str) -> None:
    assert accuracy(encoding) >= 0.99


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_detected_sentences_decode_back_to_the_original(encoding: str) -> None:
    for original in SENTENCES:
        decoded = decode_legacy(encode_legacy(original, encoding))
        if encoding == "vni":
            assert decoded == original
        else:
            assert decoded.lower() == original.lower()
