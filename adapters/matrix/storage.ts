import type { IFilterInfo, IStorageProvider } from "matrix-bot-sdk";
import { z } from "zod";
import type { AdapterStateStore } from "../../src/core/platform.js";

/** Keys this adapter keeps in its state store (Liaison's database), in one place. */
export const stateKeys = {
  syncToken: "sync.token",
  /** The newest origin_server_ts of the events handled up to the saved sync token. */
  syncHandledUntilTs: "sync.handledUntilTs",
  /** When this installation first started (ms since the epoch): events older than that are history. */
  installedAtMs: "install.startedAtMs",
  /** Replies not yet delivered (JSON list), delivered again after a restart. */
  pendingReplies: "reply.pending",
  syncFilter: "sync.filter",
  sdkValue: (key: string) => `sdk.${key}`,
  accessToken: "auth.accessToken",
  authHomeserverUrl: "auth.homeserverUrl",
  authUserId: "auth.userId",
  /** The direct room Liaison uses to reach a person. */
  directRoomOf: (userId: string) => `dm.user.${userId}`,
  /** Marks a room as a direct room with a person (value: the person's user id). */
  directRoom: (roomId: string) => `dm.room.${roomId}`,
  /** Marks a room created as a room of its own for one case. */
  caseRoom: (roomId: string) => `caseroom.${roomId}`,
  /** The room created for an openThread request, so a retried request reuses it. */
  caseRoomForRequest: (idempotencyKey: string) => `caseroom.request.${idempotencyKey}`,
  /** Reactions standing for buttons on a posted event. */
  reactions: (eventId: string) => `reactions.${eventId}`,
  /** The "cannot read encrypted rooms" notice was posted in this room. */
  encryptionNotice: (roomId: string) => `e2ee.notice.${roomId}`,
} as const;

/** True for the state keys whose values are secrets: the access token saved after a password login. */
export function isMatrixSecretStateKey(key: string): boolean {
  return key === stateKeys.accessToken;
}

const filterInfo = z.object({ id: z.union([z.number(), z.string()]), filter: z.unknown() });

/**
 * matrix-bot-sdk's storage (sync token, filter, its small key-value needs) kept in Liaison's adapter state store, so
 * the sync position survives restarts. Reads are served from memory after the first.
 */
export class StateStorageProvider implements IStorageProvider {
  private syncToken: string | null | undefined;
  private filter: IFilterInfo | undefined;

  constructor(private readonly state: AdapterStateStore) {}

  /** Loads what the SDK reads synchronously (the filter) before the client starts. */
  async load(): Promise<void> {
    const filterText = await this.state.get(stateKeys.syncFilter);
    if (filterText !== undefined) {
      const parsed = filterInfo.safeParse(safeJson(filterText));
      if (parsed.success) this.filter = { id: Number(parsed.data.id), filter: parsed.data.filter };
    }
  }

  async setSyncToken(token: string | null): Promise<void> {
    this.syncToken = token;
    if (token === null) await this.state.delete(stateKeys.syncToken);
    else await this.state.set(stateKeys.syncToken, token);
  }

  /** Saves the sync token and the newest handled event's timestamp together (token last: it commits the position). */
  async setSyncPosition(token: string, handledUntilTs: number | undefined): Promise<void> {
    if (handledUntilTs !== undefined) await this.state.set(stateKeys.syncHandledUntilTs, String(handledUntilTs));
    await this.setSyncToken(token);
  }

  /** The newest handled event's timestamp saved with the sync token, if any. */
  async getHandledUntilTs(): Promise<number | undefined> {
    const text = await this.state.get(stateKeys.syncHandledUntilTs);
    const value = text === undefined ? NaN : Number(text);
    return Number.isFinite(value) ? value : undefined;
  }

  async getSyncToken(): Promise<string | null> {
    if (this.syncToken === undefined) this.syncToken = (await this.state.get(stateKeys.syncToken)) ?? null;
    return this.syncToken;
  }

  async setFilter(filter: IFilterInfo): Promise<void> {
    this.filter = filter;
    await this.state.set(stateKeys.syncFilter, JSON.stringify(filter));
  }

  getFilter(): IFilterInfo {
    // The SDK treats a falsy filter as "none stored".
    return this.filter as IFilterInfo;
  }

  async storeValue(key: string, value: string): Promise<void> {
    await this.state.set(stateKeys.sdkValue(key), value);
  }

  async readValue(key: string): Promise<string | undefined> {
    return this.state.get(stateKeys.sdkValue(key));
  }
}

/** Parses JSON, or returns undefined. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
