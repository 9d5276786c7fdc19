"""A real SMTP server for tests: accepts mail on 127.0.0.1 and keeps each
message as a file.

    /usr/bin/python3 tests/support/smtp_sink.py --port 0 --dir DIR [--stop-on-eof]

Needs Debian's python3-aiosmtpd, hence /usr/bin/python3. Prints
"listening PORT" on stdout once it accepts connections. Each accepted message
becomes DIR/NNNNNN.eml (000001.eml, 000002.eml, ...), written under a name
starting with '.' and renamed, so a reader never sees half a file. The file is
the message as received, CRLF line ends, preceded by two header lines with the
envelope:

    X-Sink-Mail-From: <sender@example.cn>
    X-Sink-Rcpt-To: <a@example.cn>, <b@example.cn>

Recipients whose local part starts with "reject" get "550 5.1.1 no such
user", with "later" get "451 4.3.0 try later"; others are accepted. SIGTERM or
SIGINT (and, with --stop-on-eof, end of stdin, which a test gets for free when
it dies) close the listener and exit with status 0. Idle sessions time out.
"""

import argparse
import asyncio
import os
import signal
import sys

from aiosmtpd.smtp import SMTP

IDLE_TIMEOUT_SECONDS = 30
MAX_MESSAGE_BYTES = 8 * 1024 * 1024


class Sink:
    def __init__(self, folder):
        self.folder = folder
        # A sink started again on the same folder numbers on after what is there.
        numbers = [int(n[:6]) for n in os.listdir(folder) if n.endswith(".eml") and n[:6].isdigit()]
        self.count = max(numbers, default=0)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 no such user"
        if local.startswith("later"):
            return "451 4.3.0 try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = "%06d.eml" % self.count
        head = "X-Sink-Mail-From: <%s>\r\nX-Sink-Rcpt-To: %s\r\n" % (
            envelope.mail_from,
            ", ".join("<%s>" % r for r in envelope.rcpt_tos),
        )
        temp = os.path.join(self.folder, "." + name + ".tmp")
        with open(temp, "wb") as f:
            f.write(head.encode("ascii", "replace"))
            f.write(envelope.original_content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, os.path.join(self.folder, name))
        return "250 2.0.0 kept as " + name


async def serve(args):
    os.makedirs(args.dir, exist_ok=True)
    loop = asyncio.get_running_loop()
    sink = Sink(args.dir)
    server = await loop.create_server(
        lambda: SMTP(
            sink,
            hostname="sink.test",
            data_size_limit=MAX_MESSAGE_BYTES,
            timeout=IDLE_TIMEOUT_SECONDS,
        ),
        host="127.0.0.1",
        port=args.port,
    )
    stop = asyncio.Event()
    for signo in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signo, stop.set)
    if args.stop_on_eof:
        stdin = sys.stdin.buffer.raw

        def on_stdin():
            if not os.read(stdin.fileno(), 4096):
                loop.remove_reader(stdin.fileno())
                stop.set()

        loop.add_reader(stdin.fileno(), on_stdin)
    print("listening %d" % server.sockets[0].getsockname()[1], flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--dir", required=True, help="where messages are written")
    parser.add_argument("--stop-on-eof", action="store_true", help="exit when stdin closes")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
