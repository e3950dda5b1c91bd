"""The document types as data (domain.md §2.2 Party types, §1.7 state types, plus the state
legal types offices receive). Offices edit them in the admin; this is only the starting list.

Codes are unique keys; ``abbreviation`` is what is printed in a number and symbol where it
differs from the code (the Party "Thông tri" prints TT, which as a code means the state
"Thông tư").
"""

from django.db import migrations

TYPES = [
    # code, name, abbreviation, family
    ("NQ", "Nghị quyết", "", "both"),
    ("QĐ", "Quyết định", "", "both"),
    ("CT", "Chỉ thị", "", "both"),
    ("KL", "Kết luận", "", "party"),
    ("QC", "Quy chế", "", "both"),
    ("QĐi", "Quy định (của Ban Chấp hành)", "", "party"),
    ("QyĐ", "Quy định", "", "state"),
    ("TTri", "Thông tri", "TT", "party"),
    ("HD", "Hướng dẫn", "", "both"),
    ("TB", "Thông báo", "", "both"),
    ("TC", "Thông cáo", "", "both"),
    ("TBo", "Tuyên bố", "", "party"),
    ("LKG", "Lời kêu gọi", "", "party"),
    ("BC", "Báo cáo", "", "both"),
    ("KH", "Kế hoạch", "", "both"),
    ("QH", "Quy hoạch", "", "party"),
    ("CTr", "Chương trình", "", "both"),
    ("ĐA", "Đề án", "", "both"),
    ("PA", "Phương án", "", "both"),
    ("DA", "Dự án", "", "both"),
    ("TTr", "Tờ trình", "", "both"),
    ("CV", "Công văn", "", "both"),
    ("BB", "Biên bản", "", "both"),
    ("GGT", "Giấy giới thiệu", "", "both"),
    ("GCN", "Giấy chứng nhận", "", "party"),
    ("GĐĐ", "Giấy đi đường", "", "party"),
    ("GNP", "Giấy nghỉ phép", "", "both"),
    ("GM", "Giấy mời", "", "both"),
    ("PC", "Phiếu chuyển", "", "both"),
    ("PG", "Phiếu gửi", "", "both"),
    ("PB", "Phiếu báo", "", "state"),
    ("ThC", "Thư công", "", "both"),
    ("HĐ", "Hợp đồng", "", "state"),
    ("CĐ", "Công điện", "", "state"),
    ("BGN", "Bản ghi nhớ", "", "state"),
    ("BTT", "Bản thỏa thuận", "", "state"),
    ("GUQ", "Giấy ủy quyền", "", "state"),
    ("SY", "Bản sao y", "", "state"),
    ("TrS", "Bản trích sao", "", "state"),
    ("SL", "Bản sao lục", "", "state"),
    ("L", "Luật", "", "state"),
    ("PL", "Pháp lệnh", "", "state"),
    ("NĐ", "Nghị định", "", "state"),
    ("TT", "Thông tư", "", "state"),
    ("TTLT", "Thông tư liên tịch", "", "state"),
]


def load(apps, schema_editor):
    DocumentType = apps.get_model("orgs", "DocumentType")
    for order, (code, name, abbr, family) in enumerate(TYPES):
        DocumentType.objects.update_or_create(
            code=code,
            defaults={"name": name, "abbreviation": abbr, "family": family, "sort_order": order},
        )


def unload(apps, schema_editor):
    apps.get_model("orgs", "DocumentType").objects.filter(
        code__in=[t[0] for t in TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
