// End to end: the real `liaison` CLI, spawned as a user runs it, with a scripted console session on stdin.
import { runLiaison, type CliRun } from "../support/cli.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { commandCatalog } from "../../src/commands/catalog.js";
import { demoDirectoryText, ROOT_DIR, tempDir } from "../support/core.js";
import { createTempDatabase, describeOnPostgres } from "../support/postgres.js";
import { postgresConnectionString } from "../../src/store/db.js";

/** What a CLI run printed and how it ended. */
type CliResult = CliRun;

/** Runs the `liaison` command from the sources (scripts/liaison-dev.mjs) in the project directory, feeding `input` on stdin. */
function liaison(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return runLiaison(args, options.env, options.input, 45_000);
}

/** A LIAISON_CONFIG file that keeps everything in a temporary directory. */
function installation(extra = ""): { dir: string; env: Record<string, string>; dbFile: string } {
  const dir = tempDir("liaison-e2e-");
  const dbFile = join(dir, "data", "liaison.db");
  const config = join(dir, "liaison.yaml");
  writeFileSync(config, `database:\n  sqlitePath: ${JSON.stringify(dbFile)}\nlog:\n  level: warn\n${extra}`);
  return { dir, env: { LIAISON_CONFIG: config }, dbFile };
}

const demo = parseYaml(demoDirectoryText()) as { organisations: { slug: string; name: string; contacts?: unknown[] }[] };
const nameOf = (slug: string) => demo.organisations.find((organisation) => organisation.slug === slug)?.name ?? slug;
const DEMO_ORGANISATIONS = demo.organisations.length;
const DEMO_CONTACTS = demo.organisations.reduce((sum, organisation) => sum + (organisation.contacts?.length ?? 0), 0);

/** A session: looking people up, an admin editing their organisation, refusals, help, and acting as others. */
const SESSION = `# a comment, then a blank line, both ignored

/contacts find acme
/contacts find --country DE --topic removal-orders
contacts show nl-iru
jan.jansen: /contacts edit-org acme-hosting --hours "mon-fri 08:00-18:00" --add-domain acme-mail.example
jan.jansen: /contacts show acme-hosting
eva.mulder: /contacts edit-org acme-hosting --name "Hijacked"
jan.jansen: /contacts edit-org chirp-social --name "Hijacked"
nobody.here: /contacts find acme
/contacts fnd acme
/help
/help contacts find
/whoami
`;

/** Checks what the session printed. */
function expectSessionOutput(result: CliResult): void {
  const out = result.stdout;
  expect(result.stderr, result.stderr).not.toMatch(/"level":"(error|fatal)"/);
  expect(result.code, result.stderr).toBe(0);
  // Looking people up, as the default actor (no prefix on the answers).
  expect(out).toContain(`${nameOf("acme-hosting")} [acme-hosting]`);
  expect(out).toMatch(/^• Jan Jansen \(jan\.jansen\)/m);
  expect(out).toContain(`${nameOf("chirp-social")} [chirp-social]`);
  expect(out).toContain("Lena Schmidt (lena.schmidt)");
  expect(out).toContain("Sanne de Vries");
  // The organisation admin's edit, answered with their handle as prefix.
  expect(out).toContain("jan.jansen> ✓ Updated acme-hosting.");
  expect(out).toContain("jan.jansen> Hours: mon-fri 08:00-18:00 Europe/Amsterdam");
  expect(out).toMatch(/^jan\.jansen> Responsible for: .*acme-mail\.example/m);
  // Refusals.
  expect(out).toContain("eva.mulder> ✗ Only coordinators and organisation admins may do this.");
  expect(out).toContain("jan.jansen> ✗ You may not edit chirp-social.");
  expect(out).toContain("nobody.here> ✗ You are not linked to a directory contact");
  expect(out).toContain("Did you mean /contacts find?");
  // Help, generated from the declarations.
  expect(out).toContain("Liaison commands");
  const find = commandCatalog.find((command) => command.group === "contacts" && command.name === "find");
  expect(out).toContain(`Usage: ${find?.usage}`);
  expect(out).toContain("You act as Dana Coordinator (demo.coordinator)");
  expect(out).not.toContain("Hijacked");
}

function sqliteCounts(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      organisations: count('SELECT COUNT(*) AS n FROM "Organisation"'),
      contacts: count('SELECT COUNT(*) AS n FROM "Contact"'),
      seeds: count(`SELECT COUNT(*) AS n FROM "AuditEntry" WHERE "action" = 'directory.import'`),
      hours: (db.prepare(`SELECT "workingHours" AS h FROM "Organisation" WHERE "slug" = 'acme-hosting'`).get() as { h: string }).h,
    };
  } finally {
    db.close();
  }
}

describe.concurrent("the liaison CLI on SQLite", { timeout: 90_000 }, () => {
  it("runs a scripted console session on a new installation, then a second one without seeding again", async () => {
    const { env, dbFile } = installation();
    const first = await liaison(["start"], { env, input: SESSION });
    expectSessionOutput(first);
    const afterFirst = sqliteCounts(dbFile);
    expect(afterFirst).toEqual({ organisations: DEMO_ORGANISATIONS, contacts: DEMO_CONTACTS, seeds: 1, hours: "mon-fri 08:00-18:00" });

    const second = await liaison([], { env, input: "/contacts show acme-hosting\n" });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("Hours: mon-fri 08:00-18:00");
    expect(sqliteCounts(dbFile)).toEqual(afterFirst);

    const audit = await liaison(["audit", "verify", "--full"], { env });
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/The record is intact: checked \d+ entries \(1 to \d+\) from the first entry/);
  });

  it("exports the directory as CSV and imports that file again; a broken file is refused with every problem", async () => {
    const { dir, env, dbFile } = installation();
    expect((await liaison(["start"], { env, input: "" })).code).toBe(0);
    const exported = await liaison(["directory", "export", "--format", "csv"], { env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout.split("\n")[0]).toMatch(/^org_slug,org_name,/);
    const csvFile = join(dir, "directory.csv");
    writeFileSync(csvFile, exported.stdout);
    const reimported = await liaison(["directory", "import", csvFile], { env });
    expect(reimported.code, reimported.stderr).toBe(0);
    expect(reimported.stdout).toContain(`organisations 0 new, ${DEMO_ORGANISATIONS} updated; contacts 0 new, ${DEMO_CONTACTS} updated`);

    const before = sqliteCounts(dbFile);
    const broken = join(dir, "broken.yaml");
    writeFileSync(
      broken,
      [
        "organisations:",
        "  - { slug: fine-org, name: Fine, kind: ngo, country: NL, timeZone: Europe/Amsterdam }",
        "  - { slug: bad-kind, name: Bad, kind: bakery, country: NL, timeZone: Europe/Amsterdam }",
        "  - { slug: bad-country, name: Bad, kind: ngo, country: Netherlands, timeZone: Europe/Amsterdam }",
        "",
      ].join("\n"),
    );
    const refused = await liaison(["directory", "import", broken], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Nothing was imported: 2 problem(s)");
    expect(refused.stderr).toMatch(/record 2, line 3: bad-kind: kind/);
    expect(refused.stderr).toMatch(/record 3, line 4: bad-country: country/);
    expect(sqliteCounts(dbFile)).toEqual(before);
  });

  it("checks the configuration, naming a typo'd key with its file and line", async () => {
    const good = installation();
    const checked = await liaison(["config", "check"], { env: good.env });
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain("Configuration OK");
    expect(checked.stdout).toContain(good.dbFile);

    const typo = installation("directory:\n  findLimt: 5\n");
    const rejected = await liaison(["config", "check"], { env: typo.env });
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain(`${typo.env.LIAISON_CONFIG}:6 directory.findLimt: unknown key`);
    expect(rejected.stdout).toBe("");
  });

  it("prints help for every subcommand", async () => {
    const runs = await Promise.all(
      [["--help"], ["start", "--help"], ["migrate", "--help"], ["directory", "--help"], ["config", "--help"], ["audit", "--help"], ["dev", "--help"]].map(
        async (args) => ({ args, result: await liaison(args) }),
      ),
    );
    for (const { args, result } of runs) {
      expect(result.code, args.join(" ")).toBe(0);
      expect(result.stdout, args.join(" ")).toMatch(/Usage: liaison/);
    }
  });
});

describeOnPostgres("the liaison CLI on PostgreSQL", (test) => {
  test("runs the session on a PostgreSQL database, seeds it once, and keeps an intact record", async () => {
    const database = await createTempDatabase();
    try {
      const { env } = installation();
      const withDatabase = { ...env, DATABASE_URL: database.url };
      const first = await liaison(["start"], { env: withDatabase, input: SESSION });
      expectSessionOutput(first);
      const second = await liaison(["start"], { env: withDatabase, input: "/contacts show acme-hosting\n" });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain("Hours: mon-fri 08:00-18:00");
      const client = new pg.Client({ connectionString: postgresConnectionString(database.url) });
      await client.connect();
      try {
        const count = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]?.n);
        expect(await count('SELECT COUNT(*) AS n FROM "Organisation"')).toBe(DEMO_ORGANISATIONS);
        expect(await count('SELECT COUNT(*) AS n FROM "Contact"')).toBe(DEMO_CONTACTS);
        expect(await count(`SELECT COUNT(*) AS n FROM "AuditEntry" WHERE "action" = 'directory.import'`)).toBe(1);
      } finally {
        await client.end();
      }
      const audit = await liaison(["audit", "verify"], { env: withDatabase });
      expect(audit.code, audit.stderr).toBe(0);
      expect(audit.stdout).toContain("The record is intact");
    } finally {
      await database.drop();
    }
  }, 90_000);
});
