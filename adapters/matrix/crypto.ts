// End-to-end encryption for the Matrix adapter: the Rust crypto of matrix-sdk-crypto (its WebAssembly build, which
// needs no native binary) driven directly from the adapter. The adapter hands it every /sync answer (to-device
// messages, device lists, one-time key counts, member changes), asks it to decrypt m.room.encrypted events, and to
// encrypt what it posts into encrypted rooms. Its requests to the homeserver (key uploads, key queries, one-time key
// claims, room keys sent to devices) go out through the adapter's client.
//
// Verification policy: room keys are shared with every device of the room's joined and invited members, verified or
// not (CollectStrategy.allDevices, what Element does by default), and events from unverified devices are decrypted
// (TrustRequirement.Untrusted). What decides what a person may do is their Matrix user id, as in unencrypted rooms.
import type { MatrixClient } from "matrix-bot-sdk";
import type { Logger } from "pino";
import { z } from "zod";
import type { CryptoPersistence } from "./crypto-store.js";
import { toDeliveryError } from "./errors.js";

type Wasm = typeof import("@matrix-org/matrix-sdk-crypto-wasm");
type OlmMachine = import("@matrix-org/matrix-sdk-crypto-wasm").OlmMachine;

let wasmLoading: Promise<Wasm> | undefined;

/** Loads the WebAssembly crypto once per process (about 0.2 s). */
async function loadWasm(): Promise<Wasm> {
  wasmLoading ??= (async () => {
    const wasm = await import("@matrix-org/matrix-sdk-crypto-wasm");
    await wasm.initAsync();
    return wasm;
  })();
  return wasmLoading;
}

/** An event as the crypto reads it from a room timeline. */
const encryptedEventSchema = z
  .object({
    event_id: z.string().startsWith("$"),
    sender: z.string().startsWith("@"),
    type: z.literal("m.room.encrypted"),
    content: z.record(z.string(), z.unknown()),
  })
  .loose();

/** The plaintext payload of a decrypted room event. */
const decryptedPayloadSchema = z.object({ type: z.string().min(1), content: z.record(z.string(), z.unknown()) }).loose();

const memberStateSchema = z.object({ type: z.literal("m.room.member"), state_key: z.string(), content: z.object({ membership: z.string() }).loose() }).loose();

const syncCryptoSchema = z
  .object({
    to_device: z.object({ events: z.array(z.unknown()).default([]) }).loose().optional(),
    device_lists: z.object({ changed: z.array(z.string()).default([]), left: z.array(z.string()).default([]) }).loose().optional(),
    device_one_time_keys_count: z.record(z.string(), z.number()).optional(),
    device_unused_fallback_key_types: z.array(z.string()).optional(),
    "org.matrix.msc2732.device_unused_fallback_key_types": z.array(z.string()).optional(),
    rooms: z
      .object({
        join: z
          .record(
            z.string(),
            z
              .object({
                state: z.object({ events: z.array(z.unknown()).default([]) }).loose().optional(),
                timeline: z.object({ events: z.array(z.unknown()).default([]) }).loose().optional(),
              })
              .loose(),
          )
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** A room event after decryption: the plaintext type and content in the envelope of the encrypted event. */
export interface DecryptedEvent {
  event: Record<string, unknown> & { event_id: string; sender: string; type: string; content: Record<string, unknown> };
}

/** Why a room event could not be decrypted (keys not received, or not meant for this device). */
export class UndecryptableEvent extends Error {
  override readonly name = "UndecryptableEvent";
}

/** What opening the crypto needs. */
export interface MatrixCryptoOptions {
  client: MatrixClient;
  userId: string;
  deviceId: string;
  logger: Logger;
  /** Where the crypto's store lives; without it the keys are kept in memory only (lost at restart). */
  persistence?: CryptoPersistence;
}

/** How many syncs a decryption waits for its room key at most. */
const DECRYPT_WAIT_SYNCS = 3;

/** How long a decryption waits for its room key at most, in milliseconds. */
const DECRYPT_WAIT_MS = 10_000;

/** Most rounds of outgoing requests sent in one flush (each round may ask for more, e.g. key queries). */
const MAX_FLUSH_ROUNDS = 8;

/** How long a request the homeserver rate-limited is waited for at most, in milliseconds. */
const MAX_RETRY_WAIT_MS = 10_000;

/**
 * One device's end-to-end encryption: Liaison's account and sessions in an OlmMachine. Every call that changes the
 * machine's store is followed by a save of what changed (when a persistence is given), so the keys are in Liaison's
 * database before anything that depends on them (a sent room key, the sync token) is.
 */
export class MatrixCrypto {
  /** Room members (joined and invited) per encrypted room, read from the homeserver once and kept up from /sync. */
  private readonly members = new Map<string, Set<string>>();
  /** One flush of outgoing requests at a time; encryption waits for the flushes before it. */
  private flushing: Promise<void> = Promise.resolve();
  /** Sharing a room key and encrypting with it, one room at a time (the machine's outbound session is per room). */
  private encrypting: Promise<unknown> = Promise.resolve();
  private closed = false;
  /**
   * The /sync answers handed over so far, processed one after another; decryption and encryption wait for it, so they
   * see every to-device message and device list change of the syncs before them.
   */
  private syncing: Promise<void> = Promise.resolve();
  /** Called after each /sync is processed (a decryption waiting for its keys tries again). */
  private readonly syncWaiters = new Set<() => void>();

  private constructor(
    private readonly wasm: Wasm,
    private readonly machine: OlmMachine,
    private readonly options: MatrixCryptoOptions,
  ) {}

  /** Opens (or creates) the device's crypto store and uploads its keys when the homeserver lacks them. */
  static async open(options: MatrixCryptoOptions): Promise<MatrixCrypto> {
    const wasm = await loadWasm();
    const storeName = await options.persistence?.restore();
    const machine = await wasm.OlmMachine.initialize(new wasm.UserId(options.userId), new wasm.DeviceId(options.deviceId), storeName);
    const crypto = new MatrixCrypto(wasm, machine, options);
    await crypto.save();
    // The device's keys must reach the homeserver (or be there already): a homeserver that refuses them cannot
    // carry encrypted rooms for this device, and the adapter then runs without encryption.
    await crypto.flush(true);
    return crypto;
  }

  /** This device's id and its Curve25519 and Ed25519 identity keys (what a person compares when verifying). */
  get identity(): { deviceId: string; curve25519: string; ed25519: string } {
    const keys = this.machine.identityKeys;
    return { deviceId: this.machine.deviceId.toString(), curve25519: keys.curve25519.toBase64(), ed25519: keys.ed25519.toBase64() };
  }

  /** Hands the crypto what a /sync brought for it; resolves once it is processed and its answers are sent. */
  receiveSync(raw: unknown): Promise<void> {
    // Queued at once (before the caller hands on the sync's events), so that a decryption of them waits for it.
    const run = this.syncing.then(() => this.receiveSyncNow(raw));
    this.syncing = run.catch(() => undefined);
    return run;
  }

  /** Waits for the /sync answers handed over so far to be processed. */
  private async syncsProcessed(): Promise<void> {
    await this.syncing;
  }

  private async receiveSyncNow(raw: unknown): Promise<void> {
    if (this.closed) return;
    const parsed = syncCryptoSchema.safeParse(raw);
    if (!parsed.success) return;
    const sync = parsed.data;
    const wasm = this.wasm;
    const changed = (sync.device_lists?.changed ?? []).flatMap((id) => userIdOrEmpty(wasm, id));
    const left = (sync.device_lists?.left ?? []).flatMap((id) => userIdOrEmpty(wasm, id));
    const counts = new Map(Object.entries(sync.device_one_time_keys_count ?? {}));
    const fallback = sync.device_unused_fallback_key_types ?? sync["org.matrix.msc2732.device_unused_fallback_key_types"];
    const toDevice = sync.to_device?.events ?? [];
    await this.machine.receiveSyncChanges(
      JSON.stringify(toDevice),
      new wasm.DeviceLists(changed, left),
      counts,
      fallback === undefined ? undefined : new Set(fallback),
      new wasm.DecryptionSettings(wasm.TrustRequirement.Untrusted),
    );
    this.noteMembers(sync.rooms?.join ?? {});
    await this.save();
    await this.flush();
    for (const wake of [...this.syncWaiters]) wake();
  }

  /**
   * Decrypts an event, waiting for its keys over up to DECRYPT_WAIT_SYNCS syncs (or DECRYPT_WAIT_MS): a room key is
   * sent to the device just before the message, and may come a sync later. Resolves to the event or to why not.
   */
  async decryptWhenKeysArrive(roomId: string, raw: unknown, signal: AbortSignal): Promise<{ ok: true; event: DecryptedEvent["event"] } | { ok: false; reason: string }> {
    const deadlineMs = performance.now() + DECRYPT_WAIT_MS;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return { ok: true, event: (await this.decrypt(roomId, raw)).event };
      } catch (error) {
        if (!(error instanceof UndecryptableEvent)) return { ok: false, reason: error instanceof Error ? error.message : String(error) };
        const leftMs = deadlineMs - performance.now();
        if (attempt >= DECRYPT_WAIT_SYNCS || leftMs <= 0 || signal.aborted || this.closed) return { ok: false, reason: error.message };
        await this.nextSync(leftMs, signal);
      }
    }
  }

  /** Resolves after the next /sync is processed, after `timeoutMs`, or when `signal` aborts. */
  private nextSync(timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.syncWaiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.syncWaiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Updates the member lists kept for encrypted rooms from the member events of a /sync. */
  private noteMembers(joined: Record<string, { state?: { events: unknown[] }; timeline?: { events: unknown[] } }>): void {
    for (const [roomId, room] of Object.entries(joined)) {
      const known = this.members.get(roomId);
      if (!known) continue;
      for (const raw of [...(room.state?.events ?? []), ...(room.timeline?.events ?? [])]) {
        const member = memberStateSchema.safeParse(raw);
        if (!member.success) continue;
        const membership = member.data.content.membership;
        if (membership === "join" || membership === "invite") known.add(member.data.state_key);
        else known.delete(member.data.state_key);
      }
    }
  }

  /**
   * Decrypts an m.room.encrypted event; throws UndecryptableEvent when its keys are missing. The relation of the
   * envelope (threads, replies: sent unencrypted beside the ciphertext) is kept when the plaintext has none.
   */
  async decrypt(roomId: string, raw: unknown): Promise<DecryptedEvent> {
    const envelope = encryptedEventSchema.parse(raw);
    const wasm = this.wasm;
    await this.syncsProcessed();
    let decrypted: { event: string };
    try {
      decrypted = await this.machine.decryptRoomEvent(JSON.stringify(raw), new wasm.RoomId(roomId), new wasm.DecryptionSettings(wasm.TrustRequirement.Untrusted));
    } catch (error) {
      throw new UndecryptableEvent(error instanceof Error ? error.message : String(error));
    }
    const payload = decryptedPayloadSchema.parse(JSON.parse(decrypted.event));
    const content = { ...payload.content };
    const outerRelation = envelope.content["m.relates_to"];
    if (content["m.relates_to"] === undefined && outerRelation !== undefined) content["m.relates_to"] = outerRelation;
    await this.save();
    return { event: { ...envelope, type: payload.type, content } };
  }

  /**
   * Encrypts an event for a room: the room key is shared first with every device of the room's joined and invited
   * members that does not have it yet. Resolves to the m.room.encrypted content.
   */
  async encrypt(roomId: string, eventType: string, content: object): Promise<Record<string, unknown>> {
    const run = this.encrypting.then(() => this.encryptNow(roomId, eventType, content));
    this.encrypting = run.catch(() => undefined);
    return run;
  }

  private async encryptNow(roomId: string, eventType: string, content: object): Promise<Record<string, unknown>> {
    const wasm = this.wasm;
    await this.syncsProcessed();
    const memberIds = [...(await this.roomMembers(roomId))];
    // The machine takes the UserId objects it is handed (they are freed): each call gets its own.
    const members = () => memberIds.flatMap((id) => userIdOrEmpty(wasm, id));
    await this.machine.updateTrackedUsers(members());
    await this.flush();
    const claim = await this.machine.getMissingSessions(members());
    if (claim) await this.send(claim);
    const settings = new wasm.EncryptionSettings();
    settings.sharingStrategy = wasm.CollectStrategy.allDevices();
    for (const request of await this.machine.shareRoomKey(new wasm.RoomId(roomId), members(), settings)) await this.send(request);
    const encrypted = await this.machine.encryptRoomEvent(new wasm.RoomId(roomId), eventType, JSON.stringify(content));
    await this.save();
    return z.record(z.string(), z.unknown()).parse(JSON.parse(encrypted));
  }

  /** The joined and invited members of a room, read once and then kept up from /sync. */
  private async roomMembers(roomId: string): Promise<Set<string>> {
    const known = this.members.get(roomId);
    if (known) return known;
    const raw: unknown = await this.options.client.doRequest("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/members`, { not_membership: "leave" });
    const chunk = z.object({ chunk: z.array(z.unknown()).default([]) }).loose().parse(raw).chunk;
    const members = new Set<string>();
    for (const item of chunk) {
      const member = memberStateSchema.safeParse(item);
      if (member.success && (member.data.content.membership === "join" || member.data.content.membership === "invite")) members.add(member.data.state_key);
    }
    this.members.set(roomId, members);
    return members;
  }

  /** Sends the machine's outgoing requests (one flush at a time) until it has none left; `strict` throws on a failure. */
  async flush(strict = false): Promise<void> {
    const run = this.flushing.then(() => this.flushNow(strict));
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async flushNow(strict: boolean): Promise<void> {
    for (let round = 0; round < MAX_FLUSH_ROUNDS && !this.closed; round += 1) {
      const requests = await this.machine.outgoingRequests();
      if (requests.length === 0) return;
      for (const request of requests) {
        try {
          await this.send(request);
        } catch (error) {
          if (strict) throw error;
          this.options.logger.warn({ err: error, requestType: request.type }, "matrix: an encryption request to the homeserver failed; retried at the next sync");
        }
      }
    }
  }

  /** Sends one outgoing request and tells the machine its answer. */
  private async send(request: import("@matrix-org/matrix-sdk-crypto-wasm").OutgoingRequest | import("@matrix-org/matrix-sdk-crypto-wasm").ToDeviceRequest | import("@matrix-org/matrix-sdk-crypto-wasm").KeysClaimRequest): Promise<void> {
    const wasm = this.wasm;
    const { RequestType } = wasm;
    let answer: unknown;
    if (request instanceof wasm.KeysUploadRequest) answer = await this.call("POST", "/_matrix/client/v3/keys/upload", request.body);
    else if (request instanceof wasm.KeysQueryRequest) answer = await this.call("POST", "/_matrix/client/v3/keys/query", request.body);
    else if (request instanceof wasm.KeysClaimRequest) answer = await this.call("POST", "/_matrix/client/v3/keys/claim", request.body);
    else if (request instanceof wasm.ToDeviceRequest)
      answer = await this.call("PUT", `/_matrix/client/v3/sendToDevice/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`, request.body);
    else if (request instanceof wasm.SignatureUploadRequest) answer = await this.call("POST", "/_matrix/client/v3/keys/signatures/upload", request.body);
    else if (request instanceof wasm.RoomMessageRequest)
      answer = await this.call("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(request.room_id)}/send/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`, request.body);
    else if (request instanceof wasm.KeysBackupRequest) {
      // Liaison keeps no server-side key backup: its keys are in its own database.
      return;
    } else return;
    const id = request.id;
    if (id !== undefined) await this.machine.markRequestAsSent(id, request.type as (typeof RequestType)[keyof typeof RequestType], JSON.stringify(answer ?? {}));
    await this.save();
  }

  /** One request to the homeserver with a JSON body; a rate limit is waited out (up to MAX_RETRY_WAIT_MS) once. */
  private async call(method: "POST" | "PUT", path: string, body: string): Promise<unknown> {
    const parsedBody: unknown = JSON.parse(body);
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.options.client.doRequest(method, path, null, parsedBody);
      } catch (error) {
        const limited = toDeliveryError(error, `${method} ${path}`);
        if (limited.retryAfterMs === undefined || attempt >= 2) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_WAIT_MS, limited.retryAfterMs ?? 1000)));
      }
    }
  }

  /** Writes what changed in the crypto store to Liaison's database (nothing without a persistence). */
  async save(): Promise<void> {
    await this.options.persistence?.save();
  }

  /** Saves and closes the machine; nothing is processed after. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.syncing;
    await this.flushing;
    await this.encrypting;
    await this.save();
    this.machine.close();
    await this.options.persistence?.close();
  }
}

/** A UserId for a well-formed id, or nothing (a malformed id from the homeserver is skipped, not thrown on). */
function userIdOrEmpty(wasm: Wasm, id: string): import("@matrix-org/matrix-sdk-crypto-wasm").UserId[] {
  try {
    return [new wasm.UserId(id)];
  } catch {
    return [];
  }
}
