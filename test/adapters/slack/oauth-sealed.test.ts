// Slack's "Add to Slack" with LIAISON_SECRET_KEY: the installation Bolt stores through Liaison's database is sealed
// (the raw row holds no token), and the adapter still answers the workspace with its own token, read back from it.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { stateSecretsFor } from "../../../src/app/secrets-at-rest.js";
import { systemClock } from "../../../src/core/clock.js";
import { adapterStateStore } from "../../../src/store/adapter-state.js";
import { isSealed, parseSecretKey } from "../../../src/store/secret-box.js";
import { openTestStore, type TestStore } from "../../support/core.js";
import { ANN, CASES_CHANNEL, startRig, TEAM, testEnvironment, type SlackRig } from "./support.js";

describe("Slack installations sealed in the database", () => {
  let rig: SlackRig | undefined;
  let database: TestStore | undefined;
  afterEach(async () => {
    await rig?.close();
    await database?.dispose();
    rig = undefined;
    database = undefined;
  });

  it("stores the installation sealed, and answers with the token read back from it", async () => {
    database = await openTestStore("sqlite");
    const key = parseSecretKey(randomBytes(32).toString("base64"));
    const state = adapterStateStore(database.store.db, systemClock, "slack", stateSecretsFor("slack", key));
    const env = { ...testEnvironment(), state } as unknown as ReturnType<typeof testEnvironment>;
    rig = await startRig(async (event) => ({ message: { text: `hello ${event.identity.workspace}` }, delivery: "direct" }), { config: { installation: "oauth" }, env });
    const appBaseUrl = `http://127.0.0.1:${rig.adapter.listeningPort() ?? 0}`;
    const installed = await rig.fake.installThroughBrowser({ appBaseUrl, installPath: "/slack/install", redirectPath: "/slack/oauth_redirect", teamId: TEAM });
    expect(installed.status).toBe(200);
    const rows = await database.store.db.adapterState.findMany({ where: { namespace: "slack" } });
    const row = rows.find((candidate) => candidate.key === `installation:${TEAM}`);
    expect(row && isSealed(row.value)).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(rig.workspace.botToken);
    await rig.fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/whoami", text: "" });
    await rig.adapter.whenIdle();
    expect(rig.fake.callsOf("chat.postMessage").map((call) => [call.token, call.params.text])).toEqual([[rig.workspace.botToken, `hello ${TEAM}`]]);
  });
});
