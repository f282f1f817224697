// CSV feeds (one event per row, Shadowserver style): which feed a file is by sender and file name, and how its rows
// map to reports; hostile rows (very long cells, control and bidi characters, spreadsheet formulas) are named by
// line and column and take the whole file with them; BOM, CRLF and quoted line breaks are read as CSV is written.
import { describe, expect, it } from "vitest";
import { feedFor, readFeed, FEED_MAX_FIELD_CHARS, type FeedResult } from "../../src/intake/feed/csv.js";
import { feedSchema } from "../../src/intake/settings.js";

const rdp = feedSchema.parse({
  name: "shadowserver-open-rdp",
  senders: ["*@shadowserver.org"],
  fileNames: ["*-scan_rdp-*.csv"],
  category: "vulnerability",
  type: "open_service",
  columns: { time: "timestamp", ip: "ip", port: "port", asn: "asn", domain: "hostname" },
  summaryColumns: ["protocol", "product"],
  tlp: "AMBER",
});
const phish = feedSchema.parse({ name: "phish-urls", fileNames: ["phish-*.csv"], category: "content", type: "phishing", columns: { time: "seen", url: "url", type: "kind" }, timeFormat: "unix" });
const HEADER = "timestamp,ip,port,asn,hostname,protocol,product";
const file = { name: "2026-12-01-scan_rdp-nl.csv", sha256: "a".repeat(64) };
const read = (text: string, feed = rdp): FeedResult => readFeed(feed, Buffer.from(text, "utf8"), file);
const ok = (result: FeedResult) => {
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.reports;
};
const problems = (result: FeedResult) => {
  if (result.ok) throw new Error("expected bad rows");
  return result.problems;
};

describe("which feed a file is", () => {
  it("matches by file name and sender, case-insensitively; a feed without senders takes any sender", () => {
    const feeds = [rdp, phish];
    expect(feedFor(feeds, "2026-12-01-scan_rdp-nl.csv", "autoreports@SHADOWSERVER.org")?.name).toBe("shadowserver-open-rdp");
    expect(feedFor(feeds, "2026-12-01-SCAN_RDP-nl.CSV", "autoreports@shadowserver.org")?.name).toBe("shadowserver-open-rdp");
    expect(feedFor(feeds, "2026-12-01-scan_rdp-nl.csv", "someone@elsewhere.example")).toBeUndefined();
    expect(feedFor(feeds, "2026-12-01-scan_rdp-nl.csv", undefined)).toBeUndefined();
    expect(feedFor(feeds, "2026-12-01-scan_ssl-nl.csv", "autoreports@shadowserver.org")).toBeUndefined();
    expect(feedFor(feeds, "phish-1.csv", undefined)?.name).toBe("phish-urls");
    expect(feedFor(feeds, "phish-1.csv.exe", undefined)).toBeUndefined();
  });
});

describe("rows as reports", () => {
  it("maps each row's columns to its target, time (UTC without an offset), type, summary and evidence", () => {
    const [report, second] = ok(read(`${HEADER}\n2026-12-01 10:00:00,198.51.100.7,3389,AS64500,rdp.acme-hosting.example,tcp,Windows\n2026-12-01T11:00:00+01:00,2001:DB8::5,,,,tcp,\n`));
    expect(report).toMatchObject({
      source: "feed", format: "csv-feed", category: "vulnerability", type: "open_service", tlp: "AMBER",
      target: { ip: "198.51.100.7", port: 3389, asn: 64500, domain: "rdp.acme-hosting.example" },
      summary: "protocol: tcp; product: Windows", reporter: { organisation: "shadowserver-open-rdp" },
      evidence: [{ contentType: "text/csv", description: `${file.name}, line 2`, sha256: file.sha256 }],
    });
    expect(report!.occurredAt.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(report!.sourceReportId).toMatch(/^feed:shadowserver-open-rdp:[0-9a-f]{32}$/);
    expect(second!.occurredAt.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(second!.target).toEqual({ ip: "2001:db8::5" });
    const [url] = ok(read("seen,url,kind\n1764583200,https://login.acme-hosting.example/x,Credential Phish\n", phish));
    expect(url).toMatchObject({ type: "credential_phish", target: { url: "https://login.acme-hosting.example/x", domain: "login.acme-hosting.example" } });
    expect(url!.occurredAt.toISOString()).toBe("2025-12-01T10:00:00.000Z");
  });

  it("reads a byte-order mark, CRLF line ends, quoted commas and quoted line breaks, and counts lines as written", () => {
    const text = `\uFEFF${HEADER}\r\n2026-12-01 10:00:00,198.51.100.7,3389,64500,,"tcp","Windows, ""Server""\r\n2019"\r\n\r\n2026-12-01 10:05:00,198.51.100.8,3389,64500,,tcp,x\r\n`;
    const reports = ok(read(text));
    expect(reports.map((report) => report.target.ip)).toEqual(["198.51.100.7", "198.51.100.8"]);
    expect(reports[0]!.summary).toBe('protocol: tcp; product: Windows, "Server"\n2019');
    // Line 2 holds a cell with a line break (lines 2 and 3), line 4 is empty: the second row is on line 5.
    expect(reports.map((report) => report.evidence[0]!.description)).toEqual([`${file.name}, line 2`, `${file.name}, line 5`]);
    const bad = problems(read(text.replace("198.51.100.8", "198.51.100.999")));
    expect(bad).toEqual([{ line: 5, column: "ip", message: "not an IP address" }]);
    const lf = `${HEADER}\n2026-12-01 10:00:00,198.51.100.7,1,1,,tcp,"a\r\nb\nc"\n2026-12-01 10:00:00,198.51.100.7,1,1,,tcp,"d\ne"\nyesterday,198.51.100.7,1,1,,tcp,x\n`;
    expect(problems(read(lf))).toEqual([{ line: 7, column: "timestamp", message: "not a time such as 2026-12-01 10:00:00 or 2026-12-01T10:00:00Z" }]);
  });

  it("lists every bad row with its line, column and reason, and then returns no report at all", () => {
    const rows = [
      "2026-12-01 10:00:00,198.51.100.7,3389,64500,,tcp,fine",
      "yesterday,198.51.100.7,3389,64500,,tcp,x",
      "2026-12-01 10:00:00,not-an-ip,3389,64500,,tcp,x",
      "2026-12-01 10:00:00,198.51.100.7,99999,64500,,tcp,x",
      "2026-12-01 10:00:00,198.51.100.7,3389,ASX,,tcp,x",
      "2026-12-01 10:00:00,198.51.100.7,3389",
      "2026-12-01 10:00:00,,,,,tcp,x",
    ];
    const result = read(`${HEADER}\n${rows.join("\n")}\n`);
    expect(result.ok).toBe(false);
    expect(problems(result)).toEqual([
      { line: 3, column: "timestamp", message: "not a time such as 2026-12-01 10:00:00 or 2026-12-01T10:00:00Z" },
      { line: 4, column: "ip", message: "not an IP address" },
      { line: 5, column: "port", message: "not a port (0 to 65535)" },
      { line: 6, column: "asn", message: "not an AS number" },
      { line: 7, message: "3 fields where the header has 7" },
      { line: 8, column: "ip", message: "the row names no address, domain, URL, AS number or e-mail address" },
    ]);
    expect(problems(read("timestamp,address\n2026-12-01 10:00:00,198.51.100.7\n"))).toEqual([{ line: 1, column: "ip", message: 'the header has no column "ip" (mapped as ip)' }, { line: 1, column: "port", message: 'the header has no column "port" (mapped as port)' }, { line: 1, column: "hostname", message: 'the header has no column "hostname" (mapped as domain)' }, { line: 1, column: "asn", message: 'the header has no column "asn" (mapped as asn)' }]);
    expect(problems(read(""))).toEqual([{ line: 1, message: "the file is empty" }]);
    expect(problems(read(`${HEADER}\n"unterminated,1,2\n`))[0]!.message).toMatch(/^not CSV: /);
  });

  it("refuses hostile cells by name: 100,000 characters, control characters, bidi overrides, spreadsheet formulas", () => {
    const long = "x".repeat(100_000);
    const hostile = [
      `2026-12-01 10:00:00,198.51.100.7,3389,64500,,tcp,${long}`,
      "2026-12-01 10:00:00,198.51.100.7\u0000,3389,64500,,tcp,x",
      "2026-12-01 10:00:00,198.51.100.7,3389,64500,evil\u202Eelpmaxe.moc,tcp,x",
      '2026-12-01 10:00:00,"=HYPERLINK(""https://evil.example"",""198.51.100.7"")",3389,64500,,tcp,x',
      "2026-12-01 10:00:00,198.51.100.7,3389,64500,=cmd|' /C calc'!A0,tcp,x",
      "2026-12-01 10:00:00,198.51.100.7,+3389,64500,,tcp,x",
    ];
    const started = performance.now();
    const listed = problems(read(`${HEADER}\n${hostile.join("\n")}\n`));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(listed).toEqual([
      { line: 2, column: "product", message: `longer than ${FEED_MAX_FIELD_CHARS} characters` },
      { line: 3, column: "ip", message: "not an IP address" },
      { line: 4, column: "hostname", message: "not a domain name" },
      { line: 5, column: "ip", message: "not an IP address" },
      { line: 6, column: "hostname", message: "not a domain name" },
      { line: 7, column: "port", message: "not a port (0 to 65535)" },
    ]);
  });

  it("keeps formulas, control and bidi characters in summary cells as inert text (never a target, never a link)", () => {
    const [report] = ok(read(`${HEADER}\n2026-12-01 10:00:00,198.51.100.7,3389,64500,,"=HYPERLINK(""https://evil.example"",""x"")","a\u202Eb\u0007c <@U123> <!channel>"\n`));
    expect(report!.target).toEqual({ ip: "198.51.100.7", port: 3389, asn: 64500 });
    expect(report!.summary.startsWith('protocol: =HYPERLINK("https://evil.example","x"); product: a')).toBe(true);
    expect(report!.summary).not.toMatch(/[\u202E\u0007]/);
  });

  it("gives the same row the same report id (a duplicate row or a re-sent file is one report) and different rows different ids", () => {
    const row = "2026-12-01 10:00:00,198.51.100.7,3389,64500,,tcp,x";
    const reports = ok(read(`${HEADER}\n${row}\n${row}\n${row.replace("10:00:00", "10:00:01")}\n`));
    expect(reports).toHaveLength(3);
    expect(reports[0]!.sourceReportId).toBe(reports[1]!.sourceReportId);
    expect(reports[2]!.sourceReportId).not.toBe(reports[0]!.sourceReportId);
    expect(ok(read(`${HEADER}\r\n${row}\r\n`))[0]!.sourceReportId).toBe(reports[0]!.sourceReportId);
  });
});
