// Group commit: what arrives while a batch runs goes into the next one, in submission order; each submitter gets its
// own answer; a failing batch fails only its own submitters; a lone submission runs at once, alone.
import { describe, expect, test } from "vitest";
import { GroupCommit } from "../../src/work/group-commit.js";

/** A batch runner that records each batch and holds it until released. */
function heldRunner() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const run = async (inputs: number[]): Promise<string[]> => {
    batches.push([...inputs]);
    await new Promise<void>((resolve) => releases.push(resolve));
    return inputs.map((input) => `answer ${input}`);
  };
  const releaseNext = async (): Promise<void> => {
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    releases.shift()?.();
  };
  return { batches, run, releaseNext };
}

describe("group commit", () => {
  test("a lone submission runs alone; what arrives meanwhile waits and then goes in together, in order", async () => {
    const runner = heldRunner();
    const group = new GroupCommit(runner.run, 64);
    const first = group.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(runner.batches).toEqual([[1]]);
    const later = [2, 3, 4, 5].map((input) => group.submit(input));
    expect(group.waiting).toBe(4);
    await runner.releaseNext();
    expect(await first).toBe("answer 1");
    await runner.releaseNext();
    expect(await Promise.all(later)).toEqual(["answer 2", "answer 3", "answer 4", "answer 5"]);
    expect(runner.batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  test("submissions of the same turn share the first batch; no batch is longer than its maximum", async () => {
    const runner = heldRunner();
    const group = new GroupCommit(runner.run, 3);
    const answers = [1, 2, 3, 4, 5, 6, 7].map((input) => group.submit(input));
    for (let batch = 0; batch < 3; batch += 1) await runner.releaseNext();
    expect(await Promise.all(answers)).toEqual([1, 2, 3, 4, 5, 6, 7].map((input) => `answer ${input}`));
    expect(runner.batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  test("a failing batch rejects its own submitters only; the next batch still runs", async () => {
    let calls = 0;
    const group = new GroupCommit<number, number>(async (inputs) => {
      calls += 1;
      if (inputs.includes(13)) throw new Error("the database refused batch with 13");
      return inputs.map((input) => input * 2);
    }, 2);
    const results = await Promise.allSettled([12, 13, 14].map((input) => group.submit(input)));
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected", "fulfilled"]);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    expect((results[2] as PromiseFulfilledResult<number>).value).toBe(28);
    expect(calls).toBe(2);
    expect(await group.submit(1)).toBe(2);
  });

  test("a runner that answers the wrong number of times fails its batch instead of answering the wrong submitter", async () => {
    const group = new GroupCommit<number, number>(async (inputs) => inputs.slice(1), 10);
    const results = await Promise.allSettled([1, 2].map((input) => group.submit(input)));
    expect(results.every((result) => result.status === "rejected")).toBe(true);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/a batch of 2 answered 1 times/);
  });

  test("a maximum that is not a whole number of at least 1 is refused", () => {
    expect(() => new GroupCommit(async (inputs: number[]) => inputs, 0)).toThrow(/at least 1/);
    expect(() => new GroupCommit(async (inputs: number[]) => inputs, 2.5)).toThrow(/whole number/);
  });
});
