// A removal order's card (TCO Annex I form fields) carrying every platform's mention and link syntax in the fields the
// issuer types, sent through the real Discord and Matrix adapters to their fake platforms: nothing in it mentions
// anyone (Discord's <@&role>, <@user>, @everyone, @here; Matrix's @room and user pills), forms a masked link or a
// link preview, and the text is still there to read. The Slack rendering of the same card is tested in
// test/cases/tco-form.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../../src/core/message.js";
import { CaseHarness, threadTitle } from "../../support/cases.js";
import { RecordingHandler } from "../../contract/harness.js";
import { IDS } from "../../fakes/discord/server.js";
import { startDiscord } from "../discord/harness.js";
import { makeAdapter, startWorld } from "../matrix/harness.js";

const DISCORD = "<@&123456789012345678> <@123456789012345678> <#123456789012345678> @everyone @here";
const MATRIX = "@room https://matrix.to/#/@bob:partner.test @bob:partner.test";
const LINKS = "[https://bank.example](https://evil.example) <https://evil.example|https://bank.example>";
const ORDER = '/notice acme-hosting https://example.test/v/1 --kind removal-order --content-type incitement --redress "objection within 6 weeks"';

/** The card the provider's thread opens with, for an order whose typed fields carry all of the syntax above. */
async function hostileCard(): Promise<OutboundMessage> {
  const h = new CaseHarness("sqlite");
  await h.open();
  try {
    await h.ok("sanne.devries", `${ORDER} --reason "${DISCORD} ${MATRIX} ${LINKS}" --reference "${DISCORD}" --legal-representative "${MATRIX}" --basis "${LINKS}"`);
    await h.drain();
    const card = h.adapter.calls.find((call) => call.op === "openThread" && call.title === threadTitle("R-2026-0001", "acme-hosting"));
    if (!card) throw new Error("no card was delivered");
    return card.message;
  } finally {
    await h.dispose();
  }
}

describe("a removal order's card with hostile fields", () => {
  let card: OutboundMessage;
  beforeAll(async () => {
    card = await hostileCard();
  }, 60_000);

  it("the card carries the typed fields as text (so the tests below test something)", () => {
    const all = [card.text, ...(card.sections ?? []).flatMap((section) => [section.text ?? "", ...(section.fields ?? []).map((field) => field.value)])].join("\n");
    for (const piece of ["<@&123456789012345678>", "@everyone", "@room", "https://matrix.to/#/@bob:partner.test", "[https://bank.example](https://evil.example)"]) expect(all).toContain(piece);
    expect((card.sections ?? []).flatMap((section) => section.fields ?? []).map((field) => field.label)).toEqual(expect.arrayContaining(["Redress", "Addressee's legal representative"]));
  });

  describe("on Discord", () => {
    let posts: { content?: string; flags?: number; embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[]; allowed_mentions: unknown }[] = [];
    beforeAll(async () => {
      const setup = await startDiscord(new RecordingHandler().handle);
      try {
        const channel = { kind: "channel" as const, platform: "discord" as const, workspace: IDS.guild, channelId: IDS.channel };
        await setup.adapter.openThread({ channel, title: "R-2026-0001 @ acme-hosting", root: card }, { idempotencyKey: "card-1" });
        await setup.adapter.send(channel, card, { idempotencyKey: "card-2" });
        posts = setup.fake.requests.filter((request) => request.method === "POST" && /^\/channels\/\d+\/messages$/.test(request.path)).map((request) => request.body as (typeof posts)[number]);
      } finally {
        await setup.close();
      }
    }, 60_000);

    it("no post may mention anyone: role, user, channel, @everyone and @here are not parsed", () => {
      expect(posts.length).toBeGreaterThanOrEqual(2);
      for (const post of posts) expect(post.allowed_mentions).toEqual({ parse: [] });
    });

    it("mention and link syntax is escaped, and plain posts carry no link preview", () => {
      let seen = 0;
      for (const post of posts) {
        if (!post.embeds) expect((post.flags ?? 0) & (1 << 2)).toBe(1 << 2);
        const texts = [post.content ?? "", ...(post.embeds ?? []).flatMap((embed) => [embed.title ?? "", embed.description ?? "", ...(embed.fields ?? []).flatMap((field) => [field.name, field.value])])];
        for (const text of texts) {
          expect(text).not.toMatch(/(^|[^\\])<[@#]&?\d/);
          expect(text).not.toMatch(/(^|[^\\])\[[^\]]*\]\(/);
          expect(text).not.toMatch(/(^|[^\\])<https?:/);
          if (text.includes("@everyone")) seen += 1;
        }
      }
      // The text is still shown, escaped: \<@&123…> reads as <@&123…>.
      expect(seen).toBeGreaterThan(0);
      expect(JSON.stringify(posts)).toContain("\\\\<@&123456789012345678>");
    });
  });

  describe("on Matrix", () => {
    let sent: Record<string, unknown>[] = [];
    let creates: unknown[] = [];
    beforeAll(async () => {
      const world = await startWorld();
      // A room of its own for the case, as `roomPerCase` opens it: the card is its first message.
      const adapter = makeAdapter(world, { config: { roomPerCase: true } });
      try {
        await adapter.start(new RecordingHandler().handle);
        const channel = { kind: "channel" as const, platform: "matrix" as const, workspace: "", channelId: world.roomId };
        await adapter.send(channel, card, { idempotencyKey: "card-1" });
        await adapter.openThread({ channel, title: "R-2026-0001 @ acme-hosting", root: card }, { idempotencyKey: "card-2" });
        sent = world.fake.requestsTo("PUT", "/send/m.room.message/").map((request) => request.body as Record<string, unknown>);
        creates = world.fake.requestsTo("POST", "/createRoom").map((request) => request.body);
      } finally {
        await adapter.stop();
        await world.fake.close();
      }
    }, 60_000);

    it("every event says it mentions no one, so @room and a name in the text notify nobody", () => {
      expect(sent.length).toBeGreaterThanOrEqual(2);
      for (const content of sent) expect(content["m.mentions"]).toEqual({});
      expect(sent.some((content) => String(content.body).includes("@room"))).toBe(true);
    });

    it("the HTML has no link, pill or markup from the fields; a room opened for the card has URL previews off", () => {
      for (const content of sent) expect(String(content.formatted_body ?? "")).not.toMatch(/<a[\s>]|href=|<@|<https?:/);
      const cards = sent.filter((content) => String(content.body).includes("@everyone"));
      expect(cards).toHaveLength(2);
      for (const content of cards) expect(String(content.formatted_body)).toContain("&lt;@&amp;123456789012345678&gt;");
      expect(creates).toHaveLength(1);
      for (const create of creates) expect(create).toMatchObject({ initial_state: expect.arrayContaining([{ type: "org.matrix.room.preview_urls", state_key: "", content: { disable: true } }]) });
    });
  });
});
