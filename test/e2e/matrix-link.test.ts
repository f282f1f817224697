// End to end on Matrix (matrix-bot-sdk against the fake homeserver): an admin asks for a Matrix account to be linked;
// Liaison sends the one-time code to that account in a direct room; a code typed by anyone else links nothing; the
// account's owner types it from their account and only then acts as the contact.
import { afterEach, describe, expect, it } from "vitest";
import type { StoredEvent } from "../fakes/matrix/model.js";
import { startPlatformWorld, WORLD, type PlatformWorld } from "../support/platform-core.js";

const { matrix: M } = WORLD;
const CARL = "@carl:police.test";

let world: PlatformWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const body = (event: StoredEvent): string => String(event.content.body ?? "");

describe("linking a Matrix account", () => {
  it("takes effect only when the code sent to the account is typed from that account", async () => {
    world = await startPlatformWorld(["matrix"]);
    const w = world;
    const matrix = w.matrix!;
    const actsAs = async (userId: string) => (await w.core.directory.actorFor({ platform: "matrix", workspace: "", userId }))?.handle;

    await matrix.say(M.anna, '!contacts add carl.politie --org nl-police --name "Carl Politie"');
    await matrix.say(M.anna, `!contacts link carl.politie matrix ${CARL}`);
    await w.deliver();
    // The bot opened a direct room with Carl and sent the code there, naming who asked and for whom.
    const room = [...matrix.fake.model.rooms.values()].find((candidate) => candidate.isDirect && candidate.members.has(CARL));
    expect(room, "a direct room with the account").toBeDefined();
    const proof = room!.events.filter((event) => event.sender === M.bot && event.type === "m.room.message").map(body).join("\n");
    expect(proof).toContain("anna.politie");
    expect(proof).toContain("Carl Politie (carl.politie)");
    const code = /confirm-link ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2})/.exec(proof)?.[1];
    expect(code).toBeDefined();
    expect(await actsAs(CARL)).toBeUndefined();

    // Bram (linked, same organisation) types Carl's code: refused, and that code is void.
    await matrix.say(M.bram, `!contacts confirm-link ${code}`);
    expect(await actsAs(CARL)).toBeUndefined();
    expect(await actsAs(M.bram)).toBe("bram.politie");

    // Asked again; Carl joins the direct room and types the new code from his own account.
    await matrix.say(M.anna, `!contacts link carl.politie matrix ${CARL}`);
    await w.deliver();
    const again = room!.events.filter((event) => event.sender === M.bot && event.type === "m.room.message").map(body).join("\n");
    const second = [...again.matchAll(/confirm-link ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2})/g)].at(-1)?.[1];
    expect(second).toBeDefined();
    expect(second).not.toBe(code);
    matrix.fake.join(room!.id, CARL);
    await matrix.say(CARL, `!contacts confirm-link ${second}`, undefined, room!.id);
    expect(await actsAs(CARL)).toBe("carl.politie");
    await w.deliver();
    const answers = room!.events.filter((event) => event.sender === M.bot).map(body).join("\n");
    expect(answers).toContain("now acts as Carl Politie (carl.politie)");
  });
});
