import { afterEach, describe, expect, it } from "vitest";
import { DeliveryError, type InboundEvent } from "../../../src/core/adapter.js";
import { ANN, CASES_CHANNEL, startRig, TEAM, type SlackRig } from "./support.js";

const BETA = "T0BETA";
const CAROL = { id: "U0CAROL", name: "carol" };

describe("Slack multi-workspace installation (OAuth)", () => {
  let rig: SlackRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("stores each workspace's installation in the state store and answers each workspace with its own token", async () => {
    const events: InboundEvent[] = [];
    rig = await startRig(
      async (event) => {
        events.push(event);
        return { message: { text: `hello ${event.identity.workspace}` }, delivery: "direct" };
      },
      { config: { installation: "oauth" } },
    );
    const { fake, adapter, env } = rig;
    const beta = fake.addWorkspace({ teamId: BETA, users: [CAROL], channels: [{ id: "C0BETACASES", name: "abuse-cases" }] });
    const appBaseUrl = `http://127.0.0.1:${adapter.listeningPort() ?? 0}`;

    // Before installation the workspace gets nothing, and outbound sends to it fail permanently.
    const early = await adapter.send({ kind: "channel", platform: "slack", workspace: BETA, channelId: "C0BETACASES" }, { text: "x" }, { idempotencyKey: "early" }).catch((error: unknown) => error);
    expect(early).toBeInstanceOf(DeliveryError);
    expect((early as DeliveryError).permanent).toBe(true);

    for (const teamId of [TEAM, BETA]) {
      const result = await fake.installThroughBrowser({ appBaseUrl, installPath: "/slack/install", redirectPath: "/slack/oauth_redirect", teamId });
      expect(result.status).toBe(200);
    }
    expect(fake.callsOf("oauth.v2.access").map((call) => call.params.client_id)).toEqual([fake.clientId, fake.clientId]);
    const stored = JSON.parse(env.state.values.get(`installation:${BETA}`) ?? "{}") as { team?: { id: string }; bot?: { token: string; userId: string } };
    expect(stored.team?.id).toBe(BETA);
    expect(stored.bot).toMatchObject({ token: beta.botToken, userId: beta.botUserId });
    expect(env.state.values.has(`installation:${TEAM}`)).toBe(true);

    // A command from the second workspace is answered (by DM) with the second workspace's token.
    await fake.slashCommand({ team: BETA, user: CAROL.id, channel: "C0BETACASES", command: "/whoami", text: "" });
    await fake.slashCommand({ team: TEAM, user: ANN.id, channel: CASES_CHANNEL, command: "/whoami", text: "" });
    await adapter.whenIdle();
    expect(events.map((event) => event.identity.workspace)).toEqual([BETA, TEAM]);
    const posts = fake.callsOf("chat.postMessage");
    expect(posts.map((call) => [call.token, call.params.text])).toEqual([
      [beta.botToken, `hello ${BETA}`],
      [rig.workspace.botToken, `hello ${TEAM}`],
    ]);
    expect(fake.directMessages(BETA, CAROL.id).map((message) => message.text)).toEqual([`hello ${BETA}`]);

    // Outbound sends pick the token of the channel's workspace.
    await adapter.send({ kind: "channel", platform: "slack", workspace: BETA, channelId: "C0BETACASES" }, { text: "case card" }, { idempotencyKey: "beta-card" });
    expect(fake.callsOf("chat.postMessage").at(-1)?.token).toBe(beta.botToken);
  });

  it("refuses an OAuth callback whose state was not issued to this browser", async () => {
    rig = await startRig(async () => undefined, { config: { installation: "oauth" } });
    const code = rig.fake.approveInstall(TEAM);
    const response = await fetch(`http://127.0.0.1:${rig.adapter.listeningPort() ?? 0}/slack/oauth_redirect?code=${code}&state=forged`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(rig.fake.callsOf("oauth.v2.access")).toHaveLength(0);
    expect(rig.env.state.values.size).toBe(0);
  });

  it("forgets a workspace's installation when Slack says the app was uninstalled", async () => {
    rig = await startRig(async () => undefined, { config: { installation: "oauth" } });
    const appBaseUrl = `http://127.0.0.1:${rig.adapter.listeningPort() ?? 0}`;
    await rig.fake.installThroughBrowser({ appBaseUrl, installPath: "/slack/install", redirectPath: "/slack/oauth_redirect", teamId: TEAM });
    expect(rig.env.state.values.has(`installation:${TEAM}`)).toBe(true);
    await rig.fake.sendEvent(rig.workspace, { type: "app_uninstalled", event_ts: "1760000002.000001" });
    await rig.adapter.whenIdle();
    expect(rig.env.state.values.has(`installation:${TEAM}`)).toBe(false);
  });
});
