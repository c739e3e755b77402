"""What the database says when it refuses something, by message id (migration 0014 raises these ids).

The English text is the database's own sentence with `%s` written as `{0}`, `{1}`…; a test compares
them with the functions at head, so a changed sentence in a migration is a changed entry here.
"""

from __future__ import annotations

from app.messages import Text

DATABASE_TEXTS: dict[str, Text] = {
    # stock
    "stock.would_go_negative": Text(
        "Lot {0} would have {1} unit(s) at {2}: stock cannot go below zero.",
        "批次 {0} 在 {2} 的库存将变为 {1}：库存不能小于零。",
        hint_en="Check the quantity, the lot and the sending location against the stock on hand.",
        hint_zh="请对照现有库存核对数量、批次和发出地点。"),
    # expiry
    "expiry.no_such_alert": Text("There is no such expiry alert.", "没有这条效期预警。"),
    "expiry.alert_already_acknowledged": Text(
        "This alert was already acknowledged by {0} at {1}.", "此预警已由 {0} 于 {1} 确认。"),
    "expiry.alert_closed": Text(
        "This alert is closed: the stock is gone or a later alert replaced it.",
        "此预警已关闭：库存已不存在，或已被后续预警取代。"),
    "expiry.note_required": Text(
        "Write a note: what will be done with this stock.", "请填写处理说明：这批库存将如何处理。"),
    "expiry.disposition_required": Text("Choose a disposition for the stock.", "请选择库存的处置方式。"),
    "expiry.override_reason_required": Text(
        "State the reason for shipping below the shelf life the consignee accepts.",
        "请说明以低于收货单位可接受剩余效期发货的原因。"),
    "expiry.no_minimum_shelf_life": Text(
        "This consignee states no minimum shelf life: no exception is needed.",
        "该收货单位未规定最短剩余效期：无需例外批准。"),
    "expiry.policy_reason_required": Text("State the reason for this change.", "请说明此次变更的原因。"),
    "expiry.lot_expired_no_shipping": Text(
        "Lot {0} expired on {1} and may not leave our site.",
        "批次 {0} 已于 {1} 失效，不得出厂。",
        hint_en="Expired stock is quarantined or scrapped, never shipped.",
        hint_zh="失效库存应隔离或报废，不得发货。"),
    "expiry.shelf_life_too_short": Text(
        "Lot {0} has {1} days of shelf life left; {2} accepts only lots with at least {3} days.",
        "批次 {0} 剩余效期 {1} 天；{2} 只接收剩余效期不少于 {3} 天的批次。",
        hint_en="Ship a lot that expires later, or have a QA approver authorise an exception with a reason.",
        hint_zh="请发运效期更长的批次，或由质量批准人注明原因后批准例外。"),
    # identity and people
    "identity.no_pending_activation": Text("This account has no pending activation.", "此账户没有待激活的记录。"),
    "identity.activation_code_expired": Text(
        "The activation code has expired or was already used.", "激活码已过期或已被使用。",
        hint_en="Ask an administrator for a new activation code.", hint_zh="请向系统管理员索取新的激活码。"),
    "identity.verifier_required": Text(
        "The new password must be sent as a SCRAM-SHA-256 verifier.", "新密码必须以 SCRAM-SHA-256 校验值的形式提交。"),
    "identity.seed_too_short": Text(
        "The authenticator seed must have at least 160 bits.", "身份验证器密钥至少需要 160 位。"),
    "identity.totp_mismatch": Text(
        "The code from the authenticator app does not match.", "身份验证器应用中的验证码不匹配。",
        hint_en="Check that the phone's clock is right, scan the QR code again and enter the current code.",
        hint_zh="请检查手机时钟是否准确，重新扫描二维码并输入当前验证码。"),
    "identity.not_verified": Text(
        "This session has not been verified with a second factor.", "此会话尚未通过第二因素验证。",
        hint_en="Sign in again with your password and authenticator code.",
        hint_zh="请使用密码和身份验证器验证码重新登录。"),
    "people.already_set_up": Text(
        "MedTrace already has users; sign in as an administrator.", "MedTrace 已有用户；请以系统管理员身份登录。"),
    "people.role_required": Text(
        "Choose at least one role from: QA reviewer, QA approver, regulatory, warehouse, auditor, administrator.",
        "请至少选择一个角色：质量审核人、质量批准人、法规事务、仓库、审计员、系统管理员。"),
    "people.bad_login_name": Text(
        "“{0}” cannot be used as a user name.", "“{0}” 不能用作用户名。",
        hint_en="Use 3–31 lower-case letters, digits, “_” or “.”, starting with a letter.",
        hint_zh="请使用 3–31 个小写字母、数字、“_” 或 “.”，并以字母开头。"),
    "people.printed_name_required": Text(
        "Enter the person's full name as it appears on signatures.", "请输入签名上显示的完整姓名。"),
    "people.login_taken": Text("The user name “{0}” is already taken.", "用户名 “{0}” 已被使用。"),
    "people.no_such_user": Text("There is no user “{0}”.", "没有用户 “{0}”。"),
    "people.cannot_lock_self": Text("You cannot lock your own account.", "您不能锁定自己的账户。"),
    "people.cannot_drop_own_admin": Text(
        "You cannot remove your own administrator role.", "您不能移除自己的系统管理员角色。"),
    "people.admin_only": Text("Only administrators may manage people.", "只有系统管理员可以管理用户。"),
    # audit trail
    "audit.seal_mismatch": Text(
        "The seal does not match the audit trail at that position.", "封存签名与审计追踪在该位置的内容不一致。"),
    "audit.unknown_event": Text("Unknown audit event kind.", "未知的审计事件类型。"),
    "audit.append_only": Text(
        "The audit trail cannot be changed ({0} on {1} refused).", "审计追踪不可更改（已拒绝对 {1} 的{0:operation}操作）。"),
    "audit.never_truncated": Text(
        "Records are never truncated ({0} refused); correct them with new records.",
        "记录不可清空（已拒绝清空 {0}）；请以新记录更正。"),
    "audit.reason_required": Text(
        "A reason for change is required to {0:operation} a {1:table} record.", "{0:operation}{1:table}记录需要填写变更原因。",
        hint_en="State why the record is changed; the reason is kept in the audit trail.",
        hint_zh="请说明修改记录的原因；原因将保存在审计追踪中。"),
    "audit.review_role_required": Text(
        "Only QA reviewers and approvers review audit trails.", "只有质量审核人和质量批准人可以审核审计追踪。"),
    # internal argument checks of the security functions
    "security.base32_length": Text(
        "This base32 text has {0} characters, which no whole number of bytes gives.",
        "此 base32 文本有 {0} 个字符，不能构成整数个字节。"),
    "security.base32_padding": Text(
        'This base32 text has incorrect "=" padding.', "此 base32 文本的 “=” 填充不正确。"),
    "security.base32_character": Text(
        "This base32 text has a character outside A-Z and 2-7 at position {0}.",
        "此 base32 文本在第 {0} 位有 A-Z 和 2-7 以外的字符。"),
    "security.code_digits": Text(
        "A one-time code has 6, 7 or 8 digits, not {0}.", "一次性验证码应为 6、7 或 8 位，而不是 {0} 位。"),
    "security.totp_parameters": Text(
        "A TOTP check needs a step of at least 1 second and a window of 0 to 10 steps.",
        "TOTP 校验要求步长至少 1 秒，窗口为 0 到 10 个步长。"),
    "security.totp_secret_short": Text(
        "A TOTP secret must be at least 16 bytes long.", "TOTP 密钥长度至少为 16 字节。"),
    # lots and release
    "lot.new_starts_in_quarantine": Text("A new lot starts in quarantine.", "新批次必须从待检状态开始。"),
    "lot.cycle_moves_by_one": Text(
        "The release cycle of a lot only moves forward by one.", "批次的放行周期只能逐次向前推进。"),
    "lot.status_needs_signature": Text(
        "Lot {0} cannot become {1:status} without an electronic signature.", "批次 {0} 未经电子签名不能变为{1:status}。"),
    "lot.release_needs_two_signatures": Text(
        "Lot {0} cannot be released: it needs a valid review and a valid approval signature by two different "
        "people, neither its creator, and a complete checklist.",
        "批次 {0} 不能放行：需要两位不同人员（均非批次创建人）有效的审核签名和批准签名，且放行检查单完整。"),
    "lot.not_released_no_shipping": Text(
        "Lot {0} is {1:status} and may not leave our site.", "批次 {0} 当前为{1:status}，不得出厂。",
        hint_en="Only released lots are shipped or installed.", hint_zh="只有已放行的批次才能发货或安装。"),
    "lot.no_such_lot": Text("There is no such lot.", "没有这个批次。"),
    "release.wrong_signing_key": Text(
        "The signature was not made with your current signing key.", "该签名不是用您当前的签名密钥生成的。"),
    "release.lot_changed_while_signing": Text(
        "Lot {0} changed while you were signing.", "您签名期间批次 {0} 已被修改。",
        hint_en="Review the lot again, then sign.", hint_zh="请重新审核该批次后再签名。"),
    "release.reviewer_only": Text("Only a QA reviewer can sign the review.", "只有质量审核人可以签署审核。"),
    "release.not_awaiting_review": Text(
        "Lot {0} is {1:status}, not awaiting review.", "批次 {0} 当前为{1:status}，不在待审核状态。"),
    "release.approver_only": Text("Only a QA approver can approve a release.", "只有质量批准人可以批准放行。"),
    "release.not_awaiting_approval": Text(
        "Lot {0} is {1:status}, not awaiting approval.", "批次 {0} 当前为{1:status}，不在待批准状态。"),
    "release.self_approval": Text(
        "Lot {0} cannot be approved by the person who reviewed it.", "批次 {0} 不能由审核人本人批准。",
        hint_en="Two-person verification: a different QA approver must approve.",
        hint_zh="双人复核：必须由另一位质量批准人批准。"),
    "release.reject_role": Text(
        "Only QA reviewers and approvers can reject a lot.", "只有质量审核人和质量批准人可以拒绝放行批次。"),
    "release.cannot_reject": Text(
        "Lot {0} is {1:status} and cannot be rejected.", "批次 {0} 当前为{1:status}，不能拒绝放行。"),
    "release.hold_role": Text("Only a QA approver can place a lot on hold.", "只有质量批准人可以暂停放行批次。"),
    "release.cannot_hold": Text(
        "Lot {0} is {1:status} and cannot be put on hold.", "批次 {0} 当前为{1:status}，不能暂停放行。"),
    "release.lift_hold_role": Text("Only a QA approver can lift a hold.", "只有质量批准人可以解除暂停。"),
    "release.not_on_hold": Text("Lot {0} is not on hold.", "批次 {0} 未处于暂停放行状态。"),
    "release.unknown_meaning": Text("Unknown meaning of signature “{0}”.", "未知的签名含义 “{0}”。"),
    "release.creator_cannot_sign": Text(
        "Lot {0} cannot be signed for release by the person who created it.", "批次 {0} 不能由其创建人签署放行。"),
    "release.checklist_incomplete": Text(
        "The release checklist of lot {0} is not complete.", "批次 {0} 的放行检查单尚未完成。",
        hint_zh="请先完成检查单中未完成的项目（详见放行队列中该批次的检查单）。"),
    "release.reason_required": Text("State the reason for this decision.", "请说明此决定的原因。"),
    # the release checklist (mt_lot_checklist's `message`), printed in release records
    "checklist.no_qc": Text("No QC results are recorded for this lot.", "该批次尚未录入检验结果。"),
    "checklist.qc_out_of_spec": Text(
        "{0} of {1} QC results are out of specification: {2}.", "{1} 项检验结果中有 {0} 项不合格：{2}。"),
    "checklist.qc_ok": Text("{0} QC results, all within specification.", "共 {0} 项检验结果，全部合格。"),
    "checklist.no_open_deviations": Text("No open deviations.", "无未关闭的偏差。"),
    "checklist.open_deviations": Text("{0} open deviation(s): {1}.", "有 {0} 项未关闭的偏差：{1}。"),
    "checklist.label_not_scanned": Text(
        "The printed label has not been scanned and checked against the lot.", "尚未扫描印刷标签并与批次信息核对。"),
    "checklist.label_mismatch": Text(
        "The last label scan did not match the lot master data.", "最近一次标签扫描与批次主数据不符。"),
    "checklist.label_stale": Text(
        "The lot changed after its label was verified; scan the label again.", "标签核对后批次已被修改；请重新扫描标签。"),
    "checklist.label_verified": Text("Label verified by {0} on {1}.", "标签已由 {0} 于 {1} 核对。"),
    "checklist.audit_not_reviewed": Text("The lot's audit trail has not been reviewed.", "该批次的审计追踪尚未复核。"),
    "checklist.audit_stale": Text(
        "The lot changed after its audit trail was reviewed; review it again.", "审计追踪复核后批次已被修改；请重新复核。"),
    "checklist.audit_reviewed": Text("Audit trail reviewed by {0} on {1}.", "审计追踪已由 {0} 于 {1} 复核。"),
    # recalls
    "recall.open_role": Text(
        "Only regulatory affairs and QA approvers open recalls and drills.", "只有法规事务人员和质量批准人可以发起召回和召回演练。"),
    "recall.unknown_kind": Text("Unknown kind of recall “{0}”.", "未知的召回类型 “{0}”。"),
    "recall.bad_level": Text("The recall level is 1, 2 or 3 (一级, 二级, 三级).", "召回级别为 1、2 或 3（一级、二级、三级）。"),
    "recall.reason_required": Text("State the reason for the recall.", "请说明召回原因。"),
    "recall.lot_in_open_recall": Text(
        "Lot {0} is already in open recall {1}.", "批次 {0} 已在未关闭的召回 {1} 中。",
        hint_en="Work the open recall, or close it before opening another on the same lots.",
        hint_zh="请处理该未关闭的召回，或先将其关闭，再对相同批次发起新的召回。"),
    "recall.notify_before_ack": Text(
        "Record the notification before the acknowledgement.", "请先登记通知，再登记回执。"),
    "recall.already_acknowledged": Text(
        "Already acknowledged, recorded by {0} at {1}.", "已登记回执，由 {0} 于 {1} 登记。"),
    "recall.bad_check_level": Text(
        "The effectiveness check level is A, B, C, D or E.", "有效性检查级别为 A、B、C、D 或 E。"),
    "recall.sample_fixed": Text(
        "Checks have been recorded; the sample can no longer be redrawn.", "已登记检查结果；不能再重新抽样。"),
    "recall.records_final": Text(
        "Recall records are kept: they cannot be removed or rewritten.", "召回记录须保存：不能删除或改写。"),
    "recall.not_initiated": Text(
        "Recall {0} was not signed “Recall initiated”; nothing was opened.", "召回 {0} 未签署“召回发起”；未发起任何召回。"),
    "recall.unknown_method": Text(
        "Unknown notification method “{0}”: phone, email, letter, fax or visit.",
        "未知的通知方式 “{0}”：应为电话、电子邮件、信函、传真或上门。"),
    "recall.already_notified": Text("Already notified by {0} at {1}.", "已由 {0} 于 {1} 通知。"),
    "recall.bad_check_result": Text(
        "The result of a check is effective, ineffective or no_response.", "检查结果应为有效、无效或未回复。"),
    "recall.not_in_sample": Text("This consignee is not in the drawn sample.", "该收货单位不在抽取的样本中。"),
    "recall.lot_not_shipped_here": Text(
        "This lot was not shipped to this consignee in recall {0}.", "在召回 {0} 中，该批次未发往此收货单位。"),
    "recall.bad_return_quantity": Text(
        "The quantity returned is a whole number above zero.", "退回数量应为大于零的整数。"),
    "recall.return_too_large": Text(
        "A return of {0} is more than this consignee holds of the lot: {1} on hand at opening, {2} returned since.",
        "退回 {0} 超过该收货单位持有的数量：召回发起时持有 {1}，此后已退回 {2}。",
        hint_en="Check the count with the consignee.", hint_zh="请与收货单位核对数量。"),
    "recall.no_such_recall": Text("There is no such recall.", "没有这个召回。"),
    "recall.closed_no_records": Text(
        "Recall {0} is closed; nothing more is recorded on it.", "召回 {0} 已关闭；不能再登记任何内容。"),
    "recall.not_a_consignee": Text(
        "This party is not a consignee of recall {0}.", "该单位不是召回 {0} 的收货单位。"),
    "recall.signature_changed": Text(
        "The recall changed while you were signing; review it and sign again.", "您签名期间召回已被修改；请重新查看后再签名。"),
    "recall.sign_role": Text(
        "Only regulatory affairs and QA approvers sign recalls.", "只有法规事务人员和质量批准人可以签署召回。"),
    "recall.opener_signs_initiation": Text(
        "The person who opens a recall signs its initiation.", "召回的发起签名须由发起人本人签署。"),
    "recall.already_closed": Text("Recall {0} is already closed.", "召回 {0} 已关闭。"),
    "recall.cannot_close_yet": Text(
        "Recall {0} cannot be closed yet: {1}", "召回 {0} 尚不能关闭：{1}",
        hint_en="Record the missing notifications, acknowledgements and returns first.",
        hint_zh="请先登记缺少的通知、回执和退货。"),
    "recall.calendar_reason_required": Text(
        "State the reason for this change to the working calendar.", "请说明此次修改工作日历的原因。"),
    # signatures
    "signature.final": Text("Electronic signatures cannot be changed or removed.", "电子签名不能更改或删除。"),
}
