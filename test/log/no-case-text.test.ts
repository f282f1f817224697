// No case text, request body or token in any log line at any level: recognisable case text (a marker) is sent through
// every failure path that can be driven, with the real adapters against the fake Slack, Matrix homeserver and
// Discord, and the process logger (pino at trace, with its redaction) capturing everything: refused commands, parse
// errors, deliveries that fail (HTTP 500, 429) and are retried by the outbox, replies that fail, and a fault inside a
// command's execute and inside the relay whose error message carries the text.
import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CaseService } from "../../src/cases/service.js";
import { guarded } from "../../src/cli/start.js";
import { createLogger } from "../../src/log.js";
import { startPlatformWorld, WORLD, type PlatformWorld } from "../support/platform-core.js";

const { slack: S, matrix: M, discord: D } = WORLD;

/** Case text no log line may hold (in reasons, URLs, relayed messages and command lines). */
const MARK = "QZXCASETEXT";

/** A logger at trace level writing JSON lines into memory, as the product's logger does (same redaction). */
function capture(): { logger: ReturnType<typeof createLogger>; text(): string; lines(): Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    { isTTY: false },
  );
  const logger = createLogger("trace", stream);
  return {
    logger,
    text: () => chunks.join(""),
    lines: () => chunks.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

let world: PlatformWorld | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await world?.close();
  world = undefined;
});

/** Delivers, lets retry waits pass on the clock, and delivers again, a few times. */
async function deliverWithRetries(w: PlatformWorld): Promise<void> {
  for (let round = 0; round < 4; round += 1) {
    await w.deliver();
    w.clock.advance(10 * 60_000);
  }
}

describe("logs never hold case text, request bodies or tokens", () => {
  it("through every failure path on Slack, Matrix, Discord and the console", async () => {
    const log = capture();
    world = await startPlatformWorld(["slack", "matrix", "discord"], { logger: log.logger });
    const w = world;
    const slack = w.slack!;
    const matrix = w.matrix!;
    const discord = w.discord!;

    // Refused commands (an organisation that does not exist) and lines that do not parse, carrying the text.
    await slack.command(S.jan.id, `/notice nosuchorg https://x.test/${MARK} --reason "${MARK} refused"`);
    await slack.command(S.jan.id, `/notice hotline "${MARK} never closed`);
    await matrix.say(M.anna, `!notice nosuchorg https://x.test/${MARK} --reason "${MARK} refused"`);
    await matrix.say(M.anna, `!notice acme "${MARK} never closed`);
    await discord.slash(D.ann, "notice", [
      { name: "organisation", type: 3, value: "nosuchorg" },
      { name: "urls", type: 3, value: `https://x.test/${MARK}` },
      { name: "reason", type: 3, value: `${MARK} refused` },
    ]);
    await w.console.type(`dana.desk: /notice nosuchorg https://x.test/${MARK} --reason "${MARK} refused"`);
    await w.console.type(`dana.desk: /notice acme "${MARK} never closed`);

    // Requests Slack's signature check refuses (a wrong secret, a stale timestamp): their bodies are not logged.
    const refusedRequest = { team: S.team, user: S.jan.id, channel: S.casesChannel, command: "/notice", text: `acme https://x.test/${MARK} --reason "${MARK}"` };
    expect((await slack.fake.slashCommand({ ...refusedRequest, signing: { secret: "not-the-secret" } })).status).toBeGreaterThanOrEqual(400);
    expect((await slack.fake.slashCommand({ ...refusedRequest, signing: { timestampSec: Math.floor(Date.now() / 1000) - 3600 } })).status).toBeGreaterThanOrEqual(400);

    // Cases whose text carries the marker, delivered while every platform fails: 500s, then 429s, then through.
    slack.fake.failNext("chat.postMessage", { kind: "http", status: 500 }, 2);
    slack.fake.failNext("chat.postMessage", { kind: "ratelimit", retryAfterSec: 1 }, 1, 2);
    matrix.fake.failNext("/send/", 500, "M_UNKNOWN", 2);
    matrix.fake.rateLimitSends(1000, { header: true, bodyField: true });
    discord.fake.failNext({ method: "POST", path: /messages$/, status: 500 });
    discord.fake.rateLimitNext({ method: "POST", path: /messages$/, retryAfterMs: 1000 });
    await matrix.say(M.anna, `!notice acme https://files.acme.test/${MARK} --reason "${MARK} opened from Matrix"`);
    await slack.command(S.jan.id, `/notice hotline https://files.hotline.test/${MARK} --reason "${MARK} opened from Slack"`);
    await discord.slash(D.ann, "notice", [
      { name: "organisation", type: 3, value: "nl-police" },
      { name: "urls", type: 3, value: `https://board.example.test/${MARK}` },
      { name: "reason", type: 3, value: `${MARK} opened from Discord` },
    ]);
    await deliverWithRetries(w);
    expect(await w.store.db.case.count()).toBe(3);

    // Relayed messages carrying the text, with the platforms failing again while they are delivered.
    const slackCard = slack.channel().find((message) => message.botId !== undefined && JSON.stringify(message).includes("N-2026-0001"));
    const matrixCard = matrix.topLevel().find((event) => event.sender === M.bot && JSON.stringify(event.content).includes("N-2026-0003"));
    slack.fake.failNext("chat.postMessage", { kind: "http", status: 500 }, 1);
    slack.fake.failNext("chat.postMessage", { kind: "error", error: "invalid_auth" }, 1, 1);
    matrix.fake.failNext("/send/", 502, "M_UNKNOWN", 1);
    discord.fake.failNext({ method: "POST", path: /messages$/, status: 502 });
    if (slackCard) await slack.write(S.jan.id, slackCard.ts, `${MARK} relayed from Slack`);
    if (matrixCard) await matrix.say(M.anna, `${MARK} relayed from Matrix`, matrixCard.event_id);
    await deliverWithRetries(w);

    // A fault inside a command's execute, and inside the relay, whose error message carries the text (as a
    // database error that prints its arguments would).
    vi.spyOn(CaseService.prototype, "open").mockImplementation(async (_actor, request) => {
      throw new Error(`insert failed for ${JSON.stringify(request.fields)}`);
    });
    vi.spyOn(CaseService.prototype, "relay").mockImplementation(async (_actor, _target, text) => {
      throw new TypeError(`cannot relay "${text}"`);
    });
    await slack.command(S.jan.id, `/notice hotline https://x.test/${MARK} --reason "${MARK} crash"`);
    await matrix.say(M.anna, `!notice acme https://x.test/${MARK} --reason "${MARK} crash"`);
    await discord.slash(D.ann, "notice", [
      { name: "organisation", type: 3, value: "acme" },
      { name: "urls", type: 3, value: `https://x.test/${MARK}` },
      { name: "reason", type: 3, value: `${MARK} crash` },
    ]);
    // The console (and every platform) is started by `liaison start` behind the guard that logs a fault and answers.
    const guardedConsole = guarded(w.core.attach(w.console.adapter), log.logger);
    const answer = await guardedConsole({
      type: "command", eventId: "console-crash", identity: { platform: "console", workspace: "", userId: "dana.desk" },
      text: `/notice acme https://x.test/${MARK} --reason "${MARK} crash"`,
      where: { platform: "console", workspace: "", channelId: "console", isDirect: true },
    });
    expect(answer?.message.text).toContain("Something went wrong inside Liaison");
    if (slackCard) await slack.write(S.jan.id, slackCard.ts, `${MARK} relay crash from Slack`);
    if (matrixCard) await matrix.say(M.anna, `${MARK} relay crash from Matrix`, matrixCard.event_id);
    await w.deliver();

    log.logger.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const text = log.text();
    const lines = log.lines();
    // The paths were driven: the failures are in the log (by code and id) ...
    const messages = lines.map((line) => String(line.msg));
    expect(messages.some((msg) => msg.includes("outbox delivery failed"))).toBe(true);
    expect(messages.some((msg) => /core failed on a Slack event|Slack inbound handling failed/.test(msg))).toBe(true);
    expect(messages.some((msg) => msg.includes("matrix: handling an event failed"))).toBe(true);
    expect(messages.some((msg) => msg.includes("discord: the core failed"))).toBe(true);
    expect(lines.some((line) => line.level === "trace" || line.level === "debug")).toBe(true);
    // ... and the text reached the platforms (so it went through those paths) ...
    expect(JSON.stringify(slack.fake.callsOf("chat.postMessage"))).toContain(MARK);
    // ... but no log line holds it, nor a token.
    const leaks = text.split("\n").filter((line) => line.includes(MARK));
    expect(leaks).toEqual([]);
    for (const secret of [slack.workspace.botToken, slack.fake.signingSecret, discord.fake.token]) expect(text).not.toContain(secret);
  }, 120_000);
});
