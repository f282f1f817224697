// Reading one raw mail, bounded: its size is checked before anything is parsed; mailsplit (mailparser's own
// splitter) walks its MIME structure with a cap on each part's header block, on nesting and on the number of parts,
// keeping each leaf part's decoded bytes (an embedded message stays one part: its raw bytes are evidence); then
// mailparser decodes the headers and the text (charsets, encoded words) of the message itself.
import { createHash } from "node:crypto";
import { Splitter } from "@zone-eu/mailsplit";
import type { MimeNode, SplitterChunk } from "@zone-eu/mailsplit/lib/types.js";
import { simpleParser, type AddressObject } from "mailparser";
import { MAIL_MAX_BYTES, MAIL_MAX_DEPTH, MAIL_MAX_HEADER_BYTES, MAIL_MAX_PARTS, MAIL_MAX_TEXT_CHARS } from "./limits.js";

/** One leaf part of a mail, decoded from its transfer encoding. */
export interface MailPart {
  /** Lower-case MIME type, "text/plain" when the part says none. */
  contentType: string;
  /** The file name it was given, when any. */
  filename?: string;
  /** The part's decoded bytes. */
  content: Buffer;
  /** How deep the part is (the message's own body is 0). */
  depth: number;
}

/** A mail, read and decoded. */
export interface ReadMail {
  /** Lower-case hex SHA-256 of the raw bytes. */
  sha256: string;
  sizeBytes: number;
  /** The top-level Content-Type, lower case, and its report-type parameter (multipart/report). */
  contentType: string;
  reportType?: string;
  subject: string;
  /** The sender's address (From), lower case, and display name. */
  fromAddress?: string;
  fromName?: string;
  /** Message-ID without angle brackets. */
  messageId?: string;
  /** The Date header, when it is a date. */
  date?: Date;
  /** The value of the X-ARF header, when there is one (lower case). */
  xArf?: string;
  /** The plain text of the message (from its HTML when it has no text), at most MAIL_MAX_TEXT_CHARS. */
  text: string;
  parts: MailPart[];
}

/** Why a mail could not be read. */
export type MailReadFailureCode = "too-large" | "headers-too-long" | "too-deep" | "too-many-parts" | "unreadable";

/** The outcome of reading a mail. */
export type MailReadResult = { ok: true; mail: ReadMail } | { ok: false; code: MailReadFailureCode; message: string; sha256: string; sizeBytes: number };

/** Lower-case hex SHA-256 of bytes. */
export function sha256Hex(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

class StructureError extends Error {
  constructor(readonly code: MailReadFailureCode, message: string) {
    super(message);
  }
}

/** Reads a raw mail: MIME structure, headers and text, within the caps in limits.ts. */
export async function readMail(raw: Buffer): Promise<MailReadResult> {
  const sha256 = sha256Hex(raw);
  const fail = (code: MailReadFailureCode, message: string): MailReadResult => ({ ok: false, code, message, sha256, sizeBytes: raw.length });
  if (raw.length > MAIL_MAX_BYTES) return fail("too-large", `the message has ${raw.length} bytes; at most ${MAIL_MAX_BYTES} are read`);
  let parts: MailPart[];
  try {
    parts = await splitParts(raw);
  } catch (error) {
    if (error instanceof StructureError) return fail(error.code, error.message);
    const text = error instanceof Error ? error.message : String(error);
    if (/header size/i.test(text)) return fail("headers-too-long", `a header block is longer than ${MAIL_MAX_HEADER_BYTES} bytes`);
    return fail("unreadable", `the message's MIME structure cannot be read: ${text.slice(0, 200)}`);
  }
  let parsed;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: MAIL_MAX_TEXT_CHARS, checksumAlgo: false });
  } catch (error) {
    return fail("unreadable", `the message cannot be decoded: ${(error instanceof Error ? error.message : String(error)).slice(0, 200)}`);
  }
  const contentTypeHeader = parsed.headers.get("content-type") as { value?: string; params?: Record<string, string> } | undefined;
  const from = firstAddress(parsed.from);
  const xArf = parsed.headers.get("x-arf");
  const text = parsed.text || (typeof parsed.html === "string" ? htmlToPlain(parsed.html) : "");
  return {
    ok: true,
    mail: {
      sha256,
      sizeBytes: raw.length,
      contentType: (contentTypeHeader?.value ?? "text/plain").toLowerCase(),
      reportType: contentTypeHeader?.params?.["report-type"]?.toLowerCase(),
      subject: (parsed.subject ?? "").slice(0, MAIL_MAX_TEXT_CHARS),
      fromAddress: from?.address?.toLowerCase(),
      fromName: from?.name || undefined,
      messageId: parsed.messageId ? parsed.messageId.replace(/^<|>$/g, "").slice(0, 256) || undefined : undefined,
      date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : undefined,
      xArf: typeof xArf === "string" ? xArf.trim().toLowerCase() : undefined,
      text: text.slice(0, MAIL_MAX_TEXT_CHARS),
      parts,
    },
  };
}

function firstAddress(from: AddressObject | AddressObject[] | undefined): { address?: string; name?: string } | undefined {
  const object = Array.isArray(from) ? from[0] : from;
  return object?.value[0];
}

/** HTML as plain text, crudely but linearly: tags dropped, the common entities decoded. */
function htmlToPlain(html: string): string {
  return html
    .slice(0, MAIL_MAX_TEXT_CHARS)
    .replace(/<(script|style)\b[^>]*>[^]*?<\/\1\s*>/gi, " ")
    .replace(/<[^>]{0,2000}>/g, " ")
    .replace(/&nbsp;/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

/** The leaf parts of a mail, decoded; an embedded message is one leaf with its raw bytes. */
function splitParts(raw: Buffer): Promise<MailPart[]> {
  return new Promise((resolve, reject) => {
    const splitter = new Splitter({ ignoreEmbedded: true, maxHeadSize: MAIL_MAX_HEADER_BYTES, maxChildNodes: MAIL_MAX_PARTS });
    const parts: MailPart[] = [];
    const pending: Promise<void>[] = [];
    let current: { decoder: ReturnType<MimeNode["getDecoder"]> } | undefined;
    let count = 0;
    let failed = false;
    const failWith = (error: Error) => {
      if (failed) return;
      failed = true;
      splitter.destroy();
      reject(error);
    };
    const finishCurrent = () => {
      current?.decoder.end();
      current = undefined;
    };
    splitter.on("data", (data: SplitterChunk) => {
      if (failed) return;
      if (data.type === "node") {
        finishCurrent();
        const node = data as MimeNode;
        count += 1;
        if (count > MAIL_MAX_PARTS) return failWith(new StructureError("too-many-parts", `the message has more than ${MAIL_MAX_PARTS} MIME parts`));
        let depth = 0;
        for (let parent = node.parentNode; parent; parent = parent.parentNode) depth += 1;
        if (depth > MAIL_MAX_DEPTH) return failWith(new StructureError("too-deep", `the message's parts are nested more than ${MAIL_MAX_DEPTH} deep`));
        if (node.multipart) return;
        const decoder = node.getDecoder();
        const chunks: Buffer[] = [];
        const part: Omit<MailPart, "content"> = {
          contentType: (node.contentType || "text/plain").toLowerCase(),
          ...(node.filename ? { filename: String(node.filename).slice(0, 255) } : {}),
          depth,
        };
        pending.push(
          new Promise<void>((done, error) => {
            decoder.on("data", (chunk: Buffer) => chunks.push(chunk));
            decoder.on("end", () => {
              parts.push({ ...part, content: Buffer.concat(chunks) });
              done();
            });
            decoder.on("error", error);
          }),
        );
        current = { decoder };
      } else if (data.type === "body" && current) {
        current.decoder.write(data.value);
      }
    });
    const events = splitter as unknown as NodeJS.EventEmitter;
    events.on("error", (error: Error) => failWith(error));
    events.on("end", () => {
      if (failed) return;
      finishCurrent();
      Promise.all(pending).then(() => resolve(parts), (error: Error) => failWith(error));
    });
    splitter.end(raw);
  });
}
