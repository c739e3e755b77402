"""Use cases: `verb_noun(uow, *, ...) -> result`.

No Qt; frozen dataclasses out; a ComplianceError subclass, worded for the user, on refusal.
"""
