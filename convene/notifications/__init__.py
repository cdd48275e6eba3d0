"""Notifications: today the mail outbox (``services``, ``tasks``); the in-app inbox and
preferences will live here too.

Mail is written to the outbox in the transaction of the change that causes it and sent by a
task after commit; sending claims the row with a lease first, so a message is sent once however
many tasks, retries and flushes race for it.
"""
