// /help shows each person the commands they may run, from the same rule the dispatcher applies; /help <command> for
// a command they may not run says which role it needs. Through the dispatcher, on both databases.
import { expect } from "vitest";
import { commandCatalog } from "../../src/commands/catalog.js";
import type { PlatformIdentity } from "../../src/core/adapter.js";
import { describeOnBothDatabases } from "../support/cases.js";

const UNLINKED: PlatformIdentity = { platform: "slack", workspace: "T0NOBODY", userId: "U0NOBODY" };

/** Each role, as a demo person: a coordinator, an organisation admin, a plain contact, and someone not linked. */
const ROLES = [
  ["coordinator", "demo.coordinator"],
  ["organisation admin", "jan.jansen"],
  ["contact", "eva.mulder"],
  ["unlinked", UNLINKED],
] as const;

/** "/contacts find" and the like, as /help lists them. */
const fullName = (command: { group: string; name?: string }) => `/${command.group}${command.name ? ` ${command.name}` : ""}`;

/** The commands an overview lists, by their full names. */
function listed(text: string): Set<string> {
  const names = new Set<string>();
  for (const command of commandCatalog) {
    const name = fullName(command);
    const line = command.name ? new RegExp(`^ {2}${name.replace(/[/]/g, "\\/")}: `, "m") : new RegExp(`^${name.replace(/[/]/g, "\\/")}: `, "m");
    if (line.test(text)) names.add(name);
  }
  return names;
}

describeOnBothDatabases("/help by role", (harness, test) => {
  test("a coordinator sees every command", async () => {
    const h = harness();
    const text = await h.ok("demo.coordinator", "/help");
    expect([...listed(text)].sort()).toEqual(commandCatalog.map(fullName).sort());
  });

  test("a contact does not see coordinators' or admins' commands; an admin sees admins' but not coordinators'", async () => {
    const h = harness();
    const contact = listed(await h.ok("eva.mulder", "/help"));
    expect(contact).toContain("/case list");
    expect(contact).toContain("/contacts find");
    expect(contact).not.toContain("/contacts approve");
    expect(contact).not.toContain("/contacts add");
    expect(contact).not.toContain("/contacts add-org");
    const admin = listed(await h.ok("jan.jansen", "/help"));
    expect(admin).toContain("/contacts add");
    expect(admin).toContain("/contacts edit-org");
    expect(admin).not.toContain("/contacts add-org");
    expect(admin).not.toContain("/contacts remove-org");
    expect(admin).not.toContain("/eevidence addressee");
  });

  test("someone not linked sees only what they may run, and how to be linked", async () => {
    const h = harness();
    const answer = await h.run(UNLINKED, "/help");
    expect(answer.failure).toBeUndefined();
    expect([...listed(answer.message.text)].sort()).toEqual(["/contacts confirm-link", "/help", "/whoami"].sort());
    expect(answer.message.text).toContain("You are not linked to a directory contact");
  });

  test("for each role, every command /help leaves out is refused by the dispatcher as not allowed", async () => {
    const h = harness();
    for (const [role, who] of ROLES) {
      const answer = await h.run(who, "/help");
      const shown = listed(answer.message.text);
      const hidden = commandCatalog.filter((command) => !shown.has(fullName(command)));
      if (role === "coordinator") expect(hidden).toEqual([]);
      else expect(hidden.length, role).toBeGreaterThan(0);
      for (const command of hidden) {
        const example = command.examples[0] ?? command.usage;
        h.clock.advance(10_000); // under the per-account command limit
        const refused = await h.run(who, example);
        expect([refused.failure, refused.message.text], `${role}: ${example}`).toEqual([role === "unlinked" ? "not-linked" : "not-allowed", expect.any(String)]);
      }
    }
  });

  test("/help <command> for a command the person may not run says which role it needs", async () => {
    const h = harness();
    const contact = await h.ok("eva.mulder", "/help contacts approve");
    expect(contact).toContain("You may not run /contacts approve: it is for coordinators. You act as Eva");
    expect(contact).toContain("Usage: /contacts approve");
    const admin = await h.ok("eva.mulder", "/help contacts add");
    expect(admin).toContain("You may not run /contacts add: it is for coordinators and organisation admins.");
    const unlinked = await h.run(UNLINKED, "/help case list");
    expect(unlinked.message.text).toContain("You may not run /case list: it is for people linked to a directory contact. You are not linked");
    // A command they may run carries no such line.
    expect(await h.ok("demo.coordinator", "/help contacts approve")).not.toContain("You may not run");
    expect(await h.ok("eva.mulder", "/help case list")).not.toContain("You may not run");
  });

  test("a group's help lists only the subcommands the person may run, and says how many others there are", async () => {
    const h = harness();
    const text = await h.ok("eva.mulder", "/help contacts");
    expect(text).toContain("/contacts find");
    expect(text).not.toContain("/contacts approve");
    expect(text).toMatch(/\d+ more for other roles: \/help contacts <subcommand> says who may run each\./);
  });

  test("hostile topics are answered inertly, without echoing mentions or control characters", async () => {
    const h = harness();
    for (const topic of ["x".repeat(100_000), "\u202e\u0007case list", "<@U123>", "@room", "@everyone", "<!channel>"]) {
      const answer = await h.run("eva.mulder", `/help ${topic}`);
      expect(answer.message.text.length, topic.slice(0, 20)).toBeLessThan(2_000);
      expect(answer.message.text).not.toMatch(/[\u0000-\u0008\u202a-\u202e]|<@U123>|@room|@everyone|<!channel>/);
    }
  });
});
