// Checkpoints of the embedded database off the request path. In WAL mode SQLite appends every commit to the
// write-ahead log, and by default the commit that takes the log past 1,000 pages also copies the log into the
// database file and syncs it: a few milliseconds, charged to whichever command happened to commit then. A long-running
// Liaison instead turns that off on its connection and lets a worker thread, with a connection of its own, do passive
// checkpoints on a timer. If the thread fails, the connection goes back to SQLite's own checkpoints.
import { Worker } from "node:worker_threads";
import type { Db } from "./db.js";

/** What one checkpoint did: frames in the log, and how many of them are now in the database file. */
export interface CheckpointResult {
  /** True when a reader or writer kept the checkpoint from finishing (it goes on next time). */
  busy: boolean;
  /** Frames in the write-ahead log. */
  logFrames: number;
  /** Frames of the log that are now in the database file. */
  checkpointedFrames: number;
}

/** A running background checkpointer. */
export interface BackgroundCheckpoints {
  /** Checkpoints now, on the worker thread. */
  checkpointNow(): Promise<CheckpointResult>;
  /** Checkpoints once more and ends the thread; SQLite's own checkpoints are back on for the connection. */
  stop(): Promise<void>;
}

/** Settings of the background checkpointer. */
export interface BackgroundCheckpointOptions {
  /** Path of the SQLite database file. */
  path: string;
  /** Time between checkpoints. */
  intervalMs: number;
  /** How long the thread's connection waits for a lock before a checkpoint fails. */
  busyTimeoutMs: number;
  /** Told when the thread fails (SQLite's own checkpoints are then back on) or one checkpoint fails. */
  onProblem(message: string): void;
}

/** SQLite's default: the commit that takes the log past this many pages checkpoints. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

type WorkerReply =
  | { type: "ready" }
  | { type: "unusable"; message: string }
  | { type: "checkpointed"; id: number; result?: { busy: number; logFrames: number; checkpointedFrames: number }; error?: string }
  | { type: "failed"; message: string }
  | { type: "gave-up"; message: string };

/** Turns off checkpoints during commits on `db`'s connection and starts the checkpointing thread. */
export async function startBackgroundCheckpoints(db: Db, options: BackgroundCheckpointOptions): Promise<BackgroundCheckpoints> {
  const worker = new Worker(new URL("./checkpoint-worker.mjs", import.meta.url), {
    workerData: { path: options.path, intervalMs: options.intervalMs, busyTimeoutMs: options.busyTimeoutMs },
    // The worker is plain JavaScript: no TypeScript loader (and its start-up time) in the thread.
    execArgv: [],
  });
  const waiting = new Map<number, { resolve(result: CheckpointResult): void; reject(error: Error): void }>();
  let nextId = 1;
  let stopping = false;
  let running = true;
  const restoreAutomatic = async () => {
    running = false;
    await db.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`).catch(() => undefined);
  };
  const failAll = (message: string) => {
    for (const { reject } of waiting.values()) reject(new Error(message));
    waiting.clear();
  };

  worker.on("message", (reply: WorkerReply) => {
    if (reply.type === "ready" || reply.type === "unusable") return;
    if (reply.type === "failed") {
      options.onProblem(`background checkpoint failed (retrying): ${reply.message}`);
      return;
    }
    if (reply.type === "gave-up") {
      options.onProblem(`background checkpoints keep failing (${reply.message}); SQLite checkpoints during commits again`);
      void restoreAutomatic();
      return;
    }
    const pending = waiting.get(reply.id);
    waiting.delete(reply.id);
    // While stopping, the thread keeps the process alive until its last checkpoint is done.
    if (waiting.size === 0 && !stopping) worker.unref();
    if (!pending) return;
    if (reply.result) pending.resolve({ busy: reply.result.busy !== 0, logFrames: reply.result.logFrames, checkpointedFrames: reply.result.checkpointedFrames });
    else pending.reject(new Error(`checkpoint failed: ${reply.error ?? "unknown error"}`));
  });
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  // The thread says it is ready once it has opened the database; until then a failure is the caller's to handle.
  await new Promise<void>((resolve, reject) => {
    const onReady = (reply: WorkerReply) => {
      if (reply.type === "unusable") reject(new Error(`the checkpoint thread could not start: ${reply.message}`));
      if (reply.type !== "ready") return;
      worker.off("message", onReady);
      resolve();
    };
    worker.on("message", onReady);
    worker.once("error", (error) => reject(new Error(`the checkpoint thread could not start: ${error.message}`)));
    worker.once("exit", (code) => reject(new Error(`the checkpoint thread could not start (exit code ${code})`)));
  });
  try {
    await db.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 0");
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  worker.on("error", (error) => {
    options.onProblem(`the checkpoint thread failed (${error.message}); SQLite checkpoints during commits again`);
    failAll("the checkpoint thread failed");
    void restoreAutomatic();
  });
  void exited.then(() => {
    if (!stopping && running) {
      options.onProblem("the checkpoint thread ended; SQLite checkpoints during commits again");
      void restoreAutomatic();
    }
    failAll("the checkpoint thread has ended");
  });
  // The thread does not keep the process alive on its own, only while an answer from it is awaited.
  worker.unref();

  return {
    checkpointNow() {
      if (!running) return Promise.reject(new Error("the checkpoint thread is not running"));
      const id = nextId++;
      return new Promise<CheckpointResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ type: "checkpoint", id });
      });
    },
    async stop() {
      if (stopping) return exited;
      stopping = true;
      await restoreAutomatic();
      worker.ref();
      worker.postMessage({ type: "stop" });
      await exited;
    },
  };
}
