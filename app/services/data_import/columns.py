"""The import file contract (DESIGN §6, docs/import-formats.md): the columns of each kind, their aliases,
whether they are required, their allowed words, an example and a bilingual description.

The contract is for integrators: names never change once published; new optional columns may be added.
Header cells are matched case-insensitively, ignoring spaces, `-` and `_`, and may be written in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.models.enums import Agency, LotStatus, MovementKind, PartyKind, RiskClass, values

KINDS = ("products", "parties", "lots", "genealogy", "movements")

PARTY_KIND_ALIASES = {
    "生产企业": "manufacturer", "制造商": "manufacturer", "生产商": "manufacturer", "工厂": "manufacturer",
    "供应商": "supplier",
    "经营企业": "distributor", "经销商": "distributor", "配送企业": "distributor",
    "使用单位": "hospital", "医院": "hospital", "医疗机构": "hospital",
}
MOVEMENT_TYPE_ALIASES = {
    "生产": "produce", "生产入库": "produce",
    "收货": "receive", "采购入库": "receive", "入库": "receive",
    "发货": "ship", "销售出库": "ship", "出库": "ship",
    "退货": "return",
    "安装": "install", "植入": "install", "使用": "install",
    "报废": "scrap", "销毁": "scrap",
    "调整": "adjust", "盘点调整": "adjust",
}
RISK_CLASS_ALIASES = {
    "1": "I", "2": "II", "3": "III",
    "第一类": "I", "第二类": "II", "第三类": "III", "一类": "I", "二类": "II", "三类": "III",
    "class i": "I", "class ii": "II", "class iii": "III",
}
LOT_STATUS_ALIASES = {
    "待检": "quarantine", "隔离": "quarantine", "审核中": "under_review", "已放行": "released", "放行": "released",
    "不合格": "rejected", "拒绝放行": "rejected", "暂停放行": "on_hold", "冻结": "on_hold", "已召回": "recalled",
    "召回": "recalled", "已过期": "expired", "过期": "expired",
}
AGENCY_ALIASES = {"gs1 china": "GS1", "hibc": "HIBCC", "idcode": "MA", "ma code": "MA"}

# Which parties each movement type needs (mirrors PARTY_RULE in app/models/movement.py).
PARTY_NEEDS: dict[str, tuple[str, str, str]] = {
    # type: (from_party, to_party, sentence)
    "produce": ("forbidden", "required", "a produce movement needs to_party (the producing site) and no "
                "from_party"),
    "receive": ("required", "required", "a receive movement needs from_party (the sender) and to_party"),
    "ship": ("required", "required", "a ship movement needs from_party and to_party (the consignee)"),
    "return": ("required", "required", "a return movement needs from_party (who returns) and to_party"),
    "install": ("required", "forbidden", "an install movement needs from_party (where it was used) and no "
                "to_party"),
    "scrap": ("required", "forbidden", "a scrap movement needs from_party (where the stock is) and no "
              "to_party"),
    "adjust": ("either", "either", "an adjust movement needs exactly one of from_party (stock taken away) "
               "or to_party (stock added)"),
}


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    name: str
    required: bool
    type: str  # text | di | gtin | date | integer | boolean | choice | days — for documentation
    en: str
    zh: str
    example: str
    aliases: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    max_length: int = 0
    default: str = ""

    @property
    def is_text(self) -> bool:
        """Excel must keep it as typed (leading zeros of lots, codes and GTINs)."""
        return self.type in ("text", "di")


@dataclass(frozen=True)
class Contract:
    """The columns of one kind, in template order."""

    kind: str
    columns: tuple[Column, ...]
    en: str
    zh: str
    by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys: dict[str, Column] = {}
        for column in self.columns:
            for name in (column.name, *column.aliases):
                keys[header_key(name)] = column
        object.__setattr__(self, "by_key", keys)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.required)

    def column_for(self, header: object) -> Column | None:
        """The column a header cell names: `Lot`, `LOT_NO`, `批号`, or `lot (批号)` all name `lot`."""
        if header is None:
            return None
        raw = str(header)
        found = self.by_key.get(header_key(raw))
        if found is None:
            for part in re.split(r"[()（）/]", raw):
                found = self.by_key.get(header_key(part)) if part.strip() else None
                if found is not None:
                    break
        return found


def header_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).lower()


def _c(name: str, required: bool, type_: str, en: str, zh: str, example: str, **more: object) -> Column:
    return Column(name, required, type_, en, zh, example, **more)  # type: ignore[arg-type] — keyword bag


_DI_EN = ("Product identifier (UDI-DI) of a product already in MedTrace: a GTIN (8, 12, 13 or 14 digits "
          "with a correct check digit; stored as GTIN-14), a HIBC LIC+product+unit (+H629IOL20001), or an "
          "MA code (MA.156.M0.100388.0010245).")
_DI_ZH = "已在系统中的产品的产品标识（UDI-DI）：GTIN（8/12/13/14 位，校验位须正确）、HIBC 或 MA 码。"
_LOT_EN = "Lot number (批号) as printed after GS1 AI (10): 1 to 20 characters. Format the column as Text."
_LOT_ZH = "批号，与 GS1 AI (10) 一致，1–20 个字符。请将该列设为文本格式，以免丢失前导零。"

CONTRACTS: dict[str, Contract] = {
    "products": Contract("products", (
        _c("agency", True, "choice", "UDI issuing agency.", "发码机构。", "GS1",
           aliases=("发码机构", "issuing_agency"), allowed=values(Agency)),
        _c("di", True, "di",
           "Product identifier (UDI-DI). GS1: a GTIN of 8, 12, 13 or 14 digits with a correct check digit "
           "(stored as GTIN-14). HIBCC: + LIC (4, first a letter) + product number + one-digit unit of "
           "measure. MA: MA.country.industry.registrant.product.",
           "产品标识（UDI-DI）。GS1：8/12/13/14 位 GTIN，校验位须正确（按 GTIN-14 保存）；HIBCC："
           "+ 厂商代码 + 产品号 + 包装单位；MA：MA.国家.行业.注册人.产品。",
           "06975432000017", aliases=("产品标识", "udi_di", "gtin", "di_code"), max_length=50),
        _c("name", True, "text", "Product name as registered (usually Chinese).", "产品名称（与注册证一致）。",
           "一次性使用无菌注射器", aliases=("产品名称", "product_name"), max_length=200),
        _c("name_en", False, "text", "English product name.", "英文名称。", "Sterile single-use syringe",
           aliases=("英文名称", "english_name"), max_length=200),
        _c("model", False, "text", "Model / specification.", "型号规格。", "5 mL 带针",
           aliases=("型号", "规格", "型号规格", "spec"), max_length=100),
        _c("registration_no", False, "text", "Registration certificate no.", "注册证编号（备案凭证编号）。",
           "国械注准20243150001", aliases=("注册证编号", "注册证号", "registration"), max_length=100),
        _c("risk_class", True, "choice", "Device class I, II or III (1/2/3 and 第一类/第二类/第三类 accepted).",
           "管理类别：I、II、III（也可写 1/2/3 或 第一类/第二类/第三类）。", "III",
           aliases=("管理类别", "类别", "class"), allowed=values(RiskClass)),
        _c("implantable", False, "boolean", "Implantable device: true/false, yes/no, 是/否, 1/0.",
           "是否植入：true/false、yes/no、是/否、1/0。", "否", aliases=("是否植入", "植入"),
           allowed=("true", "false"), default="false"),
        _c("shelf_life_days", True, "integer", "Shelf life in days (> 0).", "有效期（天，大于 0）。", "730",
           aliases=("有效期天数", "有效期", "shelf_life")),
        _c("alert_days", False, "days",
           "Expiry alert thresholds in days, 1 to 8 positive numbers separated by ; (e.g. 180;90;30;7).",
           "效期预警天数，1–8 个正整数，用分号分隔，例如 180;90;30;7。", "180;90;30;7",
           aliases=("效期预警天数", "预警天数", "alerts"), default="180;90;30;7"),
        _c("device_lifetime_days", False, "integer", "Device lifetime in days (> 0), if defined.",
           "使用期限（天），如有。", "", aliases=("使用期限", "lifetime_days")),
    ), "Products (UDI-DI master data)", "产品（UDI-DI 主数据）"),
    "parties": Contract("parties", (
        _c("code", True, "text", "Your unique code of the party.", "单位编码（唯一）。", "DST-001",
           aliases=("编码", "单位编码", "party_code"), max_length=40),
        _c("name", True, "text", "Name.", "单位名称。", "江苏康达医疗器械有限公司",
           aliases=("名称", "单位名称", "party_name"), max_length=200),
        _c("kind", True, "choice",
           "manufacturer (our sites), supplier, distributor (经营企业) or hospital (使用单位); the Chinese "
           "words 生产企业/供应商/经营企业/使用单位 are accepted.",
           "类型：manufacturer（本企业生产场地）、supplier（供应商）、distributor（经营企业）、"
           "hospital（使用单位）；也可直接写中文。", "distributor",
           aliases=("类型", "单位类型", "party_kind", "type"), allowed=values(PartyKind)),
        _c("address", False, "text", "Address.", "地址。", "江苏省苏州市工业园区星湖街 100 号",
           aliases=("地址",), max_length=300),
        _c("contact", False, "text", "Contact person.", "联系人。", "王敏", aliases=("联系人",), max_length=100),
        _c("phone", False, "text", "Phone.", "联系电话。", "0512-66660000", aliases=("电话", "联系电话"),
           max_length=50),
        _c("licence_no", False, "text", "Licence or filing no. (许可证/备案凭证编号).", "许可证或备案凭证编号。",
           "苏食药监械经营许20230001号", aliases=("许可证号", "许可证编号", "备案凭证编号", "license_no"),
           max_length=100),
    ), "Parties (sites, suppliers, distributors, hospitals)", "单位（生产场地、供应商、经营企业、使用单位）"),
    "lots": Contract("lots", (
        _c("di", True, "di", _DI_EN, _DI_ZH, "06975432000017", aliases=("产品标识", "udi_di", "gtin")),
        _c("lot", True, "text", _LOT_EN, _LOT_ZH, "2601001", aliases=("批号", "lot_no", "batch"), max_length=20),
        _c("production_date", True, "date", "Production date: YYYY-MM-DD or an Excel date.",
           "生产日期：YYYY-MM-DD 或 Excel 日期。", "2026-01-10", aliases=("生产日期", "mfg_date")),
        _c("expiry_date", True, "date",
           "Expiry date, the last day the device may be used: YYYY-MM-DD or an Excel date; not before the "
           "production date.", "失效日期（最后可使用日）：YYYY-MM-DD 或 Excel 日期，不得早于生产日期。",
           "2028-01-09", aliases=("失效日期", "有效期至", "效期", "exp_date", "expiry")),
        _c("quantity", True, "integer", "Units produced (> 0).", "生产数量（大于 0）。", "1000",
           aliases=("数量", "生产数量", "qty")),
        _c("status", False, "choice",
           "quarantine (the default: a new lot starts in quarantine). Any other status only when the database "
           "administrator migrates historical records with the owner account; the database refuses it from "
           "everyone else, because release, rejection and holds need electronic signatures in MedTrace.",
           "状态：quarantine（待检，默认；新批次一律从待检开始）。其他状态仅限数据库管理员迁移历史记录时使用，"
           "其他用户导入时数据库会拒绝（放行、不合格、暂停放行须在系统内电子签名）。", "quarantine",
           aliases=("状态", "批次状态"), allowed=values(LotStatus), default="quarantine"),
    ), "Lots (UDI-PI)", "批次（UDI-PI）"),
    "genealogy": Contract("genealogy", (
        _c("finished_di", True, "di", "DI of the finished product. " + _DI_EN, "成品的产品标识。" + _DI_ZH,
           "06975432000017", aliases=("成品产品标识", "成品标识")),
        _c("finished_lot", True, "text", "Lot number of the finished lot.", "成品批号。", "2601001",
           aliases=("成品批号",), max_length=20),
        _c("component_di", True, "di", "DI of the component (or material).", "组件（原材料）的产品标识。",
           "06975432000024", aliases=("组件产品标识", "原材料产品标识", "组件标识")),
        _c("component_lot", True, "text", "Lot number of the component lot.", "组件（原材料）批号。", "C2512007",
           aliases=("组件批号", "原材料批号"), max_length=20),
        _c("quantity", True, "integer", "Units of the component consumed (> 0).", "消耗数量（大于 0）。", "1000",
           aliases=("数量", "消耗数量", "qty")),
        _c("site", False, "text",
           "Code of the site that consumed the component. Default: the site where the finished lot was "
           "produced (the to_party of its produce movement).",
           "消耗组件的生产场地编码；不填时取成品批次生产入库（produce）的场地。", "MFG-SZ",
           aliases=("生产场地", "场地", "site_code"), max_length=40),
    ), "Genealogy (component lot → finished lot)", "批次谱系（组件批次 → 成品批次）"),
    "movements": Contract("movements", (
        _c("date", True, "date", "Date of the movement: YYYY-MM-DD or an Excel date; not in the future and not "
           "before the lot's production date.", "日期：YYYY-MM-DD 或 Excel 日期，不得晚于今天、不得早于生产日期。",
           "2026-02-01", aliases=("日期", "业务日期", "moved_on")),
        _c("type", True, "choice",
           "produce, receive, ship, return, install, scrap or adjust (生产/收货/发货/退货/安装/报废/调整 "
           "accepted). Parties: produce → to_party only; receive, ship, return → both; install, scrap → "
           "from_party only; adjust → exactly one.",
           "类型：produce 生产、receive 收货、ship 发货、return 退货、install 安装/植入、scrap 报废、"
           "adjust 调整。单位：produce 只填 to_party；receive/ship/return 两者都填；install/scrap 只填 "
           "from_party；adjust 只填其中一个。", "ship",
           aliases=("类型", "业务类型", "kind", "movement_type"), allowed=values(MovementKind)),
        _c("di", True, "di", _DI_EN, _DI_ZH, "06975432000017", aliases=("产品标识", "udi_di", "gtin")),
        _c("lot", True, "text", _LOT_EN, _LOT_ZH, "2601001", aliases=("批号", "lot_no", "batch"), max_length=20),
        _c("serial", False, "text", "Serial number of one unit (GS1 AI 21); the quantity is then 1.",
           "序列号（GS1 AI 21）；填写时数量须为 1。", "", aliases=("序列号", "serial_no", "sn"), max_length=20),
        _c("quantity", True, "integer", "Units moved (> 0).", "数量（大于 0）。", "100",
           aliases=("数量", "qty")),
        _c("from_party", False, "text", "Code of the party the units leave.", "发出单位编码。", "MFG-SZ",
           aliases=("发出单位", "发货单位", "from"), max_length=40),
        _c("to_party", False, "text", "Code of the party the units reach.", "接收单位编码。", "DST-001",
           aliases=("接收单位", "收货单位", "to"), max_length=40),
        _c("document_no", False, "text", "Delivery note, order or other document number.",
           "单据号（出库单、订单等）。", "SO-2026-0001", aliases=("单据号", "单号", "document"), max_length=60),
        _c("raw_udi", False, "text", "The UDI exactly as scanned, if any.", "扫描得到的原始 UDI 码（如有）。", "",
           aliases=("原始UDI", "udi", "scan"), max_length=400),
    ), "Stock movements", "库存流转记录"),
}
