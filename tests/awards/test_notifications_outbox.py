"""The e-mail outbox against a real SMTP server started in the test: sent only after commit,
retried with exponential backoff on SMTP errors, never sent twice even with senders racing,
kept queued when no SMTP server is configured."""
from __future__ import annotations

import os
import socketserver
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from awards import jobs
from awards.db import db
from awards.models import JobStatus, OutboxMessage
from awards.services import notifications as svc
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)


class _Handler(socketserver.StreamRequestHandler):
    """Just enough ESMTP for smtplib: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        srv: SMTPServer = self.server  # type: ignore[assignment]
        self._say("220 test.local ESMTP")
        data: list[bytes] | None = None
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if data is not None:
                if line in (b".\r\n", b".\n"):
                    with srv.lock:
                        srv.data_commands += 1
                        fail = srv.data_commands <= srv.fail_first
                        if not fail:
                            srv.messages.append(b"".join(data))
                    self._say("451 4.3.0 Tạm thời không nhận thư" if fail else "250 2.0.0 OK")
                    data = None
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            cmd = line[:4].upper()
            if cmd == b"EHLO":
                self._say("250-test.local")
                self._say("250-8BITMIME")
                self._say("250 SMTPUTF8")
            elif cmd == b"DATA":
                data = []
                self._say("354 End data with <CR><LF>.<CR><LF>")
            elif cmd == b"QUIT":
                self._say("221 Bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self._say("250 OK")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fail_first: int = 0):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fail_first = fail_first
        self.data_commands = 0
        self.messages: list[bytes] = []
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def outbox_ids(self) -> list[int]:
        return [int(message_from_bytes(m, policy=default_policy)["X-Awards-Outbox-Id"]) for m in self.messages]


@pytest.fixture
def smtp_server():
    servers: list[SMTPServer] = []

    def start(fail_first: int = 0) -> SMTPServer:
        srv = SMTPServer(fail_first)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def demo(ctx):
    f.load_demo(today=date(2026, 11, 2))


def settings(port: int) -> svc.SmtpSettings:
    return svc.SmtpSettings(host="127.0.0.1", port=port, mail_from="tdkt@ninhbinh.example.vn", timeout=5)


def queue(n: int = 1, username: str = "xa.chuyenvien", now: datetime = T0) -> None:
    u = f.user(username)
    for i in range(n):
        svc.notify(db.session, [u], kind="workflow", title=f"Hồ sơ số {i} đã được tiếp nhận",
                   body="Nội dung có dấu tiếng Việt.", link="/dossiers/1", base_url="http://tdkt.example", now=now)
    db.session.commit()


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_backoff_doubles_and_is_capped():
    assert [svc.backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert svc.backoff(30) == timedelta(hours=6)


def test_nothing_is_sent_before_commit(demo, smtp_server):
    srv = smtp_server()
    u = f.user("xa.chuyenvien")
    svc.notify(db.session, [u], kind="workflow", title="Chưa lưu", now=T0)
    assert srv.data_commands == 0  # notify only queues
    if db.engine.dialect.name == "postgresql":
        # a sender in another session sees nothing uncommitted (on SQLite it could not even start:
        # the writer holds the database's write lock until it commits)
        other = db.new_session()
        try:
            result = svc.send_outbox(other, settings(srv.port), now=T0 + timedelta(minutes=1))
        finally:
            other.close()
        assert result.sent == 0 and srv.messages == []
    db.session.rollback()
    assert messages() == []


def test_first_fails_then_is_accepted_with_backoff(demo, smtp_server):
    srv = smtp_server(fail_first=2)
    queue(1)
    r1 = svc.send_outbox(db.session, settings(srv.port), now=T0)
    assert (r1.sent, r1.retried) == (0, 1)
    [m] = messages()
    assert m.status == "queued" and m.attempts == 1 and m.next_attempt_dt == T0 + timedelta(minutes=1)
    assert "451" in m.last_error
    # not due yet: no attempt
    assert svc.send_outbox(db.session, settings(srv.port), now=T0 + timedelta(seconds=59)).retried == 0
    assert srv.data_commands == 1
    r2 = svc.send_outbox(db.session, settings(srv.port), now=T0 + timedelta(minutes=1))
    assert r2.retried == 1
    [m] = messages()
    assert m.attempts == 2 and m.next_attempt_dt == T0 + timedelta(minutes=3)
    r3 = svc.send_outbox(db.session, settings(srv.port), now=T0 + timedelta(minutes=3))
    assert r3.sent == 1
    [m] = messages()
    assert m.status == "sent" and m.attempts == 3 and m.sent_dt is not None
    assert srv.outbox_ids() == [m.id]
    mail = message_from_bytes(srv.messages[0], policy=default_policy)
    assert mail["To"] == "xa.chuyenvien@ninhbinh.example.vn"
    assert mail["Subject"] == "Hồ sơ số 0 đã được tiếp nhận"
    body = mail.get_content()
    assert "Nội dung có dấu tiếng Việt." in body and "http://tdkt.example/dossiers/1" in body
    # sent is final
    assert svc.send_outbox(db.session, settings(srv.port), now=T0 + timedelta(hours=1)).sent == 0
    assert len(srv.messages) == 1


def test_a_dead_server_is_retried_later(demo):
    queue(2)
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there
    r = svc.send_outbox(db.session, settings(port), now=T0)
    assert r.retried == 2 and r.sent == 0
    assert all(m.status == "queued" and m.attempts == 1 and "ConnectionRefusedError" in m.last_error
               for m in messages())


def test_gives_up_after_max_attempts(demo, smtp_server):
    srv = smtp_server(fail_first=100)
    queue(1)
    now = T0
    for _ in range(svc.MAX_ATTEMPTS):
        svc.send_outbox(db.session, settings(srv.port), now=now)
        now += timedelta(hours=7)
    [m] = messages()
    assert m.status == "failed" and m.attempts == svc.MAX_ATTEMPTS
    svc.send_outbox(db.session, settings(srv.port), now=now)
    assert srv.data_commands == svc.MAX_ATTEMPTS


def test_interrupted_send_is_not_repeated(demo, smtp_server):
    srv = smtp_server()
    queue(1)
    db.session.execute(sa.update(OutboxMessage).values(status="sending", claimed_dt=T0, claimed_by="dead:1",
                                                       attempts=1))
    db.session.commit()
    svc.send_outbox(db.session, settings(srv.port), now=T0 + timedelta(minutes=5))
    assert messages()[0].status == "sending"
    r = svc.send_outbox(db.session, settings(srv.port), now=T0 + timedelta(minutes=16))
    assert r.interrupted == 1 and messages()[0].status == "failed" and srv.messages == []


def test_no_smtp_configured_keeps_messages_queued(demo, app, runner):
    queue(3)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        out = jobs.run_job("send_outbox")
    assert out.ok and "Chưa cấu hình SMTP" in out.result
    assert [m.status for m in messages()] == ["queued"] * 3
    assert [m.attempts for m in messages()] == [0] * 3
    assert "Chưa cấu hình SMTP" in db.session.get(JobStatus, "send_outbox").last_result
    res = runner.invoke(args=["send-outbox"])
    assert res.exit_code == 2 and "Chưa cấu hình SMTP" in res.output


def test_scheduler_job_sends_through_configured_smtp(demo, app, smtp_server, monkeypatch):
    srv = smtp_server()
    queue(2)
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", srv.port)
    out = jobs.run_job("send_outbox", now=T0 + timedelta(minutes=1))
    assert out.ok and out.result.startswith("đã gửi 2")
    assert sorted(srv.outbox_ids()) == [m.id for m in messages()]


def _env(database_url: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, SECRET_KEY="x" * 40, AWARDS_ENV="development",
               SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), MAIL_FROM="tdkt@ninhbinh.example.vn")
    env.pop("TEST_DATABASE_URL", None)
    return env


def test_two_sender_processes_racing_never_send_twice(demo, smtp_server, database_url):
    srv = smtp_server()
    queue(60)
    db.session.rollback()
    env = _env(database_url, srv.port)
    procs = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "send-outbox"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    ids = srv.outbox_ids()
    assert len(ids) == 60 and len(set(ids)) == 60
    assert all(m.status == "sent" and m.attempts == 1 for m in messages())


def test_two_sender_threads_racing_never_send_twice(demo, app, smtp_server):
    srv = smtp_server()
    queue(40)
    db.session.rollback()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sender():
        with app.app_context():
            s = db.new_session()
            try:
                barrier.wait()
                svc.send_outbox(s, settings(srv.port), now=T0 + timedelta(minutes=1), worker=threading.current_thread().name)
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)
            finally:
                s.close()

    threads = [threading.Thread(target=sender, name=f"sender-{i}") for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    ids = srv.outbox_ids()
    assert len(ids) == 40 and len(set(ids)) == 40
    assert {m.status for m in messages()} == {"sent"}
