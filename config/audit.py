"""Audit-trail helpers (django-auditlog)."""


def mask(value):
    """Hide a personal value completely in the audit trail: the log says *that* a name, phone or
    e-mail changed, never what it was or became (``AUDITLOG_MASK_CALLABLE``)."""
    return "[masked]"
