// The clocks the law sets cannot be weakened by configuration: a policy that lengthens a removal order's hour (TCO
// Art. 3(3)) or a production order's ten days / eight hours (e-Evidence Art. 10(2), 10(4)), moves them to working
// hours, or an agreement between two organisations that does either, is refused when the policy is loaded (at
// start), naming the key and the line. Shortening stays possible.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/load.js";
import { clockRule, loadCasePolicy } from "../../src/cases/policy.js";
import { policyWithPairs } from "../support/cases.js";

/** The error of loading a policy, or undefined when it loads. */
function problemsOf(file: string): ConfigError["problems"] | undefined {
  try {
    loadCasePolicy(file);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const removalResolve = "    resolve: { normal: 1h }\n    clarification: restart";
const productionResolve = "resolve: { normal: 10d, emergency: 8h }";

/** [what, pairs YAML, edit of the kinds, the key the refusal names, words it says]. */
const WEAKENED: readonly (readonly [string, string, (text: string) => string, string, RegExp])[] = [
  ["a removal order's hour lengthened", "  []\n", (text) => text.replace(removalResolve, "    resolve: { normal: 2h }\n    clarification: restart"), "kinds.removal-order.resolve.normal", /2h .*at most 1h.*Art\. 3\(3\)/],
  ["an emergency removal order given 90 minutes", "  []\n", (text) => text.replace(removalResolve, "    resolve: { normal: 1h, emergency: 90m }\n    clarification: restart"), "kinds.removal-order.resolve.emergency", /90m .*at most 1h/],
  ["a removal order on working hours", "  []\n", (text) => text.replace(/(removal-order:[\s\S]*?)clock: continuous/, "$1clock: working-hours"), "kinds.removal-order.clock", /continuous.*Art\. 3\(3\)/],
  ["a production order given 11 days", "  []\n", (text) => text.replace(productionResolve, "resolve: { normal: 11d, emergency: 8h }"), "kinds.production-order.resolve.normal", /11d .*at most 10d.*Art\. 10/],
  ["an emergency production order given no deadline", "  []\n", (text) => text.replace(productionResolve, "resolve: { normal: 10d, emergency: none }"), "kinds.production-order.resolve.emergency", /none .*at most 8h/],
  ["an emergency production order falling back to ten days", "  []\n", (text) => text.replace(productionResolve, "resolve: { normal: 10d }"), "kinds.production-order.resolve.normal", /10d for emergency priority .*at most 8h/],
  ["an agreement moving removal orders to working hours", "  - { from: nl-iru, to: acme-hosting, kind: removal-order, clock: working-hours }\n", (text) => text, "pairs.0.clock", /working hours/],
  ["an agreement giving removal orders two hours", "  - { from: nl-iru, to: acme-hosting, kind: removal-order, resolve: { normal: 2h } }\n", (text) => text, "pairs.0.resolve.normal", /lengthen.*2h.*at most 1h/],
  ["an agreement without a kind on working hours", "  - { from: nl-iru, to: acme-hosting, clock: working-hours }\n", (text) => text, "pairs.0.clock", /names no kind.*add "kind:"/],
  ["an agreement without a kind giving five days", "  - { from: nl-iru, to: acme-hosting, resolve: { normal: 5d } }\n", (text) => text, "pairs.0.resolve.normal", /names no kind/],
];

describe("legal clocks cannot be weakened by the policy", () => {
  it("the shipped policy keeps them", () => {
    expect(problemsOf(policyWithPairs("  []\n"))).toBeUndefined();
  });

  for (const [what, pairs, edit, key, says] of WEAKENED) {
    it(`refuses ${what}, naming ${key}`, () => {
      const problems = problemsOf(policyWithPairs(pairs, edit));
      expect(problems, what).toBeDefined();
      const problem = problems?.find((entry) => entry.path === key);
      expect(problem, `${what}: ${JSON.stringify(problems)}`).toBeDefined();
      expect(problem?.message).toMatch(says);
      expect(problem?.line, "the refusal points at a line of the file").toBeGreaterThan(0);
    });
  }

  it("allows shortening them, and agreements about other kinds or other things", () => {
    const file = policyWithPairs(
      [
        "  - { from: nl-iru, to: acme-hosting, kind: removal-order, resolve: { normal: 30m }, acknowledge: { normal: 5m } }",
        "  - { from: nl-iru, to: acme-hosting, kind: notice, clock: continuous, resolve: { normal: 3d } }",
        "  - { from: nl-police-cyber, to: acme-hosting, kind: investigation-request, clock: working-hours, resolve: { normal: 5d } }",
        "",
      ].join("\n"),
      (text) => text.replace(removalResolve, "    resolve: { normal: 45m }\n    clarification: restart"),
    );
    expect(problemsOf(file)).toBeUndefined();
    const policy = loadCasePolicy(file);
    expect(clockRule(policy, "removal-order", "normal", "nl-iru", "acme-hosting").resolveMs).toBe(30 * 60_000);
    expect(clockRule(policy, "removal-order", "normal", "x", "y").resolveMs).toBe(45 * 60_000);
    expect(clockRule(policy, "removal-order", "normal", "x", "y").legalSource).toMatch(/Art\. 3\(3\)/);
    expect(clockRule(policy, "notice", "normal", "x", "y").legalSource).toBeUndefined();
  });
});
