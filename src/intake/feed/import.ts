// `liaison intake import <file.csv> --feed <name>`: one feed file taken in offline, through the same path as the
// mailbox (src/intake/store-sink.ts, acceptIntakeReport). A file is all or nothing: every row is checked first, and
// when any is bad each bad row is listed with its line and reason and nothing is imported; otherwise the file's bytes
// and every row's report commit in one transaction. Rows are identified by their content, so importing the same file
// again (or a row seen before) adds nothing.
import { createHash } from "node:crypto";
import type { RecordKeys } from "../../audit/keys.js";
import type { Clock } from "../../core/clock.js";
import type { Store } from "../../store/db.js";
import type { IntakeSettings } from "../settings.js";
import { acceptSettingsOf, storeIntakeSink } from "../store-sink.js";
import { readFeed, type FeedProblem } from "./csv.js";

/** What importing a feed file did. */
export type FeedImportOutcome =
  | { status: "unknown-feed"; feeds: string[] }
  | { status: "refused"; problems: FeedProblem[]; problemCount: number }
  | { status: "imported"; rows: number; added: number; duplicates: number; items: number; sha256: string };

/** Imports one feed file (its bytes, its file name) as the configured feed `feedName`. */
export async function importFeedFile(store: Pick<Store, "transaction">, clock: Clock, keys: RecordKeys, intake: IntakeSettings, input: { feedName: string; fileName: string; bytes: Buffer }): Promise<FeedImportOutcome> {
  const feed = intake.feeds.find((candidate) => candidate.name === input.feedName);
  if (!feed) return { status: "unknown-feed", feeds: intake.feeds.map((candidate) => candidate.name) };
  // Hashed here rather than with mail/mime.ts's sha256Hex: that module loads the mail parsers (mailparser, mailsplit),
  // and the CLI loads this one for every command, `liaison start` included (4.7 MB of live heap in the every-adapter
  // start of bench/idle-rss.ts, after a full collection).
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  const read = readFeed(feed, input.bytes, { name: input.fileName, sha256 });
  if (!read.ok) return { status: "refused", problems: read.problems, problemCount: read.problemCount };
  const sink = storeIntakeSink(store, clock, keys, acceptSettingsOf(intake));
  const accepted = await sink.acceptBatch({ reports: read.reports, origin: { mailbox: `file:${input.fileName.slice(0, 200)}`, rawSha256: sha256 }, raw: input.bytes });
  const added = accepted.filter((entry) => !entry.duplicate);
  return { status: "imported", rows: read.reports.length, added: added.length, duplicates: accepted.length - added.length, items: new Set(added.map((entry) => entry.reference)).size, sha256 };
}
