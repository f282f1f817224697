import { describe, expect, it } from "vitest";
import { parseRetryAfterMs, RETRY_AFTER_HEADER_FIELD } from "../../../adapters/matrix/client.js";
import { toDeliveryError } from "../../../adapters/matrix/errors.js";
import { classifyMessage, inviterAllowed, sameReaction } from "../../../adapters/matrix/inbound.js";
import { transactionId } from "../../../adapters/matrix/outbound.js";
import { contentBytes, MAX_CONTENT_BYTES, MAX_PARTS, renderNotices } from "../../../adapters/matrix/render.js";

const context = { botUserId: "@liaison:hs.test", prefix: "!", isDirect: false, isCaseRoom: false };

describe("matrix adapter: message meaning", () => {
  it("strips a reply fallback before reading the command", () => {
    const content = { msgtype: "m.text", body: "> <@bob:hs.test> the card\n\n!case ack N-1", "m.relates_to": { "m.in_reply_to": { event_id: "$card" } } };
    expect(classifyMessage("@ann:hs.test", content, context)).toEqual({ kind: "command", text: "/case ack N-1" });
  });

  it("ignores edits, files and unreadable content; relays /me in threads", () => {
    const edit = { msgtype: "m.text", body: "* !help", "m.relates_to": { rel_type: "m.replace", event_id: "$x" } };
    expect(classifyMessage("@ann:hs.test", edit, context).kind).toBe("ignore");
    expect(classifyMessage("@ann:hs.test", { msgtype: "m.file", body: "x.pdf", "m.relates_to": { rel_type: "m.thread", event_id: "$r" } }, context).kind).toBe("ignore");
    expect(classifyMessage("@ann:hs.test", { body: 3 }, context).kind).toBe("ignore");
    const emote = { msgtype: "m.emote", body: "checks the logs", "m.relates_to": { rel_type: "m.thread", event_id: "$root" } };
    expect(classifyMessage("@ann:hs.test", emote, context)).toEqual({ kind: "message", text: "checks the logs", threadId: "$root" });
  });

  it("reads a pill wrapped in a paragraph, and no pill for someone else", () => {
    const pill = (target: string) => ({
      msgtype: "m.text",
      body: "Liaison: help",
      format: "org.matrix.custom.html",
      formatted_body: `<p><a href="https://matrix.to/#/${target}">Liaison</a>: help</p>`,
    });
    expect(classifyMessage("@ann:hs.test", pill("@liaison:hs.test"), context)).toEqual({ kind: "command", text: "/help" });
    expect(classifyMessage("@ann:hs.test", pill("@other:hs.test"), context).kind).toBe("ignore");
  });

  it("treats every message in a case room as the case's, and a custom prefix", () => {
    expect(classifyMessage("@ann:hs.test", { msgtype: "m.text", body: "hello" }, { ...context, isCaseRoom: true })).toEqual({ kind: "message", text: "hello", threadId: "" });
    expect(classifyMessage("@ann:hs.test", { msgtype: "m.text", body: "lz:help" }, { ...context, prefix: "lz:" })).toEqual({ kind: "command", text: "/help" });
  });
});

describe("matrix adapter: small rules", () => {
  it("matches reactions with or without the emoji variation selector", () => {
    expect(sameReaction("✅", "✅\uFE0F")).toBe(true);
    expect(sameReaction("✅", "👍")).toBe(false);
  });

  it("allows invites by homeserver or user; an empty list means the bot's own homeserver", () => {
    expect(inviterAllowed("@ann:hs.test", [], "@liaison:hs.test")).toBe(true);
    expect(inviterAllowed("@eve:evil.test", [], "@liaison:hs.test")).toBe(false);
    expect(inviterAllowed("@bob:Partner.test", ["partner.test"], "@liaison:hs.test")).toBe(true);
    expect(inviterAllowed("@bob:partner.test:8448", ["partner.test"], "@liaison:hs.test")).toBe(false);
    expect(inviterAllowed("@bob:partner.test", ["@carol:partner.test"], "@liaison:hs.test")).toBe(false);
  });

  it("derives stable, URL-safe transaction ids from idempotency keys", () => {
    expect(transactionId("outbox-17", "0")).toBe("liaison.outbox-17.0");
    const odd = transactionId("reply.$abc:hs.test/x", "1");
    expect(odd).toBe(transactionId("reply.$abc:hs.test/x", "1"));
    expect(odd).toMatch(/^[A-Za-z0-9._~-]+$/);
    expect(odd).not.toBe(transactionId("reply.$abd:hs.test/x", "1"));
  });

  it("waits the precise retry_after_ms when it agrees with the rounded-up Retry-After, and the header when it does not (a proxy's own limit)", () => {
    const limited = (body: Record<string, unknown>) => toDeliveryError({ statusCode: 429, errcode: "M_LIMIT_EXCEEDED", body: { errcode: "M_LIMIT_EXCEEDED", ...body } }, "sending");
    expect(limited({ retry_after_ms: 4210, [RETRY_AFTER_HEADER_FIELD]: 5000 }).retryAfterMs).toBe(4210);
    expect(limited({ retry_after_ms: 5000, [RETRY_AFTER_HEADER_FIELD]: 5000 }).retryAfterMs).toBe(5000);
    expect(limited({ retry_after_ms: 1000, [RETRY_AFTER_HEADER_FIELD]: 60_000 }).retryAfterMs).toBe(60_000);
    expect(limited({ retry_after_ms: 9000, [RETRY_AFTER_HEADER_FIELD]: 2000 }).retryAfterMs).toBe(2000);
    expect(limited({ retry_after_ms: -5, [RETRY_AFTER_HEADER_FIELD]: 1000 }).retryAfterMs).toBe(1000);
    expect(limited({ retry_after_ms: 700 }).retryAfterMs).toBe(700);
    expect(limited({}).retryAfterMs).toBeUndefined();
  });

  it("reads Retry-After as seconds", () => {
    expect(parseRetryAfterMs("2")).toBe(2000);
    expect(parseRetryAfterMs(["1.5"])).toBe(1500);
    expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT")).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });

  it("renders huge messages as at most MAX_PARTS events under the byte limit", () => {
    const notices = renderNotices({ text: "日本語のテキスト&<>\n".repeat(60_000) }, "!");
    expect(notices.length).toBe(MAX_PARTS);
    for (const notice of notices) expect(contentBytes(notice)).toBeLessThanOrEqual(MAX_CONTENT_BYTES);
    expect(notices.at(-1)?.body).toMatch(/truncated/);
    expect(renderNotices({ text: "short" }, "!")).toEqual([{ msgtype: "m.notice", body: "short", format: "org.matrix.custom.html", formatted_body: "<p>short</p>" }]);
  });
});
