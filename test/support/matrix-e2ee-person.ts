// A person whose client encrypts: matrix-js-sdk with its Rust crypto (in-memory store), as Element runs it. Used to
// show that Liaison reads what an encrypting client writes and that its answers decrypt on that client's side.
import { ClientEvent, createClient, type MatrixClient, type MatrixEvent, RoomMemberEvent, SyncState } from "matrix-js-sdk";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";

/** A message as the person's client shows it (decrypted when it came encrypted). */
export interface ShownMessage {
  eventId: string;
  roomId: string;
  sender: string;
  type: string;
  body: string;
  /** The event came as m.room.encrypted and decrypted on this client. */
  wasEncrypted: boolean;
  /** The event came encrypted and could not be decrypted here. */
  undecryptable: boolean;
}

/** A person's encrypting client, logged in as a new device of an existing account. */
export class EncryptingPerson {
  private constructor(
    readonly userId: string,
    readonly deviceId: string,
    readonly client: MatrixClient,
  ) {}

  /** Logs in with the password (a new device), starts Rust crypto and syncs until the client is ready. */
  static async login(baseUrl: string, userId: string, password: string, options: { acceptInvites?: boolean } = {}): Promise<EncryptingPerson> {
    (sdkLogger as unknown as { setLevel(level: string): void }).setLevel("silent");
    const answer = await fetch(`${baseUrl}/_matrix/client/v3/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user: userId }, password, initial_device_display_name: "Element (test)" }),
    });
    const body = (await answer.json()) as { access_token?: string; device_id?: string };
    if (!answer.ok || !body.access_token || !body.device_id) throw new Error(`logging in ${userId} failed: ${answer.status} ${JSON.stringify(body)}`);
    const client = createClient({ baseUrl, userId, accessToken: body.access_token, deviceId: body.device_id });
    await client.initRustCrypto({ useIndexedDB: false });
    if (options.acceptInvites) {
      client.on(RoomMemberEvent.Membership, (_event, member) => {
        if (member.userId === userId && member.membership === "invite") void client.joinRoom(member.roomId).catch(() => undefined);
      });
    }
    const ready = new Promise<void>((resolve, reject) => {
      client.on(ClientEvent.Sync, (state: SyncState) => {
        if (state === SyncState.Prepared || state === SyncState.Syncing) resolve();
        if (state === SyncState.Error) reject(new Error("the encrypting client could not sync"));
      });
    });
    await client.startClient({ initialSyncLimit: 20 });
    await ready;
    return new EncryptingPerson(userId, body.device_id, client);
  }

  /** Creates an end-to-end encrypted room (a direct room with `invite` when `direct`). */
  async createEncryptedRoom(options: { invite: string[]; direct?: boolean; name?: string }): Promise<string> {
    const created = await this.client.createRoom({
      preset: "trusted_private_chat" as never,
      invite: options.invite,
      ...(options.direct ? { is_direct: true } : {}),
      ...(options.name ? { name: options.name } : {}),
      initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
    });
    return created.room_id;
  }

  /** Sends a text message (encrypted by the client in an encrypted room); resolves to its event id. */
  async say(roomId: string, body: string): Promise<string> {
    const sent = await this.client.sendMessage(roomId, { msgtype: "m.text", body } as never);
    return sent.event_id;
  }

  /** The messages of a room as this client shows them, decrypting what came encrypted. */
  async messages(roomId: string): Promise<ShownMessage[]> {
    const room = this.client.getRoom(roomId);
    if (!room) return [];
    const shown: ShownMessage[] = [];
    for (const event of room.getLiveTimeline().getEvents()) {
      if (event.isEncrypted()) await this.client.decryptEventIfNeeded(event);
      shown.push(describe(roomId, event));
    }
    return shown.filter((message) => message.type === "m.room.message" || message.undecryptable);
  }

  /** Polls `probe` over this client's view until it returns a value, or throws after `timeoutMs`. */
  async waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Stops the client. */
  stop(): void {
    this.client.stopClient();
  }
}

function describe(roomId: string, event: MatrixEvent): ShownMessage {
  const content = event.getContent() as { body?: unknown };
  return {
    eventId: event.getId() ?? "",
    roomId,
    sender: event.getSender() ?? "",
    type: event.getType(),
    body: typeof content.body === "string" ? content.body : "",
    wasEncrypted: event.isEncrypted(),
    undecryptable: event.isDecryptionFailure(),
  };
}
