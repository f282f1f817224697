// The one reply policy of every adapter, on a fake clock: retries within a route's window, the platform's wait
// honoured, the direct message as the last fallback, and a thread message's refusal only ever private.
import { describe, expect, it } from "vitest";
import { DeliveryError, type InboundEvent, type Reply } from "../../../src/core/adapter.js";
import type { OutboundMessage } from "../../../src/core/message.js";
import { deliverReply, replyRoutePlan, type ReplyPolicy, type ReplyRoute, type ReplyRouteName } from "../../../src/core/reply-policy.js";

/** A clock that only moves when the policy waits. */
function fakeTiming() {
  const waits: number[] = [];
  let nowMs = 0;
  return {
    waits,
    advance: (ms: number) => void (nowMs += ms),
    timing: {
      nowMs: () => nowMs,
      sleep: async (ms: number) => {
        waits.push(ms);
        nowMs += ms;
      },
    },
  };
}

function policy(timing: ReplyPolicy["timing"], overrides: Partial<ReplyPolicy> = {}): ReplyPolicy {
  return { timing, routeWindowMs: 180_000, firstBackoffMs: 1000, maxBackoffMs: 30_000, ...overrides };
}

/** A route that fails with the given errors first, then shows the message; records what it was asked. */
function route(name: ReplyRouteName, failures: DeliveryError[] = [], shown: string[] = [], usableUntilMs?: number): ReplyRoute & { calls: number } {
  const queue = [...failures];
  const result = {
    calls: 0,
    ...(usableUntilMs !== undefined ? { usableUntilMs } : {}),
    send: async (message: OutboundMessage) => {
      result.calls += 1;
      const failure = queue.shift();
      if (failure) throw failure;
      shown.push(`${name}: ${message.text}`);
    },
  };
  return result;
}

const where = { platform: "slack" as const, workspace: "T1", channelId: "C1", isDirect: false };
const command: Pick<InboundEvent, "type" | "where"> = { type: "command", where };
const threadMessage: Pick<InboundEvent, "type" | "where"> = { type: "message", where: { ...where, threadId: "1.1" } };
const reply = (delivery: Reply["delivery"], text = "the answer"): Reply => ({ message: { text }, delivery });
const rateLimited = (retryAfterMs?: number) => new DeliveryError("429", retryAfterMs === undefined ? {} : { retryAfterMs });
const permanent = () => new DeliveryError("gone", { permanent: true });

describe("reply policy", () => {
  it("plans private replies, and any reply to a thread message, only to the asker", () => {
    const all = { inPlace: true, ephemeral: true };
    expect(replyRoutePlan(reply("in-place"), command, all)).toEqual(["in-place", "direct"]);
    expect(replyRoutePlan(reply("ephemeral"), command, all)).toEqual(["ephemeral", "direct"]);
    expect(replyRoutePlan(reply("ephemeral"), command, { inPlace: true, ephemeral: false })).toEqual(["direct"]);
    expect(replyRoutePlan(reply("direct"), command, all)).toEqual(["direct"]);
    // A refusal of a thread message never goes into the thread, whatever the core asked.
    expect(replyRoutePlan(reply("in-place"), threadMessage, all)).toEqual(["ephemeral", "direct"]);
    expect(replyRoutePlan(reply("in-place"), threadMessage, { inPlace: true, ephemeral: false })).toEqual(["direct"]);
    // In a direct conversation, the conversation is private.
    const inDm = { type: "message" as const, where: { ...where, isDirect: true } };
    expect(replyRoutePlan(reply("ephemeral"), inDm, all)).toEqual(["in-place", "direct"]);
  });

  it("plans a reply carrying TLP:RED content to the asker alone, even when the core asked for it in place", () => {
    const all = { inPlace: true, ephemeral: true };
    const red: Reply = { message: { text: "R-2026-0001 secret", tlp: "RED" }, delivery: "in-place" };
    expect(replyRoutePlan(red, command, all)).toEqual(["ephemeral", "direct"]);
    expect(replyRoutePlan(red, command, { inPlace: true, ephemeral: false })).toEqual(["direct"]);
    expect(replyRoutePlan(red, threadMessage, all)).toEqual(["ephemeral", "direct"]);
    // A direct conversation is private: RED may be answered there.
    expect(replyRoutePlan(red, { type: "command", where: { ...where, isDirect: true } }, all)).toEqual(["in-place", "direct"]);
    // Other labels are as asked.
    expect(replyRoutePlan({ ...red, message: { ...red.message, tlp: "AMBER+STRICT" } }, command, all)).toEqual(["in-place", "direct"]);
  });

  it("waits the platform's wait after a rate limit and shows the reply once", async () => {
    const clock = fakeTiming();
    const shown: string[] = [];
    const inPlace = route("in-place", [rateLimited(2500), rateLimited(1200)], shown);
    const direct = route("direct", [], shown);
    const outcome = await deliverReply(reply("in-place"), command, { inPlace, direct }, policy(clock.timing));
    expect(outcome).toEqual({ delivered: true, route: "in-place", attempts: 3, fellBack: false });
    expect(clock.waits).toEqual([2500, 1200]);
    expect(shown).toEqual(["in-place: the answer"]);
    expect(direct.calls).toBe(0);
  });

  it("backs off, doubling, after transient failures that came without a wait", async () => {
    const clock = fakeTiming();
    const inPlace = route("in-place", [rateLimited(), rateLimited(), rateLimited()]);
    await deliverReply(reply("in-place"), command, { inPlace, direct: route("direct") }, policy(clock.timing, { firstBackoffMs: 100, maxBackoffMs: 300 }));
    expect(clock.waits).toEqual([100, 200, 300]);
  });

  it("falls back to a direct message when a route fails for good", async () => {
    const clock = fakeTiming();
    const shown: string[] = [];
    const observed: string[] = [];
    const outcome = await deliverReply(
      reply("ephemeral"),
      command,
      { ephemeral: route("ephemeral", [permanent()], shown), direct: route("direct", [], shown) },
      policy(clock.timing),
      (report) => observed.push(`${report.route} ${report.next}`),
    );
    expect(outcome).toMatchObject({ delivered: true, route: "direct", fellBack: true });
    expect(shown).toEqual(["direct: the answer"]);
    expect(observed).toEqual(["ephemeral fall back"]);
    expect(clock.waits).toEqual([]);
  });

  it("falls back when the platform's wait would outlast the route's window (Discord's token, Slack's response_url)", async () => {
    const clock = fakeTiming();
    const shown: string[] = [];
    const ephemeral = route("ephemeral", [rateLimited(5000)], shown, 4000);
    const outcome = await deliverReply(reply("ephemeral"), command, { ephemeral, direct: route("direct", [], shown) }, policy(clock.timing));
    expect(outcome).toMatchObject({ delivered: true, route: "direct" });
    expect(ephemeral.calls).toBe(1);
    expect(clock.waits).toEqual([]);
  });

  it("does not try a route whose window has closed", async () => {
    const clock = fakeTiming();
    clock.advance(10_000);
    const ephemeral = route("ephemeral", [], [], 9_000);
    const outcome = await deliverReply(reply("ephemeral"), command, { ephemeral, direct: route("direct") }, policy(clock.timing));
    expect(outcome).toMatchObject({ delivered: true, route: "direct" });
    expect(ephemeral.calls).toBe(0);
  });

  it("retries a route without a platform limit for routeWindowMs, then the direct message as long again, then gives up", async () => {
    const clock = fakeTiming();
    const always = Array.from({ length: 100 }, () => rateLimited(20_000));
    const inPlace = route("in-place", always);
    const direct = route("direct", [...always]);
    const outcome = await deliverReply(reply("in-place"), command, { inPlace, direct }, policy(clock.timing, { routeWindowMs: 60_000 }));
    expect(outcome.delivered).toBe(false);
    // 0, 20 s, 40 s: the wait after the third would end at the window's end.
    expect(inPlace.calls).toBe(3);
    expect(direct.calls).toBe(3);
    expect(clock.waits).toEqual([20_000, 20_000, 20_000, 20_000]);
  });

  it("tries a route without a platform limit once even with no window to retry in", async () => {
    const clock = fakeTiming();
    const shown: string[] = [];
    await deliverReply(reply("in-place"), command, { inPlace: route("in-place", [], shown), direct: route("direct", [], shown) }, policy(clock.timing, { routeWindowMs: 0 }));
    expect(shown).toEqual(["in-place: the answer"]);
  });

  it("waits no more once the adapter stops", async () => {
    const clock = fakeTiming();
    const stopping = new AbortController();
    const inPlace = route("in-place", [rateLimited(1000), rateLimited(1000)]);
    const timing = { nowMs: clock.timing.nowMs, sleep: async (ms: number) => {
      await clock.timing.sleep(ms);
      stopping.abort();
    } };
    const outcome = await deliverReply(reply("in-place"), command, { inPlace, direct: route("direct") }, policy(timing, { signal: stopping.signal }));
    expect(outcome.delivered).toBe(false);
    expect(inPlace.calls).toBe(2);
    expect(clock.waits).toEqual([1000]);
  });

  it("throws what is not a DeliveryError: a fault, not an answer", async () => {
    const clock = fakeTiming();
    const broken: ReplyRoute = {
      send: async () => {
        throw new TypeError("a bug");
      },
    };
    await expect(deliverReply(reply("in-place"), command, { inPlace: broken, direct: route("direct") }, policy(clock.timing))).rejects.toThrow(TypeError);
  });

  it("sends a refused thread message to its writer alone even when the core asked for in-place", async () => {
    const clock = fakeTiming();
    const shown: string[] = [];
    const inPlace = route("in-place", [], shown);
    await deliverReply(reply("in-place", "✗ Not relayed"), threadMessage, { inPlace, direct: route("direct", [], shown) }, policy(clock.timing));
    expect(shown).toEqual(["direct: ✗ Not relayed"]);
    expect(inPlace.calls).toBe(0);
  });
});
