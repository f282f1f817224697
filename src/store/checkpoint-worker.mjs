// The SQLite checkpointer's thread (see checkpoint.ts): it opens its own connection to the database file and, on a
// timer and on request, moves the write-ahead log's frames into the database file (a PASSIVE checkpoint, which never
// waits for or blocks readers and writers). Plain JavaScript, so the thread starts without the TypeScript loader.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { path, intervalMs, busyTimeoutMs } = workerData;
let db;
try {
  db = new Database(path, { timeout: busyTimeoutMs, fileMustExist: true });
} catch (error) {
  // Said in words: an error object thrown across threads loses its message.
  parentPort.postMessage({ type: "unusable", message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
parentPort.postMessage({ type: "ready" });

/** One passive checkpoint: how many frames the log holds and how many of them are now in the database file. */
function checkpoint() {
  const [row] = db.pragma("wal_checkpoint(PASSIVE)");
  return { busy: row.busy, logFrames: row.log, checkpointedFrames: row.checkpointed };
}

// Failures in a row after which the thread gives up, so that SQLite's own checkpoints take over again.
const MAX_FAILURES = 5;
let failures = 0;

const timer = setInterval(() => {
  try {
    checkpoint();
    failures = 0;
  } catch (error) {
    failures += 1;
    const message = error instanceof Error ? error.message : String(error);
    if (failures >= MAX_FAILURES) {
      parentPort.postMessage({ type: "gave-up", message });
      clearInterval(timer);
      db.close();
      parentPort.close();
    } else if (failures === 1) {
      // Said once per run of failures, not every interval.
      parentPort.postMessage({ type: "failed", message });
    }
  }
}, intervalMs);

parentPort.on("message", (request) => {
  if (request.type === "checkpoint") {
    try {
      parentPort.postMessage({ type: "checkpointed", id: request.id, result: checkpoint() });
    } catch (error) {
      parentPort.postMessage({ type: "checkpointed", id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  } else if (request.type === "stop") {
    clearInterval(timer);
    try {
      checkpoint();
    } catch {
      // The last connection to close checkpoints anyway.
    }
    db.close();
    parentPort.close();
  }
});
