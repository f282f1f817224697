import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { DeliveryError } from "../../src/core/adapter.js";
import { createLogger, safeError, sdkLogText, WITHHELD } from "../../src/log.js";

/** A stream that keeps what is written to it; `isTTY` chooses the logger's format. */
function capture(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return Object.assign(stream, { isTTY, text: () => chunks.join("") });
}

describe("logs", () => {
  it.each([false, true])("never contain secrets (terminal: %s)", async (isTTY) => {
    const stream = capture(isTTY);
    const logger = createLogger("info", stream);
    logger.info({ token: "xoxb-very-secret", config: { password: "hunter2", signingSecret: "s3cr3t" }, headers: { authorization: "Bearer abc" } }, "connected");
    logger.info({ databaseUrl: "postgres://liaison:pw@db/liaison" }, "store ready");
    logger.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const text = stream.text();
    expect(text).toContain("connected");
    expect(text).toContain("store ready");
    for (const secret of ["xoxb-very-secret", "hunter2", "s3cr3t", "Bearer abc", "pw@db"]) expect(text).not.toContain(secret);
    expect(text).toContain("[redacted]");
  });

  it("writes JSON lines when not at a terminal", async () => {
    const stream = capture(false);
    createLogger("info", stream).warn({ outboxId: "o1" }, "delivery failed");
    await new Promise((resolve) => setImmediate(resolve));
    const record = JSON.parse(stream.text().trim()) as Record<string, unknown>;
    expect(record).toMatchObject({ level: "warn", msg: "delivery failed", outboxId: "o1", service: "liaison" });
  });

  it("logs errors by type, codes and stack frames; their messages only when Liaison composed them; never their other fields", async () => {
    const text = "MARKER case text";
    const leaky = Object.assign(new TypeError(`cannot relay "${text}"`), {
      input: text,
      config: { data: JSON.stringify({ text }) },
      code: "slack_webapi_platform_error",
      data: { ok: false, error: "invalid_auth", message: { text } },
      statusCode: 500,
    });
    const delivery = new DeliveryError("chat.postMessage to C01: Slack answered invalid_auth", { permanent: true, cause: leaky });
    const stream = capture(false);
    const logger = createLogger("trace", stream);
    logger.error({ err: delivery }, "delivery failed");
    logger.warn({ error: leaky }, "something failed");
    logger.info({ err: `a string ${text}` }, "a string error");
    await new Promise((resolve) => setImmediate(resolve));
    const written = stream.text();
    expect(written).not.toContain("MARKER");
    const [first, second] = written.trim().split("\n").map((line) => JSON.parse(line) as { err?: Record<string, unknown>; error?: Record<string, unknown> });
    expect(first?.err).toMatchObject({ type: "DeliveryError", message: "chat.postMessage to C01: Slack answered invalid_auth", permanent: true, cause: { type: "TypeError", message: WITHHELD, code: "slack_webapi_platform_error", "data.error": "invalid_auth", statusCode: 500 } });
    expect(second?.error?.stack).toEqual(expect.arrayContaining([expect.stringMatching(/^at .*log\.test\.ts/)]));
    expect(safeError("text")).toEqual({ type: "string", message: WITHHELD });
  });

  it("withholds the payloads the chat SDKs log", () => {
    expect(sdkLogText(["http request body:", '{"text":"MARKER"}'])).toBe(`http request body: ${WITHHELD}`);
    expect(sdkLogText(['http request result: {"ok":true,"text":"MARKER"}'])).toBe(`http request result: ${WITHHELD}`);
    expect(sdkLogText(["(REQ-12)", { body: "MARKER" }, 3])).toBe(`(REQ-12) ${WITHHELD} 3`);
    expect(sdkLogText(["failed", new Error("MARKER")])).not.toContain("MARKER");
  });
});
