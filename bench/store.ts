// The benchmarks' embedded database, opened as `liaison start` opens it: the write-ahead log checkpointed on a
// background thread as often as config/default.yaml says.
import { loadConfig } from "../src/config/load.js";
import { openStore, type Store } from "../src/store/db.js";

const ROOT = new URL("..", import.meta.url).pathname;

/** Opens the SQLite file at `path` with the default configuration's store options. */
export function openBenchStore(path: string): Promise<Store> {
  const { database } = loadConfig({ rootDir: ROOT, env: {} }).config;
  return openStore({ provider: "sqlite", url: path }, { checkpointIntervalMs: database.sqliteCheckpointIntervalMs });
}
