import type { Logger } from "pino";
import type { CommandCatalog } from "./catalog.js";
import type { ThreadAddress } from "./adapter.js";
import type { Clock } from "./clock.js";

/** Small persistent key-value state an adapter keeps (installations, sync tokens), stored in Liaison's database. */
export interface AdapterStateStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A record an adapter keeps opaque: its name (what identifies it) and its value, as bytes. */
export interface AdapterRecord {
  name: Uint8Array;
  value: Uint8Array;
}

/**
 * Opaque records an adapter keeps in Liaison's database (the Matrix encryption keys), sealed at rest: written and
 * deleted together, read back whole at start.
 */
export interface AdapterRecordStore {
  /** Every record of the adapter. */
  all(): Promise<AdapterRecord[]>;
  /** Writes `put` (replacing records of the same name) and deletes the records named in `remove`, in one transaction. */
  apply(changes: { put: readonly AdapterRecord[]; remove: readonly Uint8Array[] }): Promise<void>;
  /** Deletes every record of the adapter. */
  clear(): Promise<void>;
  /** True when the records are sealed (a secret key is configured); false: kept as they are. */
  readonly sealed: boolean;
}

/** What every adapter factory is given besides its own configuration and secrets. */
export interface AdapterEnvironment {
  /** The commands, generated from their declarations, for native registration and forms. */
  catalog: CommandCatalog;
  state: AdapterStateStore;
  logger: Logger;
  clock: Clock;
  /**
   * The case threads on this adapter's platform whose case is still open: on start, an adapter whose platform does
   * not replay what was written while Liaison was down reads their history since the last message it handled.
   */
  openCaseThreads(): Promise<ThreadAddress[]>;
  /** Opaque sealed records (the Matrix encryption keys); absent where the platform keeps none. */
  records?: AdapterRecordStore;
}
