// The escalation policy and the pure planning: when each step is due and may be sent, across working hours, quiet
// hours and a DST change; how a change to a case moves its next reminder; and the policy file's validation.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/load.js";
import { loadEscalationPolicy, stepsFor } from "../../src/cases/reminders/policy.js";
import { dueSteps, ladderOf, nextReminderAt, PolicyReminderPlanner, type ReminderCase } from "../../src/cases/reminders/plan.js";
import { computeDeadline } from "../../src/time/calendar.js";
import { deliverableTime, recipientCalendar } from "../../src/time/organisation-calendar.js";
import { ROOT, tempDir } from "../support/cases.js";
import { DAY, HOUR, MINUTE } from "../support/reminders.js";

const policy = loadEscalationPolicy(join(ROOT, "config/escalation.yaml"));
const ACME = { timeZone: "Europe/Amsterdam", workingHours: "mon-fri 09:00-17:00" };

function removalOrder(openedAt: string): ReminderCase {
  const start = new Date(openedAt);
  return {
    kind: "removal-order", priority: "normal", clockMode: "continuous", clockStartAt: start, pauses: [], ackDurationMs: 15 * MINUTE,
    resolveDurationMs: HOUR, extendedMs: 0, ackDueAt: new Date(start.getTime() + 15 * MINUTE), resolveDueAt: new Date(start.getTime() + HOUR), recipient: ACME,
  };
}

/** A notice on the recipient's working hours, with its deadlines computed as the case service does. */
function notice(openedAt: string, recipient = ACME): ReminderCase {
  const start = new Date(openedAt);
  const calendar = recipientCalendar(recipient);
  const due = (ms: number) => computeDeadline({ start, durationMs: ms, mode: "working-hours", calendar });
  return {
    kind: "notice", priority: "normal", clockMode: "working-hours", clockStartAt: start, pauses: [], ackDurationMs: 4 * HOUR,
    resolveDurationMs: 24 * HOUR, extendedMs: 0, ackDueAt: due(4 * HOUR), resolveDueAt: due(24 * HOUR), recipient,
  };
}

const at = (ladder: ReturnType<typeof ladderOf>) => ladder.map((step) => `${step.rule.step} ${step.sendAt.toISOString()}`);

describe("the escalation policy", () => {
  it("gives a removal order the acknowledge reminders, then the default ladder: half time, 10 minutes before, overdue, backup, escalation, coordinators", () => {
    expect(stepsFor(policy, "removal-order", "normal").map((step) => step.step)).toEqual(["ack-due-soon", "ack-overdue", "half-time", "due-soon", "overdue", "backup", "escalation", "coordinators", "clarification-pending", "clarification-still-pending"]);
    expect(stepsFor(policy, "production-order", "high").map((step) => step.step)).toEqual(stepsFor(policy, "production-order", "normal").map((step) => step.step));
    expect(stepsFor(policy, "production-order", "emergency")[1]?.at).toEqual({ type: "offset", offsetMs: -HOUR });
  });

  it("rejects bad offsets, audiences and keys, naming the file, key and line", () => {
    const file = join(tempDir("liaison-escalation-"), "escalation.yaml");
    writeFileSync(file, ["default:", "  - { step: soon, at: 10 minutes, to: [responsible] }", "  - { step: later, at: +1h, to: [the-boss] }", "kinds:", "  notice:", "    urgent: []", ""].join("\n"));
    let error: unknown;
    try {
      loadEscalationPolicy(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((problem) => `${problem.line} ${problem.path}`);
    expect(problems).toEqual(expect.arrayContaining(["2 default.0.at", "3 default.1.to.0", "6 kinds.notice.urgent"]));
    expect((error as ConfigError).problems.every((problem) => problem.file === file)).toBe(true);
  });
});

describe("a case's ladder", () => {
  it("places a removal order's steps around its one-hour deadline, day or night (the clock is continuous)", () => {
    // 02:00 in Amsterdam: quiet hours, but the law's hour runs.
    expect(at(ladderOf(policy, removalOrder("2026-11-20T01:00:00.000Z")))).toEqual([
      "ack-due-soon 2026-11-20T01:10:00.000Z",
      "ack-overdue 2026-11-20T01:15:00.000Z",
      "half-time 2026-11-20T01:30:00.000Z",
      "due-soon 2026-11-20T01:50:00.000Z",
      "overdue 2026-11-20T02:00:00.000Z",
      "backup 2026-11-20T02:15:00.000Z",
      "escalation 2026-11-20T02:45:00.000Z",
      "coordinators 2026-11-20T03:00:00.000Z",
    ]);
  });

  it("counts a notice's steps in the recipient's working hours and waits for them after the deadline", () => {
    // Friday 2026-11-20 15:00 Amsterdam (14:00 UTC): acknowledge within 4 working hours = Monday 11:00 local.
    const ladder = ladderOf(policy, notice("2026-11-20T14:00:00.000Z"));
    const byName = new Map(ladder.map((step) => [step.rule.step, step]));
    expect(byName.get("ack-due-soon")?.sendAt.toISOString()).toBe("2026-11-23T09:30:00.000Z"); // Monday 10:30 local
    expect(byName.get("ack-overdue")?.sendAt.toISOString()).toBe("2026-11-23T10:00:00.000Z");
    // Resolve: 24 working hours = three working days, so Wednesday 15:00 local; half time is 12 working hours in.
    expect(byName.get("overdue")?.dueAt.toISOString()).toBe("2026-11-25T14:00:00.000Z");
    expect(byName.get("half-time")?.sendAt.toISOString()).toBe("2026-11-24T10:00:00.000Z"); // 2 h Friday, 8 h Monday, 2 h Tuesday: 11:00 local
    // +4 h after a 15:00 deadline is 19:00, after working hours: sent at 09:00 the next working day.
    expect(byName.get("escalation")?.dueAt.toISOString()).toBe("2026-11-25T18:00:00.000Z");
    expect(byName.get("escalation")?.sendAt.toISOString()).toBe("2026-11-26T08:00:00.000Z");
    expect(ladder.map((step) => step.sendAt.getTime())).toEqual([...ladder.map((step) => step.sendAt.getTime())].sort((a, b) => a - b));
  });

  it("keeps local working time across the end of summer time (Europe/Amsterdam, 2026-10-25)", () => {
    // Friday 2026-10-23 16:00 CEST (14:00 UTC); the deadline falls after the change to CET.
    const ladder = ladderOf(policy, notice("2026-10-23T14:00:00.000Z"));
    const byName = new Map(ladder.map((step) => [step.rule.step, step]));
    // 1 working hour on Friday, 3 on Monday from 09:00 CET (08:00 UTC): Monday 12:00 CET = 11:00 UTC.
    expect(byName.get("ack-overdue")?.sendAt.toISOString()).toBe("2026-10-26T11:00:00.000Z");
    expect(byName.get("ack-due-soon")?.sendAt.toISOString()).toBe("2026-10-26T10:30:00.000Z");
  });

  it("sends nothing for a deadline that is met or paused", () => {
    const acknowledged = { ...notice("2026-11-20T14:00:00.000Z"), ackDueAt: null };
    expect(ladderOf(policy, acknowledged).some((step) => step.of === "acknowledge")).toBe(false);
    expect(ladderOf(policy, { ...removalOrder("2026-11-20T10:00:00.000Z"), ackDueAt: null, resolveDueAt: null })).toEqual([]);
  });

  it("moves a step out of quiet hours and into working time", () => {
    const allWeek = recipientCalendar({ timeZone: "Europe/Amsterdam", workingHours: "24/7" });
    const quiet = { from: "20:00", to: "08:00" };
    expect(deliverableTime(new Date("2026-11-20T22:30:00.000Z"), allWeek, quiet).toISOString()).toBe("2026-11-21T07:00:00.000Z");
    expect(deliverableTime(new Date("2026-11-20T12:00:00.000Z"), allWeek, quiet).toISOString()).toBe("2026-11-20T12:00:00.000Z");
    const office = recipientCalendar({ timeZone: "Europe/Amsterdam", workingHours: "mon-fri 09:00-17:00" });
    expect(deliverableTime(new Date("2026-11-21T12:00:00.000Z"), office, quiet).toISOString()).toBe("2026-11-23T08:00:00.000Z");
  });

  it("finds the due steps and the next one; catching up, only the last due is sent", () => {
    const ladder = ladderOf(policy, removalOrder("2026-11-20T10:00:00.000Z"));
    const opened = new Date("2026-11-20T10:00:00.000Z");
    expect(nextReminderAt(ladder, opened)?.toISOString()).toBe("2026-11-20T10:10:00.000Z");
    const due = dueSteps(ladder, opened, new Date("2026-11-20T11:20:00.000Z"));
    expect(due.map((step) => step.rule.step)).toEqual(["ack-due-soon", "ack-overdue", "half-time", "due-soon", "overdue", "backup"]);
    expect(nextReminderAt(ladder, new Date("2026-11-20T11:20:00.000Z"))?.toISOString()).toBe("2026-11-20T11:45:00.000Z");
    expect(nextReminderAt(ladder, new Date("2026-11-20T12:00:00.000Z"))).toBeNull();
  });
});

describe("planning on a change", () => {
  const planner = new PolicyReminderPlanner(policy);
  const opened = new Date("2026-11-20T10:00:00.000Z");

  it("starts at the first step when a case is opened", () => {
    expect(planner.plan({ after: removalOrder(opened.toISOString()), at: opened })).toEqual({ nextReminderAt: new Date("2026-11-20T10:10:00.000Z"), remindedUntil: opened });
  });

  it("keeps what was handled when no deadline moved (an acknowledgement), and starts afresh when one did (an extension)", () => {
    const before = { ackDueAt: new Date(opened.getTime() + 15 * MINUTE), resolveDueAt: new Date(opened.getTime() + HOUR), remindedUntil: new Date("2026-11-20T10:31:00.000Z") };
    const acknowledged = { ...removalOrder(opened.toISOString()), ackDueAt: null };
    expect(planner.plan({ after: acknowledged, before, at: new Date("2026-11-20T10:40:00.000Z") })).toEqual({ nextReminderAt: new Date("2026-11-20T10:50:00.000Z"), remindedUntil: before.remindedUntil });
    const extended = { ...acknowledged, extendedMs: DAY, resolveDueAt: new Date(opened.getTime() + HOUR + DAY) };
    const change = new Date("2026-11-20T11:20:00.000Z");
    // Half time of the longer period (12.5 h in) is still ahead; the steps of the new deadline count from the change.
    expect(planner.plan({ after: extended, before, at: change })).toEqual({ nextReminderAt: new Date("2026-11-20T22:30:00.000Z"), remindedUntil: change });
  });
});
