// The X-ARF v4 vocabulary, written from the specification (xarf.org, "XARF v4" and its per-type schemas): the seven
// categories, the types each allows, and the fields each type requires beyond the core. Liaison checks these itself,
// so that a report is refused with each missing field named; it does not load the published JSON schemas.

/** The X-ARF v4 categories. */
export const XARF_CATEGORIES = ["messaging", "content", "copyright", "connection", "vulnerability", "infrastructure", "reputation"] as const;

/** An X-ARF v4 category. */
export type XarfCategory = (typeof XARF_CATEGORIES)[number];

/** What one type requires: its fields, and the conditional requirements the specification states for it. */
export interface XarfTypeRule {
  /** Fields the type's schema lists as required. */
  required: readonly string[];
  /** Fields required when source_identifier is an IP address (DDoS, login attacks, port scans). */
  requiredForIpSource?: readonly string[];
  /** Fields required when protocol is "smtp" (spam, bulk messaging). */
  requiredForSmtp?: readonly string[];
  /** Nested requirements: one of these paths must be present (P2P: swarm_info.info_hash or .magnet_uri). */
  oneOfPaths?: readonly (readonly string[])[];
}

const CONNECTION = ["protocol", "first_seen"] as const;

/** Each category's types and their requirements (schemas/v4/types/<category>-<type>.json). */
export const XARF_TYPES: Record<XarfCategory, Record<string, XarfTypeRule>> = {
  messaging: {
    spam: { required: ["protocol"], requiredForSmtp: ["smtp_from", "source_port"] },
    bulk_messaging: { required: ["protocol", "recipient_count"], requiredForSmtp: ["smtp_from", "source_port"] },
  },
  connection: {
    login_attack: { required: CONNECTION, requiredForIpSource: ["source_port"] },
    port_scan: { required: CONNECTION, requiredForIpSource: ["source_port"] },
    ddos: { required: CONNECTION, requiredForIpSource: ["source_port"] },
    infected_host: { required: [...CONNECTION, "bot_type"] },
    reconnaissance: { required: [...CONNECTION, "probed_resources"] },
    scraping: { required: [...CONNECTION, "total_requests"] },
    sql_injection: { required: CONNECTION },
    vulnerability_scan: { required: [...CONNECTION, "scan_type"] },
  },
  vulnerability: {
    cve: { required: ["service", "service_port", "cve_id"] },
    open_service: { required: ["service"] },
    misconfiguration: { required: ["service"] },
  },
  // Every content type extends content-base, which requires the URL of the content.
  content: {
    phishing: { required: ["url"] },
    malware: { required: ["url"] },
    csam: { required: ["url", "classification", "detection_method"] },
    csem: { required: ["url", "exploitation_type", "detection_method"] },
    exposed_data: { required: ["url", "data_types", "exposure_method"] },
    brand_infringement: { required: ["url", "infringement_type", "legitimate_site"] },
    fraud: { required: ["url", "fraud_type"] },
    remote_compromise: { required: ["url", "compromise_type"] },
    suspicious_registration: { required: ["url", "registration_date", "suspicious_indicators"] },
  },
  infrastructure: {
    botnet: { required: ["compromise_evidence"] },
    compromised_server: { required: ["compromise_method"] },
  },
  reputation: {
    blocklist: { required: ["threat_type"] },
    threat_intelligence: { required: ["threat_type"] },
  },
  copyright: {
    copyright: { required: ["infringing_url"] },
    p2p: { required: ["p2p_protocol", "swarm_info"], oneOfPaths: [["swarm_info", "info_hash"], ["swarm_info", "magnet_uri"]] },
    cyberlocker: { required: ["infringing_url", "hosting_service"] },
    ugc_platform: { required: ["infringing_url", "platform_name"] },
    link_site: { required: ["infringing_url", "site_name"] },
    usenet: { required: ["newsgroup", "message_info"], oneOfPaths: [["message_info", "message_id"]] },
  },
};

/** The protocols connection and messaging types allow (the union of their schemas' enums). */
export const XARF_PROTOCOLS = ["tcp", "udp", "icmp", "sctp", "smtp", "mixed"] as const;
