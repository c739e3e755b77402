"""The catalogue of regulatory reports and their typed parameters (shared by the Reports page and the CLI).

Each report names the parameters it takes with their kind (lot number, date, user, number of days,
choice), so the Reports page can draw the right input for each and `medtrace report NAME --param ...`
can check the same rules; `parse_parameters` turns text or typed values into checked Python values
and refuses what makes no sense with a sentence the user understands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from app.errors import InvalidInput

LOT = "lot"
DI = "di"
SERIAL = "serial"
USER = "user"
DATE = "date"
DAYS = "days"
CHOICE = "choice"
RECALL = "recall"  # the number of a recall or drill case
PARTY = "party"  # a party code, e.g. a consignee of a recall

PDF = "pdf"
XLSX = "xlsx"
FORMATS = (PDF, XLSX)
LANGUAGES = ("zh_CN", "en")


@dataclass(frozen=True)
class Parameter:
    """One input of a report: its name on the command line, its kind, and how it is labelled."""

    name: str
    kind: str
    label_en: str
    label_zh: str
    required: bool = False
    default: object = None
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, English, Chinese)
    minimum: int | None = None
    maximum: int | None = None

    def label(self, language: str) -> str:
        return self.label_zh if language == "zh_CN" else self.label_en

    def choice_label(self, value: str, language: str) -> str:
        for choice, english, chinese in self.choices:
            if choice == value:
                return chinese if language == "zh_CN" else english
        return value


@dataclass(frozen=True)
class ReportDefinition:
    """A report of the catalogue."""

    key: str
    prefix: str  # of the report number, e.g. RR-20261121-140322-7F3A
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    parameters: tuple[Parameter, ...]
    formats: tuple[str, ...]
    needs_one_of: tuple[str, ...] = ()  # at least one of these parameters must be given
    landscape: bool = False

    def title(self, language: str) -> str:
        return self.title_zh if language == "zh_CN" else self.title_en

    def description(self, language: str) -> str:
        return self.description_zh if language == "zh_CN" else self.description_en

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(name)


_LOT = Parameter("lot", LOT, "Lot number", "批号", required=True)
_DI = Parameter("di", DI, "Product DI (when the lot number is not unique)", "产品标识 DI（批号不唯一时）")
_AGENCY = Parameter("agency", CHOICE, "Issuing agency", "发码机构", default="all", choices=(
    ("all", "All agencies", "全部发码机构"), ("GS1", "GS1", "GS1"), ("HIBCC", "HIBCC", "HIBCC"),
    ("MA", "MA (China IDcode)", "MA 码（中国物品编码中心）")))

_RECALL = Parameter("recall", RECALL, "Recall number", "召回编号", required=True)

CATALOGUE: dict[str, ReportDefinition] = {
    definition.key: definition
    for definition in (
        ReportDefinition(
            "release-record", "RR", "Lot release record", "批放行记录",
            "Lot and product data with the UDI, QC results against specification, deviations, the release "
            "checklist and every electronic signature with its manifestation and whether it still holds "
            "(EU GMP Annex 11 §8.2, 21 CFR 11.50).",
            "批次与产品信息（含唯一标识）、检验结果与标准对照、偏差、放行检查表，以及每个电子签名的显示内容"
            "和签名是否仍然有效（欧盟 GMP 附录 11 第 8.2 条，21 CFR 11.50）。",
            (_LOT, _DI), (PDF,)),
        ReportDefinition(
            "trace", "TR", "Lot traceability report", "批次追溯报告",
            "Forward (every lot made with it, every consignee per tier with quantities) and backward "
            "(component lots and their suppliers) trace of a lot, with the timeline of its movements.",
            "批次的正向追溯（使用该批次的全部批次、各级收货单位及数量）与反向追溯（组件批次及供应商），"
            "以及流向时间线。",
            (_LOT, _DI, Parameter("serial", SERIAL, "Serial (one unit of the lot)", "序列号（单个产品）")),
            (PDF, XLSX), landscape=True),
        ReportDefinition(
            "audit-extract", "AT", "Audit-trail extract", "审计追踪摘录",
            "Who changed what and when, old and new values and the reason, for a lot, a user or a period; "
            "changes after original entry are flagged and the verification of the hash chain is stated.",
            "按批次、用户或时间段摘录审计追踪：谁、何时、改了什么、原值与新值、变更原因；标出原始录入后的"
            "修改，并注明哈希链校验结果。",
            (Parameter("lot", LOT, "Lot number", "批号"), _DI,
             Parameter("user", USER, "User (login)", "用户（登录名）"),
             Parameter("since", DATE, "From (date)", "起始日期"),
             Parameter("until", DATE, "Until (date, inclusive)", "截止日期（含）")),
            (PDF, XLSX), needs_one_of=("lot", "user", "since", "until"), landscape=True),
        ReportDefinition(
            "expiry", "EX", "Expiry report", "效期报告",
            "Lots that expire within the next N days, by product and location, with the quantities on hand.",
            "未来 N 天内失效的批次，按产品和库存地点列出现有库存数量。",
            (Parameter("days", DAYS, "Expiring within (days)", "失效期限（天内）", required=True, default=90,
                       minimum=1, maximum=3650),),
            (PDF, XLSX), landscape=True),
        ReportDefinition(
            "udi-nmpa", "UD", "UDI data export (NMPA UDID)", "唯一标识数据导出（医疗器械唯一标识数据库）",
            "Product DI data in the field layout of the NMPA UDI database submission "
            "(医疗器械唯一标识数据库); columns documented in docs/udi-export-columns.md.",
            "按国家药监局医疗器械唯一标识数据库填报字段导出产品标识数据；列说明见 docs/udi-export-columns.md。",
            (_AGENCY,), (XLSX,)),
        ReportDefinition(
            "udi-gudid", "UG", "UDI data export (GUDID style)", "唯一标识数据导出（GUDID 格式）",
            "Product DI data in a GUDID-style layout (FDA Global UDI Database data elements).",
            "按美国 FDA GUDID 数据元素格式导出产品标识数据。",
            (_AGENCY,), (XLSX,)),
        ReportDefinition(
            "recall", "RC", "Recall / drill report", "召回报告 / 模拟召回演练报告",
            "A recall or mock-recall drill case: level (一/二/三级, FDA Class I/II/III), deadlines "
            "(医疗器械召回管理办法, 21 CFR 806.10), signatures, the lots in scope with their quantity balance, "
            "consignees with notification, acknowledgement and returns, containment, effectiveness checks, KPIs "
            "and data gaps; for a drill, the KPI trend of the latest drills.",
            "召回或模拟召回演练：召回级别（一/二/三级，FDA Class I/II/III）、时限（医疗器械召回管理办法、21 CFR "
            "806.10）、电子签名、涉及批次及数量平衡、收货单位的通知/确认/退回、控制措施、有效性检查、指标和数据缺口；"
            "演练报告另附最近各次演练的指标趋势。",
            (_RECALL,), (PDF, XLSX)),
        ReportDefinition(
            "recall-letters", "RL", "Recall notification letters", "召回通知函",
            "One letter per consignee (or for one consignee): product, UDI-DI, lots and the quantities shipped to "
            "that consignee, reason, health hazard, the action requested, our contact and a reply form.",
            "每个收货单位一封（或指定一个收货单位）：产品、产品标识 DI、发给该单位的批次及数量、召回原因、健康危害、"
            "要求采取的措施、本企业联系方式及回执。",
            (_RECALL, Parameter("party", PARTY, "Consignee (party code; all when empty)",
                                "收货单位代码（留空为全部）")),
            (PDF,)),
        ReportDefinition(
            "recall-consignees", "RK", "Recall consignee list (mail merge)", "召回收货单位清单（邮件合并）",
            "One row per consignee of a recall or drill: code, name, kind, tier, contact, phone, address, lots, "
            "quantities shipped, on hand, returned and remaining, notified and acknowledged.",
            "召回或演练的每个收货单位一行：代码、名称、类型、层级、联系人、电话、地址、批次、发货/现有/退回/剩余数量、"
            "通知和确认时间。",
            (_RECALL,), (XLSX,)),
    )
}


def definition_of(key: str) -> ReportDefinition:
    try:
        return CATALOGUE[key]
    except KeyError:
        raise InvalidInput.of("report.unknown_report", key=key, reports=", ".join(CATALOGUE)) from None


def _names(definition: ReportDefinition, parameter: Parameter | None = None) -> dict[str, object]:
    """The report's (and the parameter's) names in both languages, for the messages below."""
    names: dict[str, object] = {"title": definition.title_en, "title_zh": definition.title_zh}
    if parameter is not None:
        names.update(label=parameter.label_en, label_lower=parameter.label_en.lower(), label_zh=parameter.label_zh)
    return names


def parse_parameters(definition: ReportDefinition, raw: Mapping[str, object]) -> dict[str, object]:
    """Checked, typed values for every parameter of the report (None where not given)."""
    unknown = set(raw) - {p.name for p in definition.parameters}
    if unknown:
        raise InvalidInput.of("report.unknown_parameter", **_names(definition), name=sorted(unknown)[0])
    values: dict[str, object] = {}
    for parameter in definition.parameters:
        value = raw.get(parameter.name)
        if isinstance(value, str):
            value = value.strip() or None
        if value is None:
            value = parameter.default
        if value is None:
            if parameter.required:
                raise InvalidInput.of("report.parameter_missing", **_names(definition, parameter))
            values[parameter.name] = None
            continue
        values[parameter.name] = _typed(definition, parameter, value)
    if definition.needs_one_of and all(values.get(name) is None for name in definition.needs_one_of):
        names = ", ".join(definition.parameter(n).label_en.lower() for n in definition.needs_one_of)
        names_zh = "、".join(definition.parameter(n).label_zh for n in definition.needs_one_of)
        raise InvalidInput.of("report.needs_one_of", **_names(definition), names=names, names_zh=names_zh)
    since, until = values.get("since"), values.get("until")
    if isinstance(since, dt.date) and isinstance(until, dt.date) and until < since:
        raise InvalidInput.of("report.period_reversed", until=until, since=since)
    return values


def _typed(definition: ReportDefinition, parameter: Parameter, value: object) -> object:
    names = _names(definition, parameter)
    if parameter.kind == DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput.of("report.not_a_date", **names, value=value) from None
    if parameter.kind == DAYS:
        try:
            number = int(str(value))
        except ValueError:
            raise InvalidInput.of("report.not_days", **names, value=value) from None
        low = parameter.minimum if parameter.minimum is not None else number
        high = parameter.maximum if parameter.maximum is not None else number
        if not low <= number <= high:
            raise InvalidInput.of("report.days_out_of_range", **names, low=low, high=high, number=number)
        return number
    if parameter.kind == RECALL:
        try:
            number = int(str(value).strip().lstrip("#"))
        except ValueError:
            raise InvalidInput.of("report.not_a_recall_number", **names, value=value) from None
        if not 1 <= number <= 2_147_483_647:
            raise InvalidInput.of("report.recall_number_out_of_range", **names, number=number)
        return number
    if parameter.kind == CHOICE:
        allowed = [choice for choice, _en, _zh in parameter.choices]
        if str(value) not in allowed:
            raise InvalidInput.of("report.not_a_choice", **names, allowed=", ".join(allowed), value=value)
        return str(value)
    text = str(value)
    if len(text) > 100:
        raise InvalidInput.of("report.text_too_long", **names, length=len(text))
    return text
