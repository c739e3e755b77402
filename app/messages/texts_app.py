"""Messages of the services and the command line (ids raised with MedTraceError.of)."""

from __future__ import annotations

from app.messages import Text

APP_TEXTS: dict[str, Text] = {
    # the database, in words of our own where it gives none
    "db.replica_cancelled": Text(
        "The replica cancelled this read while it applied changes from the primary.",
        "只读副本在应用主库变更时取消了此次读取。",
        hint_en="Try again. If it keeps happening with long reports, ask your database administrator to turn on "
                "hot_standby_feedback on the replica.",
        hint_zh="请重试。如果长报表反复出现此问题，请数据库管理员在只读副本上开启 hot_standby_feedback。"),
    "db.concurrent_change": Text(
        "Someone else changed the same records at the same moment.", "其他人在同一时刻修改了相同的记录。",
        hint_en="Reload and try again.", hint_zh="请刷新后重试。"),
    "db.already_exists": Text("This record already exists ({detail}).", "此记录已存在（{detail}）。"),
    "db.refused_data": Text("The database refused the data: {detail}.", "数据库拒绝了该数据：{detail}。"),
    "db.read_only": Text(
        "This view only reads records; the change was not made.", "此视图只读取记录；未做任何更改。",
        hint_en="Changes and signatures are made from the page for them, on the primary database.",
        hint_zh="更改和签名请在相应页面上进行（在主数据库上）。"),
    "db.permission_denied": Text(
        "You do not have permission to do this.", "您没有执行此操作的权限。",
        hint_en="If your work needs it, ask an administrator to give you the role for it.",
        hint_zh="如确需执行此操作，请系统管理员为您分配相应的角色。"),
    "db.connection_lost": Text(
        "The connection to the database was lost; nothing was saved.", "与数据库的连接已断开；未保存任何内容。",
        hint_en="Check the network or the server, then try again.", hint_zh="请检查网络或服务器，然后重试。"),
    "db.refused": Text("The database refused the operation: {detail}.", "数据库拒绝了此操作：{detail}。"),
    # backups and restores (app/services/backup.py)
    "backup.folder_missing": Text(
        "The folder {folder} does not exist.", "文件夹 {folder} 不存在。",
        hint_en="Choose an existing folder for the backup.", hint_zh="请为备份选择一个已存在的文件夹。"),
    "backup.target_is_folder": Text(
        "{target} is a folder.", "{target} 是一个文件夹。",
        hint_en="Give a file name for the backup.", hint_zh="请为备份指定文件名。"),
    "backup.no_space": Text(
        "There is not enough space for the backup in {folder}; no file was left behind and nothing was recorded.",
        "{folder} 中没有足够的空间存放备份；未留下任何文件，也未记录任何内容。",
        hint_en="Free some space or choose another drive, then back up again.",
        hint_zh="请释放一些空间或选择其他磁盘，然后重新备份。"),
    "backup.not_permitted": Text(
        "MedTrace may not write to {folder}; no backup was made.", "MedTrace 无权写入 {folder}；未进行备份。",
        hint_en="Choose a folder you can write to.", hint_zh="请选择您有写入权限的文件夹。"),
    "backup.write_failed": Text(
        "The backup could not be written to {folder} ({detail}); no file was left behind and nothing was recorded.",
        "无法将备份写入 {folder}（{detail}）；未留下任何文件，也未记录任何内容。",
        hint_en="Check the folder and the drive.", hint_zh="请检查文件夹和磁盘。"),
    "backup.tool_failed": Text(
        "{tool} could not back up the database; no backup was made.", "{tool} 无法备份数据库；未进行备份。"),
    "backup.no_such_file": Text("There is no backup file {path}.", "备份文件 {path} 不存在。"),
    "backup.refused_plain_dump": Text(
        "{name} cannot be restored: it is a plain pg_dump archive, not a MedTrace backup (it has no manifest). "
        "Nothing was restored or overwritten.",
        "{name} 无法恢复：它是普通的 pg_dump 归档，而不是 MedTrace 备份（没有清单）。未恢复或覆盖任何内容。",
        hint_en="Restore a file made by “medtrace backup” or the Admin page, unchanged.",
        hint_zh="请恢复由“medtrace backup”或管理页面生成且未经改动的文件。"),
    "backup.refused_not_a_backup": Text(
        "{name} cannot be restored: it is not a MedTrace backup file. Nothing was restored or overwritten.",
        "{name} 无法恢复：它不是 MedTrace 备份文件。未恢复或覆盖任何内容。",
        hint_en="Restore a file made by “medtrace backup” or the Admin page, unchanged.",
        hint_zh="请恢复由“medtrace backup”或管理页面生成且未经改动的文件。"),
    "backup.refused_damaged": Text(
        "{name} cannot be restored: the file is damaged or incomplete. Nothing was restored or overwritten.",
        "{name} 无法恢复：文件已损坏或不完整。未恢复或覆盖任何内容。",
        hint_en="Restore a file made by “medtrace backup” or the Admin page, unchanged.",
        hint_zh="请恢复由“medtrace backup”或管理页面生成且未经改动的文件。"),
    "backup.refused_newer_version": Text(
        "{name} cannot be restored: it was made by a newer MedTrace; restore it with that version. "
        "Nothing was restored or overwritten.",
        "{name} 无法恢复：它由更新版本的 MedTrace 生成，请用该版本恢复。未恢复或覆盖任何内容。",
        hint_en="Restore a file made by “medtrace backup” or the Admin page, unchanged.",
        hint_zh="请恢复由“medtrace backup”或管理页面生成且未经改动的文件。"),
    "backup.refused_no_manifest": Text(
        "{name} cannot be restored: it is not a MedTrace backup file (no readable manifest). "
        "Nothing was restored or overwritten.",
        "{name} 无法恢复：它不是 MedTrace 备份文件（没有可读取的清单）。未恢复或覆盖任何内容。",
        hint_en="Restore a file made by “medtrace backup” or the Admin page, unchanged.",
        hint_zh="请恢复由“medtrace backup”或管理页面生成且未经改动的文件。"),
    "backup.refused_checksum": Text(
        "{name} cannot be restored: its {member} does not match its manifest (the file was damaged or changed). "
        "Nothing was restored or overwritten.",
        "{name} 无法恢复：其中的 {member} 与清单不符（文件已损坏或被改动）。未恢复或覆盖任何内容。",
        hint_en="Restore a file made by “medtrace backup” or the Admin page, unchanged.",
        hint_zh="请恢复由“medtrace backup”或管理页面生成且未经改动的文件。"),
    "backup.unpack_failed": Text(
        "{name} could not be unpacked ({detail}); nothing was restored.", "无法解包 {name}（{detail}）；未恢复任何内容。"),
    "backup.roles_not_only_roles": Text(
        "The roles of this backup contain statements other than roles; it was not restored.",
        "此备份的角色部分包含角色以外的语句；未予恢复。",
        hint_en="Restore only backups made by MedTrace.", hint_zh="请只恢复由 MedTrace 生成的备份。"),
    "backup.target_not_empty": Text(
        "{pgdata} already holds a database; nothing was overwritten.", "{pgdata} 中已有数据库；未覆盖任何内容。",
        hint_en="Restore into a new, empty folder (--home NEW_FOLDER).",
        hint_zh="请恢复到一个新的空文件夹（--home 新文件夹）。"),
    "backup.roles_restore_failed": Text(
        "The roles of the backup could not be restored.", "无法恢复备份中的角色。"),
    "backup.restore_failed": Text(
        "PostgreSQL could not restore this backup; the new database was removed again.",
        "PostgreSQL 无法恢复此备份；新建的数据库已被删除。"),
    "backup.database_unreachable": Text(
        "The database cannot be reached; no backup was made.", "无法连接数据库；未进行备份。"),
    # corrections of controlled records (app/services/record_edits.py, company.py)
    "edit.changed_meanwhile": Text(
        "{Noun} {label} was changed by {who} at {at} UTC after you opened it — reload and try again.",
        "{noun:table} {label} 在您打开后已被 {who} 于 {at} UTC 修改——请刷新后重试。",
        hint_en="Changed meanwhile: {fields}. Nothing was saved.", hint_zh="期间被修改的字段：{fields}。未保存任何内容。"),
    "edit.changed_meanwhile_no_time": Text(
        "{Noun} {label} was changed by {who} after you opened it — reload and try again.",
        "{noun:table} {label} 在您打开后已被 {who} 修改——请刷新后重试。",
        hint_en="Changed meanwhile: {fields}. Nothing was saved.", hint_zh="期间被修改的字段：{fields}。未保存任何内容。"),
    "edit.changed_meanwhile_unknown": Text(
        "{Noun} {label} was changed by another user at {at} UTC after you opened it — reload and try again.",
        "{noun:table} {label} 在您打开后已被其他用户于 {at} UTC 修改——请刷新后重试。",
        hint_en="Changed meanwhile: {fields}. Nothing was saved.", hint_zh="期间被修改的字段：{fields}。未保存任何内容。"),
    "edit.changed_meanwhile_unknown_no_time": Text(
        "{Noun} {label} was changed by another user after you opened it — reload and try again.",
        "{noun:table} {label} 在您打开后已被其他用户修改——请刷新后重试。",
        hint_en="Changed meanwhile: {fields}. Nothing was saved.", hint_zh="期间被修改的字段：{fields}。未保存任何内容。"),
    "edit.field_empty": Text("{Field} cannot be empty.", "字段 {field} 不能为空。"),
    "edit.invalid_value": Text("“{value}” is not a valid {field}.", "“{value}”不是有效的 {field}。"),
    "edit.field_not_editable": Text(
        "{Field} of a {noun} cannot be edited here.", "此处不能编辑{table:table}的字段 {field}。",
        hint_en="Editable: {editable}.", hint_zh="可编辑的字段：{editable}。"),
    "edit.not_editable": Text(
        "A {noun} cannot be edited; record a correcting {noun} instead.",
        "{table:table}不能编辑；请另行记录一条更正的{table:table}。"),
    "edit.record_gone": Text(
        "The {noun} no longer exists (id {id}).", "该{table:table}已不存在（id {id}）。"),
    "edit.table_not_editable": Text("Records of “{table}” are not edited here.", "此处不编辑“{table}”的记录。"),
    "edit.reason_missing": Text(
        "State why the record is changed: the reason is kept in the audit trail.",
        "请说明修改记录的原因：变更原因将保存在审计追踪中。"),
    "edit.nothing_changed": Text("Nothing was changed.", "没有任何修改。"),
    "edit.values_unchanged": Text(
        "Nothing was changed: the new values are the ones already stored.", "没有任何修改：新值与已保存的值相同。"),
    # the company profile (app/services/company.py)
    "company.logo_empty": Text("The logo file is empty.", "标志文件为空。"),
    "company.logo_too_large": Text(
        "The logo is {kb:,.0f} KB; at most {limit} KB is accepted.", "标志文件为 {kb:,.0f} KB；最多接受 {limit} KB。",
        hint_en="Save it smaller (a header logo needs about 600 × 200 pixels).",
        hint_zh="请另存为更小的文件（页眉标志约需 600 × 200 像素）。"),
    "company.logo_too_many_pixels": Text(
        "The logo is {width} × {height} pixels; at most 4000 × 4000 is accepted.",
        "标志为 {width} × {height} 像素；最多接受 4000 × 4000。",
        hint_en="A header logo needs about 600 × 200 pixels.", hint_zh="页眉标志约需 600 × 200 像素。"),
    "company.logo_unreadable": Text(
        "The logo file is not an image that can be read.", "标志文件不是可读取的图像。",
        hint_en="Choose a PNG or JPEG file.", hint_zh="请选择 PNG 或 JPEG 文件。"),
    "company.logo_wrong_format": Text(
        "The logo is a {kind} image; PNG or JPEG is accepted.", "标志是 {kind} 图像；仅接受 PNG 或 JPEG。",
        hint_en="Save it as PNG or JPEG.", hint_zh="请另存为 PNG 或 JPEG。"),
    "company.legal_name_missing": Text(
        "Enter the company's legal name (in Chinese, English or both).", "请输入企业法定名称（中文、英文或两者）。"),
    # the audit trail viewer (app/services/audit_queries.py)
    "audit.range_reversed": Text(
        "The end of the time range must be after its start.", "时间范围的结束时间必须晚于开始时间。"),
    "audit.unknown_action": Text(
        "Unknown audit action “{action}”; use one of {actions}.", "未知的审计操作“{action}”；请使用以下之一：{actions}。"),
    "audit.page_size": Text("A page holds 1 to {max} entries.", "每页可显示 1 至 {max} 条记录。"),
    # demonstration data (app/services/demo_data.py, demo_people.py)
    "demo.unknown_scale": Text(
        "Unknown demonstration scale “{scale}”.", "未知的演示数据规模“{scale}”。",
        hint_en="Use small or large.", hint_zh="请使用 small 或 large。"),
    "demo.not_empty_lots": Text(
        "The database already holds lots; demonstration data only goes into an empty one.",
        "数据库中已有批次；演示数据只能导入空数据库。",
        hint_en="Use a fresh MEDTRACE_HOME (or --home), or --if-empty to skip quietly.",
        hint_zh="请使用新的 MEDTRACE_HOME（或 --home），或用 --if-empty 静默跳过。"),
    "demo.not_empty_master_data": Text(
        "The database already holds products or parties; demonstration data only goes into an empty one.",
        "数据库中已有产品或单位；演示数据只能导入空数据库。",
        hint_en="Use a fresh MEDTRACE_HOME (or --home), or --if-empty to skip quietly.",
        hint_zh="请使用新的 MEDTRACE_HOME（或 --home），或用 --if-empty 静默跳过。"),
    "demo.large_too_few_lots": Text(
        "The large demonstration set needs at least 2,000 lots.", "大型演示数据集至少需要 2,000 个批次。"),
    "demo.large_needs_owner": Text(
        "The large demonstration set is bulk-loaded with row triggers switched off, which only the database owner "
        "may do.",
        "大型演示数据集在关闭行触发器的情况下批量导入，只有数据库所有者可以这样做。",
        hint_en="Run `medtrace demo seed --scale large` on the embedded database of this computer.",
        hint_zh="请在本机的内置数据库上运行 `medtrace demo seed --scale large`。"),
    "demo.person_not_activated": Text(
        "Demo person {login} could not be activated.", "无法激活演示用户 {login}。"),
    "demo.not_a_demo_person": Text(
        "“{login}” is not a demo person.", "“{login}”不是演示用户。",
        hint_en="Demo people: {people}", hint_zh="演示用户：{people}"),
    "demo.no_such_lot": Text("There is no lot “{lot_no}”.", "不存在批号为“{lot_no}”的批次。"),
    "demo.lot_not_gs1": Text(
        "Lot {lot_no} is not a GS1 product; its label is not a GS1 element string.",
        "批次 {lot_no} 不是 GS1 产品；其标签不是 GS1 元素串。"),
    # expiry alerts (app/services/expiry.py)
    "expiry.threshold_not_number": Text(
        "Expiry alert thresholds are whole numbers of days separated by “;”: “{part}” is not.",
        "效期预警阈值是以“;”分隔的整数天数：“{part}”不是。",
        hint_en="For example 180;90;30;7.", hint_zh="例如 180;90;30;7。"),
    "expiry.threshold_out_of_range": Text(
        "An expiry alert threshold is between 1 and 3650 days, not {part}.",
        "效期预警阈值应在 1 至 3650 天之间，而不是 {part}。"),
    "expiry.too_many_thresholds": Text(
        "A product has at most {max} expiry alert thresholds, not {count}.",
        "一个产品最多有 {max} 个效期预警阈值，而不是 {count} 个。"),
    "expiry.window_out_of_range": Text(
        "Look ahead between 0 and 3650 days, not {days}.", "预查天数应在 0 至 3650 天之间，而不是 {days}。"),
    "expiry.unknown_disposition": Text(
        "Unknown disposition “{disposition}”.", "未知的处置方式“{disposition}”。",
        hint_en="Use first, transfer, return to supplier, scrap or quarantine.",
        hint_zh="请使用：优先发货（first）、调拨（transfer）、退回供应商（return to supplier）、报废（scrap）或待检（quarantine）。"),
    "expiry.calendar_folder_missing": Text(
        "The folder {folder} does not exist.", "文件夹 {folder} 不存在。",
        hint_en="Choose another folder.", hint_zh="请选择其他文件夹。"),
    "expiry.calendar_not_written": Text(
        "The calendar could not be written to {target} ({detail}).", "无法将日历写入 {target}（{detail}）。",
        hint_en="Choose a folder you can write to, with free space.", hint_zh="请选择有写入权限且有剩余空间的文件夹。"),
    # passwords (app/security/passwords.py)
    "password.too_short": Text(
        "Use at least {min} characters (a short phrase works well).", "请至少使用 {min} 个字符（一个简短的短语就很好）。"),
    "password.too_long": Text("Use at most {max} characters.", "最多使用 {max} 个字符。"),
    "password.control_character": Text("The password contains a control character.", "密码中含有控制字符。"),
    "password.repetitive": Text(
        "The password repeats the same characters; choose something less predictable.",
        "密码重复使用相同的字符；请选择不易被猜到的密码。"),
    "password.too_common": Text(
        "This password is too common; choose one that others are unlikely to use.",
        "此密码过于常见；请选择别人不太可能使用的密码。"),
    "password.sequence": Text(
        "Keyboard or alphabet sequences are too easy to guess.", "键盘或字母顺序排列的字符太容易被猜到。"),
    "password.contains_name": Text(
        "The password must not contain your user name or your name.", "密码中不得包含您的用户名或姓名。"),
    # signing in and sessions (app/services/identity.py)
    "identity.account_locked": Text(
        "This account is locked.", "此账户已被锁定。",
        hint_en="Ask an administrator to unlock it or to reset it.", hint_zh="请联系系统管理员解锁或重置此账户。"),
    "identity.wrong_credentials": Text(
        "The user name, password or authenticator code is not correct.", "用户名、密码或身份验证码不正确。"),
    "identity.locked_after_failures": Text(
        "This account is locked after too many failed attempts.", "由于失败次数过多，此账户已被锁定。",
        hint_en="An administrator has been alerted; ask them to unlock your account.",
        hint_zh="已通知系统管理员；请联系其为您解锁账户。"),
    "identity.code_replayed": Text(
        "This authenticator code has already been used.", "此身份验证码已被使用过。",
        hint_en="Wait for the next code and enter it.", hint_zh="请等待下一个验证码并输入。"),
    "identity.not_enrolled": Text(
        "This account has no authenticator enrolled yet.", "此账户尚未绑定身份验证器。"),
    "identity.activation_failed": Text("Activation failed.", "激活失败。"),
    "identity.session_ended": Text(
        "Your session has ended (locked, expired or signed out).", "您的会话已结束（已锁定、已过期或已退出）。",
        hint_en="Sign in again.", hint_zh="请重新登录。"),
    "identity.replica_session_unknown": Text(
        "The replica does not know this session (yet).", "只读副本（尚）不知道此会话。",
        hint_en="Reads go to the primary until it does.", hint_zh="在此之前，读取将转到主数据库。"),
    "identity.password_unchanged": Text(
        "The new password must differ from the current one.", "新密码必须与当前密码不同。"),
    "identity.no_signing_key": Text(
        "You have no signing key.", "您没有电子签名密钥。",
        hint_en="Ask an administrator to reset your account.", hint_zh="请联系系统管理员重置您的账户。"),
    # the lot list and lot pages (app/services/lot_queries.py)
    "lots.expiry_window_negative": Text(
        "The expiry window must be zero or more days.", "失效日期筛选天数必须大于或等于零。"),
    "lots.unknown_sort_key": Text("The lot list cannot be sorted by “{key}”.", "批次列表不能按“{key}”排序。"),
    "lots.page_anchor_conflict": Text(
        "Ask for rows after a key, before a key or from the end — one of them.",
        "请只选择一种方式：某个键之后的行、某个键之前的行或从末尾开始。"),
    "lots.not_found": Text(
        "Lot {lot_id} does not exist or is not visible to you.", "批次 {lot_id} 不存在或您无权查看。"),
    # release decisions and electronic signatures (app/services/lot_release.py)
    "release.no_lots_selected": Text("Select at least one lot to sign.", "请至少选择一个要签名的批次。"),
    "release.ceremony_stopped": Text("Not signed: the ceremony stopped.", "未签名：电子签名过程已中止。"),
    "release.connection_lost": Text(
        "The connection was lost while signing lot {lot}; nothing was saved for it.",
        "为批次 {lot} 签名时连接已断开；该批次未保存任何内容。",
        hint_en="Sign again when the connection is back.", hint_zh="连接恢复后请重新签名。"),
    "release.signing_contended": Text(
        "Others were changing the same lots; nothing was saved. Try again.", "其他人正在修改相同的批次；未保存任何内容。请重试。"),
    # recalls (app/services/recalls.py, recall_reports.py)
    "recall.product_range_incomplete": Text(
        "A product recall names the product (UDI-DI) and the first and last production dates.",
        "按产品召回需指明产品（UDI-DI）以及首个和最后一个生产日期。"),
    "recall.range_reversed": Text(
        "The first production date comes after the last one.", "首个生产日期晚于最后一个生产日期。"),
    "recall.lot_and_range": Text(
        "Name either a lot or a product with production dates, not both.",
        "请指明一个批次，或一个产品及其生产日期，不能同时指明两者。"),
    "recall.nothing_named": Text(
        "Name the suspect lot (or the product and its production dates).", "请指明可疑批次（或产品及其生产日期）。"),
    "recall.serial_empty": Text("The serial number is empty.", "序列号为空。"),
    "recall.unknown_level": Text(
        "The recall level is 1, 2 or 3 (一级, 二级, 三级 = Class I, II, III).", "召回级别为 1、2 或 3（一级、二级、三级）。"),
    "recall.not_found": Text("There is no recall {recall_id}.", "不存在召回 {recall_id}。"),
    "recall.report_not_found": Text(
        "There is no recall {recall_id}.", "不存在召回 {recall_id}。",
        hint_en="Check the recall number on the Recalls page or with “medtrace recall show ID”.",
        hint_zh="请在“召回”页面或用“medtrace recall show ID”核对召回编号。"),
    "recall.no_lots_in_range": Text(
        "No lot of {di} was made between {made_from} and {made_until}.",
        "{di} 在 {made_from} 至 {made_until} 之间没有生产任何批次。",
        hint_en="Check the UDI-DI and the production dates.", hint_zh="请核对 UDI-DI 和生产日期。"),
    "recall.no_such_serial": Text(
        "Lot “{lot_no}” has no unit with serial “{serial}”.", "批次“{lot_no}”中没有序列号为“{serial}”的单元。",
        hint_en="Check the serial (GS1 AI 21) on the label.", hint_zh="请核对标签上的序列号（GS1 AI 21）。"),
    "recall.no_such_lot": Text(
        "There is no lot “{lot_no}”.", "不存在批号为“{lot_no}”的批次。",
        hint_en="Check the lot number on the label, or trace it first.", hint_zh="请核对标签上的批号，或先进行追溯。"),
    "recall.no_such_lot_of_product": Text(
        "There is no lot “{lot_no}” of {di}.", "{di} 没有批号为“{lot_no}”的批次。",
        hint_en="Check the lot number on the label, or trace it first.", hint_zh="请核对标签上的批号，或先进行追溯。"),
    "recall.lot_ambiguous": Text(
        "Lot “{lot_no}” exists for {count} products ({products}).", "批号“{lot_no}”存在于 {count} 个产品中（{products}）。",
        hint_en="Name the product with --di (the UDI-DI).", hint_zh="请用 --di（UDI-DI）指明产品。"),
    "recall.party_not_consignee": Text(
        "“{party}” is not a consignee of recall {recall_id}.", "“{party}”不是召回 {recall_id} 的收货单位。",
        hint_en="See the consignee list: medtrace recall show {recall_id}",
        hint_zh="请查看收货单位列表：medtrace recall show {recall_id}"),
    "recall.unknown_notification_method": Text(
        "Unknown notification method “{method}”: {methods}.", "未知的通知方式“{method}”：{methods}。"),
    "recall.lot_not_shipped_to": Text(
        "Lot “{lot_no}” was not shipped to {party} in recall {recall_id}.",
        "在召回 {recall_id} 中，批次“{lot_no}”未发往 {party}。"),
    "recall.unknown_check_result": Text(
        "The result of a check is one of {results}.", "有效性检查的结果须为以下之一：{results}。"),
    "recall.no_consignees": Text(
        "No lot of recall {recall_id} was shipped from our sites: there is no consignee to write to; no letter was "
        "written.",
        "召回 {recall_id} 的批次均未从我方地点发出：没有可致函的收货单位；未生成通知函。"),
    # reports and their parameters (app/reports/catalogue.py, app/services/reports.py)
    "report.unknown_report": Text(
        "There is no report called “{key}”.", "没有名为“{key}”的报表。",
        hint_en="Reports: {reports}.", hint_zh="可用报表：{reports}。"),
    "report.unknown_parameter": Text(
        "The {title} takes no parameter “{name}”.", "{title_zh}没有参数“{name}”。"),
    "report.parameter_missing": Text(
        "Enter the {label_lower} for the {title}.", "请输入{title_zh}的{label_zh}。"),
    "report.needs_one_of": Text(
        "Narrow the {title} down: give at least one of {names}.", "请缩小{title_zh}的范围：至少填写{names_zh}中的一项。"),
    "report.period_reversed": Text(
        "The period ends ({until}) before it starts ({since}).", "期间的结束日期（{until}）早于开始日期（{since}）。"),
    "report.not_a_date": Text(
        "{label} of the {title}: “{value}” is not a date like 2026-11-21.",
        "{title_zh}的{label_zh}：“{value}”不是形如 2026-11-21 的日期。"),
    "report.not_days": Text(
        "{label} of the {title}: “{value}” is not a whole number of days.",
        "{title_zh}的{label_zh}：“{value}”不是整数天数。"),
    "report.days_out_of_range": Text(
        "{label} of the {title}: give a number of days between {low} and {high}, not {number}.",
        "{title_zh}的{label_zh}：请填写 {low} 至 {high} 之间的天数，而不是 {number}。"),
    "report.not_a_recall_number": Text(
        "{label} of the {title}: “{value}” is not a recall number like 12.",
        "{title_zh}的{label_zh}：“{value}”不是形如 12 的召回编号。"),
    "report.recall_number_out_of_range": Text(
        "{label} of the {title}: there is no recall number {number}.",
        "{title_zh}的{label_zh}：不存在召回编号 {number}。"),
    "report.not_a_choice": Text(
        "{label} of the {title}: choose one of {allowed}, not “{value}”.",
        "{title_zh}的{label_zh}：请从 {allowed} 中选择一项，而不是“{value}”。"),
    "report.text_too_long": Text(
        "{label} of the {title} is too long ({length} characters).", "{title_zh}的{label_zh}太长（{length} 个字符）。"),
    "report.wrong_format": Text(
        "The {title} is written as {formats}, not as “{fmt}”.", "{title_zh}只能生成为 {formats}，不能生成为“{fmt}”。"),
    "report.unknown_language": Text(
        "Reports are written in zh_CN or en, not “{language}”.", "报表语言为 zh_CN 或 en，而不是“{language}”。"),
    "report.folder_missing": Text(
        "The folder {folder} does not exist.", "文件夹 {folder} 不存在。",
        hint_en="Choose an existing folder for the report.", hint_zh="请为报表选择一个已存在的文件夹。"),
    "report.not_a_folder": Text(
        "{folder} is not a folder.", "{folder} 不是文件夹。",
        hint_en="Choose a folder for the report.", hint_zh="请为报表选择一个文件夹。"),
    "report.target_is_folder": Text(
        "{target} is a folder.", "{target} 是一个文件夹。",
        hint_en="Give a file name for the report.", hint_zh="请为报表指定文件名。"),
    "report.no_space": Text(
        "There is not enough space to write {name} in {folder}; no file was left behind and nothing was recorded.",
        "{folder} 中没有足够的空间写入 {name}；未留下任何文件，也未记录任何内容。",
        hint_en="Free some space or choose another drive, then generate the report again.",
        hint_zh="请释放一些空间或选择其他磁盘，然后重新生成报表。"),
    "report.not_permitted": Text(
        "MedTrace may not write to {folder}; nothing was recorded.", "MedTrace 无权写入 {folder}；未记录任何内容。",
        hint_en="Choose a folder you can write to (for example your Documents folder).",
        hint_zh="请选择您有写入权限的文件夹（例如“文档”文件夹）。"),
    "report.write_failed": Text(
        "{name} could not be written in {folder} ({detail}); no file was left behind and nothing was recorded.",
        "无法在 {folder} 中写入 {name}（{detail}）；未留下任何文件，也未记录任何内容。",
        hint_en="Check the folder and the drive, then try again.", hint_zh="请检查文件夹和磁盘，然后重试。"),
    "report.file_unreadable": Text("{path} cannot be read ({detail}).", "无法读取 {path}（{detail}）。"),
    "lookup.no_such_lot": Text(
        "There is no lot {lot_no}.", "不存在批号为 {lot_no} 的批次。",
        hint_en="Check the lot number (and DI) against the label or the Lots page.",
        hint_zh="请对照标签或“批次”页面核对批号（及 DI）。"),
    "lookup.no_such_lot_of_product": Text(
        "There is no lot {lot_no} of product {di}.", "产品 {di} 没有批号为 {lot_no} 的批次。",
        hint_en="Check the lot number (and DI) against the label or the Lots page.",
        hint_zh="请对照标签或“批次”页面核对批号（及 DI）。"),
    "report.lot_ambiguous": Text(
        "Lot number {lot_no} exists for {count} products ({products}).", "批号 {lot_no} 存在于 {count} 个产品中（{products}）。",
        hint_en="Give the product DI as well.", hint_zh="请同时提供产品 DI。"),
    "report.no_audit_entries": Text(
        "No audit-trail entry matches these parameters; no report was written.", "没有符合这些参数的审计追踪记录；未生成报表。",
        hint_en="Check the lot number, the user or the period.", hint_zh="请核对批号、用户或期间。"),
    "report.nothing_expires": Text(
        "No lot with stock on hand expires within {days} days (until {until}); no report was written.",
        "没有有库存的批次在 {days} 天内（至 {until}）到达失效日期；未生成报表。",
        hint_en="Try a longer period.", hint_zh="请尝试更长的期间。"),
    "report.no_products": Text(
        "There is no product to export; no file was written.", "没有可导出的产品；未生成文件。"),
    "report.no_products_of_agency": Text(
        "There is no product with issuing agency {agency} to export; no file was written.",
        "没有发码机构为 {agency} 的产品可导出；未生成文件。"),
    # scanning stock movements (app/services/scanning.py)
    "scan.quantity_too_small": Text(
        "The quantity must be at least 1, not {quantity}.", "数量至少为 1，而不是 {quantity}。"),
    "scan.serial_quantity": Text(
        "The scan names serial {serial}, one unit: the quantity must be 1, not {quantity}.",
        "扫描内容指明了序列号 {serial}，即一个单元：数量必须为 1，而不是 {quantity}。"),
    "scan.document_no_too_long": Text(
        "The document no. is longer than {max} characters.", "单据号超过 {max} 个字符。"),
    "scan.raw_too_long": Text(
        "The scan is {length} characters long; movements keep scans of at most {max}.",
        "扫描内容长 {length} 个字符；库存移动最多保存 {max} 个字符的扫描内容。"),
    "scan.dated_in_future": Text(
        "A movement cannot be dated {moved_on}, after today ({today}).", "库存移动的日期不能是 {moved_on}，晚于今天（{today}）。"),
    "scan.unknown_product": Text(
        "No product with the DI {di} is in the product master: nothing was recorded.",
        "产品主数据中没有 DI 为 {di} 的产品：未记录任何内容。"),
    "scan.unknown_lot": Text(
        "Lot {lot_no} of {di} is not in the lot records: nothing was recorded.",
        "{di} 的批次 {lot_no} 不在批次记录中：未记录任何内容。",
        hint_en="Check the label; a lot must be created before it can move.", hint_zh="请核对标签；批次必须先创建才能移动。"),
    "scan.unknown_kind": Text("Scanning records {kinds}; not “{kind}”.", "扫描只记录 {kinds}；不记录“{kind}”。"),
    "scan.unreadable": Text(
        "The scan cannot be read, so nothing was recorded: {detail}", "无法读取扫描内容，因此未记录任何内容：{detail}"),
    "scan.no_di": Text(
        "The scan holds no device identifier (DI), so nothing was recorded.", "扫描内容中没有产品标识（DI），因此未记录任何内容。"),
    "scan.no_lot": Text(
        "The scan has no lot number, so nothing was recorded: scan the UDI that carries the lot.",
        "扫描内容中没有批号，因此未记录任何内容：请扫描含有批号的 UDI。"),
    "scan.install_parties": Text(
        "An installation needs the location the unit is installed at (from) and no destination.",
        "安装需要指明单元的安装地点（发出方），且不能有目的地。"),
    "scan.receive_parties": Text(
        "A receive needs the supplier it comes from and our site that receives it.",
        "收货需要指明发货的供应商和收货的我方地点。"),
    "scan.ship_parties": Text(
        "A ship needs the location it leaves from and the consignee it goes to.", "发货需要指明发出地点和收货单位。"),
    "scan.return_parties": Text(
        "A return needs the consignee that sends it back and the location it returns to.",
        "退货需要指明退回的收货单位和退回的地点。"),
    "scan.same_party": Text(
        "The sending and the receiving party are the same: nothing would move.", "发出方与接收方相同：不会发生任何移动。"),
    "scan.unknown_party": Text(
        "There is no party with the id {party_id}: choose the parties again.", "不存在 id 为 {party_id} 的单位：请重新选择单位。"),
    "scan.expired_no_ship": Text(
        "Lot {lot_no} expired on {expiry_date}: an expired lot may not be shipped. Nothing was recorded.",
        "批次 {lot_no} 已于 {expiry_date} 失效：失效批次不得发货。未记录任何内容。"),
    "scan.expired_no_install": Text(
        "Lot {lot_no} expired on {expiry_date}: an expired lot may not be installed. Nothing was recorded.",
        "批次 {lot_no} 已于 {expiry_date} 失效：失效批次不得安装。未记录任何内容。"),
    "scan.not_released_no_ship": Text(
        "Lot {lot_no} is {words}: it may not be shipped; only a released lot within its expiry date may. "
        "Nothing was recorded.",
        "批次 {lot_no} 为{status:status}状态：不得发货；只有已放行且未过失效日期的批次才能发货。未记录任何内容。"),
    "scan.not_released_no_install": Text(
        "Lot {lot_no} is {words}: it may not be installed; only a released lot within its expiry date may. "
        "Nothing was recorded.",
        "批次 {lot_no} 为{status:status}状态：不得安装；只有已放行且未过失效日期的批次才能安装。未记录任何内容。"),
    "scan.unknown_serial": Text(
        "Lot {lot_no} has no serial unit {serial}: nothing was recorded.", "批次 {lot_no} 中没有序列号单元 {serial}：未记录任何内容。",
        hint_en="Check the label and tell QA: an unknown serial may be a mislabelled or false unit.",
        hint_zh="请核对标签并通知质量部门：未知序列号可能是贴错标签或假冒的单元。"),
    "scan.serial_used_up": Text(
        "Serial {serial} of lot {lot_no} is not at {where}: it was recorded as {kind} on {on}. Nothing was recorded.",
        "批次 {lot_no} 的序列号 {serial} 不在 {where_zh}：它已于 {on} 被记录为{kind_zh}。未记录任何内容。"),
    "scan.serial_elsewhere": Text(
        "Serial {serial} of lot {lot_no} is not at {where}: its last movement ({kind}, {on}) took it to {code}. "
        "Nothing was recorded.",
        "批次 {lot_no} 的序列号 {serial} 不在 {where_zh}：其最近一次移动（{kind_zh}，{on}）将其移至 {code}。未记录任何内容。"),
    # tracing (app/services/trace.py) and finding a lot by its number (also reports)
    "trace.unknown_direction": Text(
        "Trace direction must be forward or backward, not “{direction}”.", "追溯方向必须是正向或反向，而不是“{direction}”。"),
    "trace.lot_missing": Text("Enter a lot number to trace.", "请输入要追溯的批号。"),
    "trace.unknown_party": Text("There is no party with the code “{code}”.", "不存在代码为“{code}”的单位。"),
    "trace.lot_ambiguous": Text(
        "Lot number {lot_no} exists for {count} products ({products}).", "批号 {lot_no} 存在于 {count} 个产品中（{products}）。",
        hint_en="Give the product DI as well (scan the UDI, or --di).", hint_zh="请同时提供产品 DI（扫描 UDI，或使用 --di）。"),
    "trace.unknown_serial": Text(
        "Lot {lot_no} has no serial unit {serial}.", "批次 {lot_no} 中没有序列号单元 {serial}。",
        hint_en="Check the serial number (GS1 AI 21) on the label.", hint_zh="请核对标签上的序列号（GS1 AI 21）。"),
    # validating the installation (app/services/validation.py)
    "validation.database_unreachable": Text(
        "The database cannot be reached; nothing was validated.", "无法连接数据库；未进行任何验证。"),
    # the command line (app/cli)
    "cli.usage": Text("{detail}", "命令行有误：{detail}", hint_en="See: {prog} --help", hint_zh="参见：{prog} --help"),
    "cli.trust_key_not_hex": Text(
        "--trust-key takes a public key of 64 hex digits.", "--trust-key 需要一个由 64 位十六进制数字组成的公钥。"),
    "cli.backup_needs_db_user": Text(
        "A shared server is backed up by its database administrator: give --db-user ROLE.",
        "共享服务器由其数据库管理员备份：请提供 --db-user 角色。"),
    "cli.restore_needs_home": Text(
        "Say where to restore with --home NEW_FOLDER (a new, empty folder).",
        "请用 --home 新文件夹 指明恢复位置（一个新的空文件夹）。"),
    "cli.profile_is_shared": Text(
        "Profile “{profile}” is a shared server; administer it as a database administrator.",
        "配置“{profile}”是共享服务器；请以数据库管理员身份进行管理。",
        hint_en="On a shared server, sign in as a person: commands that act as a person take --user.",
        hint_zh="在共享服务器上请以个人身份登录：以个人身份执行的命令需加 --user。"),
    "cli.logo_unreadable": Text(
        "The logo file {path} cannot be read ({detail}).", "无法读取标志文件 {path}（{detail}）。"),
    "cli.company_nothing_to_change": Text(
        "Nothing to change: give at least one of --legal-name-zh, --legal-name-en, --address, --licence-no, "
        "--registrant, --logo or --no-logo.",
        "没有要修改的内容：请至少提供 --legal-name-zh、--legal-name-en、--address、--licence-no、--registrant、--logo 或 "
        "--no-logo 中的一项。"),
    "cli.shared_needs_user": Text(
        "On a shared server, sign in as yourself: add --user LOGIN.", "在共享服务器上请以您本人身份登录：添加 --user 用户名。"),
    "cli.user_missing": Text("Give your user name with --user LOGIN.", "请用 --user 用户名 提供您的用户名。"),
    "cli.credentials_stdin_incomplete": Text(
        "--credentials-stdin needs two lines on standard input: your password, then your authenticator code.",
        "--credentials-stdin 需要从标准输入读取两行：先是密码，然后是身份验证码。"),
    "cli.no_terminal": Text(
        "No terminal to ask for your password.", "没有可用于输入密码的终端。",
        hint_en="Pipe your password and code as two lines and add --credentials-stdin.",
        hint_zh="请以两行的形式通过管道输入密码和验证码，并添加 --credentials-stdin。"),
    "cli.not_activated": Text(
        "This account has not been activated yet.", "此账户尚未激活。",
        hint_en="Sign in once in the MedTrace window with the activation code.",
        hint_zh="请先在 MedTrace 窗口中用激活码登录一次。"),
    "cli.session_ended": Text(
        "Your session ended before the command could run.", "命令运行前您的会话已结束。",
        hint_en="Sign in again.", hint_zh="请重新登录。"),
    # settings and connection profiles (app/config.py)
    "config.no_replica": Text("Profile “{profile}” names no replica.", "配置“{profile}”未指定只读副本。"),
    "config.embedded_no_address": Text(
        "The embedded profile has no server address.", "内置数据库配置没有服务器地址。"),
    "config.secret_in_file": Text(
        "{file}, profile “{profile}” contains “{key}”. MedTrace never stores passwords or keys in files.",
        "{file} 中的配置“{profile}”含有“{key}”。MedTrace 从不在文件中保存密码或密钥。",
        hint_en="Delete that line; you will be asked for the password when you sign in.",
        hint_zh="请删除该行；登录时系统会要求您输入密码。"),
    "config.unknown_kind": Text(
        "{file}, profile “{profile}”: kind must be “embedded” or “server”, not “{kind}”.",
        "{file} 中的配置“{profile}”：kind 必须为“embedded”或“server”，而不是“{kind}”。"),
    "config.embedded_replica": Text(
        "{file}, profile “{profile}”: the embedded database has no replica.",
        "{file} 中的配置“{profile}”：内置数据库没有只读副本。",
        hint_en="A replica belongs to a shared server profile (kind = server); delete the replica lines.",
        hint_zh="只读副本属于共享服务器配置（kind = server）；请删除只读副本的相关行。"),
    "config.host_missing": Text(
        "{file}, profile “{profile}”: a server profile needs host = the database server's name.",
        "{file} 中的配置“{profile}”：服务器配置需要 host = 数据库服务器名称。"),
    "config.port_not_number": Text(
        "{file}, profile “{profile}”: port must be a number, not “{value}”.",
        "{file} 中的配置“{profile}”：port 必须是数字，而不是“{value}”。"),
    "config.port_out_of_range": Text(
        "{file}, profile “{profile}”: port {port} is outside 1–65535.",
        "{file} 中的配置“{profile}”：端口 {port} 超出 1–65535 的范围。"),
    "config.unknown_sslmode": Text(
        "{file}, profile “{profile}”: sslmode must be one of {modes}.",
        "{file} 中的配置“{profile}”：sslmode 必须为以下之一：{modes}。"),
    "config.ca_file_missing": Text(
        "{file}, profile “{profile}”: the CA certificate file {path} does not exist.",
        "{file} 中的配置“{profile}”：CA 证书文件 {path} 不存在。",
        hint_en="Ask your database administrator for the server's CA certificate and give its path.",
        hint_zh="请向数据库管理员索取服务器的 CA 证书并填写其路径。"),
    "config.replica_host_missing": Text(
        "{file}, profile “{profile}”: {key} is set but replica_host is not.",
        "{file} 中的配置“{profile}”：已设置 {key}，但未设置 replica_host。",
        hint_en="Add replica_host = the replica server's name, or delete the line.",
        hint_zh="请添加 replica_host = 只读副本服务器名称，或删除该行。"),
    "config.replica_port_not_number": Text(
        "{file}, profile “{profile}”: replica_port must be a number, not “{value}”.",
        "{file} 中的配置“{profile}”：replica_port 必须是数字，而不是“{value}”。"),
    "config.replica_port_out_of_range": Text(
        "{file}, profile “{profile}”: replica_port {port} is outside 1–65535.",
        "{file} 中的配置“{profile}”：replica_port {port} 超出 1–65535 的范围。"),
    "config.replica_is_primary": Text(
        "{file}, profile “{profile}”: the replica is the primary itself ({host}:{port}).",
        "{file} 中的配置“{profile}”：只读副本就是主数据库本身（{host}:{port}）。",
        hint_en="Give the replica's own host name or port, or delete the replica lines.",
        hint_zh="请填写只读副本自己的主机名或端口，或删除只读副本的相关行。"),
    "config.max_lag_not_number": Text(
        "{file}, profile “{profile}”: replica_max_lag_seconds must be a whole number of seconds, not “{value}”.",
        "{file} 中的配置“{profile}”：replica_max_lag_seconds 必须是整数秒，而不是“{value}”。"),
    "config.max_lag_out_of_range": Text(
        "{file}, profile “{profile}”: replica_max_lag_seconds must be between 1 and 86400, not {value}.",
        "{file} 中的配置“{profile}”：replica_max_lag_seconds 必须在 1 至 86400 之间，而不是 {value}。"),
    "config.file_unreadable": Text(
        "The file {path} cannot be read: {error}.", "无法读取文件 {path}：{error}。",
        hint_en="Fix or delete the file; MedTrace recreates a default one.",
        hint_zh="请修复或删除该文件；MedTrace 会重新创建一个默认文件。"),
    "config.section_name": Text(
        "{path}: section [{section}] should be named [profile NAME].", "{path}：节 [{section}] 应命名为 [profile 名称]。"),
    "config.unknown_profile": Text(
        "There is no connection profile called “{name}”.", "没有名为“{name}”的连接配置。",
        hint_en="Known profiles: {known}.", hint_zh="已有的配置：{known}。"),
    "config.settings_language": Text(
        "{path}: language must be one of {languages}, not “{language}”.",
        "{path}：language 必须为以下之一：{languages}，而不是“{language}”。"),
    "config.idle_lock_not_number": Text(
        "{path}: idle_lock_minutes must be a number.", "{path}：idle_lock_minutes 必须是数字。"),
    "config.idle_lock_out_of_range": Text(
        "{path}: idle_lock_minutes must be between 1 and 240.", "{path}：idle_lock_minutes 必须在 1 至 240 之间。"),
    "config.unknown_language": Text("Unknown language “{language}”.", "未知的语言“{language}”。"),
    # connecting to the database (app/db/engine.py)
    "connection.untrusted_certificate": Text(
        "The server at {where} did not present a certificate we trust.", "位于 {where} 的服务器未出示我们信任的证书。",
        hint_en="Check the CA certificate file in the connection profile (sslrootcert) with your database "
                "administrator. MedTrace will not connect to a server it cannot verify.",
        hint_zh="请与数据库管理员核对连接配置中的 CA 证书文件（sslrootcert）。MedTrace 不会连接无法验证的服务器。"),
    "connection.certificate_name_mismatch": Text(
        "The certificate of {where} was issued for a different server name.", "{where} 的证书是为另一个服务器名称签发的。",
        hint_en="Use the exact host name the certificate names in the connection profile.",
        hint_zh="请在连接配置中使用证书上所写的确切主机名。"),
    "connection.wrong_password": Text(
        "The user name or password is not correct.", "用户名或密码不正确。",
        hint_en="Check both and try again.", hint_zh="请检查两者后重试。"),
    "connection.no_database": Text(
        "The MedTrace database does not exist on {where}.", "{where} 上不存在 MedTrace 数据库。",
        hint_en="Ask your database administrator to create it, then run: medtrace db upgrade",
        hint_zh="请数据库管理员创建该数据库，然后运行：medtrace db upgrade"),
    "connection.unknown_host": Text(
        "The server name in the connection profile ({where}) is not known on this network.",
        "连接配置中的服务器名称（{where}）在此网络中无法识别。",
        hint_en="Check the host name in the profile, or your network connection.", hint_zh="请检查配置中的主机名或您的网络连接。"),
    "connection.unreachable": Text(
        "The database at {where} cannot be reached.", "无法连接位于 {where} 的数据库。",
        hint_en="Check that the server is running and that this computer may connect to it; then try again.",
        hint_zh="请检查服务器是否正在运行、本机是否允许连接该服务器，然后重试。"),
    # the embedded database of this computer (app/db/embedded.py)
    "embedded.not_created": Text(
        "The private database could not be created in {pgdata}.", "无法在 {pgdata} 中创建本机数据库。"),
    "embedded.did_not_start": Text(
        "The private database did not start.", "本机数据库未能启动。",
        hint_en="Details are in {log_file}:\n{details}", hint_zh="详细信息见 {log_file}：\n{details}"),
    "embedded.command_failed": Text("A database command failed.", "数据库命令执行失败。"),
    "embedded.programs_unreachable": Text(
        "The private database server cannot run: the system user “{user}” that runs it for root cannot reach its "
        "programs in {binaries}, nor the copy in {copy}.",
        "本机数据库服务器无法运行：为 root 运行它的系统用户“{user}”无法访问 {binaries} 中的程序，也无法访问 {copy} 中的副本。",
        hint_en="Let other users traverse the folders above {copies} (chmod o+x), or run MedTrace (and its tests) "
                "as an ordinary user instead of root.",
        hint_zh="请允许其他用户进入 {copies} 的上级文件夹（chmod o+x），或以普通用户而非 root 身份运行 MedTrace（及其测试）。"),
    "embedded.programs_folder_unsafe": Text(
        "The folder {folder} for the database server's programs is not a folder that only root may change.",
        "存放数据库服务器程序的 {folder} 不是只有 root 才能修改的文件夹。",
        hint_en="Remove {folder}; MedTrace makes it again.", hint_zh="请删除 {folder}；MedTrace 会重新创建它。"),
    "embedded.already_running": Text(
        "MedTrace is already open on this computer with the same data folder.", "MedTrace 已在本机上使用同一数据文件夹打开。",
        hint_en="Switch to the open window, or close it first. (Data folder: {folder})",
        hint_zh="请切换到已打开的窗口，或先将其关闭。（数据文件夹：{folder}）"),
    # keys and electronic signatures (app/security)
    "keys.no_keyring": Text(
        "This computer has no secure key store (OS keyring) for the audit seal key.",
        "本机没有用于保存审计追踪封印密钥的安全密钥库（操作系统密钥环）。",
        hint_en="Sign in to a desktop session with a keyring (GNOME Keyring, KWallet, Windows Credential Manager, "
                "macOS Keychain). MedTrace will not keep the key in a plain file.",
        hint_zh="请登录带有密钥环的桌面会话（GNOME Keyring、KWallet、Windows 凭据管理器、macOS 钥匙串）。"
                "MedTrace 不会将密钥保存在普通文件中。"),
    "keys.keyring_unreadable": Text("The OS keyring could not be read.", "无法读取操作系统密钥环。"),
    "keys.not_a_public_key": Text(
        "{path}, line {line}: not an Ed25519 public key (64 hex digits).",
        "{path} 第 {line} 行：不是 Ed25519 公钥（64 位十六进制数字）。"),
    "signing.password_does_not_unlock": Text(
        "The password does not unlock your signing key.", "该密码无法解锁您的电子签名密钥。"),
    "signing.key_mismatch": Text(
        "The stored signing key does not match its public key.", "保存的电子签名密钥与其公钥不匹配。"),
    # recall KPIs: the data gaps a case shows (page, report, command line)
    "recall.gap_no_shipments": Text(
        "No lot in scope was shipped from our sites: there is no consignee to notify.",
        "涉及批次均未发出本企业：没有需要通知的收货单位。"),
    "recall.gap_no_produce": Text("Lot {lot} ({di}) has no produce movement.", "批次 {lot}（{di}）没有生产记录。"),
    "recall.gap_unreconciled": Text(
        "Lot {lot} ({di}) does not reconcile: made {made}, accounted {accounted} (on hand {on_hand} + shipped "
        "{shipped} − returned {returned} + consumed {consumed} + scrapped {scrapped}).",
        "批次 {lot}（{di}）数量不平衡：生产 {made}，可追溯 {accounted}（库存 {on_hand} + 发出 {shipped} − 退回 "
        "{returned} + 消耗 {consumed} + 报废 {scrapped}）。"),
    "recall.gap_no_contact": Text(
        "Consignee {party} ({name}) has no contact person or phone.", "收货单位 {party}（{name}）没有联系人或电话。"),
    # what a recall still needs before it may be closed (mt_recall_outstanding's clauses)
    "recall.outstanding_not_notified": Text(
        "{count} consignee(s) not notified ({parties})", "{count} 个收货单位尚未通知（{parties}）"),
    "recall.outstanding_not_acknowledged": Text(
        "{count} consignee(s) not acknowledged ({parties})", "{count} 个收货单位尚未回执（{parties}）"),
    "recall.outstanding_not_returned": Text(
        "{count} unit(s) not yet returned ({items})", "尚有 {count} 件未退回（{items}）"),
    # the printed label compared with the lot master (the release checklist's label item)
    "label.scan_error": Text("{detail}", "标签扫描无法读取：{detail}"),
    "label.di_differs": Text("DI on the label {label} ≠ {lot}", "标签上的产品标识 {label} ≠ {lot}"),
    "label.lot_differs": Text("lot on the label {label} ≠ {lot}", "标签上的批号 {label} ≠ {lot}"),
    "label.expiry_differs": Text("expiry on the label {label} ≠ {lot}", "标签上的失效日期 {label} ≠ {lot}"),
    "label.production_differs": Text(
        "production date on the label {label} ≠ {lot}", "标签上的生产日期 {label} ≠ {lot}"),
    "label.no_expiry": Text("the label carries no expiry date", "标签上没有失效日期"),
}
