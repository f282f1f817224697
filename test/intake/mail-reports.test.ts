// Mails turned into intake reports: ARF, X-ARF v4 (every official sample) and v3 (JSON and YAML), plain mails from
// people; and hostile mail (huge headers, deep nesting, bad charsets, control and bidi characters), read in bounded
// time or refused with a reason.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { testConfig } from "../support/core.js";
import { intakeReportSchema } from "../../src/intake/report.js";
import { takeInMail, type MailOutcome } from "../../src/intake/mail/intake.js";
import { sha256Hex } from "../../src/intake/mail/mime.js";
import { arfMail, crlf, plainMail, xarfMail, xarfSample, XARF_DIR } from "../support/mails.js";
import { memorySink } from "../support/intake-sink.js";

const settings = testConfig().config.intake;

function harness() {
  const sink = memorySink();
  const clock = new ManualClock("2026-12-01T10:00:00Z");
  return { sink, kept: sink.kept, take: (bytes: Buffer) => takeInMail(bytes, "file:test", { sink, settings, clock }) };
}

function accepted(outcome: MailOutcome) {
  if (outcome.status !== "accepted") throw new Error(`refused: ${outcome.code} ${outcome.message} ${JSON.stringify(outcome.problems)}`);
  return outcome;
}

describe("ARF (RFC 5965)", () => {
  it("becomes one report: source IP, domain, URL and sender as target, arrival date, the original message as evidence", async () => {
    const h = harness();
    const mail = arfMail();
    const outcome = accepted(await h.take(mail));
    expect(outcome.format).toBe("arf");
    const [entry] = h.sink.accepted;
    expect(h.sink.accepted).toHaveLength(1);
    const report = entry!.report;
    expect(intakeReportSchema.parse(report)).toEqual(report);
    expect(report).toMatchObject({ source: "mail", format: "arf", category: "messaging", type: "spam", sourceReportId: "mail:arf-1@mailbox-provider.example" });
    expect(report.target).toEqual({ ip: "192.0.2.1", domain: "spammer.example", url: "http://spammer.example/earn_money.html", emailAddress: "somespammer@spammer.example" });
    expect(report.occurredAt.toISOString()).toBe("2005-03-08T18:00:00.000Z");
    expect(report.evidence[0]).toEqual({ contentType: "message/rfc822", description: "the report as received", sha256: sha256Hex(mail), sizeBytes: mail.length });
    expect(report.evidence[1]).toMatchObject({ contentType: "message/rfc822", description: "the reported message" });
    expect(report.evidence[1]!.sizeBytes).toBeGreaterThan(100);
    expect(report.summary).toContain('subject "Earn money"');
    expect(entry!.origin).toEqual({ mailbox: "file:test", messageId: "arf-1@mailbox-provider.example", rawSha256: sha256Hex(mail) });
    expect(h.kept.get(sha256Hex(mail))).toEqual(mail);
  });

  it("maps the feedback types, and refuses a report without Feedback-Type or with a bad Source-IP, naming the field", async () => {
    expect(accepted(await harness().take(arfMail({ feedback: "fraud" }))).format).toBe("arf");
    const fraud = harness();
    await fraud.take(arfMail({ feedback: "virus" }));
    expect(fraud.sink.accepted[0]!.report).toMatchObject({ category: "content", type: "malware" });
    const missing = await harness().take(arfMail({ feedback: "" }));
    expect(missing).toMatchObject({ status: "refused", code: "arf-invalid", problems: [{ field: "Feedback-Type" }] });
    const badIp = harness();
    expect(await badIp.take(arfMail({ sourceIp: "999.1.1.1" }))).toMatchObject({ status: "refused", problems: [{ field: "Source-IP" }] });
    expect(badIp.sink.accepted).toHaveLength(0);
    expect(badIp.kept.size).toBe(0);
  });
});

describe("X-ARF mails", () => {
  const samples = readdirSync(new URL("samples/v4/", XARF_DIR)).filter((name) => name.endsWith(".json"));

  it.each(samples)("v4 sample %s is accepted as its category and type", async (name) => {
    const h = harness();
    const sample = JSON.parse(xarfSample(`v4/${name}`)) as { report_id: string; category: string; type: string };
    accepted(await h.take(xarfMail(JSON.stringify(sample))));
    expect(h.sink.accepted).toHaveLength(1);
    expect(h.sink.accepted[0]!.report).toMatchObject({ format: "xarf-v4", sourceReportId: sample.report_id, category: sample.category, type: sample.type });
  });

  it("keeps a v4 report's URL, source, reporter and fingerprints its evidence payloads", async () => {
    const h = harness();
    accepted(await h.take(xarfMail(xarfSample("v4/content-phishing.json"))));
    const report = h.sink.accepted[0]!.report;
    expect(report.target).toMatchObject({ url: "http://secure-banking-login.example.com/auth", ip: "203.0.113.45" });
    expect(report.reporter).toMatchObject({ organisation: "Brand Protection Service", contactEmail: "takedown@brand-protect.example" });
    expect(report.evidence).toHaveLength(3);
    expect(report.evidence[1]).toMatchObject({ contentType: "image/png", sizeBytes: 70 });
    // Fingerprinted from the payload's own bytes (the API's validator, one for both).
    const payload = (JSON.parse(xarfSample("v4/content-phishing.json")) as { evidence: { payload: string }[] }).evidence[0]!.payload;
    expect(report.evidence[1]!.sha256).toBe(sha256Hex(Buffer.from(payload, "base64")));
  });

  it.each(["spam", "ddos", "phishing", "botnet"])("v3 sample %s is accepted, in JSON and in YAML", async (kind) => {
    const text = xarfSample(`v3/${kind}_v3_sample.json`);
    const json = harness();
    accepted(await json.take(xarfMail(text)));
    const { stringify } = await import("yaml");
    const yaml = harness();
    accepted(await yaml.take(xarfMail(stringify(JSON.parse(text)), { contentType: "text/plain", filename: "report.yaml" })));
    // The same report, but for the first piece of evidence: the mail itself, which differs.
    const [fromYaml, fromJson] = [yaml, json].map((h) => ({ ...h.sink.accepted[0]!.report, evidence: h.sink.accepted[0]!.report.evidence.slice(1) }));
    expect(fromYaml).toEqual(fromJson);
    expect(json.sink.accepted[0]!.report.format).toBe("xarf-v3");
  });

  it("refuses a broken v4 report, naming each wrong field, and hands nothing on", async () => {
    const sample = JSON.parse(xarfSample("v4/messaging-spam.json")) as Record<string, unknown>;
    const h = harness();
    const outcome = await h.take(xarfMail(JSON.stringify({ ...sample, report_id: "not-a-uuid", category: "weather", reporter: { org: "x" } })));
    expect(outcome.status).toBe("refused");
    const fields = outcome.status === "refused" ? outcome.problems.map((problem) => ("field" in problem ? problem.field : "")) : [];
    expect(fields).toEqual(expect.arrayContaining(["report_id", "category", "reporter.contact", "reporter.domain"]));
    expect(h.sink.accepted).toHaveLength(0);
  });

  it("refuses a mail that says X-ARF: YES without a report part", async () => {
    const outcome = await harness().take(xarfMail("just words, no report", { contentType: "text/plain", filename: "notes.txt" }));
    expect(outcome).toMatchObject({ status: "refused", code: "xarf-invalid" });
  });
});

describe("plain mails from people", () => {
  it("takes each URL and address named (defanged ones too) as a target, the sender's own address not", async () => {
    const h = harness();
    const outcome = accepted(await h.take(plainMail("Hello, hxxps://phish[.]example/login?x=1 steals passwords.\nIt is hosted on 198.51.100.7 and 2001:db8::5, mail me at jan@reporter.example.\nAlso see https://phish.example/login?x=1.")));
    expect(outcome.items).toHaveLength(3);
    expect(h.sink.accepted.map((entry) => entry.report.target)).toEqual([{ url: "https://phish.example/login?x=1", domain: "phish.example" }, { ip: "198.51.100.7" }, { ip: "2001:db8::5" }]);
    const report = h.sink.accepted[0]!.report;
    expect(report).toMatchObject({ format: "plain-mail", category: "content", type: "other", sourceReportId: "mail:plain-1@reporter.example#1", reporter: { name: "Jan Jansen", contactEmail: "jan@reporter.example" } });
    expect(report.summary.startsWith("phishing site\n\nHello,")).toBe(true);
  });

  it("fingerprints attachments as evidence", async () => {
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    const mail = crlf([
      "From: jan@reporter.example", "Subject: look at http://bad.example/", "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b"', "",
      "--b", "Content-Type: text/plain", "", "screenshot attached", "--b", 'Content-Type: image/png; name="shot.png"', 'Content-Disposition: attachment; filename="shot.png"', "Content-Transfer-Encoding: base64", "", png.toString("base64"), "--b--", "",
    ]);
    const h = harness();
    accepted(await h.take(mail));
    expect(h.sink.accepted[0]!.report.evidence[1]).toEqual({ contentType: "image/png", description: "shot.png", sha256: sha256Hex(png), sizeBytes: png.length });
  });

  it("refuses a mail that names nothing to act on", async () => {
    expect(await harness().take(plainMail("Your service is bad."))).toMatchObject({ status: "refused", code: "no-target" });
  });
});

describe("hostile mail", () => {
  it("a 100,000-character subject is read in bounded time and capped", async () => {
    const h = harness();
    const started = performance.now();
    accepted(await h.take(plainMail("see http://bad.example/", { subject: "A".repeat(100_000) })));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(h.sink.accepted[0]!.report.summary.length).toBeLessThanOrEqual(4000);
  });

  it("100,000-character header lines of many kinds, and a 300 KB header block is refused as too long", async () => {
    const h = harness();
    accepted(await h.take(plainMail("see http://bad.example/", { headers: [`X-Long: ${"x".repeat(100_000)}`, `Received: ${"from a ".repeat(15_000)}`] })));
    const huge = await h.take(plainMail("see http://bad.example/", { headers: Array.from({ length: 6 }, (_, i) => `X-Huge-${i}: ${"y".repeat(50_000)}`) }));
    expect(huge).toMatchObject({ status: "refused", code: "headers-too-long" });
  });

  it("multiparts nested 15 deep are read; 40 deep are refused", async () => {
    const nested = (depth: number) => {
      const lines = ["From: jan@reporter.example", "Subject: nested", "MIME-Version: 1.0"];
      for (let level = 0; level < depth; level += 1) lines.push(`Content-Type: multipart/mixed; boundary="b${level}"`, "", `--b${level}`);
      lines.push("Content-Type: text/plain", "", "http://deep.example/");
      for (let level = depth - 1; level >= 0; level -= 1) lines.push(`--b${level}--`);
      return crlf([...lines, ""]);
    };
    const h = harness();
    accepted(await h.take(nested(15)));
    expect(h.sink.accepted[0]!.report.target).toEqual({ url: "http://deep.example/", domain: "deep.example" });
    expect(await h.take(nested(40))).toMatchObject({ status: "refused", code: "too-deep" });
  });

  it("an unknown charset and invalid bytes do not stop the mail; control and bidi characters reach no summary", async () => {
    const h = harness();
    const body = Buffer.concat([Buffer.from("bad bytes \xff\xfe and http://bad.example/ \u202Egnp.exe\u202C \u001b[31mred\u0007\r\n", "latin1")]);
    const mail = Buffer.concat([plainMail("", { charset: "x-no-such-charset" }).subarray(0, -2), body]);
    accepted(await h.take(mail));
    const bidi = harness();
    accepted(await bidi.take(plainMail("look: http://bad.example/ \u202Egnp.exe\u202C \u001b[31m \u0007 \u2066x\u2069")));
    const summary = bidi.sink.accepted[0]!.report.summary;
    expect(summary).not.toMatch(/[\u202E\u202C\u001b\u0007\u2066\u2069]/);
    expect(summary).toContain("⟨U+202E⟩");
  });

  it("a mail over 25 MB is refused unread", async () => {
    const outcome = await harness().take(Buffer.alloc(25 * 1024 * 1024 + 1, 0x61));
    expect(outcome).toMatchObject({ status: "refused", code: "too-large" });
  });
});

describe("idempotency", () => {
  it("the same mail twice is one report: the second is a duplicate, the bytes are kept once", async () => {
    const h = harness();
    const first = accepted(await h.take(arfMail()));
    const second = accepted(await h.take(arfMail()));
    expect(first.items[0]!.duplicate).toBe(false);
    expect(second.items[0]).toEqual({ intakeId: first.items[0]!.intakeId, duplicate: true });
    expect(h.kept.size).toBe(1);
  });
});
