import { getRequestFn, LogService, MatrixClient, setRequestFn } from "matrix-bot-sdk";
import type { Logger } from "pino";
import { sdkLogText } from "../../src/log.js";
import { z } from "zod";
import { fillTimelineGaps, newestEventTs, type MessagesPage } from "./history.js";
import type { StateStorageProvider } from "./storage.js";

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
  /** Called with each batch as the homeserver sent it, before its gaps are read back and its events emitted. */
  batchReceived?(raw: unknown): void;
  /** Called before a batch is emitted; `initial` is true for the first sync of an installation (old history). */
  batchStarting(initial: boolean): void;
  /** Resolves when the inbound work started by the batch just emitted has finished (the token is saved after). */
  batchSettled(): Promise<void>;
  /** When this installation started (ms since the epoch): older events are history, never read back into a gap. */
  installedAtMs: number;
  /**
   * Called with each /sync answer before its events are emitted (the encryption reads its to-device messages). The
   * events are emitted without waiting for it (what needs its outcome, decryption, waits for it itself); the next
   * /sync and the token's save wait for it, and when it fails the same batch is read again.
   */
  syncArrived?: (raw: unknown) => Promise<void>;
  logger: Logger;
}

/**
 * How far before the newest handled event a gap is read back, in milliseconds: events of other homeservers carry
 * their own clocks, and what is read twice is handled once (the core claims each event id once).
 */
export const GAP_MARGIN_MS = 5 * 60_000;

/** Longest a /sync may take beyond its long-poll timeout before it is abandoned, in milliseconds. */
const SYNC_GRACE_MS = 30_000;

const messagesPage = z.object({ chunk: z.array(z.unknown()).default([]), end: z.string().optional() }).loose();

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
  private newestToken: { token: string; handledUntilTs: number | undefined; after: Promise<void> } | undefined;
  private handledUntilTs: number | undefined;
  private syncAbort: AbortController | undefined;
  private abandoned = false;
  private tokenTimer: NodeJS.Timeout | undefined;
  private lastTokenSaveMs = -Infinity;
  private firstSync: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly store: StateStorageProvider;

  constructor(homeserverUrl: string, accessToken: string, storage: StateStorageProvider) {
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
    this.newestToken = { token, handledUntilTs: this.handledUntilTs, after: this.unsettled };
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
      .then(() => (this.abandoned ? undefined : this.store.setSyncPosition(newest.token, newest.handledUntilTs)))
      .catch((error: unknown) => options.logger.error({ err: error }, "matrix: saving the sync token failed"));
  }

  /**
   * Inbound work of the batches emitted so far was left undone (stopping): their sync token must not be saved, so
   * that the next start reads them again (what was done is claimed once by the core).
   */
  abandonUnsettled(): void {
    this.abandoned = true;
  }

  override stop(): void {
    this.halted = true;
    super.stop();
    this.wakeUp?.();
    // The long-poll in flight is abandoned: its answer would be dropped anyway, and it must not hold the shutdown.
    this.syncAbort?.abort();
  }

  /**
   * One /sync, over fetch so that stop() can abort the long-poll (the SDK's request cannot be aborted). Failures
   * carry the status and body the way the SDK's errors do.
   */
  override async doSync(token: string | null): Promise<unknown> {
    const query = new URLSearchParams({ full_state: "false", timeout: String(Math.max(0, this.syncingTimeout)) });
    if (token) query.set("since", token);
    const filterId = (this as unknown as { filterId?: number | string }).filterId;
    if (filterId) query.set("filter", String(filterId));
    const controller = new AbortController();
    this.syncAbort = controller;
    const timer = setTimeout(() => controller.abort(), Math.max(0, this.syncingTimeout) + SYNC_GRACE_MS);
    try {
      const answer = await fetch(`${this.homeserverUrl}/_matrix/client/v3/sync?${query.toString()}`, {
        headers: { authorization: `Bearer ${this.accessToken}` },
        signal: controller.signal,
      });
      const body: unknown = await answer.json().catch(() => undefined);
      if (!answer.ok) {
        const errcode = typeof body === "object" && body !== null && "errcode" in body ? String((body as { errcode: unknown }).errcode) : undefined;
        throw Object.assign(new Error(`/sync answered HTTP ${answer.status}${errcode ? ` ${errcode}` : ""}`), { statusCode: answer.status, errcode, body });
      }
      return body;
    } finally {
      clearTimeout(timer);
      if (this.syncAbort === controller) this.syncAbort = undefined;
    }
  }

  /** One page of a room's history, newest first, from a pagination token. */
  private async readPage(roomId: string, from: string): Promise<MessagesPage> {
    const raw: unknown = await this.doRequest("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages`, { from, dir: "b", limit: 100 });
    return messagesPage.parse(raw);
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
    this.handledUntilTs = await this.store.getHandledUntilTs();
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
        options.batchReceived?.(raw);
        const arrived = options.syncArrived?.(raw);
        // Awaited below; a failure meanwhile is not an unhandled rejection.
        arrived?.catch(() => undefined);
        // What was written while Liaison was not syncing comes back as a gap: read it back before the batch.
        if (!initial) {
          const notBeforeTs = Math.max(options.installedAtMs, (this.handledUntilTs ?? options.installedAtMs) - GAP_MARGIN_MS);
          await fillTimelineGaps(raw, (roomId, from) => this.readPage(roomId, from), notBeforeTs, options.logger);
          if (this.halted) break;
        }
        const newestTs = newestEventTs(raw);
        if (newestTs !== undefined && (this.handledUntilTs === undefined || newestTs > this.handledUntilTs)) this.handledUntilTs = newestTs;
        options.batchStarting(initial);
        await this.processSync(raw);
        // The batch's to-device messages (room keys) are processed and saved before the next /sync, which tells the
        // homeserver they may be deleted, and before the token is saved; a failure reads this batch again (what
        // its events did is claimed once by the core).
        await arrived;
        if (this.halted) break;
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
