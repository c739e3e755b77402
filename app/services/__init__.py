"""Use cases: `verb_noun(uow, *, ...) -> result`. No Qt; frozen dataclasses out; ComplianceError on refusal."""
