"""Stored values shown in the reader's words (DESIGN §8): lot statuses, party kinds, recall words."""

from __future__ import annotations

STATUS_WORDS: dict[str, tuple[str, str]] = {
    "quarantine": ("quarantine", "待检"),
    "under_review": ("under review", "审核中"),
    "released": ("released", "已放行"),
    "rejected": ("rejected", "不合格"),
    "on_hold": ("on hold", "暂停放行"),
    "recalled": ("recalled", "已召回"),
    "expired": ("expired", "已失效"),
    "open": ("open", "未关闭"),
    "closed": ("closed", "已关闭"),
}

OPERATION_WORDS: dict[str, tuple[str, str]] = {
    "insert": ("insert", "新增"), "INSERT": ("INSERT", "新增"),
    "update": ("update", "修改"), "UPDATE": ("UPDATE", "修改"),
    "delete": ("delete", "删除"), "DELETE": ("DELETE", "删除"),
    "truncate": ("truncate", "清空"), "TRUNCATE": ("TRUNCATE", "清空"),
}

# GMP tables as the database names them in its messages (underscores read as spaces).
TABLE_WORDS: dict[str, tuple[str, str]] = {
    "lot": ("lot", "批次"), "product": ("product", "产品"), "party": ("party", "单位"),
    "movement": ("movement", "库存移动"), "qc result": ("QC result", "检验结果"), "deviation": ("deviation", "偏差"),
    "genealogy edge": ("genealogy edge", "批次谱系"), "serial unit": ("serial unit", "序列号单元"),
    "expiry policy": ("expiry policy", "效期策略"), "expiry alert": ("expiry alert", "效期预警"),
    "company profile": ("company profile", "企业信息"), "work calendar": ("work calendar", "工作日历"),
    "shelf life override": ("shelf-life exception", "效期例外批准"), "label verification": ("label check", "标签核对"),
    "recall case": ("recall", "召回"), "recall consignee": ("recall consignee", "召回收货单位"),
    "recall return": ("recall return", "召回退货"), "recall check": ("effectiveness check", "有效性检查"),
    "person": ("person", "用户"),
}

# The data elements of a UDI as the scan parser names them in English (app.udi): GS1 AI titles, HIBC
# nouns, MA data units (whose English name already carries the Chinese). Other GS1 AI titles stay English.
UDI_FIELD_WORDS: dict[str, tuple[str, str]] = {
    "GTIN": ("GTIN", "GTIN"),
    "lot": ("lot", "批号"),
    "serial number": ("serial number", "序列号"),
    "production date": ("production date", "生产日期"),
    "packaging date": ("packaging date", "包装日期"),
    "best-before date": ("best-before date", "最佳使用日期"),
    "sell-by date": ("sell-by date", "销售截止日期"),
    "expiry date": ("expiry date", "失效日期"),
    "expiry date and time": ("expiry date and time", "失效日期和时间"),
    # GS1 AI titles as biip names them (lower case), where a label for medical devices may carry them
    "sscc": ("sscc", "系列货运包装箱代码 SSCC"),
    "content": ("content", "所含贸易项目的 GTIN"),
    "due date": ("due date", "应付款日期"),
    "variant": ("variant", "产品变体"),
    "cpv": ("cpv", "消费品变体 CPV"),
    "var. count": ("var. count", "可变数量"),
    "count": ("count", "贸易项目数量"),
    "additional id": ("additional id", "附加产品标识"),
    "cust. part no.": ("cust. part no.", "客户零件编号"),
    "pcn": ("pcn", "包装组件编号 PCN"),
    "secondary serial": ("secondary serial", "第二序列号"),
    "ref. to source": ("ref. to source", "源实体参考代码"),
    "order number": ("order number", "订单号"),
    "version": ("version", "软件版本"),
    "internal": ("internal", "企业内部信息"),
    "lot (批号)": ("lot (批号)", "批号"),
    "serial number (序列号)": ("serial number (序列号)", "序列号"),
    "production date (生产日期)": ("production date (生产日期)", "生产日期"),
    "sterilisation lot (灭菌批号)": ("sterilisation lot (灭菌批号)", "灭菌批号"),
    "valid-until date (有效期)": ("valid-until date (有效期)", "有效期"),
    "expiry date (失效期)": ("expiry date (失效期)", "失效期"),
    "check code (校验码)": ("check code (校验码)", "校验码"),
}

VOCABULARIES: dict[str, dict[str, tuple[str, str]]] = {
    "status": STATUS_WORDS,
    "operation": OPERATION_WORDS,
    "table": TABLE_WORDS,
    "udi_field": UDI_FIELD_WORDS,
}
