"""Demonstration data for `medtrace demo seed`: a small bilingual set to try the product with, and the
large reference set of DESIGN §7 that the benchmarks run against.

* small — a few hundred lots of a fictional Suzhou device maker, written through ordinary INSERTs with
  every trigger active, so the database's own rules (GTIN check digits, party rules, stock never
  negative) vouch for the data.
* large — about 1 M lots, 3 M genealogy edges and 1 M shipments built set-based in SQL. Per-row
  triggers (stock check, foreign keys, change broadcast) are switched off for the load with
  `session_replication_role = replica`, so the generator itself keeps every rule those triggers check
  and proves the stock rule before it commits.

Same seed, same data: Python draws come from `random.Random(seed)`, SQL draws from
`hashint8extended(n, salt)` with salts derived from the seed. Dates are relative to today so that
"expiring soon" stays true whenever the data is made.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, Table, insert, text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from app.errors import ComplianceError, InvalidInput
from app.models import (
    GMP_TABLES,
    CompanyProfile,
    Deviation,
    GenealogyEdge,
    Lot,
    Movement,
    Party,
    Product,
    QcResult,
    SerialUnit,
)

SCALES = ("small", "large")
LARGE_LOTS = 1_000_000
SEED_LOCK = (7002, 1)  # pg_advisory_xact_lock key: two seeds never run into each other
GS = "\x1d"  # GS1 group separator (FNC1 in data), ends a variable-length element
COMPANY_PREFIX = "6975432"  # our fictional GS1 China company prefix (690–699 = China)

Progress = Callable[[str], None]


def _random(seed: int | str) -> random.Random:
    """Reproducible draws for demonstration data (never for anything secret)."""
    return random.Random(seed)  # noqa: S311 — same seed, same data is the point


@dataclass(frozen=True)
class SeedSummary:
    """What a seed run left in the database (row counts per table) and how long it took."""

    scale: str
    seed: int
    products: int = 0
    parties: int = 0
    lots: int = 0
    serial_units: int = 0
    qc_results: int = 0
    deviations: int = 0
    genealogy_edges: int = 0
    movements: int = 0
    seconds: float = 0.0
    skipped: bool = False

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    def describe(self) -> str:
        if self.skipped:
            return "The database already holds data; no demonstration data was added."
        return (
            f"Demonstration data ({self.scale}, seed {self.seed}) loaded in {self.seconds:.1f} s: "
            f"{self.products:,} products, {self.parties:,} parties, {self.lots:,} lots, "
            f"{self.serial_units:,} serial units, {self.qc_results:,} QC results, "
            f"{self.deviations:,} deviations, {self.genealogy_edges:,} genealogy edges, "
            f"{self.movements:,} movements."
        )


def seed_demo(
    engine: Engine,
    *,
    scale: str,
    seed: int,
    if_empty: bool = False,
    progress: Progress | None = None,
    _lots: int | None = None,
) -> SeedSummary:
    """Fill an empty database with demonstration data, all in one transaction.

    Raises InvalidInput for an unknown scale, or when the database already holds master data or lots
    (unless `if_empty`, which then skips quietly). `_lots` scales the large set down for tests.
    """
    if scale not in SCALES:
        raise InvalidInput.of("demo.unknown_scale", scale=scale)
    say = progress or (lambda _message: None)
    today = dt.date.today()  # noqa: DTZ011 — a calendar date; the data is placed around today
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": SEED_LOCK[0], "b": SEED_LOCK[1]})
        present = _rows_present(conn)
        if present:
            if if_empty:
                return SeedSummary(scale=scale, seed=seed, skipped=True)
            raise InvalidInput.of("demo.not_empty_lots" if present == "lots" else "demo.not_empty_master_data")
        if scale == "small":
            say("Generating the small demonstration set")
            _write_small(conn, _SmallWorld(_random(seed), today), say)
        else:
            _seed_large(conn, seed=seed, lots=_lots or LARGE_LOTS, today=today, say=say)
        _write_company(conn)
        counts = _counts(conn)
    seconds = time.perf_counter() - started
    if scale == "large":
        say("VACUUM ANALYZE (visibility map and planner statistics)")
        _vacuum_analyze(engine)
        seconds = time.perf_counter() - started
    say(f"Done in {seconds:.1f} s")
    return SeedSummary(scale=scale, seed=seed, seconds=round(seconds, 2), **counts)


def demo_logo() -> bytes:
    """A small PNG mark for the demonstration company (drawn here: no image file in the repository)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 232, 232), fill=(32, 74, 135, 255))
    draw.rectangle((100, 48, 140, 192), fill=(255, 255, 255, 255))
    draw.rectangle((48, 100, 192, 140), fill=(255, 255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _write_company(conn: Connection) -> None:
    """The demonstration company profile, unless someone has set one up already."""
    import hashlib

    logo = demo_logo()
    # The digest is the database's (0012); stated too for the large set, which loads with triggers off.
    conn.execute(pg_insert(CompanyProfile.__table__)
                 .values(id=1, **COMPANY, logo=logo, logo_sha256=hashlib.sha256(logo).hexdigest())
                 .on_conflict_do_nothing(index_elements=["id"]))


def _rows_present(conn: Connection) -> str:
    found = conn.execute(text(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM lot LIMIT 1) l), "
        "(SELECT count(*) FROM (SELECT 1 FROM product LIMIT 1) p), "
        "(SELECT count(*) FROM (SELECT 1 FROM party LIMIT 1) q)"
    )).one()
    if found[0]:
        return "lots"
    if found[1] or found[2]:
        return "products or parties"
    return ""


def _counts(conn: Connection) -> dict[str, int]:
    tables = {
        "products": Product, "parties": Party, "lots": Lot, "serial_units": SerialUnit,
        "qc_results": QcResult, "deviations": Deviation, "genealogy_edges": GenealogyEdge,
        "movements": Movement,
    }
    return {
        name: conn.execute(text(f"SELECT count(*) FROM {model.__tablename__}")).scalar_one()
        for name, model in tables.items()
    }


def _vacuum_analyze(engine: Engine) -> None:
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in ("lot", "genealogy_edge", "movement", "serial_unit", "qc_result", "deviation",
                      "product", "party"):
            conn.execute(text(f"VACUUM (ANALYZE) {table}"))


def gtin14(body13: str) -> str:
    """Append the GS1 mod-10 check digit (GS1 General Specifications §7.9.1) to 13 digits."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body13))
    return body13 + str((10 - total % 10) % 10)


def gs1_scan(di: str, lot_no: str, produced: dt.date, expiry: dt.date, serial: str | None = None,
             *, symbology: str = "]d2") -> str:
    """A GS1 element string as a scanner delivers it: (01)(11)(17)(10)[GS](21)."""
    scan = f"{symbology}01{di}11{produced:%y%m%d}17{expiry:%y%m%d}10{lot_no}"
    return f"{scan}{GS}21{serial}" if serial else scan


# == Vocabulary shared by both scales ===========================================================

# (city, province, landline area code, licence prefix of the local administration, districts)
CITIES: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("上海", "上海市", "021", "沪浦", ("浦东新区", "徐汇区", "闵行区", "静安区")),
    ("北京", "北京市", "010", "京朝", ("朝阳区", "海淀区", "丰台区", "东城区")),
    ("广州", "广东省广州市", "020", "粤穗", ("天河区", "越秀区", "海珠区", "白云区")),
    ("成都", "四川省成都市", "028", "川蓉", ("武侯区", "锦江区", "高新区", "青羊区")),
    ("武汉", "湖北省武汉市", "027", "鄂汉", ("江汉区", "武昌区", "洪山区", "东湖新技术开发区")),
    ("杭州", "浙江省杭州市", "0571", "浙杭", ("西湖区", "滨江区", "拱墅区", "上城区")),
    ("南京", "江苏省南京市", "025", "苏宁", ("鼓楼区", "江宁区", "秦淮区", "建邺区")),
    ("西安", "陕西省西安市", "029", "陕西", ("雁塔区", "碑林区", "未央区", "长安区")),
    ("沈阳", "辽宁省沈阳市", "024", "辽沈", ("和平区", "沈河区", "浑南区", "皇姑区")),
    ("济南", "山东省济南市", "0531", "鲁济", ("历下区", "市中区", "槐荫区", "历城区")),
    ("长沙", "湖南省长沙市", "0731", "湘长", ("岳麓区", "芙蓉区", "开福区", "雨花区")),
    ("郑州", "河南省郑州市", "0371", "豫郑", ("金水区", "二七区", "中原区", "管城区")),
    ("重庆", "重庆市", "023", "渝", ("渝中区", "江北区", "沙坪坝区", "九龙坡区")),
    ("天津", "天津市", "022", "津", ("和平区", "河西区", "南开区", "滨海新区")),
    ("福州", "福建省福州市", "0591", "闽榕", ("鼓楼区", "台江区", "仓山区", "晋安区")),
    ("厦门", "福建省厦门市", "0592", "闽厦", ("思明区", "湖里区", "集美区", "海沧区")),
    ("昆明", "云南省昆明市", "0871", "滇昆", ("五华区", "盘龙区", "官渡区", "西山区")),
    ("合肥", "安徽省合肥市", "0551", "皖合", ("蜀山区", "包河区", "庐阳区", "瑶海区")),
    ("南昌", "江西省南昌市", "0791", "赣洪", ("东湖区", "西湖区", "青山湖区", "红谷滩区")),
    ("哈尔滨", "黑龙江省哈尔滨市", "0451", "黑哈", ("南岗区", "道里区", "香坊区", "道外区")),
    ("长春", "吉林省长春市", "0431", "吉长", ("朝阳区", "南关区", "绿园区", "二道区")),
    ("石家庄", "河北省石家庄市", "0311", "冀石", ("长安区", "桥西区", "新华区", "裕华区")),
    ("太原", "山西省太原市", "0351", "晋并", ("小店区", "迎泽区", "杏花岭区", "万柏林区")),
    ("南宁", "广西壮族自治区南宁市", "0771", "桂邕", ("青秀区", "兴宁区", "西乡塘区", "江南区")),
    ("贵阳", "贵州省贵阳市", "0851", "黔筑", ("南明区", "云岩区", "观山湖区", "花溪区")),
    ("兰州", "甘肃省兰州市", "0931", "甘兰", ("城关区", "七里河区", "安宁区", "西固区")),
    ("青岛", "山东省青岛市", "0532", "鲁青", ("市南区", "市北区", "崂山区", "黄岛区")),
    ("大连", "辽宁省大连市", "0411", "辽连", ("中山区", "西岗区", "沙河口区", "甘井子区")),
    ("宁波", "浙江省宁波市", "0574", "浙甬", ("海曙区", "鄞州区", "江北区", "北仑区")),
    ("苏州", "江苏省苏州市", "0512", "苏苏", ("姑苏区", "工业园区", "吴中区", "高新区")),
)
STREETS = ("人民路", "解放路", "中山路", "建设路", "长江路", "黄河路", "和平路", "新华路", "科技路",
           "创新大道", "学府路", "滨江大道", "延安路", "东风路", "胜利街", "健康路", "光明路", "振兴路")
TRADE_WORDS = ("康健", "华康", "瑞康", "恒康", "安信", "博润", "永安", "仁和", "泰和", "嘉禾", "惠民", "国瑞",
               "同济", "益生", "德信", "汇通", "弘康", "众合", "亿康", "天成", "鼎盛", "长青", "信诚", "睿泽")
DISTRIBUTOR_SUFFIXES = ("医疗器械有限公司", "医药供应链有限公司", "医疗科技有限公司", "医疗用品有限公司",
                        "医疗设备有限公司")
HOSPITAL_SUFFIXES = ("人民医院", "中心医院", "中医医院", "中西医结合医院", "骨科医院", "心血管病医院",
                     "妇幼保健院", "眼科医院", "第一医院", "第二医院", "第三医院", "附属医院", "康复医院")
PEOPLE = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷", "徐强", "孙丽",
          "马超", "朱琳", "胡军", "郭霞", "何涛", "林慧", "高峰", "罗欣", "郑凯", "谢丹", "宋佳", "韩冰")
DEPARTMENTS = {
    "supplier": ("销售部", "质量部", "客户服务部"),
    "distributor": ("质量部", "采购部", "物流部", "质量管理部"),
    "hospital": ("设备科", "医学装备部", "药械科", "采购中心", "医学工程处"),
}


def _phone(rng: random.Random, area: str) -> str:
    return f"{area}-{rng.randint(2, 8)}{rng.randrange(10 ** 7):07d}"


def _credit_code(rng: random.Random) -> str:
    """A made-up 统一社会信用代码 (18 characters; the check character is not computed)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91" + f"{rng.randrange(110000, 660000)}" + "".join(rng.choice(alphabet) for _ in range(10))


def _address(rng: random.Random, city: tuple[str, str, str, str, tuple[str, ...]]) -> str:
    return f"{city[1]}{rng.choice(city[4])}{rng.choice(STREETS)}{rng.randint(1, 999)}号"


def _contact(rng: random.Random, kind: str) -> str:
    return f"{rng.choice(PEOPLE)}（{rng.choice(DEPARTMENTS[kind])}）"


def _hospital_licence(rng: random.Random) -> str:
    """医疗机构执业许可证 登记号: organisation code, X, region code, A + sequence."""
    return f"{rng.randrange(10 ** 8):08d}X{rng.randrange(110000, 660000)}{rng.randint(10, 99)}A1001"


# == Small set: catalogue =======================================================================


@dataclass(frozen=True)
class _Item:
    """One product of the small catalogue (finished device or purchased component)."""

    key: str
    name: str
    name_en: str
    model: str
    registration_no: str
    risk_class: str
    shelf_life_days: int
    qc: str
    lot_size: tuple[int, int] = (10_000, 50_000)
    implantable: bool = False
    serialised: bool = False
    lifetime_days: int | None = None
    alert_days: tuple[int, ...] = (180, 90, 30, 7)
    agency: str = "GS1"
    di: str = ""  # only for non-GS1 agencies; GS1 DIs are numbered from the company prefix
    sites: tuple[str, ...] = ("MFG-SZ",)
    uses: tuple[tuple[str, float], ...] = ()  # (component key, quantity per finished unit)
    lots: int = 8  # lots over the three years
    supplier: str = ""  # components: who sells them to us


_IMPLANT_ALERTS = (180, 90, 30)
_MASK_ALERTS = (90, 30, 7)

FINISHED: tuple[_Item, ...] = (
    _Item("SYR1", "一次性使用无菌注射器 带针", "Sterile hypodermic syringe for single use, with needle",
          "1 mL 0.45×16 RWLB", "国械注准20193140521", "III", 1095, "syringe", (40_000, 100_000),
          uses=(("NEEDLE", 1), ("STOPPER", 1), ("RESIN", 0.004)), lots=9),
    _Item("SYR5", "一次性使用无菌注射器 带针", "Sterile hypodermic syringe for single use, with needle",
          "5 mL 0.7×32 TWLB", "国械注准20193140521", "III", 1095, "syringe", (40_000, 100_000),
          uses=(("NEEDLE", 1), ("STOPPER", 1), ("RESIN", 0.008)), lots=12),
    _Item("SYR10", "一次性使用无菌注射器 带针", "Sterile hypodermic syringe for single use, with needle",
          "10 mL 0.8×38 TWLB", "国械注准20193140521", "III", 1095, "syringe", (30_000, 80_000),
          uses=(("NEEDLE", 1), ("STOPPER", 1), ("RESIN", 0.012)), lots=9),
    _Item("SYR20", "一次性使用无菌注射器 带针", "Sterile hypodermic syringe for single use, with needle",
          "20 mL 1.2×38 TWLB", "国械注准20193140521", "III", 1095, "syringe", (20_000, 50_000),
          uses=(("NEEDLE", 1), ("STOPPER", 1), ("RESIN", 0.02)), lots=7),
    _Item("INF", "一次性使用输液器 带针", "Infusion set for single use, with needle",
          "0.7×25 TWLB 重力输液式", "国械注准20183140788", "III", 1095, "infusion", (30_000, 80_000),
          sites=("MFG-SZ", "MFG-CZ"), uses=(("NEEDLE", 1), ("RESIN", 0.015)), lots=12),
    _Item("INFP", "一次性使用精密过滤输液器 带针", "Precision-filter infusion set for single use, with needle",
          "0.7×25 TWLB 过滤孔径 2 μm", "国械注准20203140112", "III", 1095, "infusion", (20_000, 50_000),
          sites=("MFG-SZ", "MFG-CZ"), uses=(("NEEDLE", 1), ("RESIN", 0.018)), lots=8),
    _Item("IVC22", "一次性使用静脉留置针", "Peripheral intravenous catheter for single use",
          "22G 0.9×25 mm Y型", "国械注准20213140336", "III", 1095, "cannula", (20_000, 60_000),
          uses=(("NEEDLE", 1),), lots=8),
    _Item("IVC24", "一次性使用静脉留置针", "Peripheral intravenous catheter for single use",
          "24G 0.7×19 mm Y型", "国械注准20213140336", "III", 1095, "cannula", (20_000, 60_000),
          uses=(("NEEDLE", 1),), lots=7),
    _Item("VBT", "一次性使用真空采血管", "Evacuated blood collection tube for single use",
          "5 mL 促凝 红盖 13×100 mm", "苏械注准20202221045", "II", 730, "tube", (50_000, 150_000), lots=8),
    _Item("BCN", "一次性使用静脉血样采集针", "Venous blood sampling needle for single use",
          "0.7×25 mm 软连接式", "苏械注准20212220317", "II", 1095, "cannula", (50_000, 150_000),
          uses=(("NEEDLE", 1),), lots=7),
    _Item("MSK-S", "医用外科口罩", "Surgical mask", "17.5×9.5 cm 耳挂式 灭菌型", "苏械注准20202140387",
          "II", 730, "mask_surgical", (100_000, 300_000), alert_days=_MASK_ALERTS,
          uses=(("MELTBLOWN", 0.02),), lots=10),
    _Item("MSK-P", "医用防护口罩", "Medical protective mask", "KN95 折叠式 头戴式", "苏械注准20202140388",
          "II", 730, "mask_protective", (50_000, 150_000), alert_days=_MASK_ALERTS,
          uses=(("MELTBLOWN", 0.05),), lots=8),
    _Item("MSK-M", "一次性使用医用口罩", "Single-use medical face mask", "17.5×9.5 cm 耳挂式 非灭菌",
          "苏械注准20202140402", "II", 730, "mask_surgical", (100_000, 300_000), alert_days=_MASK_ALERTS,
          uses=(("MELTBLOWN", 0.015),), lots=8),
    _Item("GLV", "一次性使用医用丁腈检查手套", "Nitrile examination gloves for single use", "M 码 无粉",
          "苏械注准20222140156", "II", 1825, "gloves", (100_000, 200_000), lots=6),
    _Item("SWB", "医用棉签", "Medical cotton swabs", "10 cm 单头 非无菌", "苏苏械备20190214号", "I", 1095,
          "swab", (200_000, 500_000), lots=5),
    _Item("GZE", "医用脱脂纱布块", "Medical absorbent gauze pads", "7.5×7.5 cm 8 层 非无菌",
          "苏苏械备20180087号", "I", 1825, "swab", (100_000, 300_000), lots=5),
    _Item("CTK", "一次性使用无菌导尿包", "Sterile urinary catheterisation kit for single use",
          "16Fr 双腔 硅胶", "苏械注准20212140530", "II", 1095, "kit", (5_000, 15_000), lots=6),
    _Item("THM", "医用电子体温计", "Clinical electronic thermometer", "MT-101 硬头 腋下/口腔",
          "苏械注准20192070245", "II", 1825, "thermometer", (5_000, 20_000), agency="MA",
          di="MA.156.M0.100388.0010245", lots=5),
    _Item("ANS", "一次性使用麻醉穿刺包", "Anaesthesia puncture kit for single use",
          "AS-E/S 硬膜外 腰麻联合", "国械注准20193080467", "III", 1095, "kit", (3_000, 10_000),
          uses=(("NEEDLE", 2),), lots=6),
    _Item("HIP", "髋关节假体", "Hip joint prosthesis", "股骨柄 生物型 Φ12 mm×140 mm", "国械注准20203130412",
          "III", 1825, "implant", (20, 60), implantable=True, serialised=True, lifetime_days=20 * 365,
          alert_days=_IMPLANT_ALERTS, sites=("MFG-CZ",), uses=(("TI_BAR", 0.6),), lots=7),
    _Item("KNEE", "膝关节假体", "Total knee prosthesis", "股骨髁 CR 型 L3 号", "国械注准20213130087", "III",
          1825, "implant", (20, 50), implantable=True, serialised=True, lifetime_days=15 * 365,
          alert_days=_IMPLANT_ALERTS, sites=("MFG-CZ",), uses=(("TI_BAR", 0.8),), lots=6),
    _Item("PSC", "脊柱内固定系统 椎弓根螺钉", "Spinal fixation system, pedicle screw",
          "多轴 Φ6.5×45 mm", "国械注准20193130675", "III", 1825, "implant", (200, 600), implantable=True,
          lifetime_days=10 * 365, alert_days=_IMPLANT_ALERTS, sites=("MFG-CZ",),
          uses=(("TI_BAR", 0.05),), lots=7),
    _Item("BPL", "金属锁定接骨板", "Metal locking bone plate", "直型 6 孔 3.5 mm", "国械注准20183130244", "III",
          1825, "implant", (100, 400), implantable=True, lifetime_days=10 * 365,
          alert_days=_IMPLANT_ALERTS, sites=("MFG-CZ",), uses=(("TI_BAR", 0.1),), lots=7),
    _Item("DES30", "冠状动脉药物洗脱支架系统", "Coronary drug-eluting stent system", "3.0×18 mm 雷帕霉素",
          "国械注准20223130118", "III", 730, "stent", (30, 80), implantable=True, serialised=True,
          lifetime_days=20 * 365, alert_days=_IMPLANT_ALERTS, sites=("MFG-CZ",), uses=(("COCR", 2),),
          lots=10),
    _Item("DES35", "冠状动脉药物洗脱支架系统", "Coronary drug-eluting stent system", "3.5×24 mm 雷帕霉素",
          "国械注准20223130118", "III", 730, "stent", (30, 80), implantable=True, serialised=True,
          lifetime_days=20 * 365, alert_days=_IMPLANT_ALERTS, sites=("MFG-CZ",), uses=(("COCR", 3),),
          lots=8),
    _Item("ASD", "房间隔缺损封堵器", "Atrial septal defect occluder", "24 mm 腰径 镍钛合金",
          "国械注准20203130356", "III", 1095, "occluder", (20, 40), implantable=True, serialised=True,
          lifetime_days=20 * 365, alert_days=_IMPLANT_ALERTS, sites=("MFG-CZ",), lots=5),
    _Item("IOL", "人工晶状体", "Intraocular lens", "一件式 疏水性丙烯酸酯 +20.0 D", "国械注准20213160193",
          "III", 1825, "iol", (40, 100), implantable=True, serialised=True, lifetime_days=30 * 365,
          alert_days=_IMPLANT_ALERTS, agency="HIBCC", di="+H629IOL20001", sites=("MFG-CZ",), lots=6),
)

COMPONENTS: tuple[_Item, ...] = (
    _Item("NEEDLE", "针管", "Needle tubing, stainless steel 304", "0.7×32 mm 薄壁", "", "III", 1825,
          "component", (400_000, 800_000), supplier="SUP-001"),
    _Item("STOPPER", "活塞", "Plunger stopper, medical synthetic rubber", "5 mL 卤化丁基橡胶", "", "III", 1825,
          "component", (300_000, 600_000), supplier="SUP-002"),
    _Item("RESIN", "医用聚丙烯粒料", "Medical-grade polypropylene resin (kg)", "PP H5300 医用级", "", "III",
          1825, "component", (20_000, 30_000), supplier="SUP-003"),
    _Item("MELTBLOWN", "熔喷无纺布", "Melt-blown nonwoven fabric (m²)", "25 g/m² BFE ≥ 99%", "", "II", 1825,
          "component", (40_000, 80_000), supplier="SUP-004"),
    _Item("TI_BAR", "钛合金棒材", "Titanium alloy bar Ti-6Al-4V ELI (kg)", "Φ20 mm GB/T 13810 TC4 ELI", "",
          "III", 3650, "component", (150, 300), supplier="SUP-005"),
    _Item("COCR", "钴铬合金管材", "Cobalt-chromium alloy tubing L605 (cm)", "Φ1.8×0.1 mm", "", "III", 3650,
          "component", (1_500, 3_000), supplier="SUP-006"),
)

SITES = (
    ("MFG-SZ", "苏州明德医疗器械有限公司（园区工厂）", "江苏省苏州市工业园区星湖街328号生物医药产业园C3栋",
     "周敏（质量部）", "0512-62881234", "苏药监械生产许20150088号"),
    ("MFG-CZ", "苏州明德医疗器械有限公司常州分公司", "江苏省常州市武进区西太湖科技产业园兰香路8号",
     "钱立新（质量部）", "0519-86551230", "苏药监械生产许20190156号"),
)
# The legal entity behind both sites: the company profile every report header and recall letter prints.
COMPANY = {
    "legal_name_zh": "苏州明德医疗器械有限公司",
    "legal_name_en": "Suzhou Mingde Medical Devices Co., Ltd.",
    "address": "江苏省苏州市工业园区星湖街328号生物医药产业园C3栋",
    "licence_no": "苏药监械生产许20150088号",
    "registrant": "苏州明德医疗器械有限公司",
}
SUPPLIERS = (
    ("SUP-001", "宁波天瑞精密管材有限公司", "浙江省宁波市北仑区新碶街道明州路168号", "0574-86012345"),
    ("SUP-002", "东莞华盛橡胶制品有限公司", "广东省东莞市长安镇振安中路55号", "0769-85321678"),
    ("SUP-003", "上海聚丰高分子材料有限公司", "上海市金山区漕泾镇合成路1266号", "021-57291188"),
    ("SUP-004", "浙江康达无纺布科技有限公司", "浙江省绍兴市柯桥区马鞍街道滨海大道1308号", "0575-84561290"),
    ("SUP-005", "宝鸡恒泰钛材有限公司", "陕西省宝鸡市高新区钛城路26号", "0917-3389512"),
    ("SUP-006", "西安瑞康合金材料有限公司", "陕西省西安市未央区草滩八路699号", "029-86693421"),
)
# Ten distributors (经营企业), one per city, each serving that city's hospitals.
DISTRIBUTORS = (
    ("上海", "上海华东康健医疗器械有限公司"),
    ("北京", "北京京康医药供应链有限公司"),
    ("广州", "广州粤华医疗器械有限公司"),
    ("成都", "四川蜀康医疗器械有限公司"),
    ("武汉", "湖北楚康医疗器械有限公司"),
    ("杭州", "浙江之江医疗器械有限公司"),
    ("南京", "南京金陵康泰医疗器械有限公司"),
    ("西安", "陕西秦康医疗器械有限公司"),
    ("沈阳", "辽宁盛京医疗器械有限公司"),
    ("济南", "山东齐鲁康健医疗器械有限公司"),
)
# Thirty fictional hospitals (使用单位); the first of each of five cities buys from us directly.
HOSPITALS = (
    ("上海", "上海浦江仁和医院", True), ("上海", "上海市东华骨科医院", False),
    ("上海", "上海滨海心血管病医院", False),
    ("北京", "北京燕康医院", True), ("北京", "北京市京西中心医院", False), ("北京", "北京华济骨科医院", False),
    ("广州", "广州珠江仁爱医院", True), ("广州", "广州市越华人民医院", False),
    ("广州", "广州南粤眼科医院", False),
    ("成都", "成都锦城医院", True), ("成都", "成都市蓉西人民医院", False), ("成都", "四川天府心脏病医院", False),
    ("武汉", "武汉江城协济医院", True), ("武汉", "武汉市汉江中心医院", False),
    ("武汉", "湖北楚天骨科医院", False),
    ("杭州", "杭州西溪人民医院", False), ("杭州", "杭州市钱塘中医医院", False),
    ("杭州", "浙江之江眼科医院", False),
    ("南京", "南京钟山医院", False), ("南京", "南京市秦淮中西医结合医院", False),
    ("南京", "江苏金陵心血管病医院", False),
    ("西安", "西安古城人民医院", False), ("西安", "西安市雁塔骨科医院", False),
    ("西安", "陕西长安妇幼保健院", False),
    ("沈阳", "沈阳盛京仁和医院", False), ("沈阳", "沈阳市浑河人民医院", False), ("沈阳", "辽宁辽河眼科医院", False),
    ("济南", "济南泉城医院", False), ("济南", "济南市趵突人民医院", False), ("济南", "山东齐鲁骨科医院", False),
)


# == Small set: QC tests and deviations =========================================================

Draw = Callable[[random.Random], str]


@dataclass(frozen=True)
class _Test:
    """One inspection of a QC profile: what is tested, the acceptance criterion, a pass and a fail."""

    name: str
    spec: str
    good: Draw
    bad: Draw


def _fixed(value: str) -> Draw:
    return lambda _rng: value


def _between(low: float, high: float, fmt: str) -> Draw:
    return lambda rng: fmt.format(rng.uniform(low, high))


TESTS = {
    "sterility": _Test("无菌 / Sterility", "应无菌（GB/T 14233.2—2005）/ Sterile",
                       _fixed("无菌生长 / No growth"), _fixed("检出需氧菌 / Aerobic growth detected")),
    "endotoxin": _Test("细菌内毒素 / Bacterial endotoxins", "< 20 EU/件 / < 20 EU per device",
                       lambda rng: f"< {rng.choice([2.5, 5, 10])} EU/件", _between(21, 40, "{:.1f} EU/件")),
    "eo": _Test("环氧乙烷残留量 / Ethylene oxide residue", "≤ 10 μg/g",
                _between(0.8, 6.5, "{:.1f} μg/g"), _between(10.6, 16, "{:.1f} μg/g")),
    "capacity": _Test("容量允差 / Graduated capacity tolerance", "±5%（GB 15810—2019）",
                      _between(-3, 3, "{:+.1f}%"), _between(5.4, 8, "+{:.1f}%")),
    "leakage": _Test("密合性 / Leakage", "无泄漏 / No leakage", _fixed("无泄漏 / No leakage"),
                     _fixed("活塞处泄漏 2/20 / Leak at plunger in 2 of 20")),
    "particles": _Test("微粒污染 / Particulate contamination", "污染指数 ≤ 90（GB 8368—2018）",
                       _between(12, 70, "{:.0f}"), _between(95, 140, "{:.0f}")),
    "appearance": _Test("外观 / Appearance", "清洁、无异物、无毛刺 / Clean, no foreign matter, no burrs",
                        _fixed("符合 / Conforms"), _fixed("可见异物 3/200 / Visible particles in 3 of 200")),
    "bfe": _Test("细菌过滤效率 / Bacterial filtration efficiency", "≥ 95%（YY 0469—2011）",
                 _between(97, 99.8, "{:.1f}%"), _between(88, 94.5, "{:.1f}%")),
    "pfe": _Test("颗粒过滤效率 / Particle filtration efficiency", "≥ 30%（YY 0469—2011）",
                 _between(45, 80, "{:.0f}%"), _between(20, 29, "{:.0f}%")),
    "pressure": _Test("压力差 / Differential pressure", "≤ 49 Pa", _between(28, 45, "{:.0f} Pa"),
                      _between(52, 65, "{:.0f} Pa")),
    "filtration": _Test("过滤效率 / Filtration efficiency (NaCl)", "≥ 95%（GB 19083—2010）",
                        _between(96, 99.5, "{:.1f}%"), _between(90, 94.5, "{:.1f}%")),
    "microbial": _Test("微生物指标 / Microbial limits", "细菌菌落总数 ≤ 100 CFU/g",
                       _between(5, 60, "{:.0f} CFU/g"), _between(120, 300, "{:.0f} CFU/g")),
    "holes": _Test("不透水性 / Freedom from holes", "AQL 1.5（GB 10213—2006）", _fixed("合格 / Pass"),
                   _fixed("针孔 5/125 / 5 holes in 125")),
    "accuracy": _Test("测量准确度 / Accuracy", "±0.1 ℃（35.3–42.0 ℃）", _between(0.01, 0.08, "±{:.2f} ℃"),
                      _between(0.12, 0.2, "±{:.2f} ℃")),
    "dimension": _Test("尺寸 / Dimensions", "符合图纸，公差 ±0.05 mm / Per drawing ±0.05 mm",
                       _between(0.005, 0.04, "合格，最大偏差 {:.3f} mm / Within tolerance"),
                       _between(0.06, 0.1, "超差 {:.2f} mm / Out of tolerance")),
    "roughness": _Test("表面粗糙度 / Surface roughness", "Ra ≤ 0.8 μm", _between(0.2, 0.7, "Ra {:.2f} μm"),
                       _between(0.9, 1.4, "Ra {:.2f} μm")),
    "chemistry": _Test("化学成分 / Chemical composition", "GB/T 13810—2017 TC4 ELI",
                       _fixed("符合 / Conforms"), _fixed("Fe 0.31%（上限 0.25%）/ Fe 0.31% (max 0.25%)")),
    "radial": _Test("径向支撑力 / Radial force", "≥ 0.10 N/mm", _between(0.12, 0.2, "{:.2f} N/mm"),
                    _between(0.06, 0.09, "{:.2f} N/mm")),
    "drug": _Test("药物含量 / Drug content", "标示量的 90%–110% / 90–110% of label claim",
                  _between(94, 106, "{:.1f}%"), _between(83, 89, "{:.1f}%")),
    "dioptre": _Test("屈光度 / Dioptric power", "标称值 ±0.3 D / Nominal ±0.3 D", _between(0.02, 0.2, "±{:.2f} D"),
                     _between(0.35, 0.5, "±{:.2f} D")),
    "incoming": _Test("来料检验：尺寸 / Incoming inspection: dimensions", "按采购规格 / Per purchase specification",
                      _fixed("合格 / Accepted"), _fixed("外径超差 / Outside diameter out of tolerance")),
    "coa": _Test("材质证明核对 / Certificate of analysis check", "供方 CoA 与批号一致 / CoA matches the lot",
                 _fixed("一致 / Matches"), _fixed("CoA 批号不符 / CoA lot number mismatch")),
}
QC_PROFILES = {
    "syringe": ("sterility", "endotoxin", "eo", "capacity", "leakage"),
    "infusion": ("sterility", "endotoxin", "eo", "particles", "leakage"),
    "cannula": ("sterility", "endotoxin", "eo", "appearance"),
    "tube": ("sterility", "appearance", "capacity"),
    "mask_surgical": ("bfe", "pfe", "pressure", "microbial"),
    "mask_protective": ("filtration", "pressure", "microbial"),
    "gloves": ("appearance", "holes"),
    "swab": ("appearance", "microbial"),
    "kit": ("sterility", "eo", "appearance"),
    "thermometer": ("accuracy", "appearance"),
    "implant": ("dimension", "roughness", "chemistry", "sterility"),
    "stent": ("radial", "drug", "sterility", "endotoxin"),
    "occluder": ("dimension", "sterility", "endotoxin"),
    "iol": ("dioptre", "sterility", "endotoxin"),
    "component": ("incoming", "coa"),
}

MINOR_DEVIATIONS = (
    ("灭菌柜温度记录中断 12 分钟 / Sterilizer temperature record gap of 12 minutes",
     "EO 灭菌第 3 柜次温度记录仪数据中断，备用探头数据完整，评估灭菌参数满足要求。"
     " / The primary recorder of EO cycle 3 stopped; backup probe data are complete and within limits."),
    ("洁净区压差短时超限 / Cleanroom pressure differential briefly out of limit",
     "十万级洁净区与走廊压差低于 5 Pa 持续 8 分钟，环境监测结果合格。"
     " / Differential pressure below 5 Pa for 8 minutes; environmental monitoring results conform."),
    ("标签批号打印不清 / Lot number on some labels illegible",
     "包装线喷码头堵塞，已 100% 目检并重贴标签。 / Print head clogged; 100% visual check and relabelling done."),
    ("初始污染菌超过警戒限 / Bioburden above alert limit",
     "初始污染菌 86 CFU/件（警戒限 80，行动限 100），已追加灭菌验证。"
     " / Bioburden 86 CFU per device (alert 80, action 100); sterilisation dose audit added."),
)
HOLD_DEVIATIONS = (
    ("客户投诉：小包装密封不良 / Customer complaint: pouch seal defect",
     "收货单位反馈 3 个小包装封口开裂，批次暂停放行，调查热封参数。"
     " / A consignee reported 3 open pouch seals; lot on hold while the heat-seal parameters are investigated."),
    ("供方变更未及时通知 / Supplier change not notified in time",
     "原材料供方更换了生产地址而未通知，待补充评价。"
     " / The supplier moved production without notice; supplier re-evaluation pending."),
)
RECALL_DEVIATION = (
    "不良事件：输送系统球囊破裂 / Adverse event: delivery-system balloon rupture",
    "两家医院报告术中球囊破裂，启动二级召回并调查。"
    " / Two hospitals reported balloon rupture during implantation; level II recall started.",
)
OOS_DEVIATION = (
    "检验结果不合格（OOS）/ Out-of-specification QC result",
    "复验确认不合格，批次拒绝放行并按不合格品处置。 / Retest confirmed the OOS; lot rejected and scrapped.",
)


# == Small set: generator =======================================================================


@dataclass
class _LotPlan:
    """A lot of the small set, with the stock the generator has placed so far (by party code)."""

    index: int
    item: _Item
    lot_no: str
    production_date: dt.date
    expiry_date: dt.date
    quantity: int
    status: str
    site: str
    serials: list[str] = field(default_factory=list)
    on_hand: Counter[str] = field(default_factory=Counter)
    serials_at: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    cutoff: dt.date = dt.date.max  # no movement of this lot after this day (recall, hold, expiry)

    @property
    def remaining(self) -> int:  # components: what the site still holds
        return self.on_hand[self.site]


@dataclass(frozen=True)
class _Move:
    """A planned stock movement, by lot index and party code (ids are known only once written)."""

    kind: str
    lot: int
    quantity: int
    source: str | None
    dest: str | None
    on: dt.date
    document_no: str
    serial: str | None = None
    raw_udi: str | None = None


class _SmallWorld:
    """Builds the small set in memory: every quantity comes from the stock the lot holds at that party."""

    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.items = {item.key: item for item in FINISHED + COMPONENTS}
        self.di = self._dis()
        self.parties: list[dict[str, object]] = []
        self.city_hospitals: dict[str, list[str]] = defaultdict(list)
        self.distributors: list[str] = []
        self.direct_hospitals: list[str] = []
        self.lots: list[_LotPlan] = []
        self.moves: list[_Move] = []
        self.edges: list[tuple[int, int, str, int]] = []
        self.qc: list[tuple[int, str, str, str, bool, dt.date]] = []
        self.deviations: list[tuple[int, str, str, str, dt.date, dt.date | None]] = []
        self._doc_numbers: Counter[str] = Counter()
        self._lot_numbers: Counter[str] = Counter()
        self._make_parties()
        self._make_lots()
        for lot in sorted(self.lots, key=lambda lot: (lot.production_date, lot.index)):
            if not lot.item.supplier:  # finished lots; components only move in and get consumed
                self._distribute(lot)
        self._make_quality_records()

    # -- master data ------------------------------------------------------------------------

    def _dis(self) -> dict[str, str]:
        dis = {}
        for number, item in enumerate(FINISHED + COMPONENTS, start=1):
            dis[item.key] = item.di if item.agency != "GS1" else gtin14(f"0{COMPANY_PREFIX}{number:05d}")
        return dis

    def product_rows(self) -> list[dict[str, object]]:
        return [
            {
                "agency": item.agency, "di": self.di[item.key], "name": item.name, "name_en": item.name_en,
                "model": item.model, "registration_no": item.registration_no, "risk_class": item.risk_class,
                "implantable": item.implantable, "shelf_life_days": item.shelf_life_days,
                "device_lifetime_days": item.lifetime_days, "alert_days": list(item.alert_days),
            }
            for item in FINISHED + COMPONENTS
        ]

    def _make_parties(self) -> None:
        rng = self.rng
        city_by_name = {city[0]: city for city in CITIES}
        for code, name, address, contact, phone, licence in SITES:
            self.parties.append({"code": code, "name": name, "kind": "manufacturer", "address": address,
                                 "contact": contact, "phone": phone, "licence_no": licence})
        for code, name, address, phone in SUPPLIERS:
            self.parties.append({"code": code, "name": name, "kind": "supplier", "address": address,
                                 "contact": _contact(rng, "supplier"), "phone": phone, "licence_no": _credit_code(rng)})
        for number, (city_name, name) in enumerate(DISTRIBUTORS, start=1):
            city = city_by_name[city_name]
            code = f"DIS-{number:03d}"
            self.distributors.append(code)
            self.parties.append({
                "code": code, "name": name, "kind": "distributor", "address": _address(rng, city),
                "contact": _contact(rng, "distributor"), "phone": _phone(rng, city[2]),
                "licence_no": f"{city[3]}药监械经营许{rng.randint(2015, 2022)}{rng.randrange(10000):04d}号",
            })
        distributor_of_city = {city: f"DIS-{n:03d}" for n, (city, _) in enumerate(DISTRIBUTORS, start=1)}
        for number, (city_name, name, direct) in enumerate(HOSPITALS, start=1):
            city = city_by_name[city_name]
            code = f"HOS-{number:03d}"
            self.parties.append({
                "code": code, "name": name, "kind": "hospital", "address": _address(rng, city),
                "contact": _contact(rng, "hospital"), "phone": _phone(rng, city[2]),
                "licence_no": _hospital_licence(rng),
            })
            if direct:
                self.direct_hospitals.append(code)
            else:
                self.city_hospitals[distributor_of_city[city_name]].append(code)

    # -- lots -------------------------------------------------------------------------------

    def _make_lots(self) -> None:
        rng, today = self.rng, self.today
        planned: list[tuple[_Item, dt.date, str | None]] = []
        for item in FINISHED:
            step = 1060 / item.lots
            for k in range(item.lots):
                day = today - dt.timedelta(days=int(1085 - k * step - rng.uniform(0, step * 0.6)))
                planned.append((item, min(day, today - dt.timedelta(days=25)), None))
        finished = {item.key: item for item in FINISHED}
        # Scenarios every demonstration needs (DESIGN §4): lots waiting for QA, lots expiring within
        # 30 and 90 days, lots expired in the last weeks, and two recalls.
        for key, age in (("SYR5", 2), ("DES30", 4), ("MSK-S", 5)):
            planned.append((finished[key], today - dt.timedelta(days=age), "quarantine"))
        for key, age in (("INF", 8), ("HIP", 10), ("IVC22", 12)):
            planned.append((finished[key], today - dt.timedelta(days=age), "under_review"))
        for key, days_left in (("DES35", 6), ("MSK-P", 19), ("VBT", 27), ("SYR10", 48), ("MSK-M", 75),
                               ("ASD", 88)):
            shelf = finished[key].shelf_life_days
            planned.append((finished[key], today + dt.timedelta(days=days_left - shelf + 1), "released"))
        for key, days_ago in (("MSK-S", 3), ("DES30", 16)):
            shelf = finished[key].shelf_life_days
            planned.append((finished[key], today - dt.timedelta(days=days_ago + shelf - 1), "expired"))
        planned.append((finished["DES30"], today - dt.timedelta(days=230), "recalled"))
        planned.append((finished["INFP"], today - dt.timedelta(days=320), "recalled"))
        planned.sort(key=lambda plan: (plan[1], plan[0].key))

        older = [n for n, (_, day, forced) in enumerate(planned) if forced is None]
        rejected = set(rng.sample(older, max(3, len(older) // 25)))
        on_hold = set(rng.sample([n for n in older if n not in rejected], max(2, len(older) // 30)))
        for n, (item, produced, forced) in enumerate(planned):
            expiry = produced + dt.timedelta(days=item.shelf_life_days - 1)
            status = forced or ("rejected" if n in rejected else "expired" if expiry < today
                                else "on_hold" if n in on_hold else "released")
            self._add_finished_lot(item, produced, expiry, status)

    def _add_finished_lot(self, item: _Item, produced: dt.date, expiry: dt.date, status: str) -> None:
        rng = self.rng
        low, high = item.lot_size
        unit = 100 if low >= 1000 else 1
        quantity = rng.randint(low // unit, high // unit) * unit
        site = item.sites[len(self.lots) % len(item.sites)]
        self._lot_numbers[item.key] += 1
        lot = _LotPlan(len(self.lots), item, f"{produced:%Y%m%d}{self._lot_numbers[item.key]:02d}", produced,
                       expiry, quantity, status, site)
        if item.serialised:
            prefix = item.key[:3]
            lot.serials = [f"{prefix}{produced:%y%m}{self._lot_numbers[item.key]:02d}{n:04d}"
                           for n in range(1, quantity + 1)]
        self.lots.append(lot)
        self._emit("produce", lot, quantity, None, site, produced, "PR")
        for component_key, per_unit in item.uses:
            self._consume(lot, self.items[component_key], math.ceil(quantity * per_unit))

    def _consume(self, lot: _LotPlan, component: _Item, need: int) -> None:
        """First in, first out from the component lots at the producing site; buy a new lot if short."""
        candidates = [c for c in self.lots if c.item is component and c.site == lot.site
                      and c.status == "released" and c.production_date < lot.production_date
                      and c.remaining >= need]
        source = candidates[0] if candidates else self._buy_component(component, lot.site, lot.production_date,
                                                                      need)
        source.on_hand[source.site] -= need
        self.edges.append((lot.index, source.index, lot.site, need))

    def _buy_component(self, item: _Item, site: str, needed_on: dt.date, need: int,
                       status: str = "released") -> _LotPlan:
        rng = self.rng
        received = needed_on - dt.timedelta(days=rng.randint(3, 15))
        produced = received - dt.timedelta(days=rng.randint(10, 45))
        low, high = item.lot_size
        quantity = max(need * rng.randint(3, 6), rng.randint(low, high))
        self._lot_numbers[item.key] += 1
        lot = _LotPlan(len(self.lots), item, f"{item.supplier[-1]}{produced:%y%m%d}{self._lot_numbers[item.key]:03d}",
                       produced, produced + dt.timedelta(days=item.shelf_life_days - 1), quantity, status, site)
        self.lots.append(lot)
        self._emit("receive", lot, quantity, item.supplier, site, received, "RK")
        return lot

    # -- movements --------------------------------------------------------------------------

    def _document(self, prefix: str, on: dt.date) -> str:
        key = f"{prefix}{on:%Y%m%d}"
        self._doc_numbers[key] += 1
        return f"{key}-{self._doc_numbers[key]:04d}"

    def _emit(self, kind: str, lot: _LotPlan, quantity: int, source: str | None, dest: str | None,
              on: dt.date, prefix: str, *, serial: str | None = None, scanned: bool = False) -> bool:
        """Record a movement if it happens by today and the sending party holds the units."""
        if quantity <= 0 or on > min(self.today, lot.cutoff):
            return False
        if source is not None and kind != "receive":
            if lot.on_hand[source] < quantity:
                raise RuntimeError(f"demo generator bug: {lot.lot_no} short at {source}")
            lot.on_hand[source] -= quantity
        if dest is not None:
            lot.on_hand[dest] += quantity
        raw = None
        if scanned and lot.item.agency == "GS1":
            raw = gs1_scan(self.di[lot.item.key], lot.lot_no, lot.production_date, lot.expiry_date, serial,
                           symbology=self.rng.choice(("]d2", "]C1", "")))
        self.moves.append(_Move(kind, lot.index, quantity, source, dest, on, self._document(prefix, on),
                                serial, raw))
        return True

    def _move_serials(self, lot: _LotPlan, source: str, dest: str | None, count: int) -> list[str]:
        moving, lot.serials_at[source] = lot.serials_at[source][:count], lot.serials_at[source][count:]
        if dest is not None:
            lot.serials_at[dest].extend(moving)
        return moving

    def _distribute(self, lot: _LotPlan) -> None:
        """Ship to distributors and hospitals, use, return and scrap, as the lot's status implies."""
        rng, site = self.rng, lot.site
        lot.serials_at[site] = list(lot.serials)
        if lot.status in ("quarantine", "under_review"):
            return
        if lot.status == "rejected":
            self._emit("scrap", lot, lot.quantity, site, None,
                       lot.production_date + dt.timedelta(days=rng.randint(20, 35)), "BF")
            return
        if lot.status == "recalled":
            lot.cutoff = self.today - dt.timedelta(days=rng.randint(25, 40))
        elif lot.status == "on_hold":
            lot.cutoff = self.today - dt.timedelta(days=rng.randint(5, 20))
        elif lot.status == "expired":
            lot.cutoff = lot.expiry_date
        released = lot.production_date + dt.timedelta(days=rng.randint(10, 18))
        implant = lot.item.implantable
        customers = rng.sample(self.distributors, rng.choice((1, 2, 2, 3)))
        if rng.random() < (0.5 if implant else 0.15):
            customers[0] = rng.choice(self.direct_hospitals)
        share = rng.uniform(0.55, 0.9) / len(customers)
        held_since: dict[str, dt.date] = {}
        for customer in customers:
            quantity = max(1, int(lot.quantity * share))
            on = released + dt.timedelta(days=rng.randint(0, 20))
            if not self._emit("ship", lot, quantity, site, customer, on, "SO", scanned=rng.random() < 0.3):
                continue
            self._move_serials(lot, site, customer, quantity)
            held_since[customer] = on
            if customer in self.distributors:
                self._ship_to_hospitals(lot, customer, on, held_since)
        for holder, since in held_since.items():
            if holder.startswith("HOS") and implant:
                self._implant(lot, holder, since)
            if rng.random() < 0.06:
                self._return(lot, holder, 1 if lot.serials else rng.randint(1, max(1, lot.on_hand[holder] // 50)),
                             since + dt.timedelta(days=rng.randint(10, 30)), "RT")
        lot.cutoff = dt.date.max
        if lot.status == "recalled":
            self._recall_returns(lot, held_since)
        elif lot.status == "expired":
            self._scrap_expired(lot, held_since)

    def _ship_to_hospitals(self, lot: _LotPlan, distributor: str, since: dt.date,
                           held_since: dict[str, dt.date]) -> None:
        rng = self.rng
        hospitals = self.city_hospitals[distributor]
        for hospital in rng.sample(hospitals, rng.randint(1, len(hospitals))):
            quantity = int(lot.on_hand[distributor] * rng.uniform(0.3, 0.6))
            on = since + dt.timedelta(days=rng.randint(2, 15))
            if lot.serials:
                # Implants go to the hospital one serial at a time, scanned at goods-in.
                moved = 0
                for serial in list(lot.serials_at[distributor][:quantity]):
                    if self._emit("ship", lot, 1, distributor, hospital, on, "XS", serial=serial, scanned=True):
                        self._move_serials(lot, distributor, hospital, 1)
                        moved += 1
                if moved:
                    held_since[hospital] = on
            elif self._emit("ship", lot, quantity, distributor, hospital, on, "XS", scanned=rng.random() < 0.5):
                held_since[hospital] = on

    def _implant(self, lot: _LotPlan, hospital: str, since: dt.date) -> None:
        rng = self.rng
        count = int(lot.on_hand[hospital] * rng.uniform(0.3, 0.9))
        if lot.serials:
            for serial in list(lot.serials_at[hospital][:count]):
                on = since + dt.timedelta(days=rng.randint(3, 120))
                if self._emit("install", lot, 1, hospital, None, on, "SY", serial=serial, scanned=True):
                    lot.serials_at[hospital].remove(serial)
        else:
            self._emit("install", lot, count, hospital, None, since + dt.timedelta(days=rng.randint(5, 90)), "SY")

    def _return(self, lot: _LotPlan, holder: str, quantity: int, on: dt.date, prefix: str) -> bool:
        to = self.supplier_of_holder(holder, lot)
        quantity = min(quantity, lot.on_hand[holder])
        if lot.serials:
            for serial in list(lot.serials_at[holder][:quantity]):
                if self._emit("return", lot, 1, holder, to, on, prefix, serial=serial, scanned=True):
                    self._move_serials(lot, holder, to, 1)
            return True
        return self._emit("return", lot, quantity, holder, to, on, prefix)

    def supplier_of_holder(self, holder: str, lot: _LotPlan) -> str:
        for distributor, hospitals in self.city_hospitals.items():
            if holder in hospitals:
                return distributor
        return lot.site

    def _recall_returns(self, lot: _LotPlan, held_since: dict[str, dt.date]) -> None:
        """Consignees send back what they still hold: hospitals to their distributor, then to us."""
        recall_on = self.today - dt.timedelta(days=self.rng.randint(20, 24))
        for holder in held_since:
            if holder.startswith("HOS") and lot.on_hand[holder] > 0:
                self._return(lot, holder, lot.on_hand[holder],
                             recall_on + dt.timedelta(days=self.rng.randint(2, 8)), "ZH")
        for holder in held_since:
            if holder.startswith("DIS") and lot.on_hand[holder] > 0:
                self._return(lot, holder, lot.on_hand[holder],
                             recall_on + dt.timedelta(days=self.rng.randint(10, 18)), "ZH")

    def _scrap_expired(self, lot: _LotPlan, held_since: dict[str, dt.date]) -> None:
        rng = self.rng
        self._emit("scrap", lot, lot.on_hand[lot.site], lot.site, None,
                   lot.expiry_date + dt.timedelta(days=rng.randint(1, 20)), "BF")
        for holder in held_since:
            if holder.startswith("HOS") and rng.random() < 0.5:
                self._emit("scrap", lot, lot.on_hand[holder], holder, None,
                           lot.expiry_date + dt.timedelta(days=rng.randint(1, 30)), "BF")

    # -- QC results and deviations ---------------------------------------------------------

    def _make_quality_records(self) -> None:
        rng, today = self.rng, self.today
        # One component lot failed incoming inspection and went back to its supplier; one waits.
        bad = self._buy_component(self.items["COCR"], "MFG-CZ", today - dt.timedelta(days=60), 1, "rejected")
        self._emit("return", bad, bad.quantity, bad.site, bad.item.supplier,
                   today - dt.timedelta(days=rng.randint(40, 50)), "TH")
        self._buy_component(self.items["NEEDLE"], "MFG-SZ", today, 1, "quarantine")
        dev_numbers: Counter[int] = Counter()

        def deviation(lot: _LotPlan, title_text: tuple[str, str], opened: dt.date, closed: dt.date | None) -> None:
            dev_numbers[opened.year] += 1
            number = f"DEV-{opened.year}-{dev_numbers[opened.year]:03d}"
            self.deviations.append((lot.index, number, title_text[0], title_text[1], opened, closed))

        for lot in sorted(self.lots, key=lambda lot: (lot.production_date, lot.index)):
            tests = [TESTS[name] for name in QC_PROFILES[lot.item.qc]]
            if lot.status == "quarantine":
                tests = tests[:1]
            failing = rng.randrange(len(tests)) if lot.status == "rejected" else -1
            for n, test in enumerate(tests):
                passed = n != failing
                tested = min(today, lot.production_date + dt.timedelta(days=rng.randint(1, 9)))
                self.qc.append((lot.index, test.name, test.spec, (test.good if passed else test.bad)(rng),
                                passed, tested))
            opened = min(today, lot.production_date + dt.timedelta(days=rng.randint(0, 3)))
            if lot.status == "rejected":
                deviation(lot, OOS_DEVIATION, opened, min(today, opened + dt.timedelta(days=rng.randint(8, 20))))
            elif lot.status == "on_hold":
                deviation(lot, rng.choice(HOLD_DEVIATIONS), max(opened, today - dt.timedelta(days=20)), None)
            elif lot.status == "recalled":
                deviation(lot, RECALL_DEVIATION, today - dt.timedelta(days=40), None)
            elif lot.status == "quarantine" and lot.item.key == "MSK-S":
                deviation(lot, MINOR_DEVIATIONS[1], opened, None)
            elif lot.status in ("released", "expired") and rng.random() < 0.08:
                deviation(lot, rng.choice(MINOR_DEVIATIONS), opened,
                          opened + dt.timedelta(days=rng.randint(2, 7)))


def _insert_returning_ids(conn: Connection, table: Table, rows: Sequence[dict[str, object]]) -> list[int]:
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(conn.execute(statement, list(rows)).scalars())


def _write_small(conn: Connection, world: _SmallWorld, say: Progress) -> None:
    """Ordinary INSERTs in time order: the stock trigger checks every movement and genealogy edge."""
    say("Writing products and parties")
    product_ids = dict(zip((item.key for item in FINISHED + COMPONENTS),
                           _insert_returning_ids(conn, Product.__table__, world.product_rows()), strict=True))
    party_ids = dict(zip((row["code"] for row in world.parties),
                         _insert_returning_ids(conn, Party.__table__, world.parties), strict=True))
    say(f"Writing {len(world.lots)} lots")
    lot_ids = _insert_returning_ids(conn, Lot.__table__, [
        {"product_id": product_ids[lot.item.key], "lot_no": lot.lot_no, "production_date": lot.production_date,
         "expiry_date": lot.expiry_date, "quantity": lot.quantity, "status": lot.status}
        for lot in world.lots
    ])
    serials = [{"lot_id": lot_ids[lot.index], "serial": s} for lot in world.lots for s in lot.serials]
    if serials:
        conn.execute(insert(SerialUnit.__table__), serials)
    conn.execute(insert(QcResult.__table__), [
        {"lot_id": lot_ids[lot], "test_name": name, "specification": spec, "result": result, "passed": passed,
         "tested_on": tested}
        for lot, name, spec, result, passed, tested in world.qc
    ])
    conn.execute(insert(Deviation.__table__), [
        {"lot_id": lot_ids[lot], "number": number, "title": title, "description": description,
         "status": "open" if closed is None else "closed", "opened_on": opened, "closed_on": closed}
        for lot, number, title, description, opened, closed in world.deviations
    ])
    rank = {"produce": 0, "receive": 0, "ship": 1, "return": 2, "install": 3, "scrap": 4, "adjust": 5}
    moves = sorted(enumerate(world.moves), key=lambda pair: (pair[1].on, rank[pair[1].kind], pair[0]))
    say(f"Writing {len(moves)} movements and {len(world.edges)} genealogy edges (stock checked by the database)")
    conn.execute(insert(Movement.__table__), [
        {"kind": m.kind, "lot_id": lot_ids[m.lot], "serial": m.serial, "quantity": m.quantity,
         "from_party_id": party_ids[m.source] if m.source else None,
         "to_party_id": party_ids[m.dest] if m.dest else None, "moved_on": m.on,
         "document_no": m.document_no, "raw_udi": m.raw_udi}
        for _, m in moves
    ])
    conn.execute(insert(GenealogyEdge.__table__), [
        {"finished_lot_id": lot_ids[finished], "component_lot_id": lot_ids[component],
         "site_id": party_ids[site], "quantity": quantity}
        for finished, component, site, quantity in world.edges
    ])


# == Large set ==================================================================================


class _Salts:
    """SQL-side randomness: `hashint8extended(n, salt)` is deterministic, salts come from the seed."""

    def __init__(self, seed: int) -> None:
        self._seed = seed

    def h(self, expr: str, stream: int) -> str:
        salt = _random(f"{self._seed}:{stream}").getrandbits(62)
        return f"(hashint8extended(({expr})::bigint, {salt}) & 9223372036854775807)"


@dataclass(frozen=True)
class _LargeShape:
    """How many of everything the large set has for a given number of lots (DESIGN §7 at 1 M)."""

    lots: int

    @property
    def components(self) -> int:
        return self.lots // 10

    @property
    def finished(self) -> int:
        return self.lots - self.components

    @property
    def customers(self) -> int:
        return max(50, self.lots // 200)

    @property
    def distributors(self) -> int:
        return self.customers // 5

    @property
    def hospitals(self) -> int:
        return self.customers - self.distributors

    @property
    def products(self) -> int:
        return max(30, self.lots // 1000)

    @property
    def component_products(self) -> int:
        return max(6, self.lots // 20_000)

    @property
    def suppliers(self) -> int:
        return max(6, self.lots // 20_000)


LOADED_TABLES = ("lot", "genealogy_edge", "movement", "serial_unit", "qc_result", "deviation")


Rows = list[dict[str, object]]


def _large_master_data(rng: random.Random, shape: _LargeShape) -> tuple[Rows, Rows]:
    """Products (finished variants of the small catalogue, components, the hub) and parties."""
    consumables = [item for item in FINISHED if not item.implantable and item.agency == "GS1"]
    implants = [item for item in FINISHED if item.implantable and item.agency == "GS1"]
    products: list[dict[str, object]] = []
    for p in range(shape.products):
        # One product in twenty is an implant: implant lots are small and serialised.
        item = implants[(p // 20) % len(implants)] if p % 20 == 0 else consumables[p % len(consumables)]
        products.append({
            "agency": "GS1", "di": gtin14(f"0{COMPANY_PREFIX}{p + 1:05d}"), "name": item.name,
            "name_en": item.name_en, "model": f"{item.model}（型号 {p // len(consumables) + 1:03d}）",
            "registration_no": item.registration_no, "risk_class": item.risk_class,
            "implantable": item.implantable, "shelf_life_days": item.shelf_life_days,
            "device_lifetime_days": item.lifetime_days, "alert_days": list(item.alert_days),
            "_serialised": item.serialised,
        })
    for c in range(shape.component_products):
        item = COMPONENTS[c % len(COMPONENTS)]
        products.append({
            "agency": "GS1", "di": gtin14(f"06923456{c + 1:05d}"), "name": item.name, "name_en": item.name_en,
            "model": f"{item.model}（规格 {c // len(COMPONENTS) + 1:02d}）", "registration_no": "",
            "risk_class": item.risk_class, "implantable": False, "shelf_life_days": 1825,
            "device_lifetime_days": None, "alert_days": [90, 30], "_serialised": False,
        })
    products.append({
        "agency": "GS1", "di": gtin14("0692345699999"), "name": "医用级聚丙烯粒料（集中采购批）",
        "name_en": "Medical-grade polypropylene resin, central purchase lot (kg)", "model": "PP H5300 医用级",
        "registration_no": "", "risk_class": "III", "implantable": False, "shelf_life_days": 3650,
        "device_lifetime_days": None, "alert_days": [90, 30], "_serialised": False,
    })
    parties: list[dict[str, object]] = []
    for code, name, address, contact, phone, licence in SITES:
        parties.append({"code": code, "name": name, "kind": "manufacturer", "address": address,
                        "contact": contact, "phone": phone, "licence_no": licence})
    for s in range(shape.suppliers):
        city = CITIES[rng.randrange(len(CITIES))]
        parties.append({
            "code": f"SUP-{s + 1:04d}",
            "name": f"{city[0]}{rng.choice(TRADE_WORDS)}{rng.choice(TRADE_WORDS)}材料有限公司", "kind": "supplier",
            "address": _address(rng, city), "contact": _contact(rng, "supplier"),
            "phone": _phone(rng, city[2]), "licence_no": _credit_code(rng),
        })
    for d in range(shape.distributors):
        city = CITIES[d % len(CITIES)]
        parties.append({
            "code": f"DIS-{d + 1:05d}",
            "name": f"{city[0]}{rng.choice(TRADE_WORDS)}{rng.choice(TRADE_WORDS)}{rng.choice(DISTRIBUTOR_SUFFIXES)}",
            "kind": "distributor", "address": _address(rng, city), "contact": _contact(rng, "distributor"),
            "phone": _phone(rng, city[2]),
            "licence_no": f"{city[3]}药监械经营许{rng.randint(2015, 2023)}{rng.randrange(10000):04d}号",
        })
    for h in range(shape.hospitals):
        city = CITIES[(h // 4) % len(CITIES)]  # hospital h is served by distributor ≈ h // 4 (same city)
        name = f"{city[0]}{rng.choice(city[4])}{rng.choice(TRADE_WORDS)}{rng.choice(HOSPITAL_SUFFIXES)}"
        parties.append({
            "code": f"HOS-{h + 1:05d}", "name": name, "kind": "hospital", "address": _address(rng, city),
            "contact": _contact(rng, "hospital"), "phone": _phone(rng, city[2]), "licence_no": _hospital_licence(rng),
        })
    return products, parties


def _seed_large(conn: Connection, *, seed: int, lots: int, today: dt.date, say: Progress) -> None:
    """Set-based load of the reference data set; every rule the disabled triggers check is kept here."""
    if lots < 2_000:
        raise InvalidInput.of("demo.large_too_few_lots")
    if conn.execute(text("SELECT current_setting('is_superuser')")).scalar_one() != "on":
        raise ComplianceError.of("demo.large_needs_owner")
    shape = _LargeShape(lots)
    rng = _random(seed)
    h = _Salts(seed).h
    clock = time.perf_counter()

    def phase(message: str) -> None:
        say(f"[{time.perf_counter() - clock:6.1f} s] {message}")

    # Row triggers (stock check, foreign keys, change broadcast) are off for this transaction only:
    # the data below is built to satisfy them, and the stock rule is verified before commit.
    conn.execute(text("SET LOCAL session_replication_role = replica"))
    conn.execute(text("SET LOCAL work_mem = '256MB'"))
    conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))

    phase(f"Products and parties ({shape.products + shape.component_products + 1:,} products, "
          f"{shape.customers:,} customers)")
    products, parties = _large_master_data(rng, shape)
    serialised = [bool(p.pop("_serialised")) for p in products]
    product_ids = _insert_returning_ids(conn, Product.__table__, products)
    party_ids = _insert_returning_ids(conn, Party.__table__, parties)
    n_fin_prod, n_comp_prod = shape.products, shape.component_products
    sites = party_ids[:2]
    suppliers = party_ids[2:2 + shape.suppliers]
    distributors = party_ids[2 + shape.suppliers:2 + shape.suppliers + shape.distributors]
    hospitals = party_ids[2 + shape.suppliers + shape.distributors:]

    indexes = conn.execute(text(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE t.relname = ANY(:tables) AND t.relnamespace = current_schema()::regnamespace "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
    ), {"tables": list(LOADED_TABLES)}).all()
    # Unique constraints (not the primary keys, which foreign keys need) are cheaper to build once
    # after the load than to maintain row by row; re-adding them also proves the generator's uniqueness.
    uniques = conn.execute(text(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_class t ON t.oid = c.conrelid "
        "WHERE t.relname = ANY(:tables) AND t.relnamespace = current_schema()::regnamespace AND c.contype = 'u'"
    ), {"tables": list(LOADED_TABLES)}).all()
    for name, _ in indexes:
        conn.execute(text(f"DROP INDEX {name}"))
    for table, name, _ in uniques:
        conn.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {name}"))

    lot_base = conn.execute(text("SELECT nextval(pg_get_serial_sequence('lot', 'id')) - 1")).scalar_one()
    params = {
        "n_fin": shape.finished, "n_comp": shape.components, "n_dist": shape.distributors,
        "n_hosp": shape.hospitals, "n_prod": n_fin_prod, "n_cprod": n_comp_prod, "lot_base": lot_base,
        "today": today, "start": today - dt.timedelta(days=3 * 365), "span": 3 * 365,
    }

    def run(sql: str, **extra: object) -> int:
        rowcount = conn.execute(text(sql), {**params, **extra}).rowcount
        if sql.lstrip().startswith("CREATE TEMP TABLE"):
            # Autovacuum never analyses temporary tables: without statistics the joins below go quadratic.
            conn.execute(text(f"ANALYZE {sql.split()[3]}"))
        return rowcount

    run("""
        CREATE TEMP TABLE g_prod ON COMMIT DROP AS
        SELECT t.idx, t.id, t.di, t.shelf, t.implantable, t.serialised
        FROM unnest(CAST(:ids AS bigint[]), CAST(:dis AS text[]), CAST(:shelf AS int[]),
                    CAST(:impl AS boolean[]), CAST(:ser AS boolean[]))
             WITH ORDINALITY AS t(id, di, shelf, implantable, serialised, idx)
        """, ids=product_ids[:n_fin_prod], dis=[p["di"] for p in products[:n_fin_prod]],
        shelf=[p["shelf_life_days"] for p in products[:n_fin_prod]],
        impl=[p["implantable"] for p in products[:n_fin_prod]], ser=serialised[:n_fin_prod])
    run("""
        CREATE TEMP TABLE g_party ON COMMIT DROP AS
        SELECT 'S' AS kind, idx, id FROM unnest(CAST(:sites AS bigint[])) WITH ORDINALITY AS t(id, idx)
        UNION ALL SELECT 'U', idx, id FROM unnest(CAST(:sup AS bigint[])) WITH ORDINALITY AS t(id, idx)
        UNION ALL SELECT 'D', idx, id FROM unnest(CAST(:dis AS bigint[])) WITH ORDINALITY AS t(id, idx)
        UNION ALL SELECT 'H', idx, id FROM unnest(CAST(:hos AS bigint[])) WITH ORDINALITY AS t(id, idx)
        """, sites=sites, sup=suppliers, dis=distributors, hos=hospitals)
    run("CREATE UNIQUE INDEX ON g_party (kind, idx)")

    phase(f"Planning {shape.finished:,} finished lots and {shape.components:,} component lots")
    # Finished lot i: made on one of our two sites, dates spread evenly over three years up to today.
    # Status follows the release workflow: the newest lots wait for QA, a few are rejected, recalled or
    # on hold, and lots past their expiry date are expired.
    run(f"""
        CREATE TEMP TABLE g_fin ON COMMIT DROP AS
        SELECT b.i, :lot_base + :n_comp + b.i AS lot_id, b.product_id, b.di, b.serialised, b.site_no,
               b.production_date, b.expiry_date,
               to_char(b.production_date, 'YYMMDD') || lpad(b.i::text, 7, '0') AS lot_no,
               CASE WHEN b.implantable THEN 10 + b.hq % 41 ELSE 500 * (1 + b.hq % 20) END::int AS quantity,
               CASE WHEN b.production_date > :today - 6 THEN 'quarantine'
                    WHEN b.production_date > :today - 14 THEN 'under_review'
                    WHEN b.hs < 20 THEN 'rejected'
                    WHEN b.hs < 25 THEN 'recalled'
                    WHEN b.expiry_date < :today THEN 'expired'
                    WHEN b.hs < 35 THEN 'on_hold'
                    ELSE 'released' END AS status
        FROM (
            SELECT a.*, p.id AS product_id, p.di, p.serialised, p.implantable,
                   a.production_date + p.shelf - 1 AS expiry_date
            FROM (
                SELECT i, 1 + {h('i', 1)} % :n_prod AS pidx, 1 + {h('i', 2)} % 2 AS site_no,
                       {h('i', 3)} % 1000 AS hs, {h('i', 4)} AS hq,
                       CAST(:start AS date) + ((i - 1)::bigint * :span / :n_fin)::int AS production_date
                FROM generate_series(1, :n_fin) AS i
            ) a JOIN g_prod p ON p.idx = a.pidx
        ) b
        """)

    phase("Planning genealogy (2–4 component lots per finished lot, 3.2 on average; 1 in 6 also the hub)")
    # Component lot j (j >= 2) lies at site 1 + j % 2 and was bought about a month before the finished
    # lots that use it; j = 1 is the hub (a resin lot held at both sites). Offsets 8k + (0..7) are
    # distinct per k, so no finished lot takes the same component twice (unique edge).
    run(f"""
        CREATE TEMP TABLE g_edge ON COMMIT DROP AS
        WITH f AS (
            SELECT lot_id, i, site_no, quantity, (ARRAY[2, 3, 3, 4, 4])[1 + ({h('i', 5)} % 5)::int] AS m,
                   ((:n_comp - 2)::bigint * i / :n_fin) + 2 AS j0
            FROM g_fin
        ), f1 AS (
            SELECT *, j0 - ((j0 + site_no + 1) % 2) AS j1 FROM f
        )
        SELECT f1.lot_id AS finished_lot_id,
               :lot_base + CASE WHEN c.j < 2 THEN c.j + 64 ELSE c.j END AS component_lot_id,
               f1.site_no, f1.quantity
        FROM f1 CROSS JOIN LATERAL (
            SELECT f1.j1 - 2 * (8 * k + {h('f1.i * 8 + k', 6)} % 8) AS j FROM generate_series(0, f1.m - 1) AS k
        ) c
        UNION ALL
        SELECT lot_id, :lot_base + 1, site_no, (1 + {h('i', 8)} % 5)::int FROM g_fin WHERE {h('i', 7)} % 6 = 0
        """)
    # Each component lot is received at its site with what its finished lots consume plus a remainder,
    # so stock at the site never goes below zero (the rule of the stock_not_negative trigger).
    run("""
        CREATE TEMP TABLE g_use ON COMMIT DROP AS
        SELECT component_lot_id AS lot_id, site_no, sum(quantity)::bigint AS used FROM g_edge GROUP BY 1, 2
        """)
    run(f"""
        CREATE TEMP TABLE g_comp ON COMMIT DROP AS
        SELECT j, :lot_base + j AS lot_id,
               CASE WHEN j = 1 THEN CAST(:hub AS bigint)
                    ELSE (CAST(:cprods AS bigint[]))[1 + ({h('j', 20)} % :n_cprod)::int] END AS product_id,
               CASE WHEN j = 1 THEN CAST(:start AS date) - 60
                    ELSE CAST(:start AS date) - 30 + ((j - 1)::bigint * :span / :n_comp)::int END AS production_date,
               CASE WHEN j = 1 THEN 3650 ELSE 1825 END AS shelf,
               (CAST(:sup AS bigint[]))[1 + ({h('j', 21)} % cardinality(CAST(:sup AS bigint[])))::int] AS supplier_id,
               j > 1 AND j % 5 = 0 AS made_here
        FROM generate_series(1, :n_comp) AS j
        """, hub=product_ids[-1], cprods=product_ids[n_fin_prod:n_fin_prod + n_comp_prod], sup=suppliers)
    run("""
        CREATE TEMP TABLE g_receipt ON COMMIT DROP AS
        SELECT c.lot_id, s.site_no,
               (coalesce(u.used, 0) + greatest(100, coalesce(u.used, 0) / 10))::int AS quantity
        FROM g_comp c CROSS JOIN (VALUES (1), (2)) AS s(site_no)
        LEFT JOIN g_use u ON u.lot_id = c.lot_id AND u.site_no = s.site_no
        WHERE c.j = 1 OR s.site_no = 1 + c.j % 2
        """)

    phase("Inserting lots")
    run("""
        INSERT INTO lot (id, product_id, lot_no, production_date, expiry_date, quantity, status)
        SELECT c.lot_id, c.product_id, 'C' || to_char(c.production_date, 'YYMMDD') || lpad(c.j::text, 6, '0'),
               c.production_date, c.production_date + c.shelf - 1, r.total, 'released'
        FROM g_comp c JOIN (SELECT lot_id, sum(quantity)::int AS total FROM g_receipt GROUP BY lot_id) r
             USING (lot_id)
        ORDER BY c.lot_id
        """)
    run("""
        INSERT INTO lot (id, product_id, lot_no, production_date, expiry_date, quantity, status)
        SELECT lot_id, product_id, lot_no, production_date, expiry_date, quantity, status FROM g_fin ORDER BY lot_id
        """)
    run("SELECT setval(pg_get_serial_sequence('lot', 'id'), CAST(:lot_base AS bigint) + :n_comp + :n_fin)")

    phase("Inserting genealogy edges")
    run("""
        INSERT INTO genealogy_edge (finished_lot_id, component_lot_id, site_id, quantity)
        SELECT e.finished_lot_id, e.component_lot_id, s.id, e.quantity
        FROM g_edge e JOIN g_party s ON s.kind = 'S' AND s.idx = e.site_no
        """)

    phase("Planning shipments (site → distributor or hospital → hospital), returns, use and scrap")
    # Tier 1: 85 % of shippable lots leave the site once (5 % twice), 85 % of shipments to a distributor;
    # each shipment takes at most 44 % (second one 29 %) of the lot, so the site never goes negative.
    run(f"""
        CREATE TEMP TABLE g_ship1 ON COMMIT DROP AS
        SELECT x.*, c.id AS customer_id
        FROM (
            SELECT f.i * 2 + s.n AS sid, f.lot_id, f.i, f.site_no, f.status, f.di, f.lot_no, f.production_date,
                   f.expiry_date,
                   CASE WHEN {h('f.i * 2 + s.n', 10)} % 100 < 85 THEN 'D' ELSE 'H' END AS customer_kind,
                   {h('f.i * 2 + s.n', 11)} AS hc,
                   (f.quantity * CASE s.n WHEN 1 THEN 25 + {h('f.i', 12)} % 20
                                          ELSE 10 + {h('f.i', 13)} % 20 END / 100)::int AS quantity,
                   least(CAST(:today AS date), f.production_date + 14 + ({h('f.i * 2 + s.n', 14)} % 30)::int)
                       AS moved_on
            FROM g_fin f CROSS JOIN (VALUES (1), (2)) AS s(n)
            WHERE f.status IN ('released', 'recalled', 'expired', 'on_hold') AND {h('f.i', 9)} % 100 < 85
              AND (s.n = 1 OR {h('f.i', 15)} % 100 < 5)
        ) x
        JOIN g_party c ON c.kind = x.customer_kind
         AND c.idx = 1 + x.hc % CASE x.customer_kind WHEN 'D' THEN :n_dist ELSE :n_hosp END
        """)
    # Tier 2: a third of distributor shipments are passed on (30–69 %) to a hospital in the same region.
    run(f"""
        CREATE TEMP TABLE g_ship2 ON COMMIT DROP AS
        SELECT s.sid, s.lot_id, s.customer_id AS from_id, hp.id AS to_id, s.di, s.lot_no, s.production_date,
               s.expiry_date, s.status, (s.quantity * (30 + {h('s.sid', 17)} % 40) / 100)::int AS quantity,
               least(CAST(:today AS date), s.moved_on + 3 + ({h('s.sid', 18)} % 20)::int) AS moved_on
        FROM g_ship1 s
        JOIN g_party hp ON hp.kind = 'H'
         AND hp.idx = 1 + ((1 + s.hc % :n_dist - 1) * 4 + {h('s.sid', 19)} % 6) % :n_hosp
        WHERE s.customer_kind = 'D' AND {h('s.sid', 16)} % 100 < 33
          AND s.quantity * (30 + {h('s.sid', 17)} % 40) / 100 > 0
        """)

    phase("Inserting movements in date order")
    produce_doc = "'PR' || to_char(production_date, 'YYYYMMDD') || '-' || lpad((i % 100000)::text, 5, '0')"
    count = run(f"""
        INSERT INTO movement (kind, lot_id, quantity, from_party_id, to_party_id, moved_on, document_no, raw_udi)
        SELECT kind, lot_id, quantity, from_id, to_id, moved_on, document_no, raw_udi FROM (
            -- components bought (or made here, 1 in 5) at their site
            SELECT CASE WHEN c.made_here THEN 'produce' ELSE 'receive' END AS kind, r.lot_id, r.quantity,
                   CASE WHEN c.made_here THEN NULL ELSE c.supplier_id END AS from_id, s.id AS to_id,
                   c.production_date + 7 AS moved_on, 0 AS rank,
                   'RK' || to_char(c.production_date + 7, 'YYYYMMDD') || '-' || lpad(c.j::text, 6, '0')
                       AS document_no, NULL AS raw_udi
            FROM g_receipt r JOIN g_comp c USING (lot_id) JOIN g_party s ON s.kind = 'S' AND s.idx = r.site_no
            UNION ALL
            SELECT 'produce', f.lot_id, f.quantity, NULL, s.id, f.production_date, 0, {produce_doc}, NULL
            FROM g_fin f JOIN g_party s ON s.kind = 'S' AND s.idx = f.site_no
            UNION ALL
            SELECT 'ship', t.lot_id, t.quantity, s.id, t.customer_id, t.moved_on, 1,
                   'SO' || to_char(t.moved_on, 'YYYYMMDD') || '-' || lpad(t.sid::text, 8, '0'), NULL
            FROM g_ship1 t JOIN g_party s ON s.kind = 'S' AND s.idx = t.site_no
            UNION ALL
            SELECT 'ship', t.lot_id, t.quantity, t.from_id, t.to_id, t.moved_on, 2,
                   'XS' || to_char(t.moved_on, 'YYYYMMDD') || '-' || lpad(t.sid::text, 8, '0'),
                   -- half of them scanned at the hospital's goods-in, with and without a GS separator
                   CASE t.sid % 4
                       WHEN 0 THEN ']d201' || t.di || '10' || t.lot_no || chr(29) || '17'
                                   || to_char(t.expiry_date, 'YYMMDD')
                       WHEN 2 THEN ']C101' || t.di || '17' || to_char(t.expiry_date, 'YYMMDD') || '10' || t.lot_no
                   END
            FROM g_ship2 t
            UNION ALL
            -- hospitals use part of what they received
            SELECT 'install', t.lot_id, t.quantity / 2, t.to_id, NULL,
                   least(CAST(:today AS date), t.moved_on + 1 + ({h('t.sid', 22)} % 60)::int), 3,
                   'SY' || lpad(t.sid::text, 8, '0'), NULL
            FROM g_ship2 t WHERE t.quantity >= 2 AND {h('t.sid', 23)} % 100 < 30
            UNION ALL
            -- recalled lots: distributors send back what they still hold
            SELECT 'return', s1.lot_id, s1.quantity - coalesce(s2.quantity, 0), s1.customer_id, s.id,
                   least(CAST(:today AS date), greatest(s1.moved_on, s2.moved_on) + 20), 4,
                   'ZH' || lpad(s1.sid::text, 8, '0'), NULL
            FROM g_ship1 s1 JOIN g_party s ON s.kind = 'S' AND s.idx = s1.site_no
            LEFT JOIN g_ship2 s2 ON s2.sid = s1.sid
            WHERE s1.status = 'recalled' AND s1.customer_kind = 'D' AND s1.quantity > coalesce(s2.quantity, 0)
            UNION ALL
            -- rejected lots are scrapped whole; expired lots, what is left at the site
            SELECT 'scrap', f.lot_id, f.quantity - coalesce(sh.shipped, 0), s.id, NULL,
                   least(CAST(:today AS date), CASE WHEN f.status = 'rejected' THEN f.production_date + 20
                                                    ELSE f.expiry_date + 1 + ({h('f.i', 24)} % 30)::int END),
                   5, 'BF' || lpad(f.i::text, 8, '0'), NULL
            FROM g_fin f JOIN g_party s ON s.kind = 'S' AND s.idx = f.site_no
            LEFT JOIN (SELECT lot_id, sum(quantity) AS shipped FROM g_ship1 GROUP BY lot_id) sh USING (lot_id)
            WHERE f.status IN ('rejected', 'expired') AND f.quantity > coalesce(sh.shipped, 0)
        ) m
        ORDER BY moved_on, rank
        """)
    phase(f"{count:,} movements inserted")

    phase("Serial units, QC results and deviations")
    run("""
        INSERT INTO serial_unit (lot_id, serial)
        SELECT f.lot_id, 'SN' || f.i || lpad(n::text, 3, '0')
        FROM g_fin f CROSS JOIN LATERAL generate_series(1, f.quantity) AS n WHERE f.serialised
        """)
    run(f"""
        INSERT INTO qc_result (lot_id, test_name, specification, result, passed, tested_on)
        SELECT f.lot_id, t.name, t.spec,
               CASE WHEN f.status = 'rejected' AND t.n = 1 + {h('f.i', 25)} % 3 THEN t.bad ELSE t.good END,
               NOT (f.status = 'rejected' AND t.n = 1 + {h('f.i', 25)} % 3),
               least(CAST(:today AS date), f.production_date + t.n)
        FROM g_fin f CROSS JOIN (VALUES
            (1, :t1, :s1, :g1, :b1), (2, :t2, :s2, :g2, :b2), (3, :t3, :s3, :g3, :b3)
        ) AS t(n, name, spec, good, bad)
        WHERE f.status IN ('under_review', 'rejected', 'on_hold', 'recalled')
           OR (f.status = 'quarantine' AND t.n = 1)
        """, **{f"{k}{n}": v for n, key in enumerate(("sterility", "endotoxin", "eo"), start=1)
                for k, v in (("t", TESTS[key].name), ("s", TESTS[key].spec),
                             ("g", TESTS[key].good(rng)), ("b", TESTS[key].bad(rng)))})
    run("""
        INSERT INTO deviation (lot_id, number, title, description, status, opened_on, closed_on)
        SELECT f.lot_id, 'DEV-' || lpad(f.i::text, 8, '0'),
               CASE f.status WHEN 'rejected' THEN :oos_t WHEN 'recalled' THEN :rec_t ELSE :hold_t END,
               CASE f.status WHEN 'rejected' THEN :oos_d WHEN 'recalled' THEN :rec_d ELSE :hold_d END,
               CASE f.status WHEN 'rejected' THEN 'closed' ELSE 'open' END,
               f.production_date + 2,
               CASE f.status WHEN 'rejected' THEN least(CAST(:today AS date), f.production_date + 16) END
        FROM g_fin f WHERE f.status IN ('rejected', 'on_hold', 'recalled')
        """, oos_t=OOS_DEVIATION[0], oos_d=OOS_DEVIATION[1], rec_t=RECALL_DEVIATION[0],
        rec_d=RECALL_DEVIATION[1], hold_t=HOLD_DEVIATIONS[0][0], hold_d=HOLD_DEVIATIONS[0][1])

    phase(f"Rebuilding {len(indexes)} indexes and {len(uniques)} unique constraints")
    for _, definition in indexes:
        conn.execute(text(definition))
    for table, name, definition in uniques:
        conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"))

    phase("Verifying that no stock is negative (the rule the disabled trigger enforces)")
    negative = conn.execute(text("SELECT lot_id, party_id, quantity FROM stock_on_hand WHERE quantity < 0 LIMIT 1")
                            ).first()
    if negative is not None:
        raise RuntimeError(f"large demo generator bug: negative stock {tuple(negative)}; nothing was saved")
    for table in GMP_TABLES:  # one broadcast per table instead of the statement triggers we skipped
        conn.execute(text("SELECT pg_notify('medtrace_changes', :table)"), {"table": table})
    phase("Committing")

