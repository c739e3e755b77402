"""Database access: engines, the unit of work, the embedded server, migrations, change notifications."""
