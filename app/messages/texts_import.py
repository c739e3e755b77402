"""Errors of the data import (a bad row, a bad file), by id.

The English text is the sentence `medtrace import --json` has always given in `errors[].message` (a
contract, and what the tests compare); `message_id` and `params` are added beside it. Column names
(di, lot, from_party…) are the import format's own words and stay as they are in both languages.
"""

from __future__ import annotations

from app.messages import Text

_SAVE_AS_CSV = ("Save it from Excel as “CSV UTF-8 (comma delimited)”.", "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”。")

IMPORT_TEXTS: dict[str, Text] = {
    # the report `medtrace import` prints (ImportResult.describe)
    "import.summary_imported": Text(
        "Imported {count:,} {kind} from {file} in {seconds:.1f} s.",
        "已从 {file} 导入 {count:,} 条 {kind} 记录，用时 {seconds:.1f} 秒。"),
    "import.summary_refused": Text(
        "Nothing was imported: {errors:,} error(s) in {rows_with_errors:,} row(s) of {file} ({rows:,} data rows read).",
        "未导入任何内容：{file} 的 {rows_with_errors:,} 行中有 {errors:,} 个错误（共读取 {rows:,} 行数据）。"),
    "import.line_row_column": Text("Row {row}, {column}: {message}", "第 {row} 行，{column}：{message}"),
    "import.line_row": Text("Row {row}: {message}", "第 {row} 行：{message}"),
    "import.line_file_column": Text("File, {column}: {message}", "文件，{column}：{message}"),
    "import.line_file": Text("File: {message}", "文件：{message}"),
    "import.more_errors": Text("… and {more:,} more", "……另有 {more:,} 个错误"),
    "import.more_errors_hint": Text(
        "… and {more:,} more (use --errors-out FILE.xlsx to get them all).",
        "……另有 {more:,} 个错误（使用 --errors-out FILE.xlsx 可获得全部错误）。"),
    "import.errors_file_written": Text(
        "Every rejected row, with its errors, is in {file}.", "所有被拒绝的行及其错误都在 {file} 中。"),
    # notes with the result
    "import.note_gb18030": Text(
        "The CSV file is not UTF-8; it was read as GB18030 (the default of Chinese Excel).",
        "该 CSV 文件不是 UTF-8 编码；已按 GB18030（中文版 Excel 的默认编码）读取。"),
    "import.note_ignored_columns": Text(
        "Columns not in the {kind} format were ignored: {columns}.", "以下列不属于 {kind} 格式，已忽略：{columns}。"),
    "import.note_historical_statuses": Text(
        "{count:,} lot(s) were given a status other than quarantine, as historical records migrated by the database "
        "administrator; the audit trail records it.",
        "{count:,} 个批次按数据库管理员迁移的历史记录被赋予了待检以外的状态；审计追踪已记录此事。"),
    # the file
    "import.unknown_kind": Text(
        "Unknown import kind “{kind}”.", "未知的导入类型“{kind}”。",
        hint_en="Use one of {kinds}.", hint_zh="请使用以下类型之一：{kinds}。"),
    "import.not_xlsx_or_csv": Text(
        "{file} is neither an .xlsx nor a .csv file.", "{file} 既不是 .xlsx 文件，也不是 .csv 文件。",
        hint_en="Save the sheet from Excel as “Excel Workbook (.xlsx)” or “CSV UTF-8 (comma delimited)”.",
        hint_zh="请在 Excel 中将表格另存为“Excel 工作簿 (.xlsx)”或“CSV UTF-8（逗号分隔）”。"),
    "import.file_missing": Text("The file {path} does not exist.", "文件 {path} 不存在。"),
    "import.file_empty": Text(
        "{file} is empty: it needs a header row naming the columns, then data rows.",
        "{file} 是空的：需要一行列名（表头），然后是数据行。"),
    "import.bad_workbook": Text(
        "{file} cannot be read as an Excel workbook ({error}).", "无法将 {file} 作为 Excel 工作簿读取（{error}）。",
        hint_en="Open it in Excel and save it again as “Excel Workbook (.xlsx)”.",
        hint_zh="请在 Excel 中打开它，并重新另存为“Excel 工作簿 (.xlsx)”。"),
    "import.utf16_file": Text(
        "{file} is a UTF-16 (“Unicode text”) file, not a CSV file.",
        "{file} 是 UTF-16（“Unicode 文本”）文件，不是 CSV 文件。",
        hint_en=_SAVE_AS_CSV[0], hint_zh=_SAVE_AS_CSV[1]),
    "import.bad_encoding": Text(
        "{file} is neither UTF-8 nor GB18030 text.", "{file} 既不是 UTF-8 文本，也不是 GB18030 文本。",
        hint_en=_SAVE_AS_CSV[0], hint_zh=_SAVE_AS_CSV[1]),
    "import.bad_csv": Text(
        "{file} is not a well-formed CSV file: {error}.", "{file} 不是格式正确的 CSV 文件：{error}。"),
    "import.semicolon_separated": Text(
        "{file} separates its columns with semicolons; MedTrace reads comma-separated CSV.",
        "{file} 用分号分隔各列；MedTrace 读取以逗号分隔的 CSV。",
        hint_en="Save it from Excel as “CSV UTF-8 (comma delimited)”, or import the .xlsx.",
        hint_zh="请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或直接导入 .xlsx 文件。"),
    "import.tab_separated": Text(
        "{file} separates its columns with tabs; MedTrace reads comma-separated CSV.",
        "{file} 用制表符分隔各列；MedTrace 读取以逗号分隔的 CSV。",
        hint_en="Save it from Excel as “CSV UTF-8 (comma delimited)”, or import the .xlsx.",
        hint_zh="请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或直接导入 .xlsx 文件。"),
    "import.template_bad_suffix": Text(
        "A template is written as .xlsx or .csv, not “{suffix}”.", "模板只能保存为 .xlsx 或 .csv，不能是“{suffix}”。",
        hint_en="Name the file like lots-template.xlsx.", hint_zh="请将文件命名为类似 lots-template.xlsx 的名称。"),
    "import.errors_file_not_xlsx": Text(
        "The errors are written as an .xlsx workbook, not “{suffix}”.", "错误清单只能保存为 .xlsx 工作簿，不能是“{suffix}”。"),
    "import.duplicate_column": Text(
        "Two columns mean {column}: “{first}” and “{second}”. Keep one of them.",
        "有两列都表示 {column}：“{first}”和“{second}”。请只保留其中一列。"),
    "import.missing_column": Text(
        "The required column {column} is missing from the header row (row {row}). See the template: medtrace "
        "import template {kind} --out {kind}.xlsx",
        "表头行（第 {row} 行）中缺少必填列 {column}。请参阅模板：medtrace import template {kind} --out {kind}.xlsx"),
    "import.template_example_row": Text(
        "This is the example row of the template: replace it with your own data or delete it.",
        "这是模板中的示例行：请替换为您自己的数据或删除该行。"),
    "import.no_data_rows": Text(
        "{file} has a header row but no data rows.", "{file} 有表头行，但没有数据行。"),
    "import.out_of_lock_space": Text(
        "The file moves stock of too many different lots for one transaction: the database ran out of lock space "
        "({detail}). Nothing was imported. Split the file into parts of at most 40 000 different lots each, or ask "
        "the database administrator to raise max_locks_per_transaction.",
        "该文件在一个事务中移动了太多不同批次的库存：数据库的锁空间已用尽（{detail_zh}）。未导入任何内容。"
        "请将文件拆分为每份最多 40 000 个不同批次，或请数据库管理员调高 max_locks_per_transaction。"),
    "import.database_refused": Text(
        "The database refused the import: {detail} Nothing was imported.",
        "数据库拒绝了此次导入：{detail_zh} 未导入任何内容。"),
    "import.stock_changed": Text(
        "{detail} The stock changed while the file was being checked (someone else moved units of this lot); "
        "nothing was imported.",
        "{detail_zh} 在检查文件期间库存发生了变化（其他人移动了该批次的库存）；未导入任何内容。"),
    "import.connection_lost": Text(
        "The connection to the database was lost during the import; nothing was imported.",
        "导入过程中与数据库的连接已断开；未导入任何内容。",
        hint_en="Check the network or the server, then import the file again.",
        hint_zh="请检查网络或服务器，然后重新导入该文件。"),
    # one cell
    "import.required_cell_empty": Text(
        "{column} is required but the cell is empty.", "{column} 为必填项，但该单元格为空。"),
    "import.bool_not_text": Text(
        "{value} is a true/false value, not text.", "{value} 是真/假值，不是文本。"),
    "import.date_not_text": Text(
        "{value} is a date; this column needs text (format the column as Text).",
        "{value} 是日期；此列需要文本（请将该列设置为“文本”格式）。"),
    "import.text_too_long": Text(
        "“{start}…” is {length} characters long; at most {limit} are allowed.",
        "“{start}…”长 {length} 个字符；最多允许 {limit} 个字符。"),
    "import.gtin_bad_length": Text(
        "“{text}” is not a GTIN: a GTIN has 8, 12, 13 or 14 digits.", "“{text}”不是 GTIN：GTIN 由 8、12、13 或 14 位数字组成。"),
    "import.gtin_check_digit_wrong": Text(
        "The GTIN {gtin} has a wrong check digit: it ends in {last} but should end in {expected}.",
        "GTIN {gtin} 的校验位错误：末位是 {last}，应为 {expected}。"),
    "import.di_not_whole": Text(
        "{value} is not a product identifier (DI).", "{value} 不是产品标识（DI）。"),
    "import.di_empty": Text("The product identifier (DI) is empty.", "产品标识（DI）为空。"),
    "import.bad_hibc_di": Text(
        "“{di}” is not a HIBC product identifier: + then the 4-character labeler code (first a letter), the product "
        "number (1-18 letters or digits) and a one-digit unit of measure, e.g. +H629IOL20001.",
        "“{di}”不是 HIBC 产品标识（DI）：应为 + 加 4 个字符的标签商代码（第一个为字母）、产品编号（1-18 个字母或数字）"
        "和一位数字的计量单位，例如 +H629IOL20001。"),
    "import.bad_ma_di": Text(
        "“{di}” is not an MA product identifier such as MA.156.M0.100350.01004YA10017.",
        "“{di}”不是 MA 产品标识（DI），正确示例：MA.156.M0.100350.01004YA10017。"),
    "import.date_is_number": Text(
        "{value} is a number, not a date: format the cell as a date or write it as YYYY-MM-DD.",
        "{value} 是数字，不是日期：请将单元格设置为日期格式，或写成 YYYY-MM-DD。"),
    "import.bad_date": Text(
        "{value} is not a date: write it as YYYY-MM-DD, for example 2026-01-31.",
        "{value} 不是日期：请写成 YYYY-MM-DD，例如 2026-01-31。"),
    "import.not_a_calendar_day": Text(
        "{value} is not a day of the calendar.", "{value} 不是日历上存在的日期。"),
    "import.bool_not_number": Text(
        "{value} is a true/false value, not a number.", "{value} 是真/假值，不是数字。"),
    "import.not_whole_number": Text("{value} is not a whole number.", "{value} 不是整数。"),
    "import.number_too_small": Text(
        "{number} is too small: it must be at least {minimum}.", "{number} 太小：至少应为 {minimum}。"),
    "import.number_too_large": Text(
        "{number} is too large: it must be at most {maximum:,}.", "{number} 太大：最多为 {maximum:,}。"),
    "import.not_yes_no": Text(
        "{value} is not yes or no: write true/false, yes/no, 是/否 or 1/0.",
        "{value} 不是“是”或“否”：请填写 true/false、yes/no、是/否 或 1/0。"),
    "import.choice_not_allowed": Text(
        "“{word}” is not allowed here: use one of {allowed}.", "此处不允许填写“{word}”：请使用以下之一：{allowed}。"),
    "import.no_alert_days": Text(
        "No alert days given: write them like 180;90;30;7.", "未填写预警天数：请写成类似 180;90;30;7 的形式。"),
    "import.bad_alert_days": Text(
        "{value} is not a list of days: write positive whole numbers like 180;90;30;7.",
        "{value} 不是天数列表：请填写正整数，例如 180;90;30;7。"),
    "import.too_many_alerts": Text(
        "{count} alert thresholds given; at most 8 are allowed.", "填写了 {count} 个预警阈值；最多允许 8 个。"),
    "import.repeated_alert": Text("{value} repeats a threshold.", "{value} 中有重复的阈值。"),
    # one row
    "import.first_alert_too_long": Text(
        "The first alert ({first} days before expiry) is longer than the shelf life ({shelf_life} days).",
        "第一次预警（失效前 {first} 天）长于有效期（{shelf_life} 天）。"),
    "import.duplicate_product": Text(
        "The product {di} is already on row {first_row} of this file.", "产品 {di} 已在本文件第 {first_row} 行出现。"),
    "import.duplicate_party": Text(
        "The party code {code} is already on row {first_row} of this file.", "单位代码 {code} 已在本文件第 {first_row} 行出现。"),
    "import.duplicate_lot": Text(
        "Lot {lot} of {di} is already on row {first_row} of this file.",
        "{di} 的批次 {lot} 已在本文件第 {first_row} 行出现。"),
    "import.duplicate_edge": Text(
        "The lot {component_lot} of {component_di} as a component of lot {finished_lot} of {finished_di} is already "
        "on row {first_row} of this file.",
        "{component_di} 的批次 {component_lot} 作为 {finished_di} 的批次 {finished_lot} 的组件，已在本文件第 "
        "{first_row} 行出现。"),
    "import.product_exists": Text(
        "The product {di} already exists in MedTrace. An import only adds new products; change an existing one in "
        "MedTrace, with a reason for the change.",
        "产品 {di} 已存在于 MedTrace 中。导入只能新增产品；如需修改现有产品，请在 MedTrace 中修改并注明原因。"),
    "import.party_exists": Text(
        "A party with code {code} already exists in MedTrace. An import only adds new parties; change an existing "
        "one in MedTrace.",
        "代码为 {code} 的单位已存在于 MedTrace 中。导入只能新增单位；如需修改现有单位，请在 MedTrace 中修改。"),
    "import.unknown_product": Text(
        "There is no product with DI {di} in MedTrace: import it with the products first.",
        "MedTrace 中没有产品标识（DI）为 {di} 的产品：请先通过产品导入将其导入。"),
    "import.ambiguous_di": Text(
        "The DI {di} belongs to {count} products of different agencies; MedTrace cannot tell which one is meant.",
        "产品标识（DI）{di} 属于 {count} 个不同发码机构的产品；MedTrace 无法判断指的是哪一个。"),
    "import.unknown_lot": Text(
        "There is no lot {lot} of {di} in MedTrace: import it with the lots first.",
        "MedTrace 中没有 {di} 的批次 {lot}：请先通过批次导入将其导入。"),
    "import.expiry_before_production": Text(
        "The expiry date {expiry} is before the production date {production}.",
        "失效日期 {expiry} 早于生产日期 {production}。"),
    "import.lot_status_not_quarantine": Text(
        "A new lot starts in quarantine, not {status}: release, rejection and holds need electronic signatures in "
        "MedTrace (21 CFR 11.50, 11.70). Only the database administrator may import other statuses, to migrate "
        "historical records.",
        "新批次的状态从待检开始，不能是{status:status}：放行、判定不合格和暂停放行都需要在 MedTrace 中进行电子签名"
        "（21 CFR 11.50、11.70）。只有数据库管理员可以为迁移历史记录而导入其他状态。"),
    "import.lot_exists": Text(
        "The lot {lot} of {di} already exists in MedTrace. An import only adds new lots.",
        "{di} 的批次 {lot} 已存在于 MedTrace 中。导入只能新增批次。"),
    "import.self_component": Text(
        "A lot cannot be a component of itself.", "批次不能是其自身的组件。"),
    "import.unknown_site": Text(
        "There is no party with code {code} in MedTrace.", "MedTrace 中没有代码为 {code} 的单位。"),
    "import.finished_lot_no_site": Text(
        "The lot {lot} of {di} has no produce movement that says where it was made: fill in the site that consumed "
        "the component.",
        "{di} 的批次 {lot} 没有说明生产地点的生产记录：请填写消耗该组件的地点（site）。"),
    "import.finished_lot_many_sites": Text(
        "The lot {lot} of {di} was produced at {count} sites ({sites}): fill in the site that consumed the "
        "component.",
        "{di} 的批次 {lot} 在 {count} 个地点（{sites}）生产：请填写消耗该组件的地点（site）。"),
    "import.edge_exists": Text(
        "MedTrace already records lot {component_lot} of {component_di} as a component of lot {finished_lot} of "
        "{finished_di}.",
        "MedTrace 已记录 {component_di} 的批次 {component_lot} 是 {finished_di} 的批次 {finished_lot} 的组件。"),
    "import.component_stock_short": Text(
        "Only {on_hand} unit(s) of lot {lot} of {di} are at {site} at this row; {quantity} cannot be consumed (stock "
        "cannot go below zero).",
        "到此行为止，{di} 的批次 {lot} 在 {site} 只有 {on_hand} 个单位；不能消耗 {quantity} 个（库存不能小于零）。"),
    "import.movement_parties.produce": Text(
        "A produce movement needs to_party (the producing site) and no from_party.",
        "生产（produce）移动需要 to_party（生产地点），不能有 from_party。"),
    "import.movement_parties.receive": Text(
        "A receive movement needs from_party (the sender) and to_party.",
        "收货（receive）移动需要 from_party（发货方）和 to_party。"),
    "import.movement_parties.ship": Text(
        "A ship movement needs from_party and to_party (the consignee).",
        "发货（ship）移动需要 from_party 和 to_party（收货单位）。"),
    "import.movement_parties.return": Text(
        "A return movement needs from_party (who returns) and to_party.",
        "退货（return）移动需要 from_party（退货方）和 to_party。"),
    "import.movement_parties.install": Text(
        "An install movement needs from_party (where it was used) and no to_party.",
        "植入/安装（install）移动需要 from_party（使用地点），不能有 to_party。"),
    "import.movement_parties.scrap": Text(
        "A scrap movement needs from_party (where the stock is) and no to_party.",
        "报废（scrap）移动需要 from_party（库存所在地），不能有 to_party。"),
    "import.movement_parties.adjust": Text(
        "An adjust movement needs exactly one of from_party (stock taken away) or to_party (stock added).",
        "调整（adjust）移动只能填写 from_party（减少库存）或 to_party（增加库存）中的一个。"),
    "import.same_party": Text(
        "from_party and to_party are the same party: a movement must go somewhere.",
        "from_party 和 to_party 是同一个单位：移动必须有去向。"),
    "import.serial_quantity": Text(
        "A movement of one serial number ({serial}) has quantity 1, not {quantity}.",
        "单个序列号（{serial}）的移动数量为 1，不能是 {quantity}。"),
    "import.unknown_party": Text(
        "There is no party with code {code} in MedTrace: import it with the parties first.",
        "MedTrace 中没有代码为 {code} 的单位：请先通过单位导入将其导入。"),
    "import.date_in_future": Text("The date {date} is in the future.", "日期 {date} 是将来的日期。"),
    "import.date_before_production": Text(
        "The date {date} is before the production date {production} of lot {lot} of {di}.",
        "日期 {date} 早于 {di} 的批次 {lot} 的生产日期 {production}。"),
    "import.stock_short": Text(
        "Only {on_hand} unit(s) of lot {lot} of {di} are at {party} at this row; {quantity} cannot leave (stock "
        "cannot go below zero).",
        "到此行为止，{di} 的批次 {lot} 在 {party} 只有 {on_hand} 个单位；不能移出 {quantity} 个（库存不能小于零）。"),
}
