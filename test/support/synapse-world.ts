// The Synapse world: a real homeserver, the people's clients and their rooms, and Liaison installations started
// and stopped on it (in-process, or as a child process that can be killed with SIGKILL).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MatrixPerson } from "./matrix-person.js";
import { ROOT_DIR } from "./platform-core.js";
import { startSynapse, type Synapse } from "./synapse.js";
import { startLiaison, type LiaisonOptions, type RunningLiaison, type SynapseWorldIds } from "./synapse-liaison.js";

/** Server name of the test homeserver (the test world's police homeserver). */
export const SYNAPSE_SERVER_NAME = "police.test";

/** The password of a person of the world (a second client, such as an encrypting one, logs in with it). */
export function personPassword(localpart: string): string {
  return `${localpart}-test-password`;
}

/** A running Synapse world. */
export interface SynapseWorld {
  synapse: Synapse;
  ids: SynapseWorldIds;
  botToken: string;
  anna: MatrixPerson;
  bram: MatrixPerson;
  jan: MatrixPerson;
  /** A temporary directory for databases. */
  dir: string;
  /** Options of an installation on the SQLite file `name` in `dir` (same token); `extra.database` names another. */
  options(name: string, extra?: Partial<LiaisonOptions>): LiaisonOptions;
  /** Starts an installation in this process. */
  start(name: string, extra?: Partial<LiaisonOptions>): Promise<RunningLiaison>;
  /** Starts an installation in a child process; resolves once it says it is ready. */
  spawn(name: string, extra?: Partial<LiaisonOptions>): Promise<ChildProcess>;
  close(): Promise<void>;
}

/** Starts Synapse, registers the bot and the people, and sets up the two cases rooms (the bot is invited). */
export async function startSynapseWorld(options: { extraConfig?: string; roomPreset?: "private_chat" | "public_chat" } = {}): Promise<SynapseWorld> {
  const synapse = await startSynapse(SYNAPSE_SERVER_NAME, options);
  const preset = options.roomPreset ?? "private_chat";
  const user = (localpart: string) => `@${localpart}:${SYNAPSE_SERVER_NAME}`;
  const botToken = await synapse.register("liaison", { displayName: "liaison" });
  const person = async (localpart: string, displayName: string) => {
    const token = await synapse.register(localpart, { displayName, password: personPassword(localpart) });
    // People in tests type faster than Synapse lets a user send; the bot keeps the default limits.
    await synapse.unlimit(user(localpart));
    const client = new MatrixPerson(synapse.baseUrl, user(localpart), token);
    await client.start();
    return client;
  };
  const anna = await person("anna", "Anna");
  const bram = await person("bram", "Bram");
  const jan = await person("jan", "Jan");
  const bot = user("liaison");
  const policeRoom = await anna.createRoom({ name: "Police cases", preset, invite: [bram.userId, bot] });
  const acmeRoom = await jan.createRoom({ name: "ACME abuse cases", preset, invite: [bot] });
  const ids: SynapseWorldIds = { bot, anna: anna.userId, bram: bram.userId, jan: jan.userId, policeRoom, acmeRoom };
  const dir = mkdtempSync(join(tmpdir(), "liaison-synapse-"));
  const children = new Set<ChildProcess>();
  const world: SynapseWorld = {
    synapse,
    ids,
    botToken,
    anna,
    bram,
    jan,
    dir,
    options: (name, extra = {}) => ({ database: { provider: "sqlite", url: join(dir, `${name}.db`) }, homeserverUrl: synapse.baseUrl, botToken, ids, ...extra }),
    start: (name, extra) => startLiaison(world.options(name, extra)),
    async spawn(name, extra) {
      const child = spawn(process.execPath, ["--import", "tsx", join(ROOT_DIR, "test/support/synapse-liaison-child.ts")], {
        cwd: ROOT_DIR,
        env: { ...process.env, LIAISON_CHILD_OPTIONS: JSON.stringify(world.options(name, extra)) },
        stdio: ["ignore", "pipe", "inherit"],
      });
      children.add(child);
      child.once("exit", () => children.delete(child));
      await new Promise<void>((resolve, reject) => {
        let out = "";
        child.stdout?.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8");
          if (out.includes("ready\n")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`the Liaison child exited with ${String(code)} before it was ready`)));
      });
      return child;
    },
    async close() {
      for (const child of children) child.kill("SIGKILL");
      await Promise.all([anna.stop(), bram.stop(), jan.stop()]);
      await synapse.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // Bram joins the police's room (his client accepts invites).
  await bram.waitFor(() => bram.rooms.has(policeRoom) || undefined, "Bram to join the police's room");
  return world;
}

/** Kills a child installation with SIGKILL and waits until it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await gone;
}
