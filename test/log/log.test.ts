import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";

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
});
