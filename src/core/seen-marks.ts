// The newest message handled per thread (a catch-up after a restart starts after it), kept in an adapter's state
// store. Marks are read from the store once per thread and then served from memory, so a message costs one write and
// no read; the memory holds the most recently used threads only (LRU, bounded), and a thread pushed out is read again.
import type { AdapterStateStore } from "./platform.js";

/** Most threads whose mark is kept in memory. */
export const SEEN_MARKS_IN_MEMORY = 1000;

/** The per-thread "newest message handled" marks of one adapter. */
export class SeenMarks {
  /** Key → the mark (null: the store has none). Map order is use order, oldest first. */
  private readonly marks = new Map<string, string | null>();

  /**
   * `newer(candidate, current)` says whether a message id comes after the mark; ids it cannot read are never
   * stored (`valid`).
   */
  constructor(
    private readonly state: AdapterStateStore,
    private readonly valid: (id: string) => boolean,
    private readonly newer: (candidate: string, current: string) => boolean,
    private readonly capacity = SEEN_MARKS_IN_MEMORY,
  ) {}

  /** The mark under `key` (the store's, read the first time), or undefined. */
  async get(key: string): Promise<string | undefined> {
    if (this.marks.has(key)) {
      const mark = this.marks.get(key) ?? null;
      this.touch(key, mark);
      return mark ?? undefined;
    }
    const stored = (await this.state.get(key)) ?? null;
    const mark = stored !== null && this.valid(stored) ? stored : null;
    this.touch(key, mark);
    return mark ?? undefined;
  }

  /** Moves the mark under `key` to `id` when `id` is newer; never back. One write when it moves, none otherwise. */
  async remember(key: string, id: string): Promise<void> {
    if (!this.valid(id)) return;
    const current = await this.get(key);
    if (current !== undefined && !this.newer(id, current)) return;
    this.touch(key, id);
    await this.state.set(key, id);
  }

  /** How many marks are in memory (for tests). */
  get size(): number {
    return this.marks.size;
  }

  private touch(key: string, mark: string | null): void {
    this.marks.delete(key);
    this.marks.set(key, mark);
    while (this.marks.size > this.capacity) {
      const oldest = this.marks.keys().next().value;
      if (oldest === undefined) break;
      this.marks.delete(oldest);
    }
  }
}
