/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) that keeps every message it receives,
 * so tests read the emails the server sent and follow their links.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  /** The whole message with quoted-printable undone: good enough to search for text and links. */
  body: string;
}

function decodeQuotedPrintable(raw: string): string {
  // Each =XX is one byte of UTF-8: gather them as bytes, then read the whole as UTF-8.
  const bytes = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export class SmtpInbox {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('latin1');
          const subject = /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '';
          this.mails.push({ to: session.envelope.rcptTo.map((r) => r.address), subject, body: decodeQuotedPrintable(raw) });
          callback();
        });
      },
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (server.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The mails to an address, in the order received. */
  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }

  /** Waits (a bounded number of short pauses) for the `count`-th mail to `address`. */
  async waitFor(address: string, count = 1): Promise<ReceivedMail> {
    for (let i = 0; i < 200; i++) {
      const mails = this.to(address);
      const mail = mails[count - 1];
      if (mail) return mail;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`No mail #${count} to ${address}; received: ${JSON.stringify(this.mails.map((m) => [m.to, m.subject]))}`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The first link of the mail whose path contains `path` (e.g. "/u/reset-password/confirm"). */
export function linkIn(mail: ReceivedMail, path: string): string {
  const links = [...mail.body.matchAll(/https?:\/\/[^\s"<>]+/g)].map((m) => m[0]);
  const link = links.find((l) => l.includes(path));
  if (!link) throw new Error(`No link to ${path} in mail "${mail.subject}":\n${mail.body.slice(0, 2000)}`);
  return link;
}
