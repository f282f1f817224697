// Splitting a mail file into mails, in one pass over its bytes and in bounded memory: a file whose first line is an
// mbox "From " separator line is an mbox (RFC 4155; the mboxo and mboxrd variants), anything else is one mail (.eml).
// In an mbox a separator is a line beginning "From " that starts the file or follows an empty line; that empty line
// ends the mail before it and is not part of it (RFC 4155: "each message ... is terminated by an empty line").
// Body lines quoted as ">From ", ">>From ", ... lose one ">" (mboxrd; for mboxo, where only "From " was quoted, this
// is the same for every line but a ">From " that was in the mail, which mboxo cannot tell apart). A UTF-8 byte
// order mark at the start of the file is dropped. A mail longer than the cap is not kept: it is counted, and handed
// on as oversize so that it can be refused with its size and place.

/** One mail of a mail file. */
export interface FileMail {
  /** Its place in the file: 1 for the first mail. */
  position: number;
  /** The file's line (from 1) where it starts: its separator line in an mbox. */
  line: number;
  /** Its bytes (empty when oversize), as they are in the file, unquoted. */
  bytes: Buffer;
  /** Its length in bytes (counted in full, also when oversize). */
  sizeBytes: number;
  /** True when it is longer than the cap: its bytes were not kept. */
  oversize: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const FROM = Buffer.from("From ", "latin1");
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const EMPTY: Buffer = Buffer.alloc(0);

/** The mail being read. */
interface OpenMail {
  position: number;
  line: number;
  parts: Buffer[];
  sizeBytes: number;
  oversize: boolean;
}

/** A splitter fed the file's bytes in chunks of any size; each call answers the mails that were completed. */
export class MailFileSplitter {
  private mode: "undecided" | "mbox" | "single" = "undecided";
  private start: Buffer | undefined = Buffer.alloc(0);
  /** The first bytes of the line being read (up to 5: enough to tell a separator) and the rest of it. */
  private head: Buffer = EMPTY;
  private rest: Buffer[] = [];
  /** The line when it came as one piece. */
  private whole: Buffer | undefined;
  private lineBytes = 0;
  private lineNumber = 0;
  private previousBlank = false;
  /** An empty line not yet known to belong to the mail (it does unless a separator follows). */
  private pendingBlank: Buffer | undefined;
  private mail: OpenMail | undefined;
  private count = 0;

  /** `maxMailBytes`: the longest mail kept. */
  constructor(private readonly maxMailBytes: number) {}

  /** Takes the next chunk of the file. */
  push(chunk: Buffer): FileMail[] {
    const done: FileMail[] = [];
    let bytes = chunk;
    if (this.start) {
      // The byte order mark can only be told once three bytes are in.
      const joined = Buffer.concat([this.start, bytes]);
      if (joined.length < BOM.length && BOM.subarray(0, joined.length).equals(joined)) {
        this.start = joined;
        return done;
      }
      this.start = undefined;
      bytes = joined.subarray(0, BOM.length).equals(BOM) ? joined.subarray(BOM.length) : joined;
    }
    let from = 0;
    while (from < bytes.length) {
      const newline = bytes.indexOf(LF, from);
      const end = newline === -1 ? bytes.length : newline + 1;
      this.take(bytes.subarray(from, end));
      if (newline !== -1) this.endLine(done);
      from = end;
    }
    return done;
  }

  /** Ends the file; answers the last mail. */
  end(): FileMail[] {
    const done: FileMail[] = [];
    if (this.start && this.start.length > 0) {
      const left = this.start;
      this.start = undefined;
      this.take(left);
    }
    if (this.lineBytes > 0) this.endLine(done);
    // The empty line that ends the last mail of an mbox is the format's, not the mail's.
    this.pendingBlank = undefined;
    this.finishMail(done);
    return done;
  }

  private isSeparatorHead(): boolean {
    return this.head.length === FROM.length && this.head.equals(FROM) && this.mode !== "single" && (this.lineNumber === 0 || this.previousBlank);
  }

  /** Part of the current line. */
  private take(segment: Buffer): void {
    let rest = segment;
    // Most lines lie in one chunk: then the line is that chunk's slice, not a copy.
    this.whole = this.lineBytes === 0 ? segment : undefined;
    if (this.lineBytes === 0) {
      this.head = segment.subarray(0, FROM.length);
      rest = segment.subarray(FROM.length);
    } else if (this.head.length < FROM.length) {
      const wanted = FROM.length - this.head.length;
      this.head = Buffer.concat([this.head, rest.subarray(0, wanted)]);
      rest = rest.subarray(wanted);
    }
    this.lineBytes += segment.length;
    if (rest.length === 0 || this.isSeparatorHead()) return;
    // A long first line of a single mail counts against the cap too.
    if (!this.mail) this.mail = this.newMail(this.lineNumber + 1);
    const mail = this.mail;
    if (mail.oversize) return;
    if (mail.sizeBytes + this.lineBytes + (this.pendingBlank?.length ?? 0) > this.maxMailBytes) {
      this.dropMail();
      return;
    }
    this.rest.push(rest);
  }

  /** The current mail is longer than the cap: its bytes go, its length is still counted. */
  private dropMail(): void {
    if (!this.mail) return;
    this.mail.oversize = true;
    this.mail.parts = [];
    this.rest = [];
  }

  private append(line: Buffer): void {
    const mail = this.mail;
    if (!mail) return;
    mail.sizeBytes += line.length;
    if (mail.oversize) return;
    if (mail.sizeBytes > this.maxMailBytes) {
      this.dropMail();
      return;
    }
    mail.parts.push(line);
  }

  private endLine(done: FileMail[]): void {
    const separator = this.isSeparatorHead();
    const lineBytes = this.lineBytes;
    const blank = (lineBytes === 1 && this.head[0] === LF) || (lineBytes === 2 && this.head[0] === CR && this.head[1] === LF);
    const line = this.mail?.oversize || separator ? undefined : (this.whole ?? Buffer.concat([this.head, ...this.rest]));
    if (this.mode === "undecided") this.mode = separator ? "mbox" : "single";
    this.lineNumber += 1;
    this.head = EMPTY;
    this.rest = [];
    this.whole = undefined;
    this.lineBytes = 0;
    this.previousBlank = blank;
    if (separator) {
      this.pendingBlank = undefined;
      this.finishMail(done);
      this.mail = this.newMail(this.lineNumber);
      return;
    }
    this.mail ??= this.newMail(this.lineNumber);
    if (this.pendingBlank) {
      this.append(this.pendingBlank);
      this.pendingBlank = undefined;
    }
    if (this.mode === "mbox" && blank) {
      this.pendingBlank = line ?? Buffer.alloc(lineBytes, LF);
      return;
    }
    if (!line) {
      this.mail.sizeBytes += lineBytes;
      return;
    }
    this.append(this.mode === "mbox" ? unquoted(line) : line);
  }

  private newMail(line: number): OpenMail {
    this.count += 1;
    return { position: this.count, line, parts: [], sizeBytes: 0, oversize: false };
  }

  private finishMail(done: FileMail[]): void {
    const mail = this.mail;
    this.mail = undefined;
    if (!mail) return;
    done.push({ position: mail.position, line: mail.line, bytes: mail.oversize ? Buffer.alloc(0) : Buffer.concat(mail.parts), sizeBytes: mail.sizeBytes, oversize: mail.oversize });
  }
}

/** A body line of an mbox with its quoting undone: ">From " is "From ", ">>From " is ">From " (mboxrd). */
function unquoted(line: Buffer): Buffer {
  if (line[0] !== GT) return line;
  let at = 0;
  while (at < line.length && line[at] === GT) at += 1;
  return line.subarray(at, at + FROM.length).equals(FROM) ? line.subarray(1) : line;
}

/** The mails of a file read as chunks (a file stream), in order. */
export async function* mailsOfFile(chunks: AsyncIterable<Buffer | string>, maxMailBytes: number): AsyncGenerator<FileMail> {
  const splitter = new MailFileSplitter(maxMailBytes);
  for await (const chunk of chunks) yield* splitter.push(typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk);
  yield* splitter.end();
}

/** The mail with each line ending that is a bare LF made CRLF, as mail is sent (RFC 5322 §2.1); CRLF stays. */
export function withCrlf(mail: Buffer): Buffer {
  let bare = 0;
  for (let at = mail.indexOf(LF); at !== -1; at = mail.indexOf(LF, at + 1)) if (at === 0 || mail[at - 1] !== CR) bare += 1;
  if (bare === 0) return mail;
  const out = Buffer.allocUnsafe(mail.length + bare);
  let written = 0;
  let from = 0;
  for (let at = mail.indexOf(LF); at !== -1; at = mail.indexOf(LF, at + 1)) {
    if (at > 0 && mail[at - 1] === CR) continue;
    written += mail.copy(out, written, from, at);
    out[written] = CR;
    out[written + 1] = LF;
    written += 2;
    from = at + 1;
  }
  written += mail.copy(out, written, from);
  return out.subarray(0, written);
}
