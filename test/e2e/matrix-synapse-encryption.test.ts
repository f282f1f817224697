// Against a real Synapse that encrypts every private room it creates (encryption_enabled_by_default_for_room_type:
// invite, as agencies configure it), with Liaison's end-to-end encryption turned off (matrix.encryption.enabled:
// false; matrix-synapse-e2ee.test.ts covers it on): Liaison never posts an answer or case content in plaintext into an encrypted
// room, including the direct room it created itself, says why, and does not execute a plaintext command typed into
// an encrypted room. (The cases rooms are public_chat rooms here, so they stay unencrypted.)
import { afterAll, beforeAll, expect, it } from "vitest";
import { bodyOf } from "../support/matrix-person.js";
import type { RunningLiaison } from "../support/synapse-liaison.js";
import { describeOnSynapse } from "../support/synapse.js";
import { startSynapseWorld, type SynapseWorld } from "../support/synapse-world.js";

let world: SynapseWorld;
let running: RunningLiaison | undefined;

describeOnSynapse("Matrix encryption against a real homeserver", () => {
  beforeAll(async () => {
    world = await startSynapseWorld({ extraConfig: "encryption_enabled_by_default_for_room_type: invite", roomPreset: "public_chat" });
    running = await world.start("main", { matrix: { encryption: { enabled: false } } });
  }, 180_000);
  afterAll(async () => {
    await running?.stop();
    await world?.close();
  }, 60_000);

  it("does not post a private answer into the direct room the homeserver encrypted, and says why there", async () => {
    const { anna, ids } = world;
    await anna.say(ids.policeRoom, '!notice acme https://files.acme.test/v/5 --reason "doxxing of an officer" --tlp AMBER');
    // The case itself is opened (cards in the unencrypted cases rooms) ...
    await anna.waitFor(() => anna.messagesFrom(ids.bot, ids.policeRoom).find((event) => /N-\d{4}-0001/.test(bodyOf(event))), "the police's card");
    // ... and the direct room Liaison opened for the answer is encrypted: it gets the notice, never the answer.
    const notice = await anna.waitFor(
      () => anna.messagesFrom(ids.bot).find((event) => event.roomId !== ids.policeRoom && bodyOf(event).includes("end-to-end encrypted")),
      "the encryption notice in the direct room",
    );
    const encryption = await anna.call<{ algorithm?: string }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(notice.roomId)}/state/m.room.encryption/`);
    expect(encryption.algorithm).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const inDirect = anna.messagesFrom(ids.bot, notice.roomId).map(bodyOf);
    expect(inDirect.some((text) => text.includes("Opened") || text.includes("TLP") || text.includes("files.acme.test"))).toBe(false);
  }, 60_000);

  it("does not execute a plaintext command typed into an encrypted room, and says why", async () => {
    const { anna, ids } = world;
    const room = await anna.createRoom({ name: "Encrypted", preset: "private_chat", invite: [ids.bot] });
    await anna.waitFor(() => anna.messagesFrom(ids.bot, room).find((event) => bodyOf(event).includes("end-to-end encrypted")), "the encryption notice");
    const markMs = performance.now();
    // A client that does not encrypt (or a forged event) puts a plaintext command into the encrypted room.
    await anna.say(room, '!notice acme https://files.acme.test/v/6 --reason "must not open"');
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(anna.messagesFrom(ids.bot).filter((event) => event.seenAtMs > markMs).map(bodyOf)).toEqual([]);
    expect(await running!.store.db.case.count()).toBe(1);
  }, 60_000);
});
