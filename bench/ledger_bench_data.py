#!/usr/bin/python3
"""Writes the problem ledger that bench/ledger_bench.sh imports: ROWS rows
over the units of the demo city 澄川市 (rules/packs/chengchuan), as a UTF-8
CSV and, with openpyxl (Debian's python3-openpyxl), as an XLSX holding the
same rows.

  /usr/bin/python3 bench/ledger_bench_data.py --rows N --units UNITS.tsv \\
      --csv OUT.csv [--xlsx OUT.xlsx] [--seed S]

UNITS.tsv is what `sqlite3 -separator $'\\t' DIR/qingling.db
"select code, kind, name from units"` prints for a data folder the server
has filled with the demo tree. The rows are the same for the same seed and
unit list: every row has a unique 编号 and a category A–F; problems sit
mostly in villages, then townships, then counties; about 70% of them carry
a 责任单位 (the township or county above the problem) with a deadline
between 2026-06-01 and 2027-06-30, the other 30% are left unassigned.
Descriptions are 100–300 Chinese characters."""

import argparse
import csv
import datetime
import random
import sys

HEADER = ["编号", "问题来源", "问题类别", "问题标题", "问题描述", "所在单位", "严重程度",
          "整改措施", "责任领导", "牵头单位", "责任单位", "整改时限"]

CATEGORIES = "ABCDEF"
SOURCES = [("巡视反馈", 3), ("地毯式排查", 5), ("交叉督查", 2), ("回头看", 1), ("自查自纠", 2)]
SEVERITIES = [("一般", 7), ("较重", 2), ("严重", 1)]
LEAD_UNITS = {  # 牵头单位 by category: the city department that leads
    "A": ["cc.dept.dcs", "cc.dept.zzb"],
    "B": ["cc.dept.xczx", "cc.dept.mzj"],
    "C": ["cc.dept.jyj", "cc.dept.wjw", "cc.dept.ybj", "cc.dept.zjj", "cc.dept.slj"],
    "D": ["cc.dept.nync", "cc.dept.rsj", "cc.dept.xczx"],
    "E": ["cc.dept.czj", "cc.dept.sjj", "cc.dept.fgw"],
    "F": ["cc.dept.jwjw", "cc.dept.zzb", "cc.dept.xcb"],
}

# Per category: title patterns and the sentences a description is built of.
# {u} is the problem's unit, {n}/{m} small numbers, {y} a year, {p} a percentage.
TITLES = {
    "A": ["{u}整改主体责任落实不到位", "{u}党委（党支部）专题研究整改工作不及时",
          "{u}整改台账更新滞后、底数不清", "{u}“一把手”督办整改流于形式",
          "{u}对巡视反馈问题认识不深、推进不力", "{u}整改方案措施针对性不强"],
    "B": ["{u}监测对象识别不精准", "{u}{n}户应纳未纳监测范围", "{u}防返贫动态监测数据比对不及时",
          "{u}帮扶措施与致贫风险不匹配", "{u}监测户信息采集不完整", "{u}风险消除标准把握不严"],
    "C": ["{u}饮水水质检测不达标", "{u}{n}户住房安全鉴定未覆盖", "{u}义务教育控辍保学跟踪不到位",
          "{u}家庭医生签约服务履约不实", "{u}供水设施管护责任不落实", "{u}农村危房改造验收不严"],
    "D": ["{u}扶贫车间用工台账不全", "{u}产业项目带农益农机制不健全", "{u}光伏收益分配不规范",
          "{u}公益性岗位管理不规范", "{u}务工补贴发放滞后", "{u}特色种植项目效益不佳"],
    "E": ["{u}衔接资金拨付滞后", "{u}项目资金公告公示不到位", "{u}扶贫项目资产底数不清",
          "{u}项目库建设质量不高", "{u}资金支出进度低于序时进度", "{u}项目验收资料不齐全"],
    "F": ["{u}驻村工作队员在岗履职不到位", "{u}村级组织软弱涣散", "{u}填表报数负担仍然较重",
          "{u}“三会一课”制度落实不严", "{u}村务公开不及时、不规范", "{u}干部作风不实、服务群众意识不强"],
}
SENTENCES = {
    "A": ["经查，{u}党委（党支部）{y}年以来仅召开{n}次专题会议研究整改工作，会议记录内容简单，未明确责任分工和完成时限。",
          "整改台账中有{m}项问题的整改进展长期未更新，部分问题“已完成”但无佐证材料支撑。",
          "主要负责同志对整改工作过问不多，压力传导逐级递减，存在“上热中温下冷”现象。",
          "部分班子成员对分管领域问题底数不清，认为整改是牵头部门的事，主动担责意识不强。",
          "整改方案照搬照抄上级文件，措施笼统，缺乏可操作性和可检验的标准。"],
    "B": ["抽查发现，{u}有{n}户收入骤减或支出骤增的农户未按程序纳入监测范围，其中{m}户存在因病致贫风险。",
          "部门间数据比对每季度仅开展一次，医保、残联、民政等行业数据推送后未及时核实处置。",
          "部分监测户帮扶措施仍停留在“发放慰问品”层面，未针对风险类型落实产业、就业等针对性措施。",
          "入户走访记录与实际情况不符，有{n}户家庭人口、收入信息采集错误。",
          "风险消除认定把关不严，有{m}户未达到稳定消除条件即标注风险消除。"],
    "C": ["对{u}集中供水点抽检，{n}处水样浑浊度、菌落总数超标，村民反映“水有异味”，问题反复出现未彻底解决。",
          "有{n}户农户住房未开展安全性鉴定，其中{m}户房屋墙体开裂，雨季存在安全隐患。",
          "{y}年秋季学期有{m}名适龄儿童未按时返校，劝返台账登记不完整，未落实“一人一案”。",
          "家庭医生签约服务重签约、轻履约，{p}%的签约对象一年内未接受过随访服务。",
          "供水工程管护经费未落实，管护人员兼职且未经培训，设施损坏后维修不及时。"],
    "D": ["{u}扶贫车间用工花名册与实际在岗人员不符，{n}名登记务工人员实际已外出，带贫成效被夸大。",
          "产业项目与脱贫户利益联结机制不紧密，{p}%的项目仅以分红方式带动，群众参与度低。",
          "村集体光伏电站收益{y}年度未按规定比例用于公益岗位和小型公益事业，收益分配方案未经村民代表大会讨论。",
          "公益性岗位人员考勤流于形式，有{m}人长期不在岗仍照常领取补贴。",
          "外出务工交通补贴发放滞后，最长拖延{n}个月，群众意见较大。"],
    "E": ["{y}年度衔接资金中有{p}%未在规定时间内拨付到项目，资金滞留在乡镇财政所。",
          "项目资金公告公示内容不全，未公开资金来源、建设内容和受益对象，公示期不足{n}天。",
          "扶贫项目资产确权登记不到位，有{m}个项目资产未移交村集体，后续管护责任不明确。",
          "项目库入库项目论证不充分，有{n}个项目因选址不当、群众意愿不强而调整或终止。",
          "项目验收资料缺少施工日志、监理报告等关键材料，存在先拨款后验收的情况。"],
    "F": ["驻村工作队{n}名队员中有{m}人长期“走读”，每月在村时间不足规定天数，驻村日志补记、代记现象突出。",
          "{u}村“两委”班子战斗力不强，党组织生活不正常，{y}年以来党员大会仅召开{n}次。",
          "基层填表报数任务繁重，同一数据多头重复报送，村干部反映每月用于填表的时间超过{n}天。",
          "村务公开栏内容长期未更新，财务收支明细公开不及时，群众对村级事务知情不够。",
          "个别干部对群众诉求推诿扯皮，群众来信反映的{m}件问题超过{n}个月未予答复。"],
}
COMMON = ["上述问题群众反映强烈，影响整改成效和群众满意度。",
          "相关单位虽已开展自查，但整改措施未落到实处，问题仍不同程度存在。",
          "该问题在{y}年“回头看”中已被指出，整改后又出现反弹。",
          "现场核查时，相关负责同志对问题情况说不清、道不明。",
          "经与有关部门核实，问题属实，需限期整改到位并举一反三。"]
MEASURES = ["召开专题会议研究部署，明确责任领导和责任人，建立问题、任务、责任“三张清单”，每周调度整改进展。",
            "逐户开展排查核实，建立工作台账，整改一户销号一户，整改情况在村务公开栏公示。",
            "会同行业部门开展联合督查，对整改不力的单位和个人严肃问责，形成长效机制。",
            "完善相关制度办法，加强业务培训，确保同类问题不再发生。",
            "落实专项资金和管护人员，{n}个月内完成设施维修改造并通过验收。"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌玉兰海燕亮林晓东"
POSTS = {"village": ["村党支部书记", "村委会主任", "驻村第一书记"],
         "township": ["镇长", "乡长", "党委书记", "分管副镇长"],
         "county": ["县长", "分管副县长", "区长", "分管副区长"]}


def read_units(path):
    """code → (kind, name) from the tab-separated unit list."""
    units = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[0]:
                units[parts[0]] = (parts[1], parts[2])
    return units


class Ledger:
    def __init__(self, units, seed):
        self.rng = random.Random(seed)
        self.units = units
        self.by_kind = {}
        for code in sorted(units):
            self.by_kind.setdefault(units[code][0], []).append(code)
        for kind in ("county", "township", "village"):
            if not self.by_kind.get(kind):
                sys.exit(f"ledger_bench_data: the unit list has no {kind}: is the demo tree loaded?")
        self.first_day = datetime.date(2026, 6, 1)
        self.days = (datetime.date(2027, 6, 30) - self.first_day).days

    def fill(self, pattern, unit_name):
        r = self.rng
        return pattern.format(u=unit_name, n=r.randint(2, 12), m=r.randint(1, 9),
                              y=r.choice((2024, 2025, 2026)), p=r.randint(15, 65))

    def description(self, category, unit_name):
        r = self.rng
        target = r.randint(100, 300)  # characters
        text = f"{unit_name}：" if r.random() < 0.5 else ""
        # The category's own findings first, then the remarks any finding may carry.
        order = r.sample(SENTENCES[category], len(SENTENCES[category])) + r.sample(COMMON, len(COMMON))
        i = 0
        while len(text) < target:
            text += self.fill(order[i % len(order)], unit_name)
            i += 1
        if len(text) > 300:  # cut at a sentence end if one fits, else hard
            cut = text.rfind("。", 100, 300)
            text = text[:cut + 1] if cut >= 0 else text[:300]
        return text

    def problem_unit(self):
        r = self.rng.random()
        kind = "village" if r < 0.65 else "township" if r < 0.92 else "county"
        return self.rng.choice(self.by_kind[kind])

    def responsible(self, unit):
        """The township or county above (or at) the problem's unit."""
        parts = unit.split(".")  # cc.cNN[.tKK[.vNNN]]
        county = ".".join(parts[:2])
        township = ".".join(parts[:3]) if len(parts) >= 3 else None
        if township and township in self.units and self.rng.random() < 0.75:
            return township
        return county

    def leader(self, responsible):
        r = self.rng
        kind = self.units[responsible][0]
        return (r.choice(SURNAMES) + r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.6 else "")
                + "（" + r.choice(POSTS.get(kind, POSTS["township"])) + "）")

    def rows(self, n):
        r = self.rng
        sources = [s for s, w in SOURCES for _ in range(w)]
        severities = [s for s, w in SEVERITIES for _ in range(w)]
        for i in range(1, n + 1):
            category = r.choice(CATEGORIES)
            unit = self.problem_unit()
            unit_name = self.units[unit][1]
            title = self.fill(r.choice(TITLES[category]), unit_name)
            row = [f"CC-2026-{i:06d}", r.choice(sources), category, title,
                   self.description(category, unit_name), unit, r.choice(severities),
                   "", "", "", "", ""]
            if r.random() < 0.70:
                resp = self.responsible(unit)
                deadline = self.first_day + datetime.timedelta(days=r.randint(0, self.days))
                row[7] = self.fill(r.choice(MEASURES), unit_name)
                row[8] = self.leader(resp)
                row[9] = r.choice(LEAD_UNITS[category]) if r.random() < 0.4 else ""
                row[10] = resp
                row[11] = deadline.isoformat()
            yield row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--units", required=True, help="code<TAB>kind<TAB>name per line")
    ap.add_argument("--csv", required=True)
    ap.add_argument("--xlsx")
    ap.add_argument("--seed", type=int, default=20260601)
    args = ap.parse_args()

    units = read_units(args.units)
    rows = list(Ledger(units, args.seed).rows(args.rows))

    with open(args.csv, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        w.writerows(rows)

    if args.xlsx:
        import openpyxl  # only for the XLSX: the CSV needs the standard library alone

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("问题清单")
        ws.append(HEADER)
        for row in rows:
            # A real date cell for the deadline, as a spreadsheet program keeps it.
            out = list(row)
            if out[11]:
                out[11] = datetime.date.fromisoformat(out[11])
            ws.append(out)
        wb.save(args.xlsx)

    assigned = sum(1 for row in rows if row[10])
    print(f"ledger: {len(rows)} rows, {assigned} with 责任单位 ({100 * assigned / max(1, len(rows)):.0f}%), "
          f"{len(units)} units")


if __name__ == "__main__":
    main()
