// Two real Liaison processes (`liaison start` with a scripted console) on one database, each running the same
// account's commands as fast as it can: together they admit exactly the ceiling, and the limit gone over is recorded
// once. On the embedded SQLite file and on PostgreSQL.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { openStore, type StoreTarget } from "../../src/store/db.js";
import { RATE_LIMIT_EXCEEDED } from "../../src/limits/limiter.js";
import { runLiaison } from "../support/cli.js";
import { describeOnProviders, tempDir } from "../support/core.js";
import { createTempDatabase } from "../support/postgres.js";

const CEILING = 5;
const LINES_PER_PROCESS = 8;

describeOnProviders("rate limits across two processes", (provider, test) => {
  test(
    "two `liaison start` processes sharing the database enforce one ceiling",
    async () => {
      const dir = tempDir("liaison-limits-");
      const config = join(dir, "liaison.yaml");
      // The demo directory's first start, then the limit under test (a window no run outlasts).
      writeFileSync(config, `log:\n  level: warn\nreminders:\n  scheduler:\n    enabled: false\nlimits:\n  commands: { window: 1h, account: ${CEILING}, coordinator: ${CEILING}, organisation: 100 }\n`);
      const database = provider === "postgresql" ? await createTempDatabase() : undefined;
      const url = database?.url ?? `file:${join(dir, "liaison.db")}`;
      const env = { DATABASE_URL: url, LIAISON_CONFIG: config };
      try {
        // The first start migrates and loads the demo directory.
        const first = await runLiaison(["start"], env, "sanne.devries: /whoami\n");
        expect(first.code, first.stderr).toBe(0);
        const input = Array.from({ length: LINES_PER_PROCESS }, () => "jonas.becker: /case ack N-2026-9999\n").join("");
        const runs = await Promise.all([runLiaison(["start"], env, input), runLiaison(["start"], env, input)]);
        for (const run of runs) expect(run.code, run.stderr).toBe(0);
        const output = runs.map((run) => run.stdout).join("\n");
        const limited = output.split("\n").filter((line) => line.includes("You have reached the limit of 5 commands per hour")).length;
        const ran = output.split("\n").filter((line) => line.includes("N-2026-9999")).length;
        expect(limited).toBe(2 * LINES_PER_PROCESS - CEILING);
        expect(ran).toBe(CEILING);
        const target: StoreTarget = provider === "postgresql" ? { provider, url } : { provider, url: join(dir, "liaison.db") };
        const store = await openStore(target);
        try {
          expect(await store.db.auditEntry.count({ where: { action: RATE_LIMIT_EXCEEDED } })).toBe(1);
          expect(await store.db.rateWindow.findUniqueOrThrow({ where: { key: "commands:account:console::jonas.becker" } })).toMatchObject({ count: CEILING, refused: 2 * LINES_PER_PROCESS - CEILING });
        } finally {
          await store.close();
        }
      } finally {
        await database?.drop();
      }
    },
    180_000,
  );
});
