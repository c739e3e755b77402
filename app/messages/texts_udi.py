"""Warnings and errors of the UDI scan parser (app.udi), by id.

The English text is the parser's sentence as `medtrace udi parse --json` has always given it in
`errors` and `warnings` (a contract): change it only together with the tests that compare it. A field
written `{field:udi_field}` is a data element's English name (vocabulary.UDI_FIELD_WORDS).
"""

from __future__ import annotations

from app.messages import Text

_CSET82_EN = "digits, letters A-Z a-z and the symbols ! \" % & ' ( ) * + , - . / : ; < = > ? _"
_CSET82_ZH = "数字、字母 A-Z a-z 以及符号 ! \" % & ' ( ) * + , - . / : ; < = > ? _"

UDI_TEXTS: dict[str, Text] = {
    # any scan
    "udi.internal_failure": Text(
        "The scan could not be read because of an internal error in the UDI parser ({exception}); please report "
        "this scan to support.",
        "UDI 解析程序内部出错（{exception}），无法读取此扫描；请将此扫描报告给技术支持。"),
    "udi.scan_too_long": Text(
        "The scan is {length:,} characters long; no bar code holds more than {limit:,}, so this is not one scan.",
        "此扫描长 {length:,} 个字符；任何条码都容纳不了超过 {limit:,} 个字符，因此这不是一次扫描。"),
    "udi.unknown_symbology": Text(
        "The scan starts with “{start}”, which is not a known symbology identifier.",
        "扫描以“{start}”开头，这不是已知的码制标识符。"),
    "udi.scan_empty": Text("The scan is empty.", "扫描内容为空。"),
    "udi.symbology_not_gs1": Text(
        "The symbology identifier {symbology} says this bar code carries no GS1 data (no FNC1 in first position), "
        "so its digits are not GS1 element strings and are not read as a UDI; the label must be printed as a GS1 "
        "symbol (for example ]d2, ]C1, ]Q3 or ]e0).",
        "码制标识符 {symbology} 表明此条码不含 GS1 数据（首位没有 FNC1），因此其中的数字不是 GS1 元素串，"
        "不作为 UDI（唯一标识）读取；标签必须印成 GS1 码制（例如 ]d2、]C1、]Q3 或 ]e0）。"),
    "udi.not_a_udi": Text(
        "This scan is not a UDI this program can read: not GS1 (element strings, (01)… text or a Digital Link), "
        "not HIBCC (+…) and not a China MA code (MA.…).",
        "此扫描不是本程序能读取的 UDI（唯一标识）：既不是 GS1（元素串、(01)… 文本或数字链接 Digital Link），"
        "也不是 HIBCC（+…），也不是中国 MA 码（MA.…）。"),
    "udi.expired": Text(
        "Expired on {expiry} (judged on {as_of}).", "已于 {expiry} 失效（判断日期为 {as_of}）。"),
    "udi.production_after_as_of": Text(
        "The production date {production} is after {as_of}, the date the scan is judged on.",
        "生产日期 {production} 晚于本次扫描的判断日期 {as_of}。"),
    "udi.production_after_expiry": Text(
        "The production date is after the expiry date.", "生产日期晚于失效日期。"),
    # GS1
    "udi.check_digit_wrong": Text(
        "The GTIN {gtin} has a wrong check digit: it ends in {last} but should end in {expected}.",
        "GTIN {gtin} 的校验位错误：末位是 {last}，应为 {expected}。"),
    "udi.gtin_all_zeros": Text(
        "{gtin} is not a GTIN: a GTIN is never all zeros.", "{gtin} 不是 GTIN：GTIN 不可能全为零。"),
    "udi.gs1_hri_no_leading_ai": Text(
        "This looks like a GS1 human-readable text, but it does not start with an AI in parentheses such as (01).",
        "这看起来是 GS1 人工识读文本，但它没有以括号中的应用标识符（AI）开头，例如 (01)。"),
    "udi.gs1_value_too_long": Text(
        "The GS1 {field:udi_field} (AI {ai}) “{value}” is longer than the {limit} characters GS1 allows.",
        "GS1 {field:udi_field}（应用标识符 AI {ai}）“{value}”超过了 GS1 允许的 {limit} 个字符。"),
    "udi.gs1_value_bad_form": Text(
        "The value “{value}” after AI ({ai}) does not have the form GS1 requires for the {field:udi_field} "
        "({format}).",
        "应用标识符 AI ({ai}) 之后的值“{value}”不符合 GS1 对{field:udi_field}要求的格式（{format}）。"),
    "udi.digital_link_unreadable": Text(
        "This web address is not a GS1 Digital Link that can be read: {detail}",
        "此网址不是可读取的 GS1 数字链接（Digital Link）：{detail}"),
    "udi.gs1_character_not_digit": Text(
        "{character} at position {position} is not allowed in a GS1 {field:udi_field} (AI {ai}, format {format}): "
        "GS1 allows only digits there.",
        "第 {position} 位的 {character} 不能出现在 GS1 {field:udi_field}（应用标识符 AI {ai}，格式 {format}）中："
        "GS1 在此只允许数字。"),
    "udi.gs1_character_not_allowed": Text(
        "{character} at position {position} is not allowed in a GS1 {field:udi_field} (AI {ai}, format {format}): "
        "GS1 allows only " + _CSET82_EN + " there.",
        "第 {position} 位的 {character} 不能出现在 GS1 {field:udi_field}（应用标识符 AI {ai}，格式 {format}）中："
        "GS1 在此只允许" + _CSET82_ZH + "。"),
    "udi.gs1_field_overflow": Text(
        "The GS1 {field:udi_field} (AI {ai}) is longer than the {limit} characters GS1 allows: the text after its "
        "first {limit} characters (“{text}”) is not a GS1 element string.",
        "GS1 {field:udi_field}（应用标识符 AI {ai}）超过了 GS1 允许的 {limit} 个字符：前 {limit} 个字符之后的文本"
        "（“{text}”）不是 GS1 元素串。"),
    "udi.gs1_no_ai_at_position": Text(
        "No GS1 Application Identifier starts at position {position} (“{text}”).",
        "第 {position} 位（“{text}”）起没有任何 GS1 应用标识符（AI）。"),
    "udi.gs1_ai_twice_different": Text(
        "AI ({ai}) appears twice with different values (“{first}” and “{second}”).",
        "应用标识符 AI ({ai}) 出现了两次，且值不同（“{first}”和“{second}”）。"),
    "udi.gs1_ai_twice_same": Text(
        "AI ({ai}) appears twice with the same value.", "应用标识符 AI ({ai}) 以相同的值出现了两次。"),
    "udi.gs1_no_gtin": Text(
        "This GS1 bar code has no GTIN (AI 01), so it does not identify a device.",
        "此 GS1 条码没有 GTIN（AI 01），因此没有产品标识（DI），无法标识器械。"),
    "udi.gs1_di_only": Text(
        "The scan carries only the device identifier (GTIN), no lot, serial number or date.",
        "此扫描只包含产品标识（DI，即 GTIN），没有批号、序列号或日期等生产标识（PI）。"),
    "udi.gs1_date_not_real": Text(
        "The {field:udi_field} (AI {ai}) “{value}” is not a real date (YYMMDD).",
        "{field:udi_field}（应用标识符 AI {ai}）“{value}”不是有效日期（YYMMDD）。"),
    "udi.gs1_expiry_time_not_real": Text(
        "The expiry date and time (AI 7003) “{value}” is not a real date and time (YYMMDDhhmm).",
        "失效日期和时间（AI 7003）“{value}”不是有效的日期和时间（YYMMDDhhmm）。"),
    "udi.gs1_two_expiry_dates": Text(
        "The scan gives two different expiry dates ({first} and {second} from {source}); the earlier one is used.",
        "扫描给出了两个不同的失效日期（{first}，以及来自 {source} 的 {second}）；采用较早的一个。"),
    "udi.gs1_separator_swallowed": Text(
        "The {field:udi_field} “{value}” may have absorbed a missing separator: it ends with what looks like "
        "AI ({hidden_ai}) {hidden_field:udi_field} {hidden_value}. If the label shows that separately, the bar code "
        "lacks the separator (FNC1/GS) after the {field:udi_field}, and the {field:udi_field} should read "
        "“{corrected}”.",
        "{field:udi_field}“{value}”可能吞并了缺失的分隔符：其结尾看起来像应用标识符 AI ({hidden_ai}) "
        "{hidden_field:udi_field} {hidden_value}。如果标签上单独印有该项，则条码在{field:udi_field}之后缺少分隔符"
        "（FNC1/GS），{field:udi_field}应为“{corrected}”。"),
    # HIBCC
    "udi.hibcc_bad_character": Text(
        "{character} at position {position} is not in the HIBC character set: digits, capital letters and "
        "- . space $ / + %.",
        "第 {position} 位的 {character} 不在 HIBC 字符集中：数字、大写字母以及 - . 空格 $ / + %。"),
    "udi.hibcc_lowercase_character": Text(
        "{character} at position {position} is not in the HIBC character set: digits, capital letters and "
        "- . space $ / + % (HIBC uses capital letters only).",
        "第 {position} 位的 {character} 不在 HIBC 字符集中：数字、大写字母以及 - . 空格 $ / + %（HIBC 只使用大写字母）。"),
    "udi.hibcc_too_short": Text(
        "This HIBC scan is too short to hold any data and a check character.",
        "此 HIBC 扫描太短，容纳不下数据和校验字符。"),
    "udi.hibcc_space_check_trimmed": Text(
        "The HIBC check character is a space, which was missing from the scan (probably trimmed); with it the "
        "data are consistent.",
        "HIBC 校验字符是空格，扫描中缺少了它（可能被截掉了）；补上后数据一致。"),
    "udi.hibcc_check_character_wrong": Text(
        "The HIBC check character is “{check}”, but the data require “{expected}”: the scan is damaged or was "
        "mistyped.",
        "HIBC 校验字符是“{check}”，但数据要求为“{expected}”：扫描已损坏或输入有误。"),
    "udi.hibcc_secondary_only": Text(
        "This is a secondary HIBC bar code (lot and dates only): it does not identify the device. Scan the primary "
        "bar code too; its check character must be “{link}”.",
        "这是 HIBC 次条码（只有批号和日期）：它不能标识器械。请同时扫描主条码；主条码的校验字符必须是“{link}”。"),
    "udi.hibcc_primary_too_short": Text(
        "The HIBC primary data are too short: they need a 4-character labeler code (LIC), a product number and a "
        "one-digit unit of measure.",
        "HIBC 主数据太短：需要 4 个字符的标签商代码（LIC）、产品编号和一位数字的计量单位。"),
    "udi.hibcc_bad_lic": Text(
        "The HIBC labeler code (LIC) “{lic}” must be 4 letters or digits, the first a letter.",
        "HIBC 标签商代码（LIC）“{lic}”必须是 4 个字母或数字，且第一个为字母。"),
    "udi.hibcc_bad_product": Text(
        "The HIBC product number “{product}” must be 1 to 18 letters or digits.",
        "HIBC 产品编号“{product}”必须是 1 到 18 个字母或数字。"),
    "udi.hibcc_bad_unit": Text(
        "The HIBC unit of measure “{unit}” must be one digit (0-9).", "HIBC 计量单位“{unit}”必须是一位数字（0-9）。"),
    "udi.hibcc_secondary_empty": Text("The HIBC secondary data are empty.", "HIBC 次数据为空。"),
    "udi.hibcc_secondary_unknown": Text(
        "The HIBC secondary data “{data}” start with neither a date nor $: the format is unknown.",
        "HIBC 次数据“{data}”既不以日期开头，也不以 $ 开头：格式未知。"),
    "udi.hibcc_bad_quantity": Text(
        "The HIBC quantity after flag {flag} must be {width} digits.", "HIBC 标志 {flag} 之后的数量必须是 {width} 位数字。"),
    "udi.hibcc_unknown_date_flag": Text(
        "The HIBC date format flag “{flag}” after $$ is unknown (expected 0-7, or 8/9 for a quantity).",
        "$$ 之后的 HIBC 日期格式标志“{flag}”未知（应为 0-7，或表示数量的 8/9）。"),
    "udi.hibcc_expiry_14d_not_real": Text(
        "The HIBC expiry date (14D) “{value}” is not a real date (YYYYMMDD).",
        "HIBC 失效日期（14D）“{value}”不是有效日期（YYYYMMDD）。"),
    "udi.hibcc_two_expiry_dates": Text(
        "The HIBC bar code gives two expiry dates ({first} and {second}); the earlier one is used.",
        "HIBC 条码给出了两个失效日期（{first} 和 {second}）；采用较早的一个。"),
    "udi.hibcc_production_16d_not_real": Text(
        "The HIBC manufacture date (16D) “{value}” is not a real date (YYYYMMDD).",
        "HIBC 生产日期（16D）“{value}”不是有效日期（YYYYMMDD）。"),
    "udi.hibcc_unknown_supplement": Text(
        "The HIBC supplemental field “/{supplement}” is not one this program knows (14D, 16D, S); it was kept as "
        "it is.",
        "HIBC 补充字段“/{supplement}”不是本程序认识的字段（14D、16D、S）；已原样保留。"),
    "udi.hibcc_expiry_not_real": Text(
        "The HIBC expiry date “{value}” (format {format}) is not a real date.",
        "HIBC 失效日期“{value}”（格式 {format}）不是有效日期。"),
    "udi.hibcc_no_lot_or_serial": Text(
        "The HIBC secondary data hold no {noun:udi_field}.", "HIBC 次数据中没有{noun:udi_field}。"),
    "udi.hibcc_two_serials": Text(
        "The HIBC bar code holds two different serial numbers (“{first}” and “{second}”).",
        "HIBC 条码包含两个不同的序列号（“{first}”和“{second}”）。"),
    "udi.hibcc_not_alphanumeric": Text(
        "The HIBC {noun:udi_field} “{value}” contains characters other than letters and digits.",
        "HIBC {noun:udi_field}“{value}”含有字母和数字以外的字符。"),
    "udi.hibcc_too_long": Text(
        "The HIBC {noun:udi_field} “{value}” is longer than the {limit} characters the standard allows here; it was "
        "read in full because the check character protects it.",
        "HIBC {noun:udi_field}“{value}”超过了标准在此允许的 {limit} 个字符；由于有校验字符保护，已完整读取。"),
    # China MA
    "udi.ma_incomplete": Text(
        "This MA code is incomplete: its product identifier needs MA.country.industry.registrant.product "
        "(for example MA.156.M0.100350.01004YA10017).",
        "此 MA 码不完整：其产品标识（DI）需要 MA.国家代码.行业代码.注册人代码.产品代码"
        "（例如 MA.156.M0.100350.01004YA10017）。"),
    "udi.ma_bad_issuer": Text(
        "An MA code starts with the capital letters “MA.”.", "MA 码以大写字母“MA.”开头。"),
    "udi.ma_bad_country": Text(
        "The MA country code “{country}” must be 3 digits (156 for China).",
        "MA 国家代码“{country}”必须是 3 位数字（中国为 156）。"),
    "udi.ma_bad_industry": Text(
        "The MA industry code “{industry}” must be 2 letters or digits (M0: medical devices).",
        "MA 行业代码“{industry}”必须是 2 个字母或数字（M0：医疗器械）。"),
    "udi.ma_bad_registrant": Text(
        "The MA registrant code “{registrant}” must be letters or digits.",
        "MA 注册人代码“{registrant}”必须由字母或数字组成。"),
    "udi.ma_unusual_registrant": Text(
        "The MA registrant code “{registrant}” is not the usual 6 digits.",
        "MA 注册人代码“{registrant}”不是通常的 6 位数字。"),
    "udi.ma_bad_product": Text(
        "The MA product code “{product}” must be letters or digits.", "MA 产品代码“{product}”必须由字母或数字组成。"),
    "udi.ma_empty_unit": Text(
        "The MA code has an empty data unit (two dots in a row, or a dot at the end).",
        "MA 码中有空的数据单元（连续两个点，或末尾是点）。"),
    "udi.ma_unknown_unit": Text(
        "The MA data unit “.{unit}” is not one this program knows (L, S, M, D, V, E, C); it was kept as it is.",
        "MA 数据单元“.{unit}”不是本程序认识的单元（L、S、M、D、V、E、C）；已原样保留。"),
    "udi.ma_unit_twice": Text(
        "The MA {unit:udi_field} appears twice with different values (“{first}” and “{second}”).",
        "MA {unit:udi_field}出现了两次，且值不同（“{first}”和“{second}”）。"),
    "udi.ma_unit_empty": Text(
        "The MA {unit:udi_field} (.{key}) is empty.", "MA {unit:udi_field}（.{key}）为空。"),
    "udi.ma_date_not_real": Text(
        "The MA {unit:udi_field} “{value}” is not a real date (YYMMDD or YYYYMMDD).",
        "MA {unit:udi_field}“{value}”不是有效日期（YYMMDD 或 YYYYMMDD）。"),
    "udi.ma_not_alphanumeric": Text(
        "The MA {unit:udi_field} “{value}” contains characters other than letters and digits.",
        "MA {unit:udi_field}“{value}”含有字母和数字以外的字符。"),
    "udi.ma_dates_disagree": Text(
        "The MA valid-until date (.V {valid_until}) and expiry date (.E {invalid_from}) do not agree (.E should be "
        "the day after .V); the earlier last day of use is taken.",
        "MA 有效期（.V {valid_until}）与失效期（.E {invalid_from}）不一致（.E 应为 .V 的后一天）；采用较早的最后使用日。"),
    "udi.ma_only_expiry": Text(
        "The MA code gives only a 失效期 (.E {invalid_from}), the first day the device may no longer be used; the "
        "expiry date (last day of use) is taken as {last_day}.",
        "MA 码只给出了失效期（.E {invalid_from}），即器械不得再使用的第一天；失效日期（最后使用日）按 {last_day} 计。"),
}
