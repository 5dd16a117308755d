import { randomUUID } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** One plain-text message. */
export interface MailMessage {
  /** `Name <address>` or a bare address. */
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** Sends mail; the app's one way out to SMTP. */
export interface Mailer {
  /** @throws when the server refuses the message or cannot be reached. */
  send(message: MailMessage): Promise<void>;
}

const TIMEOUT_MS = 15_000;

function addressOf(s: string): string {
  const m = /<([^<>]+)>\s*$/.exec(s);
  return (m?.[1] ?? s).trim();
}

function encodeHeader(value: string): string {
  // RFC 2047: Vietnamese subjects and names as UTF-8 base64 encoded-words.
  return /^[\x20-\x7e]*$/.test(value)
    ? value
    : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function encodeAddress(s: string): string {
  const m = /^(.*)<([^<>]+)>\s*$/.exec(s);
  if (!m) return s.trim();
  const name = (m[1] ?? '').trim().replace(/^"|"$/g, '');
  return name ? `${encodeHeader(name)} <${(m[2] ?? '').trim()}>` : `<${(m[2] ?? '').trim()}>`;
}

/** The message as RFC 5322 text with CRLF lines, body in UTF-8 base64, dot-stuffing not needed. */
export function formatMessage(message: MailMessage, at = new Date()): string {
  const domain = addressOf(message.from).split('@')[1] ?? 'localhost';
  const body = Buffer.from(message.text.normalize('NFC'), 'utf8').toString('base64');
  const lines = [
    `From: ${encodeAddress(message.from)}`,
    `To: ${message.to.map(encodeAddress).join(', ')}`,
    `Subject: ${encodeHeader(message.subject.normalize('NFC'))}`,
    `Date: ${at.toUTCString()}`,
    `Message-ID: <${randomUUID()}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    ...(body.match(/.{1,76}/g) ?? []),
  ];
  return lines.join('\r\n');
}

/** Reads SMTP replies (possibly multi-line) one at a time. */
class ReplyReader {
  private buffer = '';
  private waiting: ((reply: { code: number; text: string }) => void) | undefined;
  private failure: Error | undefined;
  private failWaiting: ((err: Error) => void) | undefined;
  private readonly ready: { code: number; text: string }[] = [];

  constructor(socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (;;) {
        const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buffer);
        if (!m) break;
        const end = m.index + m[0].length;
        const text = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end);
        this.push({ code: Number(m[1]), text: text.trim() });
      }
    });
    const fail = (err: Error): void => {
      this.failure = err;
      this.failWaiting?.(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the SMTP server closed the connection')));
    socket.setTimeout(TIMEOUT_MS, () => {
      fail(new Error('the SMTP server did not answer in time'));
      socket.destroy();
    });
  }

  private push(reply: { code: number; text: string }): void {
    const w = this.waiting;
    if (w) {
      this.waiting = undefined;
      this.failWaiting = undefined;
      w(reply);
    } else this.ready.push(reply);
  }

  next(): Promise<{ code: number; text: string }> {
    const r = this.ready.shift();
    if (r) return Promise.resolve(r);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }
}

/**
 * A minimal SMTP client on node:net (`smtp://`, no TLS: the embedded Mailpit or a relay on a
 * trusted network) or node:tls (`smtps://`, implicit TLS). AUTH PLAIN when the URL carries a
 * user and password. STARTTLS is not spoken.
 */
export function createSmtpMailer(url: string): Mailer {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  const port = Number(u.port || (secure ? 465 : 25));
  const host = u.hostname;
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);

  return {
    async send(message) {
      if (message.to.length === 0) return;
      const socket = await new Promise<Socket>((resolve, reject) => {
        const s = secure
          ? tlsConnect({ host, port, servername: host }, () => resolve(s))
          : netConnect({ host, port }, () => resolve(s));
        s.once('error', reject);
      });
      const replies = new ReplyReader(socket);
      const expect = async (codes: number[], what: string): Promise<void> => {
        const r = await replies.next();
        if (!codes.includes(r.code)) throw new Error(`SMTP ${what} refused: ${r.text}`);
      };
      const command = async (line: string, codes: number[], what = line): Promise<void> => {
        socket.write(`${line}\r\n`);
        await expect(codes, what);
      };
      try {
        await expect([220], 'greeting');
        await command('EHLO dienhong', [250]);
        if (user) {
          const token = Buffer.from(`\u0000${user}\u0000${pass}`, 'utf8').toString('base64');
          await command(`AUTH PLAIN ${token}`, [235], 'AUTH');
        }
        await command(`MAIL FROM:<${addressOf(message.from)}>`, [250]);
        for (const to of message.to) await command(`RCPT TO:<${addressOf(to)}>`, [250, 251]);
        await command('DATA', [354]);
        await command(`${formatMessage(message)}\r\n.`, [250], 'message');
        socket.write('QUIT\r\n');
      } finally {
        socket.end();
      }
    },
  };
}
