#!/usr/bin/python3
"""Writes the spreadsheets the import API tests send, as other programs
write them: a GB18030 CSV as Excel saves "CSV" on a Chinese Windows, and an
XLSX from openpyxl. Values fit the demo pack (rules/packs/chengchuan).
Run with Debian's /usr/bin/python3 (python3-openpyxl); the output is
committed, so the tests need no Python to read it."""

import datetime
import os

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))


def write_csv(name, rows, encoding, bom=False):
    def field(v):
        v = str(v)
        if any(c in v for c in ',"\r\n'):
            v = '"' + v.replace('"', '""') + '"'
        return v

    text = "\r\n".join(",".join(field(v) for v in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


# Three problems of 望岭区: by label, unit name and full name, Chinese dates.
write_csv(
    "ledger_gb18030.csv",
    [
        ["编号", "问题类别", "问题描述", "所在单位", "责任单位", "整改措施", "责任领导", "整改时限", "备注"],
        ["WL-2026-001", "“两不愁三保障”及饮水安全方面",
         "梅岭村3户饮水水质检测不达标，\n村民反映“水有异味”", "望岭区望岭镇梅岭村", "望岭镇",
         "更换净水设备，每月送检", "镇长", "2026年12月31日", "群众来信"],
        ["WL-2026-002", "产业就业与内生动力方面", "扶贫车间用工台账不全", "望岭区东溪镇",
         "东溪镇", "", "", "2027/1/15", ""],
        ["WL-2026-003", "A", "村级财务公开不及时", "龙庄村", "", "", "", "", "待交办"],
    ],
    "gb18030",
)

# Every kind of mistake, each in its own cell.
write_csv(
    "ledger_bad.csv",
    [
        ["编号", "问题类别", "问题标题", "所在单位", "责任单位", "整改时限"],
        ["B-1", "Z", "类别不存在", "松垭村", "望岭镇", "2026-12-31"],
        ["B-2", "A", "日期不对", "松垭村", "望岭镇", "2026-02-30"],
        ["B-3", "A", "单位不存在", "月亮村", "望岭镇", "2026-12-31"],
        ["B-1", "A", "编号重复，无责任单位却有时限", "梅岭村", "", "2026-12-31"],
    ],
    "utf-8",
)

# A unit list: a new village under 望岭镇 and a new department.
write_csv(
    "units.csv",
    [
        ["单位编码", "单位名称", "上级单位编码", "单位类型", "联系邮箱"],
        ["cc.c01.t01.v900", "新村社区", "cc.c01.t01", "村（社区）", "xincun@chengchuan.example"],
        ["cc.dept.hbj", "市生态环境局", "cc", "部门", "hbj@chengchuan.example"],
    ],
    "utf-8",
    bom=True,
)

write_csv(
    "units_bad.csv",
    [
        ["单位编码", "单位名称", "上级单位编码", "单位类型"],
        ["cc.c01.t01.v901", "孤村", "cc.nowhere", "村"],
        ["cc.c01.t01.v902", "", "cc.c01.t01", "星球"],
    ],
    "utf-8",
)

# An XLSX as openpyxl writes it: English headers, a real date cell, a
# second sheet of notes that import leaves out.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "问题清单"
ws.append(["external_ref", "category", "title", "description", "unit",
           "responsible_unit", "severity", "deadline"])
ws.append(["XQ-001", "B", "监测户识别不精准", "溪桥镇2户应纳未纳", "溪桥镇", "cc.c02.t01",
           "较重", datetime.date(2027, 3, 1)])
ws.append(["XQ-002", "资金项目管理方面", "项目资金拨付滞后", "", "溪桥县", "溪桥县",
           "grave", datetime.datetime(2027, 2, 10, 0, 0)])
ws.cell(row=2, column=8).number_format = "yyyy-mm-dd"
ws.cell(row=3, column=8).number_format = "yyyy\"年\"m\"月\"d\"日\""
notes = wb.create_sheet("说明")
notes["A1"] = "填表说明：整改时限填写日期"
wb.save(os.path.join(HERE, "ledger_openpyxl.xlsx"))
