import type { Logger } from "pino";
import type { CommandCatalog } from "./catalog.js";
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
}
