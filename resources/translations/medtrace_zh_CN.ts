<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AcknowledgeDialog</name>
    <message>
        <location filename="../../app/views/expiry_alerts.py" line="+376"/>
        <source>Acknowledge expiry alert</source>
        <translation>确认效期预警</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Lot %1 · %2</source>
        <translation>批次 %1 · %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Expiry date</source>
        <translation>失效日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on hand</source>
        <translation>现存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Site</source>
        <translation>地点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Threshold</source>
        <translation>预警阈值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 days</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Raised</source>
        <translation>发出时间</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Escalated</source>
        <translation>已升级</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What you checked and what will happen to the stock (required)</source>
        <translation>您核查了什么、库存将如何处理（必填）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>— decide later —</source>
        <translation>— 稍后决定 —</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disposition</source>
        <translation>处置</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Write a note: what you checked and what will happen to the stock.</source>
        <translation>请填写备注：您核查了什么、库存将如何处理。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The note is too long (at most %1 characters).</source>
        <translation>备注过长（最多 %1 个字符）。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Not recorded: %1 Their note and disposition stand; the list shows them.</source>
        <translation>未记录：%1 以对方的备注和处置为准，列表中可查看。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The acknowledgement could not be recorded because of an unexpected problem; the details are in the log.</source>
        <translation>因意外问题未能记录确认；详情见日志。</translation>
    </message>
</context>
<context>
    <name>ActivationCodeDialog</name>
    <message>
        <location filename="../../app/views/admin_page.py" line="+234"/>
        <source>Activation code for %1</source>
        <translation>%1 的激活码</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Activation code for %1 (%2)</source>
        <translation>%1（%2）的激活码</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Valid for %1 hours, and only once. Give it to the person in person; it is shown only now. At their first sign-in (user name, and this code as the password) they choose their own password and set up their authenticator app.</source>
        <translation>有效期 %1 小时，仅可使用一次。请当面交给本人；激活码只在此刻显示。本人首次登录时（输入用户名，并以此激活码作为密码）将设置自己的密码并绑定身份验证器应用。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
</context>
<context>
    <name>ActivationDialog</name>
    <message>
        <location filename="../../app/views/activation.py" line="+318"/>
        <source>Activate your account — MedTrace</source>
        <translation>激活您的账户 — MedTrace</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Welcome, %1</source>
        <translation>欢迎，%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose your password and set up your authenticator app. Nobody else, not even an administrator, will know either. User name: %1</source>
        <translation>请设置您的密码并绑定身份验证器应用。除您本人外，任何人（包括管理员）都不会知道这两者。用户名：%1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>1. Your password</source>
        <translation>1. 您的密码</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>2. Your authenticator app</source>
        <translation>2. 您的身份验证器应用</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Activating…</source>
        <translation>正在激活…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Activate</source>
        <translation>激活</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Your recovery codes</source>
        <translation>您的恢复码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>AddPersonDialog</name>
    <message>
        <location filename="../../app/views/admin_page.py" line="-104"/>
        <source>Add a person</source>
        <translation>添加人员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add and issue activation code</source>
        <translation>添加并签发激活码</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>e.g. zhang.wei</source>
        <translation>例如 zhang.wei</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Full name as printed with signatures</source>
        <translation>签名中显示的全名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Full printed name</source>
        <translation>签名全名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Use 3–31 lower-case letters, digits, “_” or “.” for the user name, starting with a letter.</source>
        <translation>用户名须由 3–31 个小写字母、数字、“_”或“.”组成，并以字母开头。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Enter the person&apos;s full name as it appears on signatures.</source>
        <translation>请输入签名中显示的该人员全名。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose at least one role.</source>
        <translation>请至少选择一个角色。</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <location line="+107"/>
        <source>People and access</source>
        <translation>人员与权限</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Who may sign in, and with which roles. Administrators never see a password or an authenticator key: new and reset accounts get a one-time activation code.</source>
        <translation>谁可以登录以及具有哪些角色。管理员永远看不到任何密码或身份验证器密钥：新建或重置的账户会获得一次性激活码。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Only administrators manage people. You can see this page, not use it.</source>
        <translation>只有管理员可以管理人员。您可以查看此页面，但不能操作。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add person…</source>
        <translation>添加人员…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change roles…</source>
        <translation>更改角色…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lock…</source>
        <translation>锁定…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset password and authenticator…</source>
        <translation>重置密码和身份验证器…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Company profile…</source>
        <translation>企业信息…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Legal name, address, manufacturing licence no., registrant and logo printed on every report and recall letter</source>
        <translation>每份报告和召回通知函上印制的企业名称、地址、生产许可证编号、注册人/备案人及标志</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+21"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location line="-21"/>
        <source>Printed name</source>
        <translation>签名全名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authenticator</source>
        <translation>身份验证器</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Security alerts</source>
        <translation>安全警报</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Raised</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Alert</source>
        <translation>警报</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location line="+95"/>
        <source>Waiting for activation</source>
        <translation>等待激活</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Active</source>
        <translation>已启用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Locked: %1</source>
        <translation>已锁定：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Enrolled</source>
        <translation>已绑定</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not enrolled</source>
        <translation>未绑定</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Account locked</source>
        <translation>账户已锁定</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recovery code used</source>
        <translation>已使用恢复码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not yet</source>
        <translation>尚未确认</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 not yet acknowledged</source>
        <translation>%1 条尚未确认</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Too many failed sign-in attempts</source>
        <translation>登录失败次数过多</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Locked by an administrator</source>
        <translation>被管理员锁定</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 recovery codes left</source>
        <translation>剩余 %1 个恢复码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 failed sign-in attempts</source>
        <translation>%1 次登录失败</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>This lockout clears when the account is unlocked or reset.</source>
        <translation>解锁或重置账户后，此锁定即解除。</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Reset %1</source>
        <translation>重置 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset the password and authenticator of %1? Their password, authenticator and recovery codes stop working at once and they are signed out everywhere. They will need the new activation code to sign in again.</source>
        <translation>要重置 %1 的密码和身份验证器吗？其密码、身份验证器和恢复码将立即失效，并在所有工作站上退出登录。需要使用新的激活码才能再次登录。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reset and issue activation code</source>
        <translation>重置并签发激活码</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>The operation failed because of an unexpected problem (%1). The details are in the log.</source>
        <translation>操作因意外问题（%1）失败。详细信息见日志。</translation>
    </message>
</context>
<context>
    <name>AdministratorPage</name>
    <message>
        <location filename="../../app/views/first_run_wizard.py" line="+120"/>
        <source>The administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The name printed with every signature must be the person&apos;s full legal name (21 CFR 11.50).</source>
        <translation>每个签名中显示的姓名必须是本人的法定全名（21 CFR 11.50）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>e.g. li.na</source>
        <translation>例如 li.na</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>e.g. 李娜 (Li Na)</source>
        <translation>例如 李娜 (Li Na)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>3–31 lower-case letters, digits, “_” or “.”, starting with a letter.</source>
        <translation>3–31 个小写字母、数字、“_”或“.”，以字母开头。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Creating the administrator…</source>
        <translation>正在创建管理员…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Full printed name</source>
        <translation>签名全名</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Create administrator</source>
        <translation>创建管理员</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>The administrator could not be created (%1). The details are in the log.</source>
        <translation>无法创建管理员（%1）。详细信息见日志。</translation>
    </message>
</context>
<context>
    <name>AgendaPanel</name>
    <message>
        <location filename="../../app/views/expiry_calendar.py" line="+527"/>
        <source>Next %1 days</source>
        <translation>未来 %1 天</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>%1 lot(s) with stock expire by %2, %3 units on hand.</source>
        <translation>%1 个有库存的批次在 %2 前失效，现有库存 %3。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No lot with stock on hand expires in this period.</source>
        <translation>此期间内没有有库存的批次失效。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 lot(s) with stock have no expiry date, so no calendar can show them. Enter their expiry date in the lot record (Lots page).</source>
        <translation>%1 个有库存的批次没有失效日期，日历无法显示。请在批次记录（批次页面）中填写失效日期。</translation>
    </message>
</context>
<context>
    <name>AlertPanel</name>
    <message>
        <location filename="../../app/views/expiry_alerts.py" line="-201"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Acknowledge…</source>
        <translation>确认…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Record that you have seen this alert, with a note and a disposition</source>
        <translation>记录您已知悉此预警，并填写备注和处置</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your role may see expiry alerts but not acknowledge them.</source>
        <translation>您的角色可以查看效期预警，但不能确认。</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>No expiry alert is waiting. Alerts are raised by the daily expiry check when a lot with stock crosses one of its product&apos;s thresholds.</source>
        <translation>没有待处理的效期预警。有库存的批次达到其产品的某个预警阈值时，每日效期检查会发出预警。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 escalated, %2 waiting for acknowledgement, %3 in all.</source>
        <translation>已升级 %1 条，待确认 %2 条，共 %3 条。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The %1 most urgent are listed; the calendar and the expiry report show every lot.</source>
        <translation>列出最紧急的 %1 条；日历和效期报告显示全部批次。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The alerts could not be loaded: %1</source>
        <translation>无法加载预警：%1</translation>
    </message>
</context>
<context>
    <name>AuditAction</name>
    <message>
        <location filename="../../app/views/audit_page.py" line="+122"/>
        <source>Created</source>
        <translation>新建</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deleted</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
</context>
<context>
    <name>AuditDetailPanel</name>
    <message>
        <location line="+168"/>
        <source>Select an entry to see its old and new values and the reason.</source>
        <translation>选择一条记录，查看其原值、新值和变更原因。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Workstation</source>
        <translation>工作站</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Audit entry</source>
        <translation>审计记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason for change</source>
        <translation>变更原因</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Old value</source>
        <translation>原值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Highlighted: fields this entry changed.</source>
        <translation>高亮显示：本条记录更改的字段。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show this record&apos;s history</source>
        <translation>显示该记录的历史</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>%1 %2 — %3</source>
        <translation>%1 %2 — %3</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>(none given)</source>
        <translation>（未填写）</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location line="+50"/>
        <source>Audit trail</source>
        <translation>审计追踪</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Any time</source>
        <translation>任意时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Dates…</source>
        <translation>指定日期…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>From (inclusive)</source>
        <translation>起始日期（含）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To (inclusive)</source>
        <translation>截止日期（含）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All record types</source>
        <translation>全部记录类型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Record id</source>
        <translation>记录编号</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Any action</source>
        <translation>任意操作</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Search reasons and values</source>
        <translation>搜索变更原因和值</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+47"/>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location line="-36"/>
        <location line="+340"/>
        <source>Verify integrity</source>
        <translation>校验完整性</translation>
    </message>
    <message>
        <location line="-339"/>
        <source>Recompute every link of the hash chain and check the seals</source>
        <translation>重新计算哈希链的每一环并校验封签</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Seal now</source>
        <translation>立即封签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign the head of the hash chain with this workstation&apos;s seal key</source>
        <translation>用本工作站的封签密钥对哈希链末端签名</translation>
    </message>
    <message>
        <location line="+121"/>
        <source>The start date is after the end date.</source>
        <translation>起始日期晚于截止日期。</translation>
    </message>
    <message>
        <location line="+83"/>
        <source>No audit entries yet — every creation, change and deletion of a record will appear here, with who made it, when and why.</source>
        <translation>尚无审计记录——记录的每一次新建、修改和删除都将显示在这里，并注明操作人、时间和原因。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No entries match these filters — clear filters to see all.</source>
        <translation>没有符合筛选条件的记录——清除筛选可查看全部。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>1 entry</source>
        <translation>1 条记录</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 entries</source>
        <translation>%1 条记录</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 newest entries shown; scroll for more</source>
        <translation>显示最新的 %1 条记录；向下滚动可查看更多</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The audit trail could not be read. Details are in the log.</source>
        <translation>无法读取审计追踪。详细信息见日志。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Verifying…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>The trail is empty: there is nothing to seal yet.</source>
        <translation>审计追踪为空：尚无可封签的内容。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Audit trail sealed at position %1.</source>
        <translation>审计追踪已在第 %1 条处封签。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The audit trail could not be sealed: %1</source>
        <translation>审计追踪无法封签：%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 of %2 entries</source>
        <translation>%1 / %2 条记录</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Audit trail intact: %1 entries and %2 seals verified in %3 s.</source>
        <translation>审计追踪完整：已在 %3 秒内校验 %1 条记录和 %2 个封签。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No seal was made with a key this workstation trusts.</source>
        <translation>没有使用本工作站信任的密钥生成的封签。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The trail has not been sealed yet.</source>
        <translation>审计追踪尚未封签。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Last trusted seal: %1 hours ago.</source>
        <translation>最后一个可信封签：%1 小时前。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>That is more than 24 hours: the sealing workstation should seal the trail.</source>
        <translation>已超过 24 小时：封签工作站应对审计追踪封签。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>entry %1 (chain position %2)</source>
        <translation>记录 %1（链位置 %2）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>entry %1</source>
        <translation>记录 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>chain position %1</source>
        <translation>链位置 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>AUDIT TRAIL BROKEN at %1: %2.</source>
        <translation>审计追踪在 %1 处被破坏：%2。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 further problems found.</source>
        <translation>另发现 %1 个问题。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Report this to the quality manager; do not rely on the trail after this point.</source>
        <translation>请报告质量负责人；此位置之后的审计追踪不可信赖。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The audit trail could not be verified: %1</source>
        <translation>无法校验审计追踪：%1</translation>
    </message>
    <message>
        <location line="-52"/>
        <location line="+53"/>
        <source>see the log for details.</source>
        <translation>详细信息见日志。</translation>
    </message>
</context>
<context>
    <name>AuditProblem</name>
    <message>
        <location line="-713"/>
        <source>the entry or its link was altered</source>
        <translation>该记录或其链接被篡改</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the entry was deleted</source>
        <translation>该记录已被删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the entry was inserted outside the audit trail (not chained)</source>
        <translation>该记录是在审计追踪之外插入的（未入链）</translation>
    </message>
</context>
<context>
    <name>AuditReviewDialog</name>
    <message>
        <location filename="../../app/views/release_detail.py" line="+226"/>
        <source>Review the audit trail — lot %1</source>
        <translation>复核审计追踪——批号 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Audit trail of lot %1</source>
        <translation>批号 %1 的审计追踪</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Every change to the lot record, oldest first: who, when, what changed and why. Read it, then mark it reviewed. A later change to the lot, its QC results or its deviations re-opens this checklist item. Changes to QC results and deviations are listed on the Audit trail page.</source>
        <translation>批次记录的每一次变更（按时间先后）：谁、何时、改了什么、原因。阅读后标记为已复核。此后批次、其检验结果或偏差的任何变更都会使本检查项重新变为未完成。检验结果和偏差的变更请在“审计追踪”页面查看。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Changes</source>
        <translation>变更内容</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Reading the audit trail…</source>
        <translation>正在读取审计追踪…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Mark audit trail reviewed</source>
        <translation>标记审计追踪已复核</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>1 entry.</source>
        <translation>共 1 条。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 entries.</source>
        <translation>共 %1 条。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Created</source>
        <translation>创建</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Deleted</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Recording the review…</source>
        <translation>正在记录复核…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>This failed because of an unexpected problem (%1). The details are in the log.</source>
        <translation>因意外问题（%1）未能完成。详情见日志。</translation>
    </message>
</context>
<context>
    <name>AuditTable</name>
    <message>
        <location filename="../../app/views/audit_page.py" line="-31"/>
        <source>Lot</source>
        <translation>批次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Party</source>
        <translation>单位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial unit</source>
        <translation>序列号单元</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>QC result</source>
        <translation>检验结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deviation</source>
        <translation>偏差</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Genealogy</source>
        <translation>批次谱系</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Movement</source>
        <translation>出入库记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company profile</source>
        <translation>企业信息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Security alert</source>
        <translation>安全警报</translation>
    </message>
</context>
<context>
    <name>AuditTableModel</name>
    <message>
        <location line="+62"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Record type</source>
        <translation>记录类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Changed fields</source>
        <translation>更改的字段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason for change</source>
        <translation>变更原因</translation>
    </message>
</context>
<context>
    <name>AuthenticatorEnrolment</name>
    <message>
        <location filename="../../app/views/activation.py" line="-225"/>
        <source>1. Open an authenticator app on your phone (for example Microsoft Authenticator, Google Authenticator or FreeOTP).
2. Scan this QR code with it.
3. Enter the 6-digit code the app shows now.</source>
        <translation>1. 在手机上打开身份验证器应用（例如 Microsoft Authenticator、Google Authenticator 或 FreeOTP）。
2. 用它扫描此二维码。
3. 输入应用当前显示的 6 位验证码。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Scan with your authenticator app</source>
        <translation>请用身份验证器应用扫描</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot scan? Enter this key by hand (time-based, %1 digits, every %2 seconds):</source>
        <translation>无法扫描？请手动输入此密钥（基于时间，%1 位数字，每 %2 秒更新）：</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Code from the app</source>
        <translation>应用中的验证码</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The code from the authenticator app does not match. Check that the phone&apos;s clock is right, scan the QR code again and enter the code it shows now.</source>
        <translation>身份验证器应用的验证码不匹配。请检查手机时间是否准确，重新扫描二维码，并输入当前显示的验证码。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The activation code has expired or was already used. Ask an administrator for a new one.</source>
        <translation>激活码已过期或已被使用。请向管理员索取新的激活码。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Activation failed because of an unexpected problem (%1). The details are in the log.</source>
        <translation>激活因意外问题（%1）失败。详细信息见日志。</translation>
    </message>
</context>
<context>
    <name>AuthenticatorPage</name>
    <message>
        <location filename="../../app/views/first_run_wizard.py" line="+43"/>
        <source>Your authenticator app</source>
        <translation>您的身份验证器应用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every sign-in and signature asks for the code this app shows.</source>
        <translation>每次登录和签名都需要输入此应用显示的验证码。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Activating…</source>
        <translation>正在激活…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Activate</source>
        <translation>激活</translation>
    </message>
</context>
<context>
    <name>BackupPanel</name>
    <message>
        <location filename="../../app/views/backup_panel.py" line="+41"/>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back up now…</source>
        <translation>立即备份…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restore and verify a backup…</source>
        <translation>恢复并验证备份…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Only administrators make and restore backups.</source>
        <translation>只有管理员可以备份和恢复。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This workstation uses a shared server: its database administrator backs it up with PostgreSQL&apos;s own tools (or “medtrace backup” on the server).</source>
        <translation>本工作站使用共享服务器：由其数据库管理员使用 PostgreSQL 自带工具（或在服务器上使用 “medtrace backup”）进行备份。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A backup is one file holding the whole database. “Restore and verify” rebuilds it in a new folder, checks it and writes a backup verification record; the database in use is not touched.</source>
        <translation>备份是包含整个数据库的一个文件。“恢复并验证”会在新文件夹中重建数据库、进行检查并生成备份验证记录；正在使用的数据库不受影响。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Save backup as</source>
        <translation>备份另存为</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+6"/>
        <source>MedTrace backups (*.mtbackup)</source>
        <translation>MedTrace 备份 (*.mtbackup)</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Backup to restore</source>
        <translation>要恢复的备份</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>New, empty folder to restore into</source>
        <translation>恢复到的新空文件夹</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Reading the database</source>
        <translation>正在读取数据库</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dumping the database</source>
        <translation>正在导出数据库</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dumping the roles</source>
        <translation>正在导出角色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Writing the backup file</source>
        <translation>正在写入备份文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recording the backup in the audit trail</source>
        <translation>正在将备份记入审计追踪</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checking the backup file</source>
        <translation>正在检查备份文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Starting a new database server</source>
        <translation>正在启动新的数据库服务器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restoring the roles</source>
        <translation>正在恢复角色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restoring the database</source>
        <translation>正在恢复数据库</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restored</source>
        <translation>已恢复</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verifying the restored database</source>
        <translation>正在验证恢复的数据库</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verifying the audit trail</source>
        <translation>正在验证审计追踪</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Writing the backup verification record</source>
        <translation>正在写入备份验证记录</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Backup written to %1 (%2 MB). Its SHA-256 is recorded in the audit trail.</source>
        <translation>备份已写入 %1（%2 MB），其 SHA-256 已记入审计追踪。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The backup was restored and every check passed. Verification record: %1</source>
        <translation>备份已恢复，所有检查均通过。验证记录：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>THE BACKUP DID NOT PASS VERIFICATION (%2). Verification record: %1</source>
        <translation>备份未通过验证（%2）。验证记录：%1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The operation failed because of an unexpected problem (%1). The details are in the log.</source>
        <translation>操作因意外问题（%1）而失败，详情见日志。</translation>
    </message>
</context>
<context>
    <name>CalendarModel</name>
    <message>
        <location filename="../../app/views/expiry_calendar.py" line="-312"/>
        <source>%1: no lot with stock expires</source>
        <translation>%1：没有有库存的批次失效</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: %2 lot(s) with stock expire</source>
        <translation>%1：%2 个有库存的批次失效</translation>
    </message>
</context>
<context>
    <name>CaseView</name>
    <message>
        <location filename="../../app/views/recalls_page.py" line="+312"/>
        <source>Choose a case on the left.</source>
        <translation>请在左侧选择一个案例。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Notified</source>
        <translation>已通知</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Units returned</source>
        <translation>已退回数量</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Mark &amp;notified</source>
        <translation>标记为已通知(&amp;N)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mark &amp;acknowledged</source>
        <translation>标记为已确认(&amp;A)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Return…</source>
        <translation>登记退回(&amp;R)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Record that the selected consignees were notified (N)</source>
        <translation>登记所选收货单位已被通知（N）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Record that the selected consignees acknowledged (A)</source>
        <translation>登记所选收货单位已确认收到通知（A）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Record units returned by the selected consignee (R)</source>
        <translation>登记所选收货单位退回的数量（R）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>No lot in scope was shipped from our sites: there is no consignee to notify. The drill report says so and lists what would be held at our sites.</source>
        <translation>召回范围内的批次均未从本企业发出：没有需要通知的收货单位。演练报告会注明这一点，并列出本企业库存中应被控制的数量。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Lot / consignee</source>
        <translation>批次 / 收货单位</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tier</source>
        <translation>级次</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Made / shipped</source>
        <translation>生产 / 发货数量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On hand</source>
        <translation>库存</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reconciled</source>
        <translation>数量平衡</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Compare with today&apos;s trace</source>
        <translation>与当前追溯结果比较</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Draw the sample</source>
        <translation>抽取核查样本</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rank</source>
        <translation>序号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Consignee</source>
        <translation>收货单位</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checked by</source>
        <translation>核查人</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+225"/>
        <source>Effective</source>
        <translation>有效</translation>
    </message>
    <message>
        <location line="-225"/>
        <location line="+225"/>
        <source>Not effective</source>
        <translation>无效</translation>
    </message>
    <message>
        <location line="-224"/>
        <location line="+225"/>
        <source>No response</source>
        <translation>无回应</translation>
    </message>
    <message>
        <location line="-223"/>
        <source>Level (21 CFR 7.42(b)(3))</source>
        <translation>核查级别（21 CFR 7.42(b)(3)）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Record for the selected consignee:</source>
        <translation>为所选收货单位登记：</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Consignees</source>
        <translation>收货单位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scope</source>
        <translation>召回范围</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Effectiveness checks</source>
        <translation>有效性核查</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>KPIs and data gaps</source>
        <translation>关键指标与数据缺口</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Report…</source>
        <translation>报告…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Notification letters…</source>
        <translation>召回通知函…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consignee list (Excel)…</source>
        <translation>收货单位清单（Excel）…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close the case…</source>
        <translation>关闭案例…</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>The recall could not be read or changed. Details are in the log.</source>
        <translation>无法读取或修改该召回。详情见日志。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Choose a case on the left, or start a drill on a lot.</source>
        <translation>请在左侧选择一个案例，或对某个批次启动演练。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Drill</source>
        <translation>演练</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Recall</source>
        <translation>召回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 %2 — lot %3</source>
        <translation>%1 %2 — 批号 %3</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>%1 — overdue</source>
        <translation>%1 — 已逾期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Level</source>
        <translation>召回级别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>召回原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Health hazard</source>
        <translation>健康危害</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Opened</source>
        <translation>启动</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+9"/>
        <source>%1 by %2</source>
        <translation>%1，%2</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Notify all consignees by</source>
        <translation>通知全部收货单位期限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recall plan due (医疗器械召回管理办法)</source>
        <translation>召回计划提交期限（医疗器械召回管理办法）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>FDA report due (21 CFR 806.10)</source>
        <translation>FDA 报告期限（21 CFR 806.10）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Closed</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>suspect lot</source>
        <translation>可疑批次</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>made with it</source>
        <translation>使用该批次生产</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>made %1 = on hand %2 + shipped %3 − returned %4 + consumed %5 + scrapped %6</source>
        <translation>生产 %1 = 库存 %2 + 发货 %3 − 退回 %4 + 消耗 %5 + 报废 %6</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 more lots in scope are not listed here; the recall reports list every lot.</source>
        <translation>范围内另有 %1 个批次未在此列出；召回报告列出全部批次。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Would be held at our sites (drill: nothing was held): %1 units — %2</source>
        <translation>本企业库存中应控制的数量（演练：未实际控制）：%1 件 — %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Held at our sites since opening: %1 units — %2</source>
        <translation>自启动起本企业库存已控制：%1 件 — %2</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>to check</source>
        <translation>待核查</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Time to identify the scope</source>
        <translation>确定召回范围用时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time to contain</source>
        <translation>控制库存用时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time to notify all consignees</source>
        <translation>通知全部收货单位用时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantity reconciled</source>
        <translation>数量平衡比例</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consignees acknowledged</source>
        <translation>收货单位确认比例</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Data gaps found</source>
        <translation>发现的数据缺口</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No data gap found.</source>
        <translation>未发现数据缺口。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Before closing</source>
        <translation>关闭前尚需</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Regulatory and QA approvers close a case with their signature.</source>
        <translation>由法规事务人员或 QA 批准人签名关闭案例。</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>Tracing…</source>
        <translation>正在追溯…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The scope is unchanged since opening.</source>
        <translation>自启动以来召回范围没有变化。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 consignees added since opening (%2 lines); %3 lines no longer found.</source>
        <translation>自启动以来新增 %1 个收货单位（%2 行）；%3 行已不再出现。</translation>
    </message>
</context>
<context>
    <name>CasesModel</name>
    <message>
        <location line="-624"/>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Opened</source>
        <translation>启动时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notify all by</source>
        <translation>通知期限</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Notified</source>
        <translation>已通知</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Drill</source>
        <translation>演练</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Recall</source>
        <translation>召回</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 (overdue)</source>
        <translation>%1（已逾期）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no consignee</source>
        <translation>无收货单位</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <location filename="../../app/views/change_password_dialog.py" line="+24"/>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>6-digit code</source>
        <translation>6 位动态码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New password again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authenticator code</source>
        <translation>动态验证码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Use at least 12 characters; a short phrase works well. Your signing key is re-protected with the new password, and your earlier signatures stay valid.</source>
        <translation>至少 12 个字符，可以使用一句短语。您的签名密钥将用新密码重新保护，之前的电子签名仍然有效。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The two new passwords differ.</source>
        <translation>两次输入的新密码不一致。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>The password could not be changed.</source>
        <translation>密码未能修改。</translation>
    </message>
</context>
<context>
    <name>CloseRecallDialog</name>
    <message>
        <location filename="../../app/views/recall_dialogs.py" line="+372"/>
        <source>Close drill %1</source>
        <translation>关闭演练 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close recall %1</source>
        <translation>关闭召回 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 consignees: %2 notified, %3 acknowledged; %4 of %5 units returned.</source>
        <translation>%1 个收货单位：已通知 %2 个，已确认 %3 个；已退回 %4 / %5 件。</translation>
    </message>
</context>
<context>
    <name>ComingPage</name>
    <message>
        <location filename="../../app/views/pages.py" line="+44"/>
        <source>Sign in to use this page.</source>
        <translation>登录后即可使用此页面。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Lots</source>
        <translation>批次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every lot with its product, dates, quantity and release status; search by lot number, product or UDI, and open a lot to see its QC results, deviations and history.</source>
        <translation>所有批次及其产品、日期、数量和放行状态；可按批号、产品或唯一标识（UDI）查找，打开批次可查看检验结果、偏差和历史记录。</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Recall management is not included in this installation of MedTrace.</source>
        <translation>此 MedTrace 安装未包含召回管理功能。</translation>
    </message>
    <message>
        <location line="-45"/>
        <source>Release queue</source>
        <translation>放行队列</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lots awaiting review and approval, with two-person electronic signatures. Each lot shows its release checklist (QC results, closed deviations, verified label, reviewed audit trail) and is released only after two different qualified people have signed: review, then approval.</source>
        <translation>等待审核和批准的批次，采用双人复核电子签名。每个批次显示其放行检查单（检验结果、偏差已关闭、标签已核对、审计追踪已审阅），只有在两位不同的具备资质人员先后完成审核签名和批准签名后才能放行。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Scan</source>
        <translation>扫码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan a UDI (GS1, HIBCC or China MA code) to look up the product and lot, check its expiry and status, and record receipts, shipments and returns.</source>
        <translation>扫描唯一标识（GS1、HIBCC 或中国 MA 码），查询产品和批次，核对效期和状态，并登记收货、发货和退货。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Trace</source>
        <translation>追溯</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trace a lot forward to every finished lot and every consignee at every tier, or backward to the component lots it was made from, and print the traceability report.</source>
        <translation>正向追溯一个批次直至每个成品批次和每一级收货单位，或反向追溯到其所用的组件批次，并打印追溯报告。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Expiry</source>
        <translation>效期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An expiry calendar with alerts at each product&apos;s thresholds (for example 180, 90, 30 and 7 days), with owners, acknowledgement and disposition of every lot about to expire.</source>
        <translation>效期日历，按各产品设定的阈值（例如 180、90、30 和 7 天）发出效期预警；每个即将到期的批次都有负责人、确认和处置记录。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Recalls</source>
        <translation>召回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Start a recall or a recall drill from a suspect lot: the affected lots and consignees are found for you, internal stock is put on hold, and notifications, acknowledgements and returns are tracked against the legal deadlines (level I/II/III recall: 1, 3 or 7 days).</source>
        <translation>从可疑批次发起召回或召回演练：系统自动找出受影响的批次和收货单位，将内部库存暂停放行，并按法定时限跟踪通知、确认和退回（一级/二级/三级召回：1、3 或 7 日）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Reports</source>
        <translation>报告</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PDF and Excel records an inspector accepts: release record with signatures, traceability report, recall and drill report, expiry report, audit-trail extract and UDI data export.</source>
        <translation>检查员认可的 PDF 和 Excel 记录：含签名的放行记录、追溯报告、召回及演练报告、效期报告、审计追踪摘录和 UDI 数据导出。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Audit trail</source>
        <translation>审计追踪</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every change to a GMP record: who, when, what changed from what to what, and why. The trail cannot be edited, and its hash chain can be verified at any time.</source>
        <translation>GMP 记录的每一次更改：何人、何时、由何值改为何值以及变更原因。审计追踪不可编辑，其哈希链可随时校验。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Admin</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Users, their roles and two-factor sign-in; locking and unlocking accounts; master data for products and parties; imports from Excel or CSV.</source>
        <translation>用户、角色和双因素登录；锁定和解锁账户；产品和单位主数据；从 Excel 或 CSV 导入。</translation>
    </message>
</context>
<context>
    <name>CompanyPage</name>
    <message>
        <location filename="../../app/views/first_run_wizard.py" line="-186"/>
        <source>Your company</source>
        <translation>贵企业</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Printed at the top of every report and on every recall letter. An administrator can correct it later on the Admin page, with a reason.</source>
        <translation>印在每份报告的页眉和每封召回通知函上。系统管理员以后可在“系统管理”页面修改（需填写变更原因）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. 苏州明德医疗器械有限公司</source>
        <translation>例如：苏州明德医疗器械有限公司</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. Suzhou Mingde Medical Devices Co., Ltd.</source>
        <translation>例如：Suzhou Mingde Medical Devices Co., Ltd.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. 苏药监械生产许20150088号</source>
        <translation>例如：苏药监械生产许20150088号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>usually the company itself</source>
        <translation>通常即本企业</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The legal name in Chinese, in English or both (at least one).</source>
        <translation>中文名称、英文名称或两者均填（至少填写一项）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Legal name (Chinese)</source>
        <translation>企业名称（中文）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Legal name (English)</source>
        <translation>企业名称（英文）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manufacturing licence no.</source>
        <translation>生产许可证编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Registrant</source>
        <translation>注册人/备案人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Logo (optional)</source>
        <translation>企业标志（可选）</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <location filename="../../app/views/dashboard_page.py" line="+115"/>
        <source>Dashboard</source>
        <translation>概览</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Release queue</source>
        <translation>放行队列</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open the release queue</source>
        <translation>打开放行队列</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stock inside an expiry threshold</source>
        <translation>进入效期预警期的库存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the expiry list</source>
        <translation>打开效期清单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open expiry alerts</source>
        <translation>未处理的效期预警</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open the alerts</source>
        <translation>打开预警</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open recalls and drills</source>
        <translation>进行中的召回与演练</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+1"/>
        <source>Open the recalls</source>
        <translation>打开召回</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Drill KPIs</source>
        <translation>演练关键指标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Audit trail</source>
        <translation>审计追踪</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open the audit trail</source>
        <translation>打开审计追踪</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Security alerts and locked accounts</source>
        <translation>安全警报与锁定账户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open administration</source>
        <translation>打开系统管理</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Open the lots awaiting review</source>
        <translation>打开待审核批次</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Show these lots</source>
        <translation>查看这些批次</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>An open deviation blocks the release of its lot.</source>
        <translation>未关闭的偏差会阻止该批次放行。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>As of %1 (the database server&apos;s date), read at %2</source>
        <translation>截至 %1（数据库服务器日期），读取于 %2</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>No lot is waiting for review, approval or a decision on a hold.</source>
        <translation>没有等待审核、批准或暂停处理的批次。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>all arrived today</source>
        <translation>均为今日进入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the oldest has waited %1 days</source>
        <translation>最久已等待 %1 天</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 ready for the reviewer&apos;s or approver&apos;s own steps · %2 blocked (QC or an open deviation) · %3</source>
        <translation>%1 批只待审核人或批准人完成本人步骤 · %2 批受阻（检验或未关闭偏差） · %3</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Awaiting review</source>
        <translation>待审核</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Awaiting approval</source>
        <translation>待批准</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On hold</source>
        <translation>暂停放行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>1–3 days</source>
        <translation>1–3 天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>4–7 days</source>
        <translation>4–7 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>8–30 days</source>
        <translation>8–30 天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>over 30 days</source>
        <translation>30 天以上</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Lots at a site, expiring within %1 days (the longest alert threshold)</source>
        <translation>各地点库存中 %1 天内到期的批次（最长预警期）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>≤ %1 days</source>
        <translation>≤ %1 天</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>nobody yet</source>
        <translation>尚无负责人</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>and %1 more owners</source>
        <translation>另有 %1 位负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open or escalated, by owner:</source>
        <translation>未处理或已升级，按负责人：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No alert is waiting for anyone.</source>
        <translation>没有待处理的预警。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 recalls · %2 drills · %3 past their notification deadline</source>
        <translation>%1 起召回 · %2 次演练 · %3 起已过通知时限</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Next deadline: lot %1, notify every consignee by %2 (%3 of %4 acknowledged)</source>
        <translation>下一时限：批次 %1，须在 %2 前通知全部收货方（已确认 %3 / %4）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No recall or drill is open.</source>
        <translation>没有进行中的召回或演练。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No drill has been run yet. Start one from the Trace page.</source>
        <translation>尚未进行过演练。可在追溯页面发起。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Latest drills; in the last one %1 of the quantity made was reconciled</source>
        <translation>最近的演练；最近一次生产数量的 %1 已核对平衡</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Never verified.</source>
        <translation>从未校验。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Verified intact %1 by %2.</source>
        <translation>%1 由 %2 校验，完整。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The last verification (%1) found the trail broken.</source>
        <translation>最近一次校验（%1）发现审计追踪已损坏。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Never sealed.</source>
        <translation>从未封签。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sealed %1; %2 entries since.</source>
        <translation>%1 已封签；此后新增 %2 条。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>entries in the chain</source>
        <translation>条记录在链中</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The audit trail may have been tampered with: %1 Open the audit trail and verify it; tell your quality manager.</source>
        <translation>审计追踪可能已被篡改：%1 请打开审计追踪进行校验，并告知质量负责人。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>unacknowledged security alerts</source>
        <translation>条未确认的安全警报</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Locked: %1</source>
        <translation>已锁定：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No account is locked.</source>
        <translation>没有被锁定的账户。</translation>
    </message>
    <message>
        <location line="-271"/>
        <source>Open deviations</source>
        <translation>未关闭的偏差</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Lots by status</source>
        <translation>各状态批次数</translation>
    </message>
    <message>
        <location line="+192"/>
        <source>%1 expired lots still hold stock at our sites: they cannot be shipped.</source>
        <translation>%1 个已过期批次在我方地点仍有库存：不能发货。</translation>
    </message>
    <message>
        <location line="+110"/>
        <source>The numbers could not be loaded: %1 They will be loaded again when records change.</source>
        <translation>无法加载统计数字：%1 记录发生变化时将重新加载。</translation>
    </message>
</context>
<context>
    <name>DayDelegate</name>
    <message>
        <location filename="../../app/views/expiry_calendar.py" line="+74"/>
        <source>+ %1 more</source>
        <translation>另有 %1 个</translation>
    </message>
</context>
<context>
    <name>DayPanel</name>
    <message>
        <location line="+141"/>
        <source>Choose a day</source>
        <translation>请选择日期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Press Enter on a day, or click it, to list the lots that expire that day.</source>
        <translation>在某一天上按 Enter 或单击，即可列出当天失效的批次。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Acknowledge alert…</source>
        <translation>确认预警…</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No lot with stock on hand expires on this day.</source>
        <translation>当天没有有库存的批次失效。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 lot(s), %2 units on hand. Select a lot with an alert to acknowledge it.</source>
        <translation>%1 个批次，现有库存 %2。选择有预警的批次即可确认。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Lots expiring on %1</source>
        <translation>%1 失效的批次</translation>
    </message>
</context>
<context>
    <name>EditCompanyDialog</name>
    <message>
        <location filename="../../app/views/record_edit_dialogs.py" line="+534"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>image, %1 KB (SHA-256 %2…)</source>
        <translation>图片，%1 KB（SHA-256 %2…）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Legal name (Chinese)</source>
        <translation>企业名称（中文）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Legal name (English)</source>
        <translation>企业名称（英文）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Manufacturing licence no.</source>
        <translation>生产许可证编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Registrant</source>
        <translation>注册人/备案人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Logo</source>
        <translation>企业标志</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Enter the company&apos;s legal name in Chinese, in English or both.</source>
        <translation>请填写企业名称（中文、英文或两者）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Set up the company profile</source>
        <translation>设置企业信息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company profile: %1</source>
        <translation>企业信息：%1</translation>
    </message>
</context>
<context>
    <name>EditLotDialog</name>
    <message>
        <location line="-251"/>
        <source>Production date</source>
        <translation>生产日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expiry date</source>
        <translation>失效日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Edit lot %1</source>
        <translation>编辑批次 %1</translation>
    </message>
</context>
<context>
    <name>EditPartyDialog</name>
    <message>
        <location line="+73"/>
        <location line="+6"/>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Minimum shelf life on receipt (days)</source>
        <translation>收货最短剩余效期（天）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A shipment to this party of a lot with fewer days left is refused, unless a QA approver authorises an exception with a reason.</source>
        <translation>向该单位发运剩余天数更少的批次将被拒绝，除非质量批准人说明原因并授权例外。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The same as a share of the product&apos;s shelf life; the stricter of the two applies.</source>
        <translation>以产品有效期的百分比表示；两者取更严格者。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact person</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Licence / filing no.</source>
        <translation>许可证/备案凭证编号</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Minimum shelf life on receipt (% of shelf life)</source>
        <translation>收货最短剩余效期（占有效期 %）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Owner of expiry alerts here (login)</source>
        <translation>此处效期预警负责人（登录名）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Edit party %1</source>
        <translation>编辑单位 %1</translation>
    </message>
</context>
<context>
    <name>EditProductDialog</name>
    <message>
        <location line="-78"/>
        <source>Implantable device</source>
        <translation>植入性器械</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Days before expiry at which alerts are raised, separated by ;</source>
        <translation>失效前多少天发出预警，用 ; 分隔</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Expiry alert days: 1 to 8 whole numbers above 0, separated by ;</source>
        <translation>效期预警天数：1 至 8 个大于 0 的整数，用 ; 分隔</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Product name</source>
        <translation>产品名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>English name</source>
        <translation>英文名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model / specification</source>
        <translation>型号/规格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Registration certificate no.</source>
        <translation>注册证编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Risk class</source>
        <translation>管理类别</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Implantable</source>
        <translation>植入性</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Shelf life (days)</source>
        <translation>有效期（天）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Device lifetime (days)</source>
        <translation>使用期限（天）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expiry alert days</source>
        <translation>效期预警天数</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Edit product %1</source>
        <translation>编辑产品 %1</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <location filename="../../app/views/main_window.py" line="+114"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Something went wrong that MedTrace did not expect (%1). The operation did not finish. The details are in the log in %2.</source>
        <translation>MedTrace 遇到了意外问题（%1），操作未完成。详细信息已写入日志，位于 %2。</translation>
    </message>
</context>
<context>
    <name>ExpiringLotModel</name>
    <message>
        <location filename="../../app/views/expiry_alerts.py" line="-218"/>
        <source>Expiry date</source>
        <translation>失效日期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DI</source>
        <translation>产品标识</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Site</source>
        <translation>地点</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>On hand</source>
        <translation>现有库存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Days left</source>
        <translation>剩余天数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Threshold</source>
        <translation>预警阈值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expiry alert</source>
        <translation>效期预警</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Acknowledged by</source>
        <translation>确认人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Disposition</source>
        <translation>处置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Raised</source>
        <translation>发出时间</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>≤ %1 days</source>
        <translation>≤ %1 天</translation>
    </message>
</context>
<context>
    <name>ExpiryCalendarPage</name>
    <message>
        <location filename="../../app/views/expiry_calendar.py" line="+84"/>
        <source>Expiry</source>
        <translation>效期</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>‹ Previous</source>
        <translation>‹ 上月</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Previous month (PgUp)</source>
        <translation>上个月（PgUp）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Back to today (Home)</source>
        <translation>回到今天（Home）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next ›</source>
        <translation>下月 ›</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Next month (PgDn)</source>
        <translation>下个月（PgDn）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>A month of days with their counts</source>
        <translation>按月显示每天的批次数</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Week</source>
        <translation>周</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>One week, with the lots of each day</source>
        <translation>一周，列出每天的批次</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Agenda</source>
        <translation>列表</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Everything that expires in the next days, in date order</source>
        <translation>按日期列出未来几天内失效的全部批次</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export calendar (.ics)…</source>
        <translation>导出日历 (.ics)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write the expiry dates as calendar events with reminders at the thresholds, for Outlook or Thunderbird</source>
        <translation>将失效日期导出为日历事件，并在各预警阈值处提醒，可导入 Outlook 或 Thunderbird</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Expiry report…</source>
        <translation>效期报告…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the expiry report (PDF or Excel) on the Reports page</source>
        <translation>在报告页面打开效期报告（PDF 或 Excel）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the agenda</source>
        <translation>显示列表</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Day</source>
        <translation>当天</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+365"/>
        <source>Expiry alerts</source>
        <translation>效期预警</translation>
    </message>
    <message>
        <location line="-258"/>
        <source>Export calendar</source>
        <translation>导出日历</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>iCalendar files (*.ics)</source>
        <translation>iCalendar 文件 (*.ics)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Writing the calendar…</source>
        <translation>正在写入日历…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Calendar saved to %1. Import it in Outlook or Thunderbird; each lot is an event on its expiry date with reminders at its thresholds.</source>
        <translation>日历已保存到 %1。可导入 Outlook 或 Thunderbird；每个批次是其失效日期上的一个事件，并在各预警阈值处提醒。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The calendar could not be written (%1); no file was saved.</source>
        <translation>无法写入日历（%1）；未保存任何文件。</translation>
    </message>
    <message>
        <location line="+118"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Week of %1 – %2</source>
        <translation>%1 – %2 这一周</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>MMMM yyyy</source>
        <translation>yyyy年M月</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>this week</source>
        <translation>本周</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No lot matching the filters expires in %1.</source>
        <translation>%1 没有符合筛选条件的批次失效。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No lot with stock on hand expires in %1. PgUp and PgDn move by month, Home comes back to today; the agenda lists everything that expires in the next days.</source>
        <translation>%1 没有有库存的批次失效。PgUp 和 PgDn 按月翻页，Home 回到今天；列表视图列出未来几天内失效的全部批次。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Lots expiring per day, by threshold:</source>
        <translation>每天失效的批次数，按预警阈值着色：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>expired, still in stock</source>
        <translation>已失效且仍有库存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>≤ %1 days</source>
        <translation>≤ %1 天</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>later</source>
        <translation>更晚</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>The expiry calendar could not be read (%1). It is read again when records change.</source>
        <translation>无法读取效期日历（%1）。记录变更时将重新读取。</translation>
    </message>
</context>
<context>
    <name>ExpiryWords</name>
    <message>
        <location filename="../../app/views/expiry_alerts.py" line="-130"/>
        <source>Use first</source>
        <translation>优先使用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Transfer</source>
        <translation>调拨</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return to supplier</source>
        <translation>退回供应商</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scrap</source>
        <translation>报废</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quarantine</source>
        <translation>隔离</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No alert</source>
        <translation>无预警</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open</source>
        <translation>待确认</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Escalated</source>
        <translation>已升级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>no expiry date</source>
        <translation>无失效日期</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>expired %1 days ago</source>
        <translation>已失效 %1 天</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>last day today</source>
        <translation>今天是最后一天</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 (%2 days)</source>
        <translation>%1（%2 天）</translation>
    </message>
</context>
<context>
    <name>FiltersBar</name>
    <message>
        <location filename="../../app/views/expiry_calendar.py" line="-630"/>
        <source>All products</source>
        <translation>全部产品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All sites</source>
        <translation>全部地点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All owners</source>
        <translation>全部负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Any status</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Site</source>
        <translation>地点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <location filename="../../app/views/first_run_wizard.py" line="+273"/>
        <source>Set up MedTrace</source>
        <translation>设置 MedTrace</translation>
    </message>
</context>
<context>
    <name>IdleLock</name>
    <message>
        <location filename="../../app/views/idle_lock.py" line="+357"/>
        <source>This account has not been activated yet. Activate it from the sign-in window first.</source>
        <translation>此账户尚未激活。请先在登录窗口中激活。</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../app/views/import_dialog.py" line="+94"/>
        <source>Import data</source>
        <translation>导入数据</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Products (UDI-DI)</source>
        <translation>产品（产品标识 UDI-DI）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parties (sites, suppliers, distributors, hospitals)</source>
        <translation>单位（生产场地、供应商、经营企业、使用单位）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lots</source>
        <translation>批次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Genealogy (component lot → finished lot)</source>
        <translation>批次谱系（组件批次 → 成品批次）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stock movements</source>
        <translation>出入库记录</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Download template…</source>
        <translation>下载模板…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>An .xlsx workbook or a .csv file (UTF-8 or GB18030)</source>
        <translation>.xlsx 工作簿或 .csv 文件（UTF-8 或 GB18030）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>All or nothing: every row is checked first. If any row is wrong, nothing is imported and every problem is listed below with its row number in Excel.</source>
        <translation>全部导入或全部不导入：先检查每一行。只要有一行有误，就不导入任何数据，并在下方列出每个问题及其在 Excel 中的行号。</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Export errors as .xlsx…</source>
        <translation>将错误导出为 .xlsx…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>What</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Template written to %1</source>
        <translation>模板已保存到 %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Errors exported to %1</source>
        <translation>错误已导出到 %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Choose the file to import</source>
        <translation>选择要导入的文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spreadsheets (*.xlsx *.csv)</source>
        <translation>电子表格 (*.xlsx *.csv)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Save the import template</source>
        <translation>保存导入模板</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Excel workbook (*.xlsx);;CSV file (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Export the errors</source>
        <translation>导出错误</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+54"/>
        <source>Cancelling… nothing will be imported.</source>
        <translation>正在取消…不会导入任何数据。</translation>
    </message>
    <message>
        <location line="-46"/>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Checking every row…</source>
        <translation>正在检查每一行…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Writing to the database…</source>
        <translation>正在写入数据库…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Imported %1 rows from %2 in %3 s.</source>
        <translation>已在 %3 秒内从 %2 导入 %1 行。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Nothing was imported: %1 problems in %2 rows. Fix them in the file and import it again.</source>
        <translation>未导入任何数据：%2 行中有 %1 个问题。请在文件中修正后重新导入。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The import stopped because of an unexpected problem (%1). Nothing was imported; the details are in the log.</source>
        <translation>导入因意外问题（%1）而中止。未导入任何数据；详细信息见日志。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cancelled: nothing was imported.</source>
        <translation>已取消：未导入任何数据。</translation>
    </message>
</context>
<context>
    <name>ImportErrorsModel</name>
    <message>
        <location line="-267"/>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>file</source>
        <translation>文件</translation>
    </message>
</context>
<context>
    <name>LabelScanDialog</name>
    <message>
        <location filename="../../app/views/label_scan_dialog.py" line="+61"/>
        <source>Verify the label — lot %1</source>
        <translation>标签核对——批号 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Scan the printed label of lot %1</source>
        <translation>扫描批号 %1 的印刷标签</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Point the scanner at the UDI bar code on the finished label. The scan ends by itself (the scanner sends Enter); typing the code and pressing Enter works too. The DI, lot number, production and expiry dates on the label are compared with the lot master, and the result is kept as evidence for the release checklist.</source>
        <translation>用扫描枪扫描成品标签上的 UDI 条码。扫描枪发送回车即结束扫描；也可手工输入后按回车。标签上的产品标识、批号、生产日期和失效日期将与批次主数据核对，结果作为放行检查的证据保存。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Waiting for a scan…</source>
        <translation>等待扫描…</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>✓ The label matches lot %1: DI, lot number and dates agree. The checklist item is met.</source>
        <translation>✓ 标签与批号 %1 一致：产品标识、批号和日期均相符。此检查项已完成。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>✗ The label does NOT match lot %1:</source>
        <translation>✗ 标签与批号 %1 不符：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The mismatch is recorded. Check the label and scan again.</source>
        <translation>不符结果已记录。请检查标签后重新扫描。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Scanned: %1</source>
        <translation>扫描内容：%1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The scan could not be checked because of an unexpected problem (%1). The details are in the log.</source>
        <translation>因意外问题（%1）无法核对扫描内容。详情见日志。</translation>
    </message>
</context>
<context>
    <name>LockDialog</name>
    <message>
        <location filename="../../app/views/admin_page.py" line="-475"/>
        <source>Lock %1</source>
        <translation>锁定 %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lock account</source>
        <translation>锁定账户</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 will be signed out everywhere and cannot sign in until an administrator unlocks the account.</source>
        <translation>%1 将在所有工作站上退出登录，在管理员解锁账户之前无法登录。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>e.g. left the company; suspected misuse</source>
        <translation>例如：已离职；疑似滥用</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Give the reason for the lock.</source>
        <translation>请填写锁定原因。</translation>
    </message>
</context>
<context>
    <name>LockOverlay</name>
    <message>
        <location filename="../../app/views/idle_lock.py" line="-275"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+59"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Signed in as %1 (%2). Enter your password and authenticator code to continue.</source>
        <translation>当前登录用户：%1（%2）。请输入密码和身份验证器验证码以继续。</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>← Back: unlock as %1</source>
        <translation>← 返回：以 %1 身份解锁</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Sign in as another person with their user name, password and authenticator code.</source>
        <translation>以其他人员的用户名、密码和身份验证器验证码登录。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Signing in as someone else signs %1 out; anything not saved is lost.</source>
        <translation>以其他用户身份登录将使 %1 退出登录；所有未保存的内容都将丢失。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sign in as someone else</source>
        <translation>以其他用户身份登录</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../app/views/login_dialog.py" line="+211"/>
        <source>Sign in — MedTrace</source>
        <translation>登录 — MedTrace</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Sign in to MedTrace</source>
        <translation>登录 MedTrace</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter your user name, your password and the code your authenticator app shows now. Lost your phone? Use one of your recovery codes instead.</source>
        <translation>请输入用户名、密码以及身份验证器应用当前显示的验证码。手机丢失？请改用一个恢复码。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>LogoField</name>
    <message>
        <location filename="../../app/views/record_edit_dialogs.py" line="+67"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>No logo</source>
        <translation>无标志</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>PNG or JPEG, at most %1 KB; printed at the top left of every report page.</source>
        <translation>PNG 或 JPEG 格式，不超过 %1 KB；印在每页报告的左上角。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The file could not be read (%1).</source>
        <translation>无法读取该文件（%1）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The logo is %1 KB; at most %2 KB is accepted.</source>
        <translation>该标志为 %1 KB，最大允许 %2 KB。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This file is not a PNG or JPEG image that can be read.</source>
        <translation>该文件不是可读取的 PNG 或 JPEG 图片。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose the company logo</source>
        <translation>选择企业标志</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Images (*.png *.jpg *.jpeg)</source>
        <translation>图片 (*.png *.jpg *.jpeg)</translation>
    </message>
</context>
<context>
    <name>LotDetailPanel</name>
    <message>
        <location filename="../../app/views/lot_detail.py" line="+81"/>
        <source>Select a lot to see its QC results, deviations, genealogy, movements and stock.</source>
        <translation>选择一个批次，查看其检验结果、偏差、批次谱系、出入库记录和库存。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>UDI</source>
        <translation>唯一标识</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Registration certificate no.</source>
        <translation>注册证编号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model / specification</source>
        <translation>型号/规格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Production date</source>
        <translation>生产日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expiry date</source>
        <translation>失效日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+14"/>
        <location line="+12"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Created</source>
        <translation>创建</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Test</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Specification</source>
        <translation>标准要求</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Result</source>
        <translation>检验结果</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tested on</source>
        <translation>检验日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deviation no.</source>
        <translation>偏差编号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+2"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Opened</source>
        <translation>开启日期</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+125"/>
        <source>Closed</source>
        <translation>关闭日期</translation>
    </message>
    <message>
        <location line="-124"/>
        <source>Lot no.</source>
        <translation>批号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>DI</source>
        <translation>产品标识</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Site</source>
        <translation>生产场地</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Movement</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From</source>
        <translation>发出方</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>To</source>
        <translation>接收方</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Document no.</source>
        <translation>单据号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial</source>
        <translation>序列号</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Location code</source>
        <translation>地点代码</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Location</source>
        <translation>地点</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On hand</source>
        <translation>现有库存</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>The lot could not be read. Details are in the log.</source>
        <translation>无法读取该批次。详细信息见日志。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>class %1</source>
        <translation>%1 类</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, implantable</source>
        <translation>，植入器械</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> (%1 serial units)</source>
        <translation>（%1 个序列号单元）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Open</source>
        <translation>未关闭</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Made from (component lots): %1</source>
        <translation>所用组件批次：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Used in (finished lots): %1</source>
        <translation>用于成品批次：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(the first %1 are listed)</source>
        <translation>（仅列出前 %1 个）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The first %1 of %2 movements are listed.</source>
        <translation>共 %2 条出入库记录，仅列出前 %1 条。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>QC results</source>
        <translation>检验结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deviations</source>
        <translation>偏差</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Genealogy</source>
        <translation>批次谱系</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Movements</source>
        <translation>出入库记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>expired 1 day ago</source>
        <translation>已过期 1 天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>expired %1 days ago</source>
        <translation>已过期 %1 天</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>last day of use is today</source>
        <translation>今天是最后使用日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 day left</source>
        <translation>剩余 1 天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 days left</source>
        <translation>剩余 %1 天</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Produce</source>
        <translation>生产入库</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Receive</source>
        <translation>收货</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ship</source>
        <translation>发货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return</source>
        <translation>退货</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Install</source>
        <translation>安装使用</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Scrap</source>
        <translation>报废</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Adjust</source>
        <translation>库存调整</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Manufacturer site</source>
        <translation>生产场地</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Distributor</source>
        <translation>经营企业</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>User facility</source>
        <translation>使用单位</translation>
    </message>
</context>
<context>
    <name>LotStatus</name>
    <message>
        <location filename="../../app/views/pages.py" line="-101"/>
        <source>Quarantine</source>
        <translation>待检</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Under review</source>
        <translation>审核中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Released</source>
        <translation>已放行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rejected</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On hold</source>
        <translation>暂停放行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recalled</source>
        <translation>已召回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
</context>
<context>
    <name>LotTableModel</name>
    <message>
        <location filename="../../app/views/lot_table_model.py" line="+158"/>
        <source>Lot no.</source>
        <translation>批号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DI</source>
        <translation>产品标识</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Production date</source>
        <translation>生产日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expiry date</source>
        <translation>失效日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="+152"/>
        <source>Expired yesterday</source>
        <translation>昨天已过期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expired %1 days ago</source>
        <translation>已过期 %1 天</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Last day of use is today</source>
        <translation>今天是最后使用日</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Expires tomorrow</source>
        <translation>明天到期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expires in %1 days</source>
        <translation>%1 天后到期</translation>
    </message>
</context>
<context>
    <name>LotsPage</name>
    <message>
        <location filename="../../app/views/lots_page.py" line="+78"/>
        <source>Lots</source>
        <translation>批次</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+243"/>
        <location line="+37"/>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <location line="-269"/>
        <location line="+217"/>
        <source>All products</source>
        <translation>全部产品</translation>
    </message>
    <message>
        <location line="-216"/>
        <source>Show the lots of one product</source>
        <translation>只显示某一产品的批次</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show lots in these statuses</source>
        <translation>显示处于以下状态的批次</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+175"/>
        <source>Any status</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <location line="-172"/>
        <source>Any expiry date</source>
        <translation>任意失效日期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Expires within %1 days</source>
        <translation>%1 天内到期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Lot no., DI or product name  (Ctrl+F)</source>
        <translation>批号、产品标识或产品名称  (Ctrl+F)</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+32"/>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location line="+136"/>
        <source>%1 statuses</source>
        <translation>%1 种状态</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>1 lot</source>
        <translation>1 个批次</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 lots</source>
        <translation>%1 个批次</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No lots yet — import lots (medtrace import lots FILE) or run `medtrace demo seed`.</source>
        <translation>尚无批次——请导入批次（medtrace import lots 文件）或运行 `medtrace demo seed`。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No lots match these filters — clear filters to see all.</source>
        <translation>没有符合筛选条件的批次——清除筛选可查看全部。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The lots could not be read. Details are in the log.</source>
        <translation>无法读取批次。详细信息见日志。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/views/main_window.py" line="-56"/>
        <source>Dashboard</source>
        <translation>概览</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lots</source>
        <translation>批次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Release queue</source>
        <translation>放行队列</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan</source>
        <translation>扫码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trace</source>
        <translation>追溯</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expiry</source>
        <translation>效期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recalls</source>
        <translation>召回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reports</source>
        <translation>报告</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Audit trail</source>
        <translation>审计追踪</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Admin</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <location line="+77"/>
        <location line="+211"/>
        <source>MedTrace QA Workstation</source>
        <translation>MedTrace 质量保证工作站</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Kept as they are, with what you typed: %1.</source>
        <translation>以下页面保留原样及您已输入的内容：%1。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Change &amp;password…</source>
        <translation>修改密码(&amp;P)…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About MedTrace</source>
        <translation>关于 MedTrace(&amp;A)</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>&lt;h3&gt;MedTrace QA Workstation&lt;/h3&gt;&lt;p&gt;Version %1&lt;/p&gt;&lt;p&gt;Lot release, recalls, traceability and regulatory records for medical-device manufacturers.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MedTrace 质量保证工作站&lt;/h3&gt;&lt;p&gt;版本 %1&lt;/p&gt;&lt;p&gt;面向医疗器械生产企业的批次放行、召回、追溯和法规记录。&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>About MedTrace</source>
        <translation>关于 MedTrace</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Database: this computer (embedded)</source>
        <translation>数据库：本机（内置）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Database: %1</source>
        <translation>数据库：%1</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Reading from the replica</source>
        <translation>正在从只读副本读取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Traces, reports and the dashboard read from the replica at %1; changes and signatures go to the primary.</source>
        <translation>追溯、报告和仪表板从只读副本 %1 读取；所有修改和电子签名都写入主数据库。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Replica %1 s behind — reading from the primary</source>
        <translation>只读副本落后 %1 秒 — 正在从主数据库读取</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The replica at %1 is more than %2 s behind the primary.</source>
        <translation>只读副本 %1 落后主数据库超过 %2 秒。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Replica not caught up — reading from the primary</source>
        <translation>只读副本尚未同步 — 正在从主数据库读取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The replica at %1 has not caught up with the primary yet.</source>
        <translation>只读副本 %1 尚未与主数据库同步。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Replica unavailable — reading from the primary</source>
        <translation>只读副本不可用 — 正在从主数据库读取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The replica at %1 cannot be reached.</source>
        <translation>无法连接只读副本 %1。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Traces, reports and the dashboard read from the primary meanwhile; nothing is lost.</source>
        <translation>在此期间，追溯、报告和仪表板从主数据库读取；不会丢失任何数据。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Updated %1</source>
        <translation>更新于 %1</translation>
    </message>
</context>
<context>
    <name>PasswordChoice</name>
    <message>
        <location filename="../../app/views/activation.py" line="-128"/>
        <source>Show the password</source>
        <translation>显示密码</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>At least %1 characters. A short phrase of several words works well; there are no other rules, and you will not be asked to change it on a schedule.</source>
        <translation>至少 %1 个字符。由几个词组成的短语就很好；没有其他规则，也不会要求您定期更改。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat it</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Good. Now type it again below.</source>
        <translation>很好。请在下方再输入一次。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two entries are not the same.</source>
        <translation>两次输入不一致。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>✓ This password can be used.</source>
        <translation>✓ 此密码可以使用。</translation>
    </message>
</context>
<context>
    <name>PasswordPage</name>
    <message>
        <location filename="../../app/views/first_run_wizard.py" line="-140"/>
        <source>Your password</source>
        <translation>您的密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only you will know it; MedTrace keeps nothing from which it could be read.</source>
        <translation>只有您本人知道；MedTrace 不保存任何可还原密码的信息。</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../app/views/reason_dialog.py" line="+52"/>
        <source>Reason for change</source>
        <translation>变更原因</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Why is %1 changed?</source>
        <translation>为什么更改 %1？</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The old and new values, your name, the server time and the reason you give are kept in the audit trail. The reason cannot be changed later.</source>
        <translation>原值和新值、您的姓名、服务器时间以及您填写的原因都将保存在审计追踪中。原因事后不能修改。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Old value</source>
        <translation>原值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Common reasons…</source>
        <translation>常用原因…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Start from a common reason, then add the details</source>
        <translation>从常用原因开始，再补充具体情况</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>State why the record is changed, e.g. which document shows the correct value.</source>
        <translation>说明更改记录的原因，例如哪份文件记载了正确的值。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Save change</source>
        <translation>保存更改</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Reason for change:</source>
        <translation>变更原因：</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>At least %1 characters.</source>
        <translation>至少 %1 个字符。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>At most %1 characters.</source>
        <translation>最多 %1 个字符。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The reason will be kept with the change.</source>
        <translation>该原因将与更改一同保存。</translation>
    </message>
</context>
<context>
    <name>RecallCeremonyDialog</name>
    <message>
        <location filename="../../app/views/recall_dialogs.py" line="-284"/>
        <source>Electronic signature — %1</source>
        <translation>电子签名 — %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Signer</source>
        <translation>签名人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authenticator code</source>
        <translation>动态验证码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This electronic signature is the legally binding equivalent of your handwritten signature. Your printed name, the server&apos;s date and time and the meaning above are recorded with the case.</source>
        <translation>此电子签名与您的手写签名具有同等法律效力。您的姓名、服务器日期时间以及上述签名含义将与案例一并记录。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Sign</source>
        <translation>签名</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Meaning of this signature:</source>
        <translation>签名含义：</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Checking your password and code…</source>
        <translation>正在核验密码和验证码…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the 6-digit code your authenticator app shows now.</source>
        <translation>请输入验证器应用当前显示的 6 位验证码。</translation>
    </message>
</context>
<context>
    <name>RecallsPage</name>
    <message>
        <location filename="../../app/views/recalls_page.py" line="+10"/>
        <source>Open</source>
        <translation>已启动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notifying</source>
        <translation>通知中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Monitoring</source>
        <translation>跟踪中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail</source>
        <translation>电子邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Letter</source>
        <translation>信函</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fax</source>
        <translation>传真</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visit</source>
        <translation>上门</translation>
    </message>
    <message>
        <location line="+566"/>
        <source>A — every consignee (100 %)</source>
        <translation>A — 全部收货单位（100 %）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>B — half of the consignees (50 %)</source>
        <translation>B — 一半收货单位（50 %）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C — one in ten (10 %)</source>
        <translation>C — 十分之一（10 %）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>D — one in fifty (2 %)</source>
        <translation>D — 五十分之一（2 %）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E — no checks</source>
        <translation>E — 不核查</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Recalls and drills</source>
        <translation>召回与模拟召回演练</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Start &amp;drill…</source>
        <translation>启动演练(&amp;D)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Start &amp;recall…</source>
        <translation>启动召回(&amp;R)…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Regulatory and QA approvers start drills and recalls.</source>
        <translation>由法规事务人员或 QA 批准人启动演练和召回。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Working &amp;calendar…</source>
        <translation>工作日历(&amp;C)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The holidays and make-up working days recall deadlines count by</source>
        <translation>召回时限按此计算的节假日与调休工作日</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No recall or drill yet. Start a drill on a released, shipped lot to see how fast every consignee is found and reached: a drill freezes the same scope as a recall but changes no lot and holds no stock.</source>
        <translation>尚无召回或演练。对一个已放行并已发货的批次启动演练，检验能多快找到并联系到每个收货单位：演练冻结与召回相同的范围，但不改变任何批次，也不控制库存。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cases</source>
        <translation>案例</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Drill trend</source>
        <translation>演练趋势</translation>
    </message>
    <message>
        <location line="+110"/>
        <source>Updated %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The recalls could not be read. Details are in the log.</source>
        <translation>无法读取召回记录。详情见日志。</translation>
    </message>
</context>
<context>
    <name>RecordEditDialog</name>
    <message>
        <location filename="../../app/views/record_edit_dialogs.py" line="-357"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You will be asked for the reason for change</source>
        <translation>系统将要求您填写变更原因</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Last changed by %1 at %2.</source>
        <translation>最近由 %1 于 %2 修改。</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>Changed by %1 at %2 after you opened it — nothing was saved. Reload to see the current values, then make your change again.</source>
        <translation>在您打开后，%1 已于 %2 修改了该记录——未保存任何内容。请重新加载查看当前值，然后再次修改。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>another user</source>
        <translation>其他用户</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The record could not be read or saved. Details are in the log.</source>
        <translation>无法读取或保存该记录。详细信息见日志。</translation>
    </message>
</context>
<context>
    <name>RecoveryCodesPage</name>
    <message>
        <location filename="../../app/views/first_run_wizard.py" line="+110"/>
        <source>Your recovery codes</source>
        <translation>您的恢复码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shown only this once. Store them before you finish.</source>
        <translation>只显示这一次。请在完成前妥善保存。</translation>
    </message>
</context>
<context>
    <name>RecoveryCodesPanel</name>
    <message>
        <location filename="../../app/views/activation.py" line="+88"/>
        <source>If you lose your phone, each of these codes signs you in once instead of the authenticator code. They are shown only now: print them, or save them where only you can reach them. Using one alerts the administrators.</source>
        <translation>如果手机丢失，每个恢复码可代替身份验证器验证码登录一次。恢复码只在此刻显示：请打印，或保存在只有您能访问的地方。使用恢复码时会通知管理员。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save as text file…</source>
        <translation>另存为文本文件…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>I have stored these codes in a safe place</source>
        <translation>我已将这些恢复码保存在安全的地方</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>MedTrace recovery codes for %1</source>
        <translation>%1 的 MedTrace 恢复码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Each code works once, instead of the authenticator code. Keep them private.</source>
        <translation>每个恢复码只能代替身份验证器验证码使用一次。请妥善保密。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Created %1</source>
        <translation>创建于 %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Save recovery codes</source>
        <translation>保存恢复码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text files (*.txt)</source>
        <translation>文本文件 (*.txt)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Could not save: %1</source>
        <translation>无法保存：%1</translation>
    </message>
</context>
<context>
    <name>ReleaseDetail</name>
    <message>
        <location filename="../../app/views/release_detail.py" line="+39"/>
        <source>Select a lot to see its release checklist and signatures.</source>
        <translation>选择一个批次，查看其放行检查项和签名。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Release checklist</source>
        <translation>放行检查项</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Scan label…</source>
        <translation>扫描标签…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Review audit trail…</source>
        <translation>复核审计追踪…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Electronic signatures</source>
        <translation>电子签名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not signed yet. Release needs a review signature by a QA reviewer, then an approval signature by a different QA approver.</source>
        <translation>尚未签名。放行需先由 QA 审核人签署审核，再由另一位 QA 批准人签署批准（双人复核）。</translation>
    </message>
    <message>
        <location line="+103"/>
        <source>The release record could not be read. Details are in the log.</source>
        <translation>无法读取放行记录。详情见日志。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Lot %1</source>
        <translation>批号 %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>DI %1 · production date %2 · expiry date %3 · quantity %4 · created by %5</source>
        <translation>产品标识 %1 · 生产日期 %2 · 失效日期 %3 · 数量 %4 · 创建人 %5</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Your roles do not include this step.</source>
        <translation>您的角色不包含此步骤。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>INVALID SIGNATURE: a signature of this lot does not verify. The release record cannot be relied on; report this to QA management.</source>
        <translation>签名无效：本批次有签名无法通过验证，放行记录不可信，请报告质量管理负责人。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>CHANGED AFTER SIGNING: this lot&apos;s record was changed after it was signed. The signatures marked below do not cover the record as it is now.</source>
        <translation>签名后已变更：本批次记录在签名后被修改。下方标出的签名不涵盖当前记录。</translation>
    </message>
</context>
<context>
    <name>ReleaseQueueModel</name>
    <message>
        <location filename="../../app/views/release_queue_page.py" line="+127"/>
        <source>Checklist</source>
        <translation>检查项</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lot no.</source>
        <translation>批号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DI</source>
        <translation>产品标识</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Expiry date</source>
        <translation>失效日期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Waiting</source>
        <translation>等待</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Created by</source>
        <translation>创建人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reviewed by</source>
        <translation>审核人</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Release checklist complete</source>
        <translation>放行检查项已全部完成</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>✓ Complete</source>
        <translation>✓ 已完成</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Blocked: %1. The reviewer cannot clear this; it needs QC results within specification and every deviation closed.</source>
        <translation>受阻：%1。审核人无法自行解决；需要检验结果全部合格且所有偏差关闭。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>✗ Blocked: %1</source>
        <translation>✗ 受阻：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ready for your review: %1</source>
        <translation>待您审核：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>label</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>audit trail</source>
        <translation>审计追踪</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>◐ Ready for review: %1</source>
        <translation>◐ 待审核：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>QC</source>
        <translation>检验</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>open deviation</source>
        <translation>未关闭偏差</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>scan label</source>
        <translation>扫描标签</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>review audit trail</source>
        <translation>复核审计追踪</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Waiting since %1</source>
        <translation>自 %1 起等待</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 day</source>
        <translation>1 天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 days</source>
        <translation>%1 天</translation>
    </message>
</context>
<context>
    <name>ReleaseQueuePage</name>
    <message>
        <location line="+22"/>
        <source>Release queue</source>
        <translation>放行队列</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Sign review…</source>
        <translation>签署审核…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approve release…</source>
        <translation>批准放行…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reject…</source>
        <translation>拒绝放行…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Place on hold…</source>
        <translation>暂停放行…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lift hold…</source>
        <translation>解除暂停…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>QA reviewers sign the review of lots awaiting review.</source>
        <translation>由 QA 审核人对待审核批次签署审核。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>QA approvers approve the release of lots awaiting approval; not the reviewer.</source>
        <translation>由 QA 批准人批准待批准批次的放行；审核人本人不能批准。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>QA reviewers and approvers reject lots awaiting review or approval, or on hold.</source>
        <translation>QA 审核人和批准人可拒绝放行待审核、待批准或暂停放行的批次。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>QA approvers place lots on hold (awaiting review or approval, or released).</source>
        <translation>QA 批准人可暂停放行批次（待审核、待批准或已放行）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>QA approvers lift the hold of lots on hold; the lot goes back to review.</source>
        <translation>QA 批准人可解除暂停；批次回到待审核。</translation>
    </message>
    <message>
        <location line="+141"/>
        <source>Updated %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The release queue could not be read. Details are in the log.</source>
        <translation>无法读取放行队列。详情见日志。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Awaiting review (%1)</source>
        <translation>待审核（%1）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Awaiting approval (%1)</source>
        <translation>待批准（%1）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>On hold (%1)</source>
        <translation>暂停放行（%1）</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>No lots are awaiting review. A lot arrives here in quarantine when production records it.</source>
        <translation>没有待审核的批次。生产登记批次后，批次以待检状态出现在这里。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No lots are awaiting approval. A lot arrives here once a QA reviewer has signed its review.</source>
        <translation>没有待批准的批次。QA 审核人签署审核后，批次出现在这里。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No lots are on hold.</source>
        <translation>没有暂停放行的批次。</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Your roles do not include this.</source>
        <translation>您的角色不包含此操作。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 lots selected</source>
        <translation>已选择 %1 个批次</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>QA reviewer</source>
        <translation>QA 审核人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>QA approver</source>
        <translation>QA 批准人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Regulatory</source>
        <translation>法规事务</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Auditor</source>
        <translation>审计员</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no roles</source>
        <translation>无角色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in as %1 (%2) · %3</source>
        <translation>当前用户：%1（%2）· %3</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <location filename="../../app/views/reports_page.py" line="+113"/>
        <source>Reports</source>
        <translation>报告</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The language the report is written in</source>
        <translation>报告所用的语言</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>File to write</source>
        <translation>要写入的文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Language of the report</source>
        <translation>报告语言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the report with the system&apos;s viewer</source>
        <translation>用系统查看器打开报告</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location line="+126"/>
        <source>Generating %1…</source>
        <translation>正在生成%1…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>PDF (printable record)</source>
        <translation>PDF（可打印记录）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Excel workbook (.xlsx)</source>
        <translation>Excel 工作簿 (.xlsx)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Type the beginning of the lot number</source>
        <translation>输入批号开头</translation>
    </message>
    <message>
        <location line="+11"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Limit to</source>
        <translation>限定</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Recall number, e.g. 12</source>
        <translation>召回编号，例如 12</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save report as</source>
        <translation>报告另存为</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>%1 of %2 rows</source>
        <translation>%1 / %2 行</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 pages</source>
        <translation>%1 页</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 %2 saved to %3 (%4%5 rows). Its SHA-256 is recorded in the audit trail, so this file can be verified later.</source>
        <translation>%1 %2 已保存至 %3（%4%5 行）。其 SHA-256 已记入审计追踪，日后可核验此文件。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The report could not be generated (%1); no file was written. The details are in the log.</source>
        <translation>报告未能生成（%1），未写入任何文件。详情见日志。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Cancelled: no file was written and nothing was recorded.</source>
        <translation>已取消：未写入文件，也未作任何记录。</translation>
    </message>
</context>
<context>
    <name>ReturnDialog</name>
    <message>
        <location filename="../../app/views/recall_dialogs.py" line="+216"/>
        <source>Record a return</source>
        <translation>登记退回</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 (%2 still there)</source>
        <translation>%1（尚余 %2 件）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Returned by %1 (%2)</source>
        <translation>退回单位：%1（%2）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
</context>
<context>
    <name>RolesDialog</name>
    <message>
        <location filename="../../app/views/admin_page.py" line="-28"/>
        <source>Change roles of %1</source>
        <translation>更改 %1 的角色</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Save roles</source>
        <translation>保存角色</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Person</source>
        <translation>人员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose at least one role.</source>
        <translation>请至少选择一个角色。</translation>
    </message>
</context>
<context>
    <name>ScanPage</name>
    <message>
        <location filename="../../app/views/scan_page.py" line="+166"/>
        <source>Scan</source>
        <translation>扫码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>GS control character (ASCII 29)</source>
        <translation>GS 控制字符（ASCII 29）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>What this workstation&apos;s scanner types for the GS1 field separator (FNC1). Set the same in the scanner&apos;s configuration.</source>
        <translation>本工作站扫码枪为 GS1 字段分隔符（FNC1）输出的内容。请在扫码枪的设置中设为相同。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scanner sends GS as</source>
        <translation>扫码枪的 GS 分隔符输出为</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+657"/>
        <source>Scan a label (or type the UDI and press Enter)</source>
        <translation>扫描标签（或输入 UDI 后按回车）</translation>
    </message>
    <message>
        <location line="-627"/>
        <source>Click in the field above and scan the UDI on a label; the scanner&apos;s Enter ends each scan.

The page shows the product, lot, serial, dates, status and stock at once, and stops you loudly (red banner and a beep) when the lot is recalled, on hold, not released, rejected, expired or unknown.

To record goods in, shipments, returns or installations, choose them under “Record movements” and press Start recording: then every scan records one movement.

Esc clears the field. If scans of labels with a serial number show the wrong lot, set what your scanner sends for the GS separator (top right).</source>
        <translation>点击上方输入框，扫描标签上的唯一标识（UDI）；扫码枪发送的回车结束每次扫描。

本页立即显示产品、批号、序列号、日期、状态和库存；批次已召回、暂停放行、未放行、不合格、已过期或未知时，以红色横幅和提示音醒目报警。

如需登记入库、发货、退货或安装，请在“登记出入库”中选择，然后按“开始登记”：之后每扫描一次即登记一条记录。

按 Esc 清空输入框。如果带序列号的标签扫出的批号不对，请在右上角设置扫码枪输出的 GS 分隔符。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>English name</source>
        <translation>英文名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Model</source>
        <translation>型号规格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Registration no.</source>
        <translation>注册证编号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>DI</source>
        <translation>产品标识（DI）</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+84"/>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <location line="-83"/>
        <location line="+83"/>
        <source>Serial</source>
        <translation>序列号</translation>
    </message>
    <message>
        <location line="-83"/>
        <source>Production date</source>
        <translation>生产日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Expiry date</source>
        <translation>失效日期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Stock on hand</source>
        <translation>现有库存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Location</source>
        <translation>地点</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>On hand</source>
        <translation>库存</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Record movements</source>
        <translation>登记出入库</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Delivery note, order or invoice no.</source>
        <translation>随货同行单、订单或发票号</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Units each scan records; a scan with a serial number is always one unit.</source>
        <translation>每次扫描登记的数量；带序列号的扫描始终为 1 件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+547"/>
        <source>Start recording</source>
        <translation>开始登记</translation>
    </message>
    <message>
        <location line="-541"/>
        <source>Authorise an exception…</source>
        <translation>授权例外…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ship this lot although the consignee asks for more shelf life, stating why: the database keeps your name, the time and the reason.</source>
        <translation>尽管收货单位要求更长的剩余效期，仍发运此批次，并说明原因：数据库将记录您的姓名、时间和原因。</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+15"/>
        <source>Movement</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="-14"/>
        <source>From</source>
        <translation>发出方</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Details…</source>
        <translation>详情…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The party&apos;s record: contact, licence, the least shelf life it accepts and who owns expiry alerts of stock held there</source>
        <translation>该单位的记录：联系人、许可证、可接受的最短剩余效期，以及此处库存效期预警的负责人</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>To</source>
        <translation>接收方</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Document no.</source>
        <translation>单据号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Units per scan</source>
        <translation>每次扫描数量</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Recorded movements are controlled records and cannot be undone. To correct one, record a return or an adjustment.</source>
        <translation>已登记的出入库记录属于受控记录，不能撤销。如需更正，请登记退货或调整。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Recording movements needs the warehouse role; you can look up scans.</source>
        <translation>登记出入库需要仓储角色；您可以扫码查询。</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+526"/>
        <source>Your role may look up scans but not record movements.</source>
        <translation>您的角色可以扫码查询，但不能登记出入库。</translation>
    </message>
    <message>
        <location line="-444"/>
        <source>the minimum shelf life of %1</source>
        <translation>%1 的最短剩余效期</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The database records this exception for this one shipment, with your name, the server time and the reason you give. The reason cannot be changed later.</source>
        <translation>数据库仅为这一次发运记录此例外，并记录您的姓名、服务器时间和您给出的原因。原因事后不可更改。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Why may lot %1 go to %2 with less shelf life than %2 accepts?</source>
        <translation>为何批次 %1 可以在剩余效期低于 %2 接收标准的情况下发往 %2？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Authorise and ship</source>
        <translation>授权并发运</translation>
    </message>
    <message>
        <location line="+100"/>
        <source>✓ recorded · first expired, first out: lot %1</source>
        <translation>✓ 已记录 · 先到期先出：应先发批次 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>✓ recorded</source>
        <translation>✓ 已登记</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not recorded.</source>
        <translation>未登记。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>First expired, first out: lot %1 of this product expires earlier (%2) and %3 units of it are on hand at %4. Ship lot %1 before lot %5.</source>
        <translation>先到期先出：本产品批次 %1 更早到期（%2），%4 现有 %3 件。请先发运批次 %1，再发运批次 %5。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Not recorded: not enough stock at %1</source>
        <translation>未登记：%1 库存不足</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not recorded: too little shelf life left for %1</source>
        <translation>未记录：剩余效期不满足 %1 的要求</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not recorded: %1</source>
        <translation>未登记：%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The scan could not be looked up because of an unexpected problem; the details are in the log.</source>
        <translation>因意外问题无法查询本次扫描；详情见日志。</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>(not a registered serial of this lot)</source>
        <translation>（不是本批次登记的序列号）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>expired %1 days ago</source>
        <translation>已过期 %1 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>today is the last day</source>
        <translation>今天是最后一天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 days left</source>
        <translation>剩余 %1 天</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(from the label)</source>
        <translation>（标签所示）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no lot record</source>
        <translation>无批次记录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan: %1</source>
        <translation>扫描内容：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Read as one UDI from a primary and a secondary HIBC bar code whose link character matches.</source>
        <translation>由链接字符相符的 HIBC 主条码和副条码合并读取为一个唯一标识。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Note from reading the scan: %1</source>
        <translation>读码提示：%1</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>No lot record, so no stock.</source>
        <translation>无批次记录，因此无库存。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No unit of this lot is held anywhere.</source>
        <translation>本批次在各处均无库存。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Total on hand: %1 · locations: %2</source>
        <translation>库存合计：%1 · 地点数：%2</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>CANNOT READ THE SCAN</source>
        <translation>无法识别扫描内容</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>UNKNOWN PRODUCT</source>
        <translation>未知产品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No product with the DI %1 is in the product master. Do not use or ship this unit; tell QA.</source>
        <translation>产品主数据中没有产品标识为 %1 的产品。请勿使用或发出该产品，并通知质量部门。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>UNKNOWN LOT</source>
        <translation>未知批次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot %1 of this product is not in the lot records. Do not use or ship it until QA has checked the label.</source>
        <translation>批次记录中没有该产品的批号 %1。在质量部门核对标签之前，请勿使用或发出。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>RECALLED</source>
        <translation>已召回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot %1 is recalled. Do not use or ship it: set the unit aside and tell QA.</source>
        <translation>批号 %1 已召回。请勿使用或发出：将其隔离存放并通知质量部门。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>REJECTED</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot %1 was rejected at release. Do not use or ship it.</source>
        <translation>批号 %1 放行时判定为不合格。请勿使用或发出。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ON HOLD</source>
        <translation>暂停放行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot %1 is on hold. Do not use or ship it until QA releases it again.</source>
        <translation>批号 %1 已暂停放行。在质量部门重新放行之前，请勿使用或发出。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>EXPIRED</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot %1 expired on %2. Do not use or ship it.</source>
        <translation>批号 %1 已于 %2 失效。请勿使用或发出。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>NOT RELEASED</source>
        <translation>未放行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot %1 is not released (%2). It may not be shipped or used yet.</source>
        <translation>批号 %1 尚未放行（%2），暂不得发出或使用。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>UNKNOWN SERIAL</source>
        <translation>未知序列号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot %1 has no serial unit %2. Check the label and tell QA.</source>
        <translation>批号 %1 下没有序列号 %2。请核对标签并通知质量部门。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The label&apos;s production date %1 is not the lot record&apos;s %2. Check the label and tell QA.</source>
        <translation>标签上的生产日期 %1 与批次记录的 %2 不一致。请核对标签并通知质量部门。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The label&apos;s expiry date %1 is not the lot record&apos;s %2. Check the label and tell QA.</source>
        <translation>标签上的失效日期 %1 与批次记录的 %2 不一致。请核对标签并通知质量部门。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>LABEL DIFFERS FROM THE LOT RECORD</source>
        <translation>标签与批次记录不符</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>BAR CODES DO NOT BELONG TOGETHER</source>
        <translation>两个条码不匹配</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The link character “%1” of the secondary bar code is not the check character “%2” of the primary bar code scanned next to it, so they were not read as one UDI. Scan both bar codes of one label, one right after the other.</source>
        <translation>副条码的链接字符“%1”与相邻扫描的主条码的校验字符“%2”不一致，因此未合并为一个唯一标识。请连续扫描同一标签上的两个条码。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>SECONDARY BAR CODE ONLY</source>
        <translation>仅扫描了副条码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This HIBC bar code carries lot %1 and its dates but does not identify the device. Scan the primary bar code of the same label; its check character must be “%2”.</source>
        <translation>此 HIBC 条码只含批号 %1 及其日期，不能识别器械（无产品标识）。请扫描同一标签上的主条码，其校验字符应为“%2”。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>NO LOT NUMBER IN THE SCAN</source>
        <translation>扫描内容中没有批号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This bar code carries the product only. Scan the UDI that carries the lot to see its status.</source>
        <translation>该条码只含产品标识。请扫描含批号的 UDI 以查看批次状态。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>EXPIRES SOON</source>
        <translation>即将过期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot %1 is released but expires on %2, in %3 days.</source>
        <translation>批号 %1 已放行，但将于 %2 失效，还有 %3 天。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>RELEASED</source>
        <translation>已放行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot %1 is released and within its expiry date (%2, %3 days left).</source>
        <translation>批号 %1 已放行，且在有效期内（%2，剩余 %3 天）。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Receive (goods in)</source>
        <translation>入库（收货）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ship (to a customer)</source>
        <translation>发货（发给客户）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return (from a customer)</source>
        <translation>退货（客户退回）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Install (used at a hospital)</source>
        <translation>安装（医院使用）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>receive</source>
        <translation>入库</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ship</source>
        <translation>发货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>return</source>
        <translation>退货</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>install</source>
        <translation>安装</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>our site</source>
        <translation>本公司</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>distributor</source>
        <translation>经营企业</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>hospital</source>
        <translation>使用单位</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>— choose —</source>
        <translation>— 请选择 —</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The parties could not be loaded.</source>
        <translation>无法加载单位列表。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>An installation has no destination: the unit is in use.</source>
        <translation>安装没有接收方：产品已投入使用。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Stop recording</source>
        <translation>停止登记</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scan to record one movement per label</source>
        <translation>扫描标签，每个标签登记一条记录</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Choose where the units come from.</source>
        <translation>请选择发出方。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose where the units go to.</source>
        <translation>请选择接收方。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>From and To are the same party: nothing would move.</source>
        <translation>发出方与接收方相同：没有实际移动。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Scans only look up. Choose the movement and press Start recording to record one movement per scan.</source>
        <translation>目前扫码仅作查询。选择出入库类型后按“开始登记”，每次扫描登记一条记录。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Recording: every scan records “%1” %2, %3 unit(s) per scan.</source>
        <translation>正在登记：每次扫描登记“%1” %2，每次 %3 件。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Document %1.</source>
        <translation>单据 %1。</translation>
    </message>
    <message>
        <location line="-436"/>
        <location line="+447"/>
        <source>recording…</source>
        <translation>登记中…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>This session: %1 recorded, %2 refused</source>
        <translation>本次会话：已登记 %1，被拒绝 %2</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/views/settings_dialog.py" line="+28"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A new language is used from the next start of MedTrace.</source>
        <translation>新的语言将在下次启动 MedTrace 时生效。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>After this many minutes without use the workstation locks and asks for password and one-time code again.</source>
        <translation>工作站在无操作达到此分钟数后将锁定，需再次输入密码和动态口令。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Lock after idle</source>
        <translation>空闲锁定时间</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The settings could not be saved: %1</source>
        <translation>无法保存设置：%1</translation>
    </message>
</context>
<context>
    <name>SignInForm</name>
    <message>
        <location filename="../../app/views/login_dialog.py" line="-159"/>
        <source>6 digits, or a recovery code</source>
        <translation>6 位数字，或一个恢复码</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>I have an activation code (first sign-in, or after a reset)</source>
        <translation>我有激活码（首次登录或重置后）</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+100"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="-99"/>
        <source>Authenticator code</source>
        <translation>身份验证器验证码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter your activation code.</source>
        <translation>请输入激活码。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the 6-digit code your authenticator app shows now, or one of your recovery codes.</source>
        <translation>请输入身份验证器应用当前显示的 6 位验证码，或一个恢复码。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>This account is locked after too many failed attempts or by an administrator. An administrator has been alerted; ask one to unlock your account or reset it.</source>
        <translation>此账户因失败次数过多或被管理员锁定。已通知管理员；请联系管理员解锁或重置您的账户。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This authenticator code has already been used. Wait for the next code and enter it.</source>
        <translation>此身份验证器验证码已被使用。请等待下一个验证码后输入。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The user name, password or authenticator code is not correct.</source>
        <translation>用户名、密码或身份验证器验证码不正确。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The database cannot be reached. Check the network or the server, then try again.</source>
        <translation>无法连接数据库。请检查网络或服务器，然后重试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Signing in failed because of an unexpected problem (%1). The details are in the log.</source>
        <translation>登录因意外问题（%1）失败。详细信息见日志。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Activation code</source>
        <translation>激活码</translation>
    </message>
</context>
<context>
    <name>SignatureCard</name>
    <message>
        <location filename="../../app/views/release_detail.py" line="-391"/>
        <source>Signed by %1 (%2)</source>
        <translation>签名人：%1（%2）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>release cycle %1</source>
        <translation>第 %1 轮放行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reason: %1</source>
        <translation>原因：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>CHANGED AFTER SIGNING</source>
        <translation>签名后已变更</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The lot&apos;s record was changed after this signature: the signature does not cover the record as it is now.</source>
        <translation>本签名之后批次记录被修改：该签名不涵盖当前记录。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>INVALID SIGNATURE</source>
        <translation>签名无效</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This signature does not verify against the signer&apos;s key: the signature record itself was altered. Report this to QA management.</source>
        <translation>该签名无法用签名人的密钥验证：签名记录本身被篡改。请报告质量管理负责人。</translation>
    </message>
</context>
<context>
    <name>SignatureDialog</name>
    <message>
        <location filename="../../app/views/signature_dialog.py" line="+146"/>
        <source>Electronic signature — %1</source>
        <translation>电子签名——%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sign 1 lot</source>
        <translation>签署 1 个批次</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+76"/>
        <source>Sign %1 lots</source>
        <translation>签署 %1 个批次</translation>
    </message>
    <message>
        <location line="-74"/>
        <source>Meaning of this signature:</source>
        <translation>签名含义：</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>You sign this lot, with this meaning:</source>
        <translation>您将以此含义签署该批次：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You sign each of these %1 lots separately, with this meaning:</source>
        <translation>您将以此含义分别签署以下 %1 个批次：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Lot no.</source>
        <translation>批号</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Not signed yet</source>
        <translation>尚未签署</translation>
    </message>
    <message>
        <location line="-63"/>
        <source>6 digits</source>
        <translation>6 位数字</translation>
    </message>
    <message>
        <location line="+76"/>
        <source>Required: why this decision (e.g. the complaint, deviation or result behind it).</source>
        <translation>必填：作出此决定的原因（如相关投诉、偏差或检验结果）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Optional comment, kept with the signature.</source>
        <translation>可选备注，与签名一同保存。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Signer</source>
        <translation>签名人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Authenticator code</source>
        <translation>动态验证码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>By signing you confirm that you have checked what you sign. This electronic signature is the legally binding equivalent of your handwritten signature. Your printed name, the server&apos;s date and time and the meaning above are recorded with each lot, and the signature is linked to the record as it is now: any later change shows as &apos;changed after signing&apos;.</source>
        <translation>签署即表示您已核查所签内容。本电子签名与您的手写签名具有同等法律效力。您的姓名、服务器日期时间和上述签名含义将随每个批次记录，签名与当前记录绑定：此后的任何修改都会显示为“签名后已变更”。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Sign</source>
        <translation>签署</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the 6-digit code your authenticator app shows now.</source>
        <translation>请输入身份验证器当前显示的 6 位验证码。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>State the reason for this decision.</source>
        <translation>请说明作出此决定的原因。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The reason may be at most %1 characters.</source>
        <translation>原因最多 %1 个字符。</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Signing lot %1 of %2…</source>
        <translation>正在签署第 %1 个批次，共 %2 个…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>✓ Signed</source>
        <translation>✓ 已签署</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not signed.</source>
        <translation>未签署。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>✗ Refused: %1</source>
        <translation>✗ 被拒绝：%1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The lot was signed.</source>
        <translation>批次已签署。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All %1 lots were signed.</source>
        <translation>全部 %1 个批次已签署。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 of %2 lots were signed; the database refused the others for the reasons shown.</source>
        <translation>%2 个批次中已签署 %1 个；其余批次被数据库拒绝，原因见上表。</translation>
    </message>
    <message>
        <location line="-270"/>
        <source>Your account is locked after too many failed attempts or by an administrator. Nothing was signed. An administrator has been alerted; ask one to unlock it.</source>
        <translation>您的账户因失败次数过多或被管理员锁定。未签署任何批次。已向管理员发出警报，请联系管理员解锁。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This authenticator code has already been used. Nothing was signed. Wait for the next code and enter it.</source>
        <translation>该验证码已使用过。未签署任何批次。请等待下一个验证码后输入。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The password or the authenticator code is not correct. Nothing was signed.</source>
        <translation>密码或验证码不正确。未签署任何批次。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The database cannot be reached. Nothing was signed. Check the network or the server, then try again.</source>
        <translation>无法连接数据库。未签署任何批次。请检查网络或服务器后重试。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Signing failed because of an unexpected problem (%1). Nothing was signed. The details are in the log.</source>
        <translation>因意外问题（%1）签署失败。未签署任何批次。详情见日志。</translation>
    </message>
    <message>
        <location line="+304"/>
        <source>Checking your password and code…</source>
        <translation>正在核验密码和验证码…</translation>
    </message>
</context>
<context>
    <name>StartRecallDialog</name>
    <message>
        <location filename="../../app/views/recall_dialogs.py" line="-156"/>
        <source>Start a mock recall drill</source>
        <translation>启动模拟召回演练</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Start a recall</source>
        <translation>启动召回</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A drill computes and freezes the same scope as a recall and times every step, but changes no lot and holds no stock.</source>
        <translation>演练计算并冻结与召回相同的范围，并为每一步计时，但不改变任何批次，也不控制库存。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A real recall holds every affected lot&apos;s stock at our sites at once and starts the legal deadlines: the database then refuses to ship it from any workstation. To practise, start a drill instead.</source>
        <translation>正式召回会立即控制本企业所有受影响批次的库存，并开始计算法定期限：此后数据库拒绝任何工作站发出这些批次。如只是练习，请启动演练。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Lot number on the label</source>
        <translation>标签上的批号</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+55"/>
        <source>Only when the lot number exists for several products</source>
        <translation>仅当多个产品有相同批号时填写</translation>
    </message>
    <message>
        <location line="-52"/>
        <source>A lot (finished or component)</source>
        <translation>一个批次（成品或组件）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One serialised unit</source>
        <translation>单个序列号产品</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A product&apos;s lots made between two dates</source>
        <translation>某产品在两个日期之间生产的批次</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Serial (GS1 AI 21); its whole lot is recalled</source>
        <translation>序列号（GS1 AI 21）；召回其所在的整个批次</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Required: the defect or complaint behind the recall.</source>
        <translation>必填：导致召回的缺陷或投诉。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The health hazard evaluation: who could be harmed, and how.</source>
        <translation>健康危害评估：可能伤害谁，如何伤害。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starts from</source>
        <translation>召回起点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>UDI-DI</source>
        <translation>产品标识（UDI-DI）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial</source>
        <translation>序列号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Made from</source>
        <translation>生产日期自</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Made until</source>
        <translation>生产日期至</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Level</source>
        <translation>召回级别</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reason</source>
        <translation>召回原因</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Health hazard</source>
        <translation>健康危害</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign and start the drill</source>
        <translation>签名并启动演练</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sign and start the recall</source>
        <translation>签名并启动召回</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The product&apos;s UDI-DI</source>
        <translation>产品标识（UDI-DI）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Enter the product&apos;s UDI-DI.</source>
        <translation>请输入产品标识（UDI-DI）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The first production date comes after the last one.</source>
        <translation>起始生产日期晚于截止生产日期。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the lot number of the suspect lot.</source>
        <translation>请输入可疑批次的批号。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the serial number of the unit.</source>
        <translation>请输入该产品的序列号。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>State the reason for the recall.</source>
        <translation>请填写召回原因。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The reason and the health hazard may be at most %1 characters each.</source>
        <translation>召回原因和健康危害各不得超过 %1 个字符。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Checking your signature, tracing every tier and freezing the scope…</source>
        <translation>正在核验签名、追溯各级流向并冻结召回范围…</translation>
    </message>
</context>
<context>
    <name>StartupErrorDialog</name>
    <message>
        <location filename="../../app/views/startup.py" line="+140"/>
        <source>MedTrace is already open on this computer with the same data folder.</source>
        <translation>本机已有一个 MedTrace 窗口在使用同一数据文件夹。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Switch to the open window, or close it first. (Data folder: %1)</source>
        <translation>请切换到已打开的窗口，或先将其关闭。（数据文件夹：%1）</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>MedTrace could not start because of an unexpected problem (%1).</source>
        <translation>MedTrace 因意外问题（%1）无法启动。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The details were written to the log in %1. Please send it to your IT support.</source>
        <translation>详细信息已写入日志，位于 %1。请将日志发送给 IT 支持人员。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>This database is at schema version %1; this program needs %2.</source>
        <translation>数据库结构版本为 %1，本程序需要版本 %2。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An administrator should run: %1  (then start MedTrace again)</source>
        <translation>请管理员运行：%1（然后重新启动 MedTrace）</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>MedTrace is already open</source>
        <translation>MedTrace 已在运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A settings file needs fixing</source>
        <translation>设置文件需要修正</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The database cannot be reached</source>
        <translation>无法连接数据库</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The database needs an upgrade</source>
        <translation>数据库需要升级</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>MedTrace could not start</source>
        <translation>MedTrace 无法启动</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>MedTrace cannot start</source>
        <translation>MedTrace 无法启动</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Next step: %1</source>
        <translation>下一步：%1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>StartupWindow</name>
    <message>
        <location line="-98"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Creating this computer&apos;s database (first start, about 10 seconds)…</source>
        <translation>正在创建本机数据库（首次启动，约需 10 秒）…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Starting the database…</source>
        <translation>正在启动数据库…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Setting up the database for first use…</source>
        <translation>正在初始化数据库（首次使用）…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checking the database version…</source>
        <translation>正在检查数据库版本…</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>MedTrace QA Workstation</source>
        <translation>MedTrace 质量保证工作站</translation>
    </message>
</context>
<context>
    <name>TracePage</name>
    <message>
        <location filename="../../app/views/trace_page.py" line="+141"/>
        <source>Trace</source>
        <translation>追溯</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Lot number, or scan the UDI</source>
        <translation>批号，或扫描 UDI</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Product DI (optional)</source>
        <translation>产品标识（可选）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Serial (optional)</source>
        <translation>序列号（可选）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Forward</source>
        <translation>正向追溯</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where did it go: every lot made with it and every consignee</source>
        <translation>去向：用它生产的每个批次和每个收货单位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Backward</source>
        <translation>反向追溯</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What is in it: its component lots and their suppliers</source>
        <translation>来源：其组件批次及供应商</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Run</source>
        <translation>开始追溯</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write every consignee line to an Excel or CSV file</source>
        <translation>将每一条收货单位记录写入 Excel 或 CSV 文件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start drill…</source>
        <translation>启动演练…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start a mock recall drill on this lot: the same scope, frozen and timed, without holding stock</source>
        <translation>对该批次启动模拟召回演练：冻结并计时相同的召回范围，但不控制库存</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Lot / consignee</source>
        <translation>批次/收货单位</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+15"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Party</source>
        <translation>单位</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tier</source>
        <translation>层级</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+9"/>
        <source>DI</source>
        <translation>产品标识</translation>
    </message>
    <message>
        <location line="-9"/>
        <location line="+9"/>
        <source>Lot</source>
        <translation>批号</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Shipped</source>
        <translation>已发货</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>On hand</source>
        <translation>现有库存</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Serial</source>
        <translation>序列号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From → to</source>
        <translation>发出方 → 接收方</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Document</source>
        <translation>单据</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+194"/>
        <source>Consignees</source>
        <translation>收货单位</translation>
    </message>
    <message>
        <location line="-193"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Enter a lot number (or scan the label&apos;s UDI) and press Run.

Forward finds every lot made with it and every consignee at every tier, with the quantities shipped, returned and still on hand: the scope of a recall. Backward finds the component lots it was made from and the suppliers they came from.

When the same lot number exists for several products, add the product DI; for one unit of a serialised lot, add its serial.</source>
        <translation>输入批号（或扫描标签上的 UDI），然后点击“开始追溯”。

正向追溯找出用它生产的每个批次以及每一级收货单位，并列出已发货、已退回和现有库存数量：即召回范围。反向追溯找出其所用的组件批次及其供应商。

如果多个产品有相同批号，请补充产品标识；如需追溯序列化批次中的某一单元，请补充其序列号。</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Enter a lot number, or scan the UDI on the label.</source>
        <translation>请输入批号，或扫描标签上的 UDI。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Tracing lot %1…</source>
        <translation>正在追溯批次 %1…</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Trace cancelled.</source>
        <translation>追溯已取消。</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>No trace run yet.</source>
        <translation>尚未进行追溯。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The trace failed unexpectedly; the details are in the log.</source>
        <translation>追溯意外失败；详细信息见日志。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No result.</source>
        <translation>无结果。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Consignees (%1)</source>
        <translation>收货单位（%1）</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Forward from %1: %2 lots, %3 consignees (%4 lines); %5 units shipped by us, %6 returned to us, %7 on hand at consignees.</source>
        <translation>从 %1 正向追溯：%2 个批次，%3 个收货单位（%4 条记录）；我方发出 %5 件，退回我方 %6 件，收货单位现有 %7 件。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No unit of these lots has left our sites.</source>
        <translation>这些批次没有任何产品离开我方场地。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Backward from %1: %2 component lots, %3 supplier receipts.</source>
        <translation>从 %1 反向追溯：%2 个组件批次，%3 条供应商收货记录。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Lists show the first %1 rows; Export writes every consignee.</source>
        <translation>列表仅显示前 %1 行；导出将写入全部收货单位。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>our site</source>
        <translation>我方场地</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>supplier</source>
        <translation>供应商</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>distributor</source>
        <translation>经营企业</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>hospital</source>
        <translation>使用单位</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>produce</source>
        <translation>生产入库</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>receive</source>
        <translation>收货</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ship</source>
        <translation>发货</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>return</source>
        <translation>退货</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>install</source>
        <translation>安装使用</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>scrap</source>
        <translation>报废</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>adjust</source>
        <translation>库存调整</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>start</source>
        <translation>起点</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>component</source>
        <translation>组件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>finished</source>
        <translation>成品</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Tier %1</source>
        <translation>第 %1 级</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 · shipped %2 · returned %3 · on hand %4</source>
        <translation>%1 · 已发货 %2 · 已退回 %3 · 现有 %4</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Supplier %1  %2</source>
        <translation>供应商 %1  %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>received from %1</source>
        <translation>收自 %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Export consignees</source>
        <translation>导出收货单位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV，UTF-8 (*.csv)</translation>
    </message>
</context>
<context>
    <name>TrendChart</name>
    <message>
        <location filename="../../app/views/charts.py" line="+48"/>
        <source>Drill KPIs, latest drills (minutes)</source>
        <translation>最近演练的关键指标（分钟）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Drill</source>
        <translation>演练</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Identify scope</source>
        <translation>确定范围</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Contain</source>
        <translation>控制库存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notify all</source>
        <translation>全部通知</translation>
    </message>
</context>
<context>
    <name>ValidationPanel</name>
    <message>
        <location filename="../../app/views/validation_panel.py" line="+43"/>
        <source>Validation</source>
        <translation>系统验证</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Validate this installation…</source>
        <translation>验证本安装…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Only administrators validate the installation.</source>
        <translation>只有管理员可以验证本安装。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This workstation uses a shared server: validation needs the database owner&apos;s connection, which the workstations of a shared server do not have.</source>
        <translation>本工作站使用共享服务器：验证需要数据库所有者的连接，而共享服务器的工作站没有该连接。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Checks the installed program and this database against their specification (IQ/OQ) and writes the validation report (PDF) and its matrix (Excel) to a folder you choose. Nothing in the records is changed; the run is noted in the audit trail.</source>
        <translation>按规范检查已安装的程序和本数据库（IQ/OQ），并将验证报告（PDF）及其追溯矩阵（Excel）写入您选择的文件夹。记录不会被更改；本次验证会记入审计追踪。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Folder for the validation report</source>
        <translation>验证报告的保存文件夹</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Writing the report</source>
        <translation>正在写入报告</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Check %1</source>
        <translation>检查 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (%2 of %3)</source>
        <translation>%1（第 %2 项，共 %3 项）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>PASSED: all %1 checks hold. Report: %2  Matrix: %3</source>
        <translation>通过：全部 %1 项检查均符合要求。报告：%2  矩阵：%3</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>FAILED: %4 of %1 checks did not hold: %5. Report: %2  Matrix: %3</source>
        <translation>未通过：%1 项检查中有 %4 项不符合要求：%5。报告：%2  矩阵：%3</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The validation could not run because of an unexpected problem (%1). The details are in the log.</source>
        <translation>由于意外问题（%1），验证未能执行。详细信息已写入日志。</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../app/views/first_run_wizard.py" line="-286"/>
        <source>Welcome to MedTrace</source>
        <translation>欢迎使用 MedTrace</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Setting up this workstation takes five short steps.</source>
        <translation>设置本工作站只需五个简单步骤。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>MedTrace keeps the quality records of medical devices: lot release with electronic signatures, traceability and recalls, expiry management and the audit trail inspectors ask for.

This computer has a new, empty MedTrace database. First you enter your company, as every report and recall letter will name it. The first account you create next is the administrator&apos;s. The administrator adds the other people, gives them their roles and can lock or reset accounts; on its own this role signs no quality record (segregation of duties).

You will need a phone with an authenticator app: every sign-in and every signature asks for your password and a code from that app.</source>
        <translation>MedTrace 用于保存医疗器械的质量记录：带电子签名的批次放行、追溯与召回、效期管理，以及检查员要求的审计追踪。

本机有一个新建的空 MedTrace 数据库。首先填写贵企业的信息，每份报告和召回通知函都将以此署名。接着创建的第一个账户是管理员账户。管理员负责添加其他人员、分配角色，并可锁定或重置账户；该角色本身不签署任何质量记录（职责分离）。

您需要一部装有身份验证器应用的手机：每次登录和每次签名都需要输入密码和该应用中的验证码。</translation>
    </message>
</context>
<context>
    <name>WorkCalendarDialog</name>
    <message>
        <location filename="../../app/views/work_calendar_dialog.py" line="+54"/>
        <source>Working calendar</source>
        <translation>工作日历</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recall deadlines in working days count Monday to Friday, less the public holidays, plus the make-up working days (调休) marked here. Mark each year&apos;s holidays before they come.</source>
        <translation>以工作日计的召回时限按周一至周五计算，扣除此处标记的法定节假日，并加上调休工作日。请提前标记每年的节假日。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>e.g. 国庆节 National Day</source>
        <translation>例如：国庆节</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark as &amp;holiday…</source>
        <translation>标记为节假日(&amp;H)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark as &amp;working day…</source>
        <translation>标记为工作日(&amp;W)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to the &amp;usual week…</source>
        <translation>恢复为常规(&amp;U)…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Administrators and regulatory affairs keep the working calendar.</source>
        <translation>工作日历由系统管理员和法规事务人员维护。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Marked by</source>
        <translation>标记人</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>%1 · holidays: %2 · make-up working days: %3</source>
        <translation>%1 年 · 节假日：%2 · 调休工作日：%3</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Make-up working day</source>
        <translation>调休工作日</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Holiday</source>
        <translation>节假日</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1 is a working day (Monday to Friday).</source>
        <translation>%1 是工作日（周一至周五）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is a weekend day, not a working day.</source>
        <translation>%1 是周末，不是工作日。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 is a make-up working day.</source>
        <translation>%1 是调休工作日。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 is a holiday.</source>
        <translation>%1 是节假日。</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+1"/>
        <source>usual week</source>
        <translation>常规</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the working calendar</source>
        <translation>工作日历</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why is %1 changed in the working calendar?</source>
        <translation>为什么更改工作日历中的 %1？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Public holiday announced by the State Council</source>
        <translation>国务院公布的法定节假日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Make-up working day (调休) announced by the State Council</source>
        <translation>国务院公布的调休工作日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Site shutdown</source>
        <translation>工厂停产</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Marked in error</source>
        <translation>误标记</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <location filename="../../app/views/recalls_page.py" line="-776"/>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Consignee</source>
        <translation>收货单位</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tier</source>
        <translation>级次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Notified</source>
        <translation>通知</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Acknowledged</source>
        <translation>确认</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Held</source>
        <translation>持有</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Returned</source>
        <translation>已退回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remaining</source>
        <translation>剩余</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>overdue — not notified</source>
        <translation>已逾期 — 未通知</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+3"/>
        <source>not yet</source>
        <translation>尚未</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
</context>
</TS>
