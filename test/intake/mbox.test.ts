// Splitting mail files: one .eml is one mail, untouched; an mbox (mboxo/mboxrd) is split at "From " lines that start
// the file or follow an empty line, with ">From " quoting undone; LF and CRLF, a byte order mark, chunks cut anywhere
// (one byte at a time included), mails over the cap, and large files in linear time.
import { describe, expect, it } from "vitest";
import { MailFileSplitter, mailsOfFile, withCrlf, type FileMail } from "../../src/intake/mail/mbox.js";
import { arfMail, plainMail, xarfMail, xarfSample } from "../support/mails.js";

const CAP = 1024 * 1024;

/** The mails of bytes fed in chunks of `size` (the whole at once when 0). */
function split(bytes: Buffer, size = 0, cap = CAP): FileMail[] {
  const splitter = new MailFileSplitter(cap);
  const mails: FileMail[] = [];
  if (size === 0) mails.push(...splitter.push(bytes));
  else for (let at = 0; at < bytes.length; at += size) mails.push(...splitter.push(bytes.subarray(at, at + size)));
  mails.push(...splitter.end());
  return mails;
}

const text = (mails: FileMail[]) => mails.map((mail) => mail.bytes.toString("latin1"));

const MAIL_A = "From: a@x.example\nSubject: one\n\nFrom the start, a line that was quoted\n>From here, quoted once in the mail\nhttp://a.example/\n";
const MAIL_B = "From: b@x.example\nSubject: two\n\nbody\nFrom this line after a non-empty one: not a separator\n\n\nend\n";
const MAIL_C = "From: c@x.example\nSubject: three\n\nlast";

/** An mboxrd file of the mails (quoting each /^>*From / body line with one more ">"). */
function mboxrd(mails: string[], eol = "\n"): Buffer {
  const quoted = mails.map((mail) => mail.split("\n").map((line, index) => (index > 0 && /^>*From /.test(line) ? `>${line}` : line)).join("\n"));
  return Buffer.from(quoted.map((mail) => `From MAILER-DAEMON Thu Dec  3 10:00:00 2026\n${mail}${mail.endsWith("\n") ? "" : "\n"}\n`).join("").replace(/\n/g, eol), "latin1");
}

describe("mail files", () => {
  it("a file that does not start with a From line is one mail, byte for byte, its >From lines untouched", () => {
    const eml = Buffer.from(`${MAIL_A}\nFrom here after an empty line\n`, "latin1");
    const [mail, ...more] = split(eml);
    expect(more).toEqual([]);
    expect(mail).toMatchObject({ position: 1, line: 1, oversize: false, sizeBytes: eml.length });
    expect(mail!.bytes.equals(eml)).toBe(true);
    for (const sample of [arfMail(), plainMail("see http://x.example/"), xarfMail(xarfSample("v4/content-phishing.json"))]) expect(split(sample)[0]!.bytes.equals(sample)).toBe(true);
  });

  it("an mbox is split at its separators, each mail as written (the ending empty line is the format's), quoting undone", () => {
    const mails = split(mboxrd([MAIL_A, MAIL_B, MAIL_C]));
    expect(text(mails)).toEqual([MAIL_A, MAIL_B, `${MAIL_C}\n`]);
    // The second mail's "From this line" follows a non-empty line: a body line, even unquoted (as mboxo writers leave it).
    expect(mails.map((mail) => [mail.position, mail.line])).toEqual([[1, 1], [2, 9], [3, 19]]);
    // mboxo: a writer that did not quote a "From " line after a non-empty line; it stays in its mail.
    expect(text(split(Buffer.from("From x\nA: b\n\nbody\nFrom here on\n\nFrom y\nC: d\n", "latin1")))).toEqual(["A: b\n\nbody\nFrom here on\n", "C: d\n"]);
    // mboxrd: ">>From" in the file is ">From" in the mail; a ">" line that is no quoted From stays.
    expect(text(split(Buffer.from("From x\nA: b\n\n>>From y\n>>Fro\n>not from\n\n", "latin1")))).toEqual(["A: b\n\n>From y\n>>Fro\n>not from\n"]);
  });

  it("CRLF mboxes split alike and keep their CRLF; the same mails whatever the chunks (one byte at a time included)", () => {
    const file = mboxrd([MAIL_A, MAIL_B, MAIL_C], "\r\n");
    const whole = text(split(file));
    expect(whole).toEqual([MAIL_A, MAIL_B, `${MAIL_C}\n`].map((mail) => mail.replace(/\n/g, "\r\n")));
    for (const size of [1, 2, 3, 4, 5, 6, 7, 13, 64]) expect(text(split(file, size)), `chunks of ${size}`).toEqual(whole);
    const lf = mboxrd([MAIL_A, MAIL_B]);
    for (const size of [1, 5, 6]) expect(text(split(lf, size))).toEqual([MAIL_A, MAIL_B]);
  });

  it("a byte order mark at the start is dropped, also when cut across chunks; elsewhere it stays", () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const file = Buffer.concat([bom, mboxrd([MAIL_A, MAIL_B])]);
    for (const size of [0, 1, 2, 3]) expect(text(split(file, size))).toEqual([MAIL_A, MAIL_B]);
    const eml = Buffer.concat([bom, Buffer.from(MAIL_C)]);
    for (const size of [0, 1, 2]) expect(text(split(eml, size))).toEqual([MAIL_C]);
    expect(split(Buffer.concat([Buffer.from(MAIL_C), bom]))[0]!.bytes.subarray(-3).equals(bom)).toBe(true);
    expect(text(split(Buffer.from([0xef, 0xbb])))).toEqual(["\xef\xbb"]);
  });

  it("a mail over the cap is not kept but counted, in an mbox and as one long line of a single mail; the next mail is whole", () => {
    const big = `From: big@x.example\n\n${"x".repeat(5000)}\n`;
    const mails = split(mboxrd([MAIL_A, big, MAIL_B]), 100, 1000);
    expect(mails.map((mail) => [mail.position, mail.oversize, mail.bytes.length])).toEqual([[1, false, MAIL_A.length], [2, true, 0], [3, false, MAIL_B.length]]);
    expect(mails[1]!.sizeBytes).toBe(big.length);
    expect(text(mails)[2]).toBe(MAIL_B);
    const line = split(Buffer.from(`X: ${"y".repeat(10_000)}`), 64, 1000);
    expect(line.map((mail) => [mail.oversize, mail.sizeBytes, mail.bytes.length])).toEqual([[true, 10_003, 0]]);
    // A mail exactly at the cap is kept.
    expect(split(Buffer.from("A: b\n".repeat(200)), 7, 1000)[0]).toMatchObject({ oversize: false, sizeBytes: 1000 });
  });

  it("no mail in an empty file; an empty mail between two separators; a last mail without an ending line break", () => {
    expect(split(Buffer.alloc(0))).toEqual([]);
    expect(text(split(Buffer.from("From a\n\nFrom b\nA: 1", "latin1")))).toEqual(["", "A: 1"]);
  });

  it("takes linear time: 20,000 mails, a million empty lines, a 20 MB line", async () => {
    const started = performance.now();
    const many = mboxrd(Array.from({ length: 20_000 }, (_, index) => `From: n${index}@x.example\n\n${"text ".repeat(150)}\n`));
    let count = 0;
    async function* chunks(bytes: Buffer) {
      for (let at = 0; at < bytes.length; at += 65_536) yield bytes.subarray(at, at + 65_536);
    }
    for await (const mail of mailsOfFile(chunks(many), CAP)) if (!mail.oversize) count += 1;
    expect(count).toBe(20_000);
    expect(split(Buffer.from(`From a\nA: b\n${"\n".repeat(1_000_000)}`, "latin1"), 65_536)[0]!.sizeBytes).toBe(5 + 999_999);
    expect(split(Buffer.alloc(20_000_000, 0x61), 65_536, 25_000_000)[0]!.sizeBytes).toBe(20_000_000);
    expect(performance.now() - started).toBeLessThan(8000);
  });
});

describe("line endings", () => {
  it("bare LFs become CRLF, CRLF stays, a lone CR stays; the same bytes back when there is nothing to do", () => {
    expect(withCrlf(Buffer.from("\na\nb\r\nc\rd\n")).toString()).toBe("\r\na\r\nb\r\nc\rd\r\n");
    const crlf = Buffer.from("a\r\nb\r\n");
    expect(withCrlf(crlf)).toBe(crlf);
    expect(withCrlf(Buffer.alloc(0)).length).toBe(0);
    expect(withCrlf(Buffer.from("\n\n\n")).toString()).toBe("\r\n\r\n\r\n");
  });
});
