/**
 * Command-to-reply latency on a real Synapse (Debian sid's matrix-synapse in its chroot, see
 * scripts/synapse-chroot.sh): Liaison (the real core, the Matrix adapter, the outbox worker) versus a bare
 * matrix-bot-sdk bot answering the same command with a fixed text, alternating. A person types "!whoami" in her
 * direct room with each bot and the latency is until her own client's /sync shows the answer. The bots and the person
 * have their rate limits lifted (Synapse admin API override_ratelimit, messages_per_second 0), so this measures
 * latency, not the limiter. Then the burst: 30 commands in 2 s with Synapse's default rate limit (rc_message 0.2/s,
 * burst 10), the time to the last answer against the limiter's own floor of (30 - 10) / 0.2 = 100 s.
 *
 *   node --import tsx bench/matrix-latency.ts [commands=300] [warmup=20] [burst=30]
 *
 * Liaison's database is chosen as the other benchmarks choose it (store.ts): a temporary SQLite file, or with
 * DATABASE_URL=postgres://... a temporary database on that server; one per installation (the latency's and the
 * burst's), removed at the end. A kept database (BENCH_DB, DATABASE_URL=file:...) is refused: an installation's
 * directory names this run's rooms and its adapter state belongs to this run's homeserver.
 *
 * burst=0 leaves the burst out. The fake-homeserver variant is bench/matrix-latency-fake.ts.
 */
import { performance } from "node:perf_hooks";
import { LogLevel, LogService, MatrixClient, MemoryStorageProvider } from "matrix-bot-sdk";
import { bodyOf, type MatrixPerson } from "../test/support/matrix-person.js";
import type { LiaisonOptions } from "../test/support/synapse-liaison.js";
import { synapseUnavailable, synapseVersion } from "../test/support/synapse.js";
import { startSynapseWorld, SYNAPSE_SERVER_NAME, type SynapseWorld } from "../test/support/synapse-world.js";
import { benchDatabase, type BenchDatabase } from "./store.js";

const COMMANDS = Number(process.argv[2] ?? 300);
const WARMUP = Number(process.argv[3] ?? 20);
const BURST = Number(process.argv[4] ?? 30);
/** BENCH_MATRIX_ENCRYPTION=off runs Liaison with platforms.matrix.encryption.enabled false (what crypto costs per sync). */
const ENCRYPTION = process.env.BENCH_MATRIX_ENCRYPTION !== "off";
/** Synapse's default rc_message. */
const RATE_PER_S = 0.2;
const BURST_COUNT = 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** A direct room `person` opens with `bot`, once the bot has joined it. */
async function directRoomWith(person: MatrixPerson, bot: string): Promise<string> {
  const room = await person.createRoom({ is_direct: true, preset: "trusted_private_chat", invite: [bot] });
  for (let tries = 0; tries < 200; tries += 1) {
    const members = await person.call<{ joined: Record<string, unknown> }>("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/joined_members`);
    if (bot in members.joined) return room;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${bot} did not join the direct room`);
}

/** Sends `text` and resolves to the time until the person's client has the bot's next message in the room. */
async function roundTrip(person: MatrixPerson, bot: string, roomId: string, text: string): Promise<number> {
  const before = person.messagesFrom(bot, roomId).length;
  const startedMs = performance.now();
  await person.say(roomId, text);
  const answer = await person.waitFor(() => person.messagesFrom(bot, roomId)[before], `${bot}'s answer to ${text}`, 30_000);
  return answer.seenAtMs - startedMs;
}

/** The bare bot: matrix-bot-sdk's client as its README shows, joining on invite and answering with a fixed notice. */
async function startBareBot(world: SynapseWorld, token: string, userId: string): Promise<MatrixClient> {
  const bare = new MatrixClient(world.synapse.baseUrl, token, new MemoryStorageProvider());
  bare.on("room.invite", (roomId: string) => void bare.joinRoom(roomId).catch(() => undefined));
  bare.on("room.message", (roomId: string, event: { sender?: string; content?: { msgtype?: string; body?: string } }) => {
    if (event.sender === userId || event.content?.msgtype === "m.notice" || !event.content?.body?.startsWith("!")) return;
    void bare.replyNotice(roomId, event, "You are Anna Politie (nl-police).").catch(() => undefined);
  });
  await bare.start();
  return bare;
}

/** A new database for one installation (see the header); the caller disposes of it once the installation stopped. */
async function freshDatabase(name: string): Promise<BenchDatabase> {
  const database = await benchDatabase(name);
  if (database.kept) {
    throw new Error(`bench/matrix-latency.ts needs a new database per installation, not the kept ${database.label}: leave BENCH_DB unset, and DATABASE_URL unset or postgres://...`);
  }
  return database;
}

/** Runs `body` with a running installation on a fresh database `name`, then stops it and removes the database. */
async function withLiaison(world: SynapseWorld, name: string, extra: Partial<LiaisonOptions>, body: (label: string) => Promise<void>): Promise<void> {
  const database = await freshDatabase(name);
  try {
    const liaison = await world.start(name, { ...extra, database: database.target });
    try {
      await body(database.label);
    } finally {
      await liaison.stop();
    }
  } finally {
    await database.dispose();
  }
}

function row(name: string, values: number[]): { name: string; p50: number; p99: number; mean: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return { name, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, max: sorted.at(-1) ?? Number.NaN };
}

async function latency(world: SynapseWorld): Promise<void> {
  const { anna, ids, synapse } = world;
  const bareId = `@bare:${SYNAPSE_SERVER_NAME}`;
  const bareToken = await synapse.register("bare", { displayName: "bare" });
  for (const user of [ids.bot, bareId]) await synapse.unlimit(user);
  await withLiaison(world, "matrix", { matrix: { encryption: { enabled: ENCRYPTION } } }, async (label) => {
    const bare = await startBareBot(world, bareToken, bareId);
    try {
      const liaisonRoom = await directRoomWith(anna, ids.bot);
      const bareRoom = await directRoomWith(anna, bareId);
      const times = { liaison: [] as number[], bare: [] as number[] };
      for (let n = 0; n < WARMUP + COMMANDS; n += 1) {
        // Alternate who goes first, so that neither always follows the other's traffic.
        const order = n % 2 === 0 ? (["liaison", "bare"] as const) : (["bare", "liaison"] as const);
        for (const who of order) {
          const ms = who === "liaison" ? await roundTrip(anna, ids.bot, liaisonRoom, "!whoami") : await roundTrip(anna, bareId, bareRoom, "!whoami");
          if (n >= WARMUP) times[who].push(ms);
        }
      }
      const rows = [row("liaison (real core)", times.liaison), row("bare matrix-bot-sdk bot", times.bare)];
      const format = (value: number) => value.toFixed(1).padStart(9);
      console.log(`Matrix command-to-reply latency on Synapse ${synapseVersion()} (127.0.0.1), Liaison on ${label}, ${COMMANDS} commands per bot after ${WARMUP} warm-up, alternating, rate limits lifted, Liaison's encryption ${ENCRYPTION ? "on" : "off"}; node ${process.version}`);
      console.log(`${"".padEnd(26)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"mean ms".padStart(9)}${"max ms".padStart(9)}`);
      for (const { name, p50, p99, mean, max } of rows) console.log(`${name.padEnd(26)}${format(p50)}${format(p99)}${format(mean)}${format(max)}`);
      const [mine, theirs] = rows as [ReturnType<typeof row>, ReturnType<typeof row>];
      const p50Ratio = mine.p50 / theirs.p50;
      const p99Ratio = mine.p99 / theirs.p99;
      console.log(`ratio liaison / bare:      p50 ${p50Ratio.toFixed(2)} (target <= 1.15: ${p50Ratio <= 1.15 ? "met" : "NOT met"})   p99 ${p99Ratio.toFixed(2)} (target <= 1.3: ${p99Ratio <= 1.3 ? "met" : "NOT met"})`);
    } finally {
      bare.stop();
    }
  });
}

async function burst(world: SynapseWorld): Promise<void> {
  const { anna, ids, synapse } = world;
  // A bot of its own with Synapse's default rate limit and a full bucket.
  const botToken = await synapse.register("burstbot", { displayName: "burstbot" });
  const botId = `@burstbot:${SYNAPSE_SERVER_NAME}`;
  await withLiaison(world, "matrixburst", { botToken, ids: { ...ids, bot: botId } }, async (label) => {
    const room = await directRoomWith(anna, botId);
    // Let the bucket refill from the joins' and the display name's events.
    await new Promise((resolve) => setTimeout(resolve, (BURST_COUNT / RATE_PER_S) * 1000));
    const startedMs = performance.now();
    const sends: Promise<string>[] = [];
    for (let index = 1; index <= BURST; index += 1) {
      sends.push(anna.say(room, `!burst${String(index).padStart(2, "0")}`));
      await new Promise((resolve) => setTimeout(resolve, 2000 / BURST));
    }
    await Promise.all(sends);
    const answers = await anna.waitFor(() => {
      const list = anna.messagesFrom(botId, room);
      return list.length >= BURST ? list : undefined;
    }, `${BURST} answers`, 600_000);
    const lastMs = Math.max(...answers.map((event) => event.seenAtMs)) - startedMs;
    const floorMs = (Math.max(0, BURST - BURST_COUNT) / RATE_PER_S) * 1000;
    const order = answers.map((event) => /\/burst(\d\d)/.exec(bodyOf(event))?.[1]);
    const inOrder = order.every((value, index) => Number(value) === index + 1);
    const ratio = lastMs / floorMs;
    console.log(`burst: ${BURST} commands in 2 s, default rate limit (rc_message ${RATE_PER_S}/s, burst ${BURST_COUNT}), Liaison on ${label}: ${answers.length} answers${inOrder ? ", in order" : ", NOT in order"}`);
    console.log(`burst: last answer after ${(lastMs / 1000).toFixed(1)} s; the limiter's floor ${(floorMs / 1000).toFixed(0)} s; ratio ${ratio.toFixed(2)} (target <= 1.5: ${ratio <= 1.5 ? "met" : "NOT met"})`);
  });
}

async function main(): Promise<void> {
  if (synapseUnavailable) throw new Error(`no real homeserver: ${synapseUnavailable}`);
  LogService.setLevel(LogLevel.ERROR);
  const world = await startSynapseWorld();
  try {
    if (COMMANDS > 0) await latency(world);
    if (BURST > 0) await burst(world);
  } finally {
    await world.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
