// The per-thread "newest message handled" marks: read from the state store once per thread, then from memory (a
// message costs one write, no read), never moved back, ids that cannot be read ignored, and the memory bounded (a
// thread pushed out is read again, and its mark still never moves back).
import { describe, expect, it } from "vitest";
import { SeenMarks, SEEN_MARKS_IN_MEMORY } from "../../src/core/seen-marks.js";
import { MemoryStateStore } from "../support/memory-state.js";

/** A state store that counts reads and writes per key. */
class CountingStore extends MemoryStateStore {
  readonly reads: string[] = [];
  readonly writes: string[] = [];

  override async get(key: string): Promise<string | undefined> {
    this.reads.push(key);
    return super.get(key);
  }

  override async set(key: string, value: string): Promise<void> {
    this.writes.push(key);
    return super.set(key, value);
  }
}

const numeric = (id: string) => /^\d{1,20}$/.test(id);
const later = (candidate: string, current: string) => BigInt(candidate) > BigInt(current);

describe("seen marks", () => {
  it("a batch of 60 messages in 3 threads costs 60 writes and 3 reads", async () => {
    const store = new CountingStore();
    const marks = new SeenMarks(store, numeric, later);
    for (let n = 1; n <= 60; n += 1) await marks.remember(`t${n % 3}`, String(1000 + n));
    expect(store.writes).toHaveLength(60);
    expect(store.reads.sort()).toEqual(["t0", "t1", "t2"]);
    expect(store.values.get("t0")).toBe("1060");
    expect(store.values.get("t1")).toBe("1058");
  });

  it("never moves back, and writes nothing for an older or equal id, a hostile or unreadable one", async () => {
    const store = new CountingStore();
    store.values.set("t", "500");
    const marks = new SeenMarks(store, numeric, later);
    await marks.remember("t", "499");
    await marks.remember("t", "500");
    await marks.remember("t", "9".repeat(100_000));
    await marks.remember("t", "<!channel>\u202e");
    await marks.remember("t", "");
    expect(store.writes).toEqual([]);
    expect(await marks.get("t")).toBe("500");
    await marks.remember("t", "18446744073709551615");
    expect(store.values.get("t")).toBe("18446744073709551615");
    expect(store.reads).toEqual(["t"]);
  });

  it("a stored mark that cannot be read counts as none", async () => {
    const store = new CountingStore();
    store.values.set("t", "garbage");
    const marks = new SeenMarks(store, numeric, later);
    expect(await marks.get("t")).toBeUndefined();
    await marks.remember("t", "1");
    expect(store.values.get("t")).toBe("1");
  });

  it("keeps at most its capacity in memory (least recently used out); a thread pushed out is read again and still never moves back", async () => {
    expect(SEEN_MARKS_IN_MEMORY).toBe(1000);
    const store = new CountingStore();
    const marks = new SeenMarks(store, numeric, later, 2);
    await marks.remember("a", "10");
    await marks.remember("b", "10");
    await marks.remember("a", "11"); // a is now the most recent
    await marks.remember("c", "10"); // pushes b out
    expect(marks.size).toBe(2);
    expect(store.reads).toEqual(["a", "b", "c"]);
    await marks.remember("a", "12");
    expect(store.reads).toEqual(["a", "b", "c"]);
    await marks.remember("b", "9");
    expect(store.reads).toEqual(["a", "b", "c", "b"]);
    expect(store.values.get("b")).toBe("10");
    for (let n = 0; n < 10_000; n += 1) await marks.remember(`x${n}`, "1");
    expect(marks.size).toBe(2);
  });
});
