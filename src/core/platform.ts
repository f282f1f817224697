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
}
