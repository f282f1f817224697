// The benchmarks' embedded database, opened as `liaison start` opens it.
import { openStore, type Store } from "../src/store/db.js";

/** Opens the SQLite file at `path` as `liaison start` does. */
export function openBenchStore(path: string): Promise<Store> {
  return openStore({ provider: "sqlite", url: path });
}
