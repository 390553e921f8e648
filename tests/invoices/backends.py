"""Mail servers that fail: the first N sends (then deliver to Django's test outbox), or every send."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failures_left = 0  # set by the test

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class DownBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


class FileFlakyBackend(EmailBackend):
    """For a worker in another process: fails while FLAKY_MAIL_DIR/failures_left counts down, then writes each
    message sent to FLAKY_MAIL_DIR as an .eml file for the test to read."""

    def send_messages(self, messages):
        import os
        from pathlib import Path

        folder = Path(os.environ["FLAKY_MAIL_DIR"])
        counter = folder / "failures_left"
        left = int(counter.read_text() or 0) if counter.exists() else 0
        if left > 0:
            counter.write_text(str(left - 1))
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        for message in messages:
            number = len(list(folder.glob("*.eml"))) + 1
            (folder / f"{number}.eml").write_bytes(message.message().as_bytes())
        return len(messages)
