"""Sample retention tables (domain.md §6), marked as samples to be replaced.

The rows are illustrative, most of them from memory ([M] in domain.md): an office loads its own
table (the Party model table its Văn phòng Tỉnh ủy issues, or TT 10/2022 in full) in the admin
and switches these off. Retention codes are those of TT 05/2025 (01–07) plus "until_invalid".
"""

from django.db import migrations

STATE = (
    "TT10-2022-MAU",
    "Bảng thời hạn bảo quản tài liệu chung (mẫu rút gọn)",
    "state",
    "Thông tư 10/2022/TT-BNV, Phụ lục I",
    [
        # reference, group, title, code, years, notes
        ("3", "Tổ chức, cán bộ",
         "Hồ sơ xây dựng, ban hành Điều lệ tổ chức và hoạt động; Quy chế làm việc, quy định, "
         "hướng dẫn công tác tổ chức", "05", 20, ""),
        ("", "Tổng hợp", "Tập văn bản gửi chung đến các cơ quan, tổ chức (hồ sơ nguyên tắc)",
         "until_invalid", None, ""),
        ("", "Tổng hợp", "Kế hoạch, báo cáo công tác năm, nhiều năm", "01", None, ""),
        ("", "Tổng hợp", "Kế hoạch, báo cáo 6 tháng, 9 tháng", "05", 20, ""),
        ("", "Tổng hợp", "Kế hoạch, báo cáo tháng, quý", "07", 5, ""),
        ("", "Tổ chức, cán bộ", "Hồ sơ gốc cán bộ, công chức, viên chức", "02", 70, ""),
        ("", "Văn thư, lưu trữ", "Hồ sơ hủy tài liệu hết giá trị", "05", 20, ""),
        ("", "Văn thư, lưu trữ", "Sổ đăng ký văn bản đi, văn bản đến", "05", 20,
         "Chưa chắc chắn; có thể dài hơn với sổ văn bản đi."),
        ("", "Tài chính, kế toán", "Chứng từ kế toán dùng cho ghi sổ", "06", 10,
         "Theo Luật Kế toán."),
        ("", "Tổng hợp", "Công văn trao đổi về nghiệp vụ", "06", 10, ""),
    ],
)

PARTY = (
    "35-HD-VPTW-TINH-MAU",
    "Bảng thời hạn bảo quản mẫu tài liệu chủ yếu của cơ quan, tổ chức đảng cấp tỉnh (mẫu rút gọn)",
    "party",
    "Hướng dẫn 35-HD/VPTW ngày 18/10/2010",
    [
        ("", "Đại hội", "Hồ sơ đại hội đảng bộ tỉnh; văn kiện, nghị quyết đại hội", "01", None, ""),
        ("", "Lãnh đạo, chỉ đạo",
         "Nghị quyết, chỉ thị, quyết định, quy định, kết luận của Ban Chấp hành, Ban Thường vụ, "
         "Thường trực Tỉnh ủy (bản gốc, bản chính)", "01", None, ""),
        ("", "Hội nghị", "Biên bản, ghi âm hội nghị Ban Chấp hành, Ban Thường vụ Tỉnh ủy",
         "01", None, ""),
        ("", "Tổng hợp",
         "Báo cáo tổng kết năm, nhiệm kỳ; chương trình công tác toàn khóa, năm", "01", None, ""),
        ("", "Tổng hợp", "Báo cáo tháng, quý; chương trình công tác tháng, quý", "06", 10,
         "35-HD/VPTW ghi 5–10 năm; chọn lại theo bảng của cơ quan."),
        ("", "Kiểm tra, kỷ luật",
         "Hồ sơ kiểm tra, thi hành kỷ luật đảng viên thuộc diện Ban Thường vụ quản lý",
         "01", None, ""),
        ("", "Tổ chức", "Hồ sơ đảng viên (do cấp ủy quản lý)", "07", None,
         "Theo quy định của Ban Tổ chức Trung ương."),
        ("", "Tổng hợp", "Công văn trao đổi về công tác chuyên môn, nghiệp vụ", "06", 10, ""),
        ("", "Tổng hợp", "Văn bản của cấp trên gửi đến để thực hiện, để biết",
         "until_invalid", None, "Không nộp lưu."),
    ],
)

SAMPLE_NOTE = (
    "Bảng mẫu để thử hệ thống: phần lớn các dòng chưa đối chiếu với văn bản chính thức. "
    "Cơ quan thay bằng bảng của mình trước khi dùng thật."
)


def load(apps, schema_editor):
    Schedule = apps.get_model("records", "RetentionSchedule")
    Rule = apps.get_model("records", "RetentionRule")
    for code, name, kind, source, rows in (STATE, PARTY):
        schedule = Schedule.objects.create(
            code=code, name=name, kind=kind, source=source, is_sample=True, notes=SAMPLE_NOTE
        )
        Rule.objects.bulk_create(
            Rule(
                schedule=schedule,
                position=i,
                reference=ref,
                group=group,
                title=title,
                retention_code=rcode,
                retention_years=years,
                notes=notes,
            )
            for i, (ref, group, title, rcode, years, notes) in enumerate(rows, start=1)
        )


def unload(apps, schema_editor):
    apps.get_model("records", "RetentionSchedule").objects.filter(
        code__in=[STATE[0], PARTY[0]]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
