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
        hint_zh="如确需执行此操作，请系统管理员为您分配相应的角色。"),  # in English the database's own words
    "db.connection_lost": Text(
        "The connection to the database was lost; nothing was saved.", "与数据库的连接已断开；未保存任何内容。",
        hint_en="Check the network or the server, then try again.", hint_zh="请检查网络或服务器，然后重试。"),
    "db.refused": Text("The database refused the operation: {detail}.", "数据库拒绝了此操作：{detail}。"),
}
