import { SMTPServer } from "smtp-server";

/**
 * A real SMTP server on 127.0.0.1 for tests: it accepts every mail and keeps it.
 * `hold` makes it stall on DATA (a stuck server); `fail` makes it refuse with 451.
 */
export interface ReceivedMail {
  to: string[];
  messageId: string;
  subject: string;
  /** The decoded text/plain part. */
  text: string;
  raw: string;
}

export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  mode: "accept" | "fail" | "hold";
  /** Messages received in "hold" mode and not answered yet. */
  held(): number;
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const state: { mode: TestSmtp["mode"] } = { mode: "accept" };
  const held: Array<(error: Error) => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (state.mode === "hold") {
          held.push(callback); // no answer until close(): the client waits, times out or dies
          return;
        }
        if (state.mode === "fail") return callback(Object.assign(new Error("try again later"), { responseCode: 451 }));
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({ ...decodeMail(raw), to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    held: () => held.length,
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const found = received.find(predicate);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no matching mail within ${timeoutMs} ms (received: ${received.map((m) => m.subject).join(", ")})`);
    },
    close: () => {
      for (const callback of held.splice(0)) callback(Object.assign(new Error("closing"), { responseCode: 421 }));
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/* A test-only reader of the messages nodemailer writes: headers, then the text/plain part. */

function header(block: string, name: string): string {
  const unfolded = block.replace(/\r?\n[ \t]+/g, " ");
  const m = new RegExp(`^${name}:\\s*(.*)$`, "im").exec(unfolded);
  return m ? m[1]!.trim() : "";
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
    enc.toLowerCase() === "b"
      ? Buffer.from(data, "base64").toString("utf8")
      : decodeQuotedPrintable(data.replace(/_/g, " ")),
  );
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

function decodeBody(headers: string, body: string): string {
  const encoding = header(headers, "Content-Transfer-Encoding").toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
  return body;
}

function decodeMail(raw: string): Omit<ReceivedMail, "to" | "raw"> {
  const split = raw.indexOf("\r\n\r\n");
  const headers = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(header(headers, "Content-Type"))?.[1];
  let text = decodeBody(headers, body);
  if (boundary) {
    for (const part of body.split(`--${boundary}`)) {
      const cut = part.indexOf("\r\n\r\n");
      if (cut < 0) continue;
      const partHeaders = part.slice(0, cut);
      if (/^content-type:\s*text\/plain/im.test(partHeaders)) {
        text = decodeBody(partHeaders, part.slice(cut + 4));
        break;
      }
    }
  }
  return { messageId: header(headers, "Message-ID"), subject: decodeWords(header(headers, "Subject")), text };
}
