// End-to-end encryption against a real Synapse, with a real encrypting client: an officer on matrix-js-sdk with its
// Rust crypto (as Element runs it) writes commands in her encrypted direct room with Liaison; Liaison decrypts them,
// acts on them, and its answers arrive encrypted and decrypt on her side. A plaintext command typed into the
// encrypted room is refused, saying why (in an encrypted answer). After a restart on the same database (a new
// adapter, a fresh in-memory IndexedDB filled from the database) Liaison is the same device: it still decrypts new
// messages, and its answers still decrypt on her side.
import { afterAll, beforeAll, expect, it } from "vitest";
import { EncryptingPerson } from "../support/matrix-e2ee-person.js";
import type { RunningLiaison } from "../support/synapse-liaison.js";
import { describeOnSynapse } from "../support/synapse.js";
import { personPassword, startSynapseWorld, type SynapseWorld } from "../support/synapse-world.js";

let world: SynapseWorld;
let running: RunningLiaison | undefined;
let officer: EncryptingPerson;
let room = "";

describeOnSynapse("Matrix end-to-end encryption with an encrypting client", () => {
  beforeAll(async () => {
    // The homeserver encrypts every private room it creates (as agencies configure it); the cases rooms are
    // public_chat rooms here, so they stay unencrypted.
    world = await startSynapseWorld({ extraConfig: "encryption_enabled_by_default_for_room_type: invite", roomPreset: "public_chat" });
    running = await world.start("main");
    officer = await EncryptingPerson.login(world.synapse.baseUrl, world.ids.anna, personPassword("anna"));
    room = await officer.createEncryptedRoom({ invite: [world.ids.bot], direct: true, name: "Liaison" });
    await officer.waitFor(() => (officer.client.getRoom(room)?.getMember(world.ids.bot)?.membership === "join" ? true : undefined), "Liaison to join the encrypted room");
  }, 180_000);
  afterAll(async () => {
    officer?.stop();
    await running?.stop();
    await world?.close();
  }, 60_000);

  const fromBot = async (afterEventId?: string) => {
    const shown = await officer.messages(room);
    const start = afterEventId ? shown.findIndex((message) => message.eventId === afterEventId) + 1 : 0;
    return shown.slice(start).filter((message) => message.sender === world.ids.bot);
  };

  it("reads an encrypted command and answers encrypted, and the answer decrypts on the officer's client", async () => {
    const sent = await officer.say(room, "!whoami");
    const answer = await officer.waitFor(async () => (await fromBot(sent)).find((message) => !message.undecryptable && message.body !== ""), "Liaison's answer");
    expect(answer.wasEncrypted).toBe(true);
    expect(answer.body).toContain("anna.politie");
    // Nothing Liaison posted into the room is plaintext.
    expect((await fromBot()).every((message) => message.wasEncrypted)).toBe(true);
  }, 60_000);

  it("opens a TLP:AMBER case from an encrypted command and confirms it encrypted", async () => {
    const sent = await officer.say(room, '!notice acme https://files.acme.test/v/5 --reason "doxxing of an officer" --tlp AMBER');
    const confirmation = await officer.waitFor(async () => (await fromBot(sent)).find((message) => /N-\d{4}-0001/.test(message.body)), "the case confirmation");
    expect(confirmation.wasEncrypted).toBe(true);
    expect(await running!.store.db.case.count()).toBe(1);
  }, 60_000);

  it("refuses a plaintext command typed into the encrypted room, saying why, and does not act on it", async () => {
    const cases = await running!.store.db.case.count();
    // A client that does not encrypt (or a forged event) puts a plaintext command into the encrypted room.
    const plain = (await world.anna.call<{ event_id: string }>("PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message/plain1`, {
      msgtype: "m.text",
      body: '!notice acme https://files.acme.test/v/6 --reason "must not open"',
    })).event_id;
    const refusal = await officer.waitFor(async () => (await fromBot(plain)).find((message) => message.body.includes("unencrypted")), "the refusal");
    expect(refusal.wasEncrypted).toBe(true);
    expect(refusal.body).toContain("did not act on this message");
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await running!.store.db.case.count()).toBe(cases);
  }, 60_000);

  it("answers privately, encrypted, in the direct room it opens itself (which the homeserver encrypted)", async () => {
    const bram = await EncryptingPerson.login(world.synapse.baseUrl, world.ids.bram, personPassword("bram"), { acceptInvites: true });
    try {
      // Bram's command in the (unencrypted) cases room: the case confirmation is private, so it goes to a direct room
      // Liaison opens with him; the homeserver encrypts it.
      await world.bram.say(world.ids.policeRoom, '!notice acme https://files.acme.test/v/7 --reason "threat against an officer" --tlp AMBER');
      const confirmation = await bram.waitFor(async () => {
        for (const joined of bram.client.getRooms()) {
          if (joined.roomId === world.ids.policeRoom || joined.roomId === room) continue;
          const found = (await bram.messages(joined.roomId)).find((message) => message.sender === world.ids.bot && /N-\d{4}-\d{4}/.test(message.body));
          if (found) return found;
        }
        return undefined;
      }, "the confirmation in the direct room", 45_000);
      expect(confirmation.wasEncrypted).toBe(true);
      const encryption = await world.bram.call<{ algorithm?: string }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(confirmation.roomId)}/state/m.room.encryption/`);
      expect(encryption.algorithm).toBe("m.megolm.v1.aes-sha2");
      // Nothing in that room is plaintext from Liaison.
      expect((await bram.messages(confirmation.roomId)).filter((message) => message.sender === world.ids.bot).every((message) => message.wasEncrypted)).toBe(true);
    } finally {
      bram.stop();
    }
  }, 90_000);

  it("is the same device after a restart: it still decrypts new messages and its answers still decrypt", async () => {
    const before = await running!.store.db.adapterRecord.count({ where: { namespace: "matrix" } });
    expect(before).toBeGreaterThan(0);
    const devicesBefore = await officer.client.getCrypto()!.getUserDeviceInfo([world.ids.bot], true);
    await running!.stop();
    running = await world.start("main");
    const sent = await officer.say(room, "!whoami");
    const answer = await officer.waitFor(async () => (await fromBot(sent)).find((message) => !message.undecryptable && message.body !== ""), "Liaison's answer after the restart");
    expect(answer.wasEncrypted).toBe(true);
    expect(answer.body).toContain("anna.politie");
    // Still one device of Liaison's, with the same keys (no new device, nothing for the officer to verify again).
    const devicesAfter = await officer.client.getCrypto()!.getUserDeviceInfo([world.ids.bot], true);
    const keysOf = (info: typeof devicesBefore) => [...(info.get(world.ids.bot)?.values() ?? [])].map((device) => `${device.deviceId}:${device.getIdentityKey() ?? ""}`);
    expect(keysOf(devicesAfter)).toEqual(keysOf(devicesBefore));
    expect(keysOf(devicesAfter)).toHaveLength(1);
    // Nothing is left undecryptable on the officer's side.
    expect((await fromBot()).filter((message) => message.undecryptable)).toEqual([]);
  }, 90_000);

  it("after a restart, reads a message whose room key was sent to it before the restart", async () => {
    // The officer's client sends the room key once per session: the message after the restart is encrypted with the
    // session whose key Liaison received before it (and kept in the database).
    const sent = await officer.say(room, "!help");
    const answer = await officer.waitFor(async () => (await fromBot(sent)).find((message) => !message.undecryptable && message.body !== ""), "the answer to !help");
    expect(answer.wasEncrypted).toBe(true);
    await running!.stop();
    running = await world.start("main");
    const again = await officer.say(room, "!whoami");
    const second = await officer.waitFor(async () => (await fromBot(again)).find((message) => !message.undecryptable && message.body.includes("anna.politie")), "the answer after the second restart");
    expect(second.wasEncrypted).toBe(true);
  }, 90_000);
});
