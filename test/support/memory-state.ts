// An adapter state store in memory: the database's stand-in for adapter tests and benchmarks; shareable across an
// adapter's restarts, and open to inspection through `values`.
import type { AdapterStateStore } from "../../src/core/platform.js";

/** An AdapterStateStore kept in a Map. */
export class MemoryStateStore implements AdapterStateStore {
  readonly values = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}
