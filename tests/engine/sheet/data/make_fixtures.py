#!/usr/bin/python3
"""Writes the spreadsheet fixtures of tests/engine/sheet (and of the import
tests that post them) with writers independent of qingling's readers:
openpyxl for issues.xlsx, libxlsxwriter (through ctypes; it writes
shared strings and styles as Excel does) for issues_excel.xlsx, Python's zipfile and hand-written XML for
handmade.xlsx (the corners openpyxl never writes), and Python's codecs for
the CSV files. Run with Debian's /usr/bin/python3 (python3-openpyxl) from
anywhere; the outputs land beside this script and are committed, so the
tests never need Python. Reruns give the same bytes.
"""

import ctypes
import datetime
import io
import os
import tempfile
import zipfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED_TIME = (2025, 1, 1, 0, 0, 0)

# The CSV fixtures share one table. Lines: header 1; records start on 2, 3
# (a quoted field running onto line 4), 6 (after the empty line 5) and 7
# (a short row, padded).
CSV_LINES = [
    "问题类别,问题描述,责任单位,整改时限",
    "两不愁三保障,“两不愁三保障”住房安全排查不到位,澄川县住建局,2025-06-30",
    '产业发展,"扶贫车间用工台账不全, 缺少签字',
    '确认",澄川县人社局,2025-07-15',
    "",
    '基础设施,"村道""安全防护""设施缺失",澄川县交通运输局,2025-08-01',
    "生态环保,河道垃圾清理不及时𠮷",
]


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def write_csvs():
    write("issues_utf8.csv", ("\n".join(CSV_LINES) + "\n").encode("utf-8"))
    write("issues_utf8_bom.csv", ("\r\n".join(CSV_LINES) + "\r\n").encode("utf-8-sig"))
    # As Excel saves "CSV" on a Chinese Windows: GB18030 (GBK), CRLF. The
    # last line has no line end; 𠮷 (U+20BB7) takes GB18030's four bytes.
    write("issues_gb18030.csv", "\r\n".join(CSV_LINES).encode("gb18030"))


def rezip(data):
    """The same archive with fixed timestamps, so reruns give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_issues_xlsx():
    """issues.xlsx, sheet 问题清单 (read) and 说明 (must be ignored):

    row 1  header: 序号 问题类别 问题描述 责任单位 整改时限 (F empty) 整改资金（万元） 是否销号 备注
    row 2  1, a date cell (yyyy-mm-dd), an integer 12, TRUE, a two-line note
    row 3  2, a datetime 2025-07-15 14:30 (time dropped), 3.5, FALSE
    row 4  only a blank "   " in A: skipped
    row 5  not written at all
    row 6  3, a date in 2025"年"m"月"d"日" format, 1234567.891, a string in F
    row 7  4, a date in built-in format 14, stops at column E (padded)
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题清单"
    header = ["序号", "问题类别", "问题描述", "责任单位", "整改时限", None,
              "整改资金（万元）", "是否销号", "备注"]
    for col, value in enumerate(header, start=1):
        if value is not None:
            ws.cell(row=1, column=col, value=value)

    def put(row, values):
        for col, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row=row, column=col, value=value)

    put(2, [1, "两不愁三保障", "“两不愁三保障”住房安全排查不到位", "澄川县住建局",
            datetime.date(2025, 6, 30), None, 12, True, "第一行\n第二行"])
    ws.cell(row=2, column=5).number_format = "yyyy-mm-dd"
    put(3, [2, "产业发展", "扶贫车间用工台账不全", "澄川县人社局",
            datetime.datetime(2025, 7, 15, 14, 30), None, 3.5, False])
    put(4, ["   "])
    put(6, [3, "基础设施", "村道安全防护设施缺失", "澄川县交通运输局",
            datetime.date(2025, 8, 1), "跳过的列", 1234567.891, False])
    ws.cell(row=6, column=5).number_format = 'yyyy"年"m"月"d"日"'
    put(7, [4, "生态环保", "河道垃圾清理不及时", "澄川县生态环境分局",
            datetime.date(2025, 9, 30)])
    ws.cell(row=7, column=5).number_format = "mm-dd-yy"  # built-in format 14

    notes = wb.create_sheet("说明")
    notes["A1"] = "本页为填表说明，导入时不读取"
    notes["A2"] = 42

    wb.properties.created = datetime.datetime(2025, 1, 1)
    wb.properties.modified = datetime.datetime(2025, 1, 1)
    out = io.BytesIO()
    wb.save(out)
    write("issues.xlsx", rezip(out.getvalue()))


class DocProperties(ctypes.Structure):
    _fields_ = [(name, ctypes.c_char_p) for name in (
        "title", "subject", "author", "manager", "company", "category", "keywords",
        "comments", "status", "hyperlink_base")] + [("created", ctypes.c_long)]


class DateTime(ctypes.Structure):
    _fields_ = [("year", ctypes.c_int), ("month", ctypes.c_int), ("day", ctypes.c_int),
                ("hour", ctypes.c_int), ("min", ctypes.c_int), ("sec", ctypes.c_double)]


def write_issues_excel_xlsx():
    """issues_excel.xlsx: the CSV fixtures' table as Excel would save it,
    sheet 问题清单 (read) and 说明 (ignored); all text in shared strings,
    整改时限 as real dates in format yyyy-mm-dd. Row 1 header; rows 2-5 the
    four problems (row 3's description has a line break; row 5 has no
    deadline, so it is padded)."""
    lib = ctypes.CDLL("libxlsxwriter.so.4")
    lib.workbook_new.restype = ctypes.c_void_p
    lib.workbook_new.argtypes = [ctypes.c_char_p]
    lib.workbook_add_worksheet.restype = ctypes.c_void_p
    lib.workbook_add_worksheet.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.workbook_add_format.restype = ctypes.c_void_p
    lib.workbook_add_format.argtypes = [ctypes.c_void_p]
    lib.format_set_num_format.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.workbook_set_properties.argtypes = [ctypes.c_void_p, ctypes.POINTER(DocProperties)]
    lib.worksheet_write_string.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint16,
                                           ctypes.c_char_p, ctypes.c_void_p]
    lib.worksheet_write_datetime.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint16,
                                             ctypes.POINTER(DateTime), ctypes.c_void_p]
    lib.worksheet_write_number.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint16,
                                           ctypes.c_double, ctypes.c_void_p]
    lib.workbook_close.argtypes = [ctypes.c_void_p]

    rows = [
        ["问题类别", "问题描述", "责任单位", "整改时限"],
        ["两不愁三保障", "“两不愁三保障”住房安全排查不到位", "澄川县住建局", (2025, 6, 30)],
        ["产业发展", "扶贫车间用工台账不全, 缺少签字\n确认", "澄川县人社局", (2025, 7, 15)],
        ["基础设施", '村道"安全防护"设施缺失', "澄川县交通运输局", (2025, 8, 1)],
        ["生态环保", "河道垃圾清理不及时𠮷"],
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.xlsx")
        wb = lib.workbook_new(path.encode())
        properties = DocProperties(created=1735689600)  # 2025-01-01
        lib.workbook_set_properties(wb, ctypes.byref(properties))
        ws = lib.workbook_add_worksheet(wb, "问题清单".encode())
        date_format = lib.workbook_add_format(wb)
        lib.format_set_num_format(date_format, b"yyyy-mm-dd")
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                if isinstance(value, tuple):
                    when = DateTime(*value, 0, 0, 0.0)
                    lib.worksheet_write_datetime(ws, r, c, ctypes.byref(when), date_format)
                else:
                    lib.worksheet_write_string(ws, r, c, value.encode(), None)
        notes = lib.workbook_add_worksheet(wb, "说明".encode())
        lib.worksheet_write_string(notes, 0, 0, "本页为填表说明，导入时不读取".encode(), None)
        lib.worksheet_write_number(notes, 1, 0, 42.0, None)
        if lib.workbook_close(wb) != 0:
            raise RuntimeError("libxlsxwriter could not write issues_excel.xlsx")
        with open(path, "rb") as f:
            write("issues_excel.xlsx", rezip(f.read()))


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

HANDMADE = {
    "[Content_Types].xml": f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
</Types>""",
    # An absolute target, as some writers use.
    "_rels/.rels": f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{RELS}">
<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="/xl/workbook.xml"/>
</Relationships>""",
    # The x: prefix, as .NET's Open XML SDK writes; the first sheet is rId7
    # and is not sheet1; the 1904 date system.
    "xl/workbook.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<x:workbook xmlns:x="{MAIN}" xmlns:r="{DOC}">
<x:workbookPr date1904="1"/>
<x:sheets>
<x:sheet name="台账" sheetId="2" r:id="rId7"/>
<x:sheet name="其他" sheetId="1" r:id="rId1"/>
</x:sheets>
</x:workbook>""",
    "xl/_rels/workbook.xml.rels": f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{RELS}">
<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId7" Type="{DOC}/worksheet" Target="/xl/worksheets/ledger.xml"/>
<Relationship Id="rId3" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId4" Type="{DOC}/styles" Target="./styles.xml"/>
<Relationship Id="rId9" Type="{DOC}/hyperlink" Target="https://example.org/" TargetMode="External"/>
</Relationships>""",
    # 0 plain; 1 rich text runs with a phonetic guide (left out); 2 an
    # escaped CR before a LF; 3 an escaped underscore.
    "xl/sharedStrings.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="{MAIN}" count="4" uniqueCount="4">
<si><t>问题类别</t></si>
<si><r><t>澄川</t></r><r><rPr><b/></rPr><t>县</t></r><rPh sb="0" eb="2"><t>チョウセン</t></rPh><phoneticPr fontId="1"/></si>
<si><t xml:space="preserve">第一行_x000D_
第二行</t></si>
<si><t>a_x005F_x0041_b</t></si>
</sst>""",
    # cellXfs: 0 General, 1 built-in 14, 2 custom 164 (a Chinese date),
    # 3 custom 165 (a time: not a date), 4 built-in 10 (0.00%). The
    # cellStyleXfs entry before them must not shift their indices.
    "xl/styles.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{MAIN}">
<numFmts count="2">
<numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>
<numFmt numFmtId="165" formatCode="[h]:mm:ss"/>
</numFmts>
<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
<cellXfs count="5">
<xf numFmtId="0" xfId="0"/>
<xf numFmtId="14" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="10" xfId="0" applyNumberFormat="1"/>
</cellXfs>
</styleSheet>""",
    # Rows: 1 absent; 2 header (A shared, B inline, C inline rich text with
    # a phonetic guide, D inline, E a formula string); 3 cells without
    # references; 4 absent; 5 boolean, error, 1904 dates, a time, a percent;
    # 6 only an ideographic space (skipped); 7 escapes and an extra cell in
    # F; 8 a formula result in C only.
    "xl/worksheets/ledger.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="{MAIN}">
<x:dimension ref="A2:F8"/>
<x:sheetData>
<x:row r="2">
<x:c r="A2" t="s"><x:v>0</x:v></x:c>
<x:c r="B2" t="inlineStr"><x:is><x:t>问题描述</x:t></x:is></x:c>
<x:c r="C2" t="inlineStr"><x:is><x:r><x:t>责任</x:t></x:r><x:r><x:t>单位</x:t></x:r><x:rPh sb="0" eb="2"><x:t>セキニン</x:t></x:rPh></x:is></x:c>
<x:c r="D2" t="inlineStr"><x:is><x:t>整改时限</x:t></x:is></x:c>
<x:c r="E2" t="str"><x:f>"数"&amp;"值"</x:f><x:v>数值</x:v></x:c>
</x:row>
<x:row r="3">
<x:c t="s"><x:v>1</x:v></x:c>
<x:c t="inlineStr"><x:is><x:t xml:space="preserve">描述 </x:t></x:is></x:c>
<x:c r="D3" s="1"><x:v>0</x:v></x:c>
<x:c r="E3"><x:v>1.5E+3</x:v></x:c>
</x:row>
<x:row r="5">
<x:c r="A5" t="b"><x:v>1</x:v></x:c>
<x:c r="B5" t="e"><x:v>#N/A</x:v></x:c>
<x:c r="C5" s="2"><x:v>44000.75</x:v></x:c>
<x:c r="D5" s="3"><x:v>0.5</x:v></x:c>
<x:c r="E5" s="4"><x:v>0.25</x:v></x:c>
</x:row>
<x:row r="6">
<x:c r="A6" t="inlineStr"><x:is><x:t>\u3000</x:t></x:is></x:c>
<x:c r="B6" s="1"/>
</x:row>
<x:row r="7">
<x:c r="A7" t="s"><x:v>2</x:v></x:c>
<x:c r="B7" t="s"><x:v>3</x:v></x:c>
<x:c r="F7" t="inlineStr"><x:is><x:t>多余</x:t></x:is></x:c>
</x:row>
<x:row r="8">
<x:c r="C8"><x:f>1+1</x:f><x:v>2</x:v></x:c>
</x:row>
</x:sheetData>
</x:worksheet>""",
    "xl/worksheets/sheet1.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>不应读取</t></is></c></row>
</sheetData></worksheet>""",
}


def write_zip(name, parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for part, text in parts.items():
            z.writestr(zipfile.ZipInfo(part, FIXED_TIME), text.encode("utf-8"),
                       compress_type=zipfile.ZIP_DEFLATED)
    write(name, out.getvalue())


def main():
    write_csvs()
    write_issues_xlsx()
    write_issues_excel_xlsx()
    write_zip("handmade.xlsx", HANDMADE)
    # handmade.xlsx whose sheet refers to a shared string it lacks (cell A3).
    write_zip("bad_shared_string.xlsx", dict(HANDMADE, **{
        "xl/worksheets/ledger.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c></row>
<row r="3"><c r="A3" t="s"><v>99</v></c></row>
</sheetData></worksheet>"""}))
    # handmade.xlsx whose rows come out of order (3 before 2).
    write_zip("rows_out_of_order.xlsx", dict(HANDMADE, **{
        "xl/worksheets/ledger.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>问题类别</t></is></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>甲</t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>乙</t></is></c></row>
</sheetData></worksheet>"""}))
    # A zip that is no workbook at all.
    write_zip("no_workbook.xlsx", {"readme.txt": "这不是工作簿\n"})


if __name__ == "__main__":
    main()
