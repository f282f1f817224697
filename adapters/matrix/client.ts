import { getRequestFn, LogService, MatrixClient, setRequestFn, type IStorageProvider } from "matrix-bot-sdk";
import type { Logger } from "pino";
import { sdkLogText } from "../../src/log.js";
import { z } from "zod";

/** Field the request wrapper adds to a 429 error body: the Retry-After header, in milliseconds. */
export const RETRY_AFTER_HEADER_FIELD = "org.liaison.retry_after_header_ms";

/** Options of the sync loop. */
export interface SyncLoopOptions {
  /** Long-poll timeout of each /sync, in milliseconds. */
  syncTimeoutMs: number;
  /** First wait after a failed /sync, in milliseconds (doubles per failure). */
  retryMinMs: number;
  /** Longest wait after failed /syncs, in milliseconds. */
  retryMaxMs: number;
  /** Called before a batch is emitted; `initial` is true for the first sync of an installation (old history). */
  batchStarting(initial: boolean): void;
  /** Resolves when the inbound work started by the batch just emitted has finished (the token is saved after). */
  batchSettled(): Promise<void>;
  logger: Logger;
}

const syncResponse = z.object({ next_batch: z.string().min(1) }).loose();

/** Least time between two saves of the sync token. */
const SYNC_TOKEN_SAVE_INTERVAL_MS = 1000;

/**
 * matrix-bot-sdk's client with Liaison's own sync loop: the sync token is saved only after the batch's inbound work
 * has finished (at-least-once; the core de-duplicates by event id), a failed long-poll reconnects after a short,
 * growing wait instead of the SDK's fixed 5-15 s, and stop() interrupts the wait.
 */
export class SyncingMatrixClient extends MatrixClient {
  private loopOptions: SyncLoopOptions | undefined;
  private halted = false;
  private wakeUp: (() => void) | undefined;
  private tokenSaves: Promise<void> = Promise.resolve();
  /** Resolves when the work of every batch emitted so far has finished. */
  private unsettled: Promise<void> = Promise.resolve();
  private newestToken: { token: string; after: Promise<void> } | undefined;
  private tokenTimer: NodeJS.Timeout | undefined;
  private lastTokenSaveMs = -Infinity;
  private firstSync: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly store: IStorageProvider;

  constructor(homeserverUrl: string, accessToken: string, storage: IStorageProvider) {
    super(homeserverUrl, accessToken, storage);
    this.store = storage;
  }

  /** Sets the loop's options; must be called before start(). */
  configureSync(options: SyncLoopOptions): void {
    this.loopOptions = options;
    this.syncingTimeout = options.syncTimeoutMs;
  }

  /** Resolves once the first /sync after start() has been processed (or has failed once). */
  whenFirstSyncDone(): Promise<void> {
    return this.firstSync?.promise ?? Promise.resolve();
  }

  /**
   * Stops syncing and resolves once every token save is written. A long-poll in flight is not waited for: its answer
   * is dropped unprocessed (and its token unsaved), so those events come again after a restart.
   */
  async halt(): Promise<void> {
    this.stop();
    if (this.tokenTimer) {
      clearTimeout(this.tokenTimer);
      this.tokenTimer = undefined;
    }
    if (this.loopOptions) this.saveToken(this.loopOptions);
    await this.tokenSaves;
  }

  /**
   * Saves the newest token at most every SYNC_TOKEN_SAVE_INTERVAL_MS (a write per sync would be a write per event on
   * a quiet server). What a restart then reads again, at most that much, is dropped as already handled: the core
   * handles each event once by its id.
   */
  private queueTokenSave(token: string, options: SyncLoopOptions): void {
    this.newestToken = { token, after: this.unsettled };
    if (this.tokenTimer) return;
    const waitMs = this.lastTokenSaveMs + SYNC_TOKEN_SAVE_INTERVAL_MS - performance.now();
    if (waitMs <= 0) {
      this.saveToken(options);
      return;
    }
    this.tokenTimer = setTimeout(() => {
      this.tokenTimer = undefined;
      this.saveToken(options);
    }, waitMs);
    this.tokenTimer.unref();
  }

  private saveToken(options: SyncLoopOptions): void {
    const newest = this.newestToken;
    if (!newest) return;
    this.newestToken = undefined;
    this.lastTokenSaveMs = performance.now();
    this.tokenSaves = this.tokenSaves
      .then(() => newest.after)
      .then(() => Promise.resolve(this.store.setSyncToken(newest.token)))
      .catch((error: unknown) => options.logger.error({ err: error }, "matrix: saving the sync token failed"));
  }

  override stop(): void {
    this.halted = true;
    super.stop();
    this.wakeUp?.();
  }

  protected override startSyncInternal(): Promise<void> {
    this.halted = false;
    let resolveFirst: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => (resolveFirst = resolve));
    this.firstSync = { promise, resolve: resolveFirst };
    void this.runLoop().catch((error: unknown) => this.loopOptions?.logger.error({ err: error }, "matrix: the sync loop stopped"));
    return Promise.resolve();
  }

  private async runLoop(): Promise<void> {
    const options = this.loopOptions;
    if (!options) throw new Error("configureSync() must be called before start()");
    let token = (await Promise.resolve(this.store.getSyncToken())) ?? null;
    let failures = 0;
    let caughtUp = false;
    while (!this.halted) {
      const initial = token === null;
      // The first sync after start catches up without waiting, so start() does not hang for a long-poll.
      this.syncingTimeout = caughtUp ? options.syncTimeoutMs : 0;
      try {
        const raw: unknown = await this.doSync(token as string);
        if (this.halted) break;
        const next = syncResponse.parse(raw).next_batch;
        options.batchStarting(initial);
        await this.processSync(raw);
        // Save the token only once this batch's (and every earlier batch's) work is done; the next long-poll starts
        // meanwhile.
        this.unsettled = Promise.all([this.unsettled, options.batchSettled()]).then(() => undefined);
        this.queueTokenSave(next, options);
        token = next;
        failures = 0;
        caughtUp = true;
        // Let the batch's handlers run up to their first wait (the core's work is synchronous database calls), so
        // that their replies are on the wire before the next long-poll is set up.
        await new Promise<void>((resolve) => setImmediate(resolve));
      } catch (error) {
        if (this.halted) break;
        failures += 1;
        const waitMs = Math.min(options.retryMaxMs, options.retryMinMs * 2 ** Math.min(failures - 1, 16));
        options.logger.warn({ err: error, waitMs, failures }, "matrix: /sync failed, reconnecting");
        this.firstSync?.resolve();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = undefined;
        continue;
      }
      this.firstSync?.resolve();
    }
    this.firstSync?.resolve();
  }
}

/** A short description of an error for logs, without request bodies or tokens. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === "object" && error !== null && "statusCode" in error) return `HTTP ${String((error as { statusCode: unknown }).statusCode)}`;
  return String(error);
}

type RequestCallback = (error: unknown, response: { statusCode?: number; headers?: Record<string, unknown>; body?: unknown } | undefined, body: unknown) => void;
type RequestFn = (params: unknown, callback: RequestCallback) => unknown;

let retryAfterWrapperInstalled = false;

/**
 * Makes the SDK keep the Retry-After header of 429 answers: matrix-bot-sdk 0.7 builds its MatrixError from the body
 * only (retry_after_ms, deprecated since spec v1.10), so the header is copied into the error body under
 * RETRY_AFTER_HEADER_FIELD. Installed once per process; requests are otherwise untouched.
 */
export function installRetryAfterCapture(): void {
  if (retryAfterWrapperInstalled) return;
  retryAfterWrapperInstalled = true;
  const original = getRequestFn() as RequestFn;
  const wrapped: RequestFn = (params, callback) =>
    original(params, (error, response, body) => {
      if (!error && response?.statusCode === 429) {
        const headerMs = parseRetryAfterMs(response.headers?.["retry-after"]);
        if (headerMs !== undefined) {
          const annotate = (value: unknown): unknown => {
            const parsed = typeof value === "string" ? safeJson(value) : value;
            return typeof parsed === "object" && parsed !== null ? { ...parsed, [RETRY_AFTER_HEADER_FIELD]: headerMs } : value;
          };
          response.body = annotate(response.body);
          body = annotate(body);
        }
      }
      callback(error, response, body);
    });
  setRequestFn(wrapped);
}

/** Retry-After (delta-seconds, as homeservers send it) in milliseconds; undefined for anything else. */
export function parseRetryAfterMs(value: unknown): number | undefined {
  const text: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof text !== "string" || !/^\d+(\.\d+)?$/.test(text.trim())) return undefined;
  return Math.round(Number(text.trim()) * 1000);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

let sdkLoggerInstalled = false;

/** Routes matrix-bot-sdk's LogService into pino (SDK info and below as debug; its errors as warnings). */
export function routeSdkLogs(logger: Logger): void {
  if (sdkLoggerInstalled) return;
  sdkLoggerInstalled = true;
  const child = logger.child({ component: "matrix-bot-sdk" });
  // Request and response bodies the SDK logs are withheld (they hold what people wrote).
  const text = (parts: unknown[]): string => sdkLogText(parts);
  LogService.setLogger({
    trace: (module: string, ...parts: unknown[]) => child.trace({ module }, text(parts)),
    debug: (module: string, ...parts: unknown[]) => child.debug({ module }, text(parts)),
    info: (module: string, ...parts: unknown[]) => child.debug({ module }, text(parts)),
    warn: (module: string, ...parts: unknown[]) => child.warn({ module }, text(parts)),
    // The HTTP layer logs every non-2xx answer as an error; the adapter reports the failures that matter itself.
    error: (module: string, ...parts: unknown[]) => (module === "MatrixHttpClient" ? child.debug({ module }, text(parts)) : child.warn({ module }, text(parts))),
  });
}
