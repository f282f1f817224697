// The keyed serial executor every adapter puts between its SDK and the core: one conversation at a time, in order;
// conversations side by side; a failure does not stop the line; empty lines are forgotten.
import { describe, expect, it } from "vitest";
import { ConversationBacklogError, conversationKey, createConversationQueue } from "../../../src/core/ordering.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("conversation queue", () => {
  it("runs one conversation's tasks in the order they were queued, one at a time", async () => {
    const queue = createConversationQueue();
    const log: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const task = (name: string, ms: number) => async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
      running -= 1;
      return name;
    };
    const results = await Promise.all([queue.run("a", task("1", 30)), queue.run("a", task("2", 0)), queue.run("a", task("3", 10))]);
    expect(results).toEqual(["1", "2", "3"]);
    expect(log).toEqual(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]);
    expect(mostAtOnce).toBe(1);
  });

  it("runs different conversations side by side", async () => {
    const queue = createConversationQueue();
    const ended: string[] = [];
    const slow = queue.run("a", async () => {
      await sleep(50);
      ended.push("slow in a");
    });
    const quick = queue.run("b", async () => {
      ended.push("quick in b");
    });
    await Promise.all([slow, quick]);
    expect(ended).toEqual(["quick in b", "slow in a"]);
  });

  it("goes on with the next task after one fails, and gives the failure to its caller", async () => {
    const queue = createConversationQueue();
    const failing = queue.run("a", async () => {
      throw new Error("boom");
    });
    const next = queue.run("a", async () => "after");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("after");
  });

  it("keeps the place taken at arrival when the work is given later, and lets a skipped turn go", async () => {
    const queue = createConversationQueue();
    const order: string[] = [];
    const first = queue.reserve("a");
    const second = queue.reserve("a");
    const third = queue.reserve("a");
    const thirdDone = third.run(async () => void order.push("third"));
    second.skip();
    second.skip(); // harmless, as in a finally block
    await sleep(10);
    expect(order).toEqual([]);
    await first.run(async () => void order.push("first"));
    await thirdDone;
    expect(order).toEqual(["first", "third"]);
    expect(() => first.run(async () => undefined)).toThrow(/twice/);
  });

  it("forgets a conversation as soon as it has nothing waiting", async () => {
    const queue = createConversationQueue();
    const runs = Array.from({ length: 100 }, (_, index) => queue.run(`conversation ${index}`, async () => index));
    expect(queue.activeConversations).toBe(100);
    await Promise.all(runs);
    await queue.idle();
    expect(queue.activeConversations).toBe(0);
    expect(queue.pendingFor("conversation 1")).toBe(0);
  });

  it("refuses a turn beyond the backlog limit of one conversation, and no other", async () => {
    const queue = createConversationQueue({ maxPendingPerKey: 2 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run("a", () => gate);
    const second = queue.run("a", async () => undefined);
    expect(() => queue.reserve("a")).toThrow(ConversationBacklogError);
    await expect(queue.run("b", async () => "other conversation")).resolves.toBe("other conversation");
    release();
    await Promise.all([first, second]);
    await expect(queue.run("a", async () => "room again")).resolves.toBe("room again");
  });

  it("waits in idle() for work queued while it waits", async () => {
    const queue = createConversationQueue();
    const done: string[] = [];
    void queue.run("a", async () => {
      await sleep(10);
      void queue.run("b", async () => {
        await sleep(10);
        done.push("b");
      });
      done.push("a");
    });
    await queue.idle();
    expect(done).toEqual(["a", "b"]);
  });

  it("names a conversation by platform, workspace, channel and thread", () => {
    const channel = { platform: "slack" as const, workspace: "T1", channelId: "C1" };
    expect(conversationKey({ ...channel, threadId: "1.2" })).not.toBe(conversationKey(channel));
    expect(conversationKey({ ...channel, threadId: undefined })).toBe(conversationKey(channel));
    expect(conversationKey({ ...channel, workspace: "T2" })).not.toBe(conversationKey(channel));
    expect(conversationKey({ ...channel, platform: "discord" })).not.toBe(conversationKey(channel));
  });
});
