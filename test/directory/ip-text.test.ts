// IPv6 in RFC 5952's canonical text, with the RFC's own examples (sections 2 and 4) and its IPv4-mapped mixed
// notation (section 5); checked against the URL standard's serializer (the same rules, but for mixed notation) over
// many random addresses; and addresses that are none, refused.
import { describe, expect, it } from "vitest";
import { canonicalIpText, ipKeyText, ipv6Text } from "../../src/directory/ip-text.js";
import { parseIp } from "../../src/directory/model.js";

const canonical = (text: string) => canonicalIpText(text);

describe("RFC 5952 canonical text", () => {
  it("section 2: every way of writing 2001:db8::1:0:0:1 (and 2.1, 2.2) is written one way", () => {
    for (const text of ["2001:db8:0:0:1:0:0:1", "2001:0db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", "2001:db8::0:1:0:0:1", "2001:0db8::1:0:0:1", "2001:db8:0:0:1::1", "2001:db8:0000:0:1::1", "2001:DB8:0:0:1::1"]) {
      expect(canonical(text), text).toBe("2001:db8::1:0:0:1");
    }
    for (const text of ["2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:01", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"]) {
      expect(canonical(text), text).toBe("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1");
    }
    for (const text of ["2001:db8:aaaa:bbbb:cccc:dddd::1", "2001:db8:aaaa:bbbb:cccc:dddd:0:1"]) expect(canonical(text), text).toBe("2001:db8:aaaa:bbbb:cccc:dddd:0:1");
    for (const text of ["2001:db8:0:0:0::1", "2001:db8:0:0::1", "2001:db8:0::1", "2001:db8::1", "2001:DB8:0:0:0:0:0:1"]) expect(canonical(text), text).toBe("2001:db8::1");
  });

  it("4.1 leading zeros suppressed; 4.2.1 '::' to its maximum; 4.2.2 not for one 16-bit 0 field; 4.3 lowercase", () => {
    expect(canonical("2001:0db8::0001")).toBe("2001:db8::1");
    expect(canonical("2001:db8::0:1")).toBe("2001:db8::1");
    expect(canonical("2001:db8:0:0:0:0:2:1")).toBe("2001:db8::2:1");
    expect(canonical("2001:db8::1:1:1:1:1")).toBe("2001:db8:0:1:1:1:1:1");
    expect(canonical("2001:db8:0:1:1:1:1:1")).toBe("2001:db8:0:1:1:1:1:1");
    expect(canonical("2001:DB8:ABCD:EF01::CAFE")).toBe("2001:db8:abcd:ef01::cafe");
  });

  it("4.2.3: the longest run of zero fields is shortened, the first of equal runs", () => {
    expect(canonical("2001:0:0:1:0:0:0:1")).toBe("2001:0:0:1::1");
    expect(canonical("2001:db8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1");
    expect(canonical("1:0:0:2:0:0:3:4")).toBe("1::2:0:0:3:4");
    expect(canonical("0:0:1:0:0:0:1:0")).toBe("0:0:1::1:0");
  });

  it("the ends: all zeros, loopback, a run at the end or the start, no zero at all", () => {
    expect(canonical("0:0:0:0:0:0:0:0")).toBe("::");
    expect(canonical("::")).toBe("::");
    expect(canonical("0:0:0:0:0:0:0:1")).toBe("::1");
    expect(canonical("1:0:0:0:0:0:0:0")).toBe("1::");
    expect(canonical("fe80:0:0:0:0:0:0:0")).toBe("fe80::");
    expect(canonical("1:2:3:4:5:6:7:8")).toBe("1:2:3:4:5:6:7:8");
    expect(canonical("0:1:2:3:4:5:6:7")).toBe("0:1:2:3:4:5:6:7");
  });

  it("section 5: an IPv4-mapped address in mixed notation, however written; the key of an IPv4 address shown dotted", () => {
    for (const text of ["::ffff:192.0.2.1", "::FFFF:c000:201", "0:0:0:0:0:ffff:c000:0201", "0000:0000:0000:0000:0000:FFFF:192.0.2.1"]) expect(canonical(text), text).toBe("::ffff:192.0.2.1");
    // The mapped address and the IPv4 address are one key (one target): from the key, a person reads the IPv4 address.
    expect(parseIp("::ffff:192.0.2.1")).toBe(parseIp("192.0.2.1"));
    expect(ipKeyText(parseIp("192.0.2.1") ?? "")).toBe("192.0.2.1");
    expect(ipv6Text(parseIp("192.0.2.1") ?? "")).toBe("::ffff:192.0.2.1");
    expect(ipKeyText(parseIp("2001:DB8::0:1") ?? "")).toBe("2001:db8::1");
    // Other embedded IPv4 addresses (the NAT64 prefix, RFC 6052) are plain IPv6 text.
    expect(canonical("64:ff9b::192.0.2.33")).toBe("64:ff9b::c000:221");
    expect(canonical("192.000.002.001")).toBe("192.0.2.1");
  });

  it("agrees with the URL standard's serializer on 20,000 random addresses with runs of zeros", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    for (let round = 0; round < 20_000; round += 1) {
      const fields = Array.from({ length: 8 }, () => (random() < 0.5 ? 0 : Math.floor(random() * 65_536)));
      if (fields.slice(0, 5).every((field) => field === 0) && fields[5] === 0xffff) continue;
      const written = fields.map((field) => (random() < 0.5 ? field.toString(16).toUpperCase().padStart(4, "0") : field.toString(16))).join(":");
      const expected = new URL(`http://[${written}]/`).hostname.slice(1, -1);
      expect(canonical(written), written).toBe(expected);
    }
  });

  it("what is not an address is refused, also hostile text, quickly", () => {
    for (const text of ["", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "::1%eth0", "fe80::1%25eth0", "1.2.3", "256.1.1.1", "::ffff:256.1.1.1", "::ffff:1.2.3.4.5", "1:2:3:4:5:6:7:1.2.3.4", ":1.2.3.4", "2001:db8::/32", "[2001:db8::1]", "\u202e2001:db8::1", "x".repeat(100_000), `${"1:".repeat(50_000)}1`]) {
      expect(canonical(text), text.slice(0, 40)).toBeUndefined();
    }
    expect(() => ipv6Text("zz")).toThrow();
    expect(canonical(" 2001:DB8::1 ")).toBe("2001:db8::1");
    expect(canonical("::1.2.3.4")).toBe("::102:304");
  });
});
