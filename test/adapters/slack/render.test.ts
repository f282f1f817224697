import { describe, expect, it } from "vitest";
import { blocksTextChars, escapeMrkdwn, renderMessage, splitEscaped, TRUNCATION_NOTE } from "../../../adapters/slack/render.js";
import { TLP_LABELS, type OutboundMessage } from "../../../src/core/message.js";
import { validateMessage } from "../../fakes/slack/blockkit.js";

/** A small deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = "abc def <>&*_~`\n\"'éü😀";
const SOURCE = (() => {
  const next = random(7);
  let out = "";
  for (let index = 0; index < 60_000; index += 1) out += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return out;
})();
function text(next: () => number, maxChars: number): string {
  const length = Math.floor(next() * maxChars);
  const start = Math.floor(next() * (SOURCE.length - length));
  return SOURCE.slice(start, start + length);
}

function randomMessage(next: () => number): OutboundMessage {
  const big = next() < 0.3;
  return {
    text: text(next, big ? 50_000 : 3000),
    ...(next() < 0.7 ? { title: text(next, 300) } : {}),
    ...(next() < 0.5 ? { tlp: TLP_LABELS[Math.floor(next() * TLP_LABELS.length)] } : {}),
    ...(next() < 0.6
      ? {
          sections: Array.from({ length: Math.floor(next() * (big ? 40 : 5)) }, () => ({
            ...(next() < 0.5 ? { heading: text(next, 200) } : {}),
            ...(next() < 0.8 ? { text: text(next, big ? 8000 : 1500) } : {}),
            ...(next() < 0.4 ? { fields: Array.from({ length: Math.floor(next() * 25) }, () => ({ label: text(next, 80), value: text(next, big ? 3000 : 200) })) } : {}),
          })),
        }
      : {}),
    ...(next() < 0.5 ? { actions: Array.from({ length: 1 + Math.floor(next() * 30) }, (_, index) => ({ id: `a${index}`, label: text(next, 120) || "x", command: `/case ack N-${index}` })) } : {}),
  };
}

describe("Slack Block Kit rendering", () => {
  it("renders 300 random messages, small and huge, into messages the fake Slack accepts", () => {
    const next = random(20260505);
    for (let round = 0; round < 300; round += 1) {
      const message = randomMessage(next);
      const { parts } = renderMessage(message, { maxParts: 4 });
      expect(parts.length).toBeGreaterThanOrEqual(1);
      expect(parts.length).toBeLessThanOrEqual(4);
      for (const part of parts) {
        expect(validateMessage(part.text, part.blocks), `round ${round}`).toBeUndefined();
        expect(part.blocks.length).toBeLessThanOrEqual(45);
        expect(blocksTextChars(part.blocks)).toBeLessThanOrEqual(10_000);
        if (message.tlp) expect(JSON.stringify(part.blocks)).toContain(`TLP:${message.tlp}`);
      }
      const actionIds = parts.flatMap((part) => part.blocks.filter((block) => block.type === "actions"));
      expect(actionIds.length > 0).toBe((message.actions?.length ?? 0) > 0);
      expect(parts.slice(1).every((part) => part.blocks.every((block) => block.type !== "actions"))).toBe(true);
    }
  });

  it("keeps all of a long text when it fits in the allowed messages, and cuts visibly when it does not", () => {
    const words = Array.from({ length: 3000 }, (_, index) => `w${index}`).join(" ");
    const kept = renderMessage({ text: words }, { maxParts: 4 });
    const shown = kept.parts.map((part) => JSON.stringify(part.blocks)).join("");
    expect(shown).toContain("w0 ");
    expect(shown).toContain("w2999");
    expect(shown).not.toContain("truncated");
    const cut = renderMessage({ text: words.repeat(5) }, { maxParts: 2 });
    expect(cut.parts).toHaveLength(2);
    expect(JSON.stringify(cut.parts[1]?.blocks)).toContain(escapeMrkdwn(TRUNCATION_NOTE));
  });

  it("splits text so that each piece fits after escaping, losing nothing but the split whitespace", () => {
    const source = "<&>".repeat(2000) + " tail";
    const pieces = splitEscaped(source, 3000);
    expect(pieces.every((piece) => piece.length <= 3000)).toBe(true);
    const restored = pieces.join("").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    expect(restored.replace(/\s/g, "")).toBe(source.replace(/\s/g, ""));
  });

  it("renders title, TLP, sections with fields and buttons as Block Kit", () => {
    const { parts } = renderMessage(
      {
        text: "fallback",
        title: "Notice N-2026-0042",
        tone: "warning",
        tlp: "AMBER",
        sections: [{ heading: "Reported", text: "https://bad.example/x", fields: [{ label: "Due", value: "in 1 h" }] }],
        actions: [{ id: "ack", label: "Acknowledge", style: "primary", command: "/case ack N-2026-0042" }],
      },
      { maxParts: 4 },
    );
    expect(parts).toHaveLength(1);
    expect(parts[0]?.text).toBe("[TLP:AMBER] fallback");
    expect(parts[0]?.blocks).toEqual([
      { type: "context", elements: [{ type: "mrkdwn", text: "*TLP:AMBER*" }] },
      { type: "header", text: { type: "plain_text", text: ":warning: Notice N-2026-0042", emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: "*Reported*\nhttps://bad.example/x" } },
      { type: "section", fields: [{ type: "mrkdwn", text: "*Due*\nin 1 h" }] },
      {
        type: "actions",
        block_id: "liaison:actions:0",
        elements: [{ type: "button", action_id: "liaison:act:ack", text: { type: "plain_text", text: "Acknowledge", emoji: true }, value: '{"c":"/case ack N-2026-0042"}', style: "primary" }],
      },
    ]);
  });
});
