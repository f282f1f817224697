// `liaison intake token create <organisation> --label <text>`, `liaison intake token revoke <id> --reason <text>`,
// `liaison intake token list`: the intake API's tokens, managed by the installation's coordinators on the host. The
// text of a new token is printed once; the database keeps only its hash. Each creation and revocation is recorded.
import { parseArgs } from "node:util";
import { sealOnceIfFree } from "../audit/sealer.js";
import { generatedKeyMessage, openRecordKey } from "../audit/key-source.js";
import type { LoadedConfig } from "../config/load.js";
import { systemClock } from "../core/clock.js";
import { createIntakeToken, listIntakeTokens, revokeIntakeToken } from "../intake/tokens.js";
import type { Store } from "../store/db.js";
import { inUnitOfWork } from "../work/unit-of-work.js";

/** Help for `liaison intake`. */
export const INTAKE_TOKEN_HELP = `Usage:
  liaison intake token create <organisation> --label <text>   Make a token for a reporting organisation (printed once)
  liaison intake token revoke <token id> --reason <text>       Revoke a token: the API refuses it from then on
  liaison intake token list                                     List tokens (never their text)`;

/** Runs `liaison intake token ...`; resolves to the exit code. */
export async function runIntakeTokenCommand(loaded: LoadedConfig, argv: string[], openStore: (loaded: LoadedConfig) => Promise<Store>, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { label: { type: "string" }, reason: { type: "string" } } });
  } catch (error) {
    err((error as Error).message);
    return 2;
  }
  const [action, subject] = parsed.positionals;
  const by = { actor: "operator", via: "cli" };
  if (!(action === "list" || ((action === "create" || action === "revoke") && subject))) {
    err(INTAKE_TOKEN_HELP);
    return 2;
  }
  if (action === "create" && !parsed.values.label?.trim()) {
    err("A token needs --label <text>: what it is for (\"Shadowserver feed\").");
    return 2;
  }
  if (action === "revoke" && !parsed.values.reason?.trim()) {
    err("Revoking needs --reason <text>.");
    return 2;
  }
  const store = await openStore(loaded);
  try {
    if (action === "list") {
      for (const token of await listIntakeTokens(store.db)) {
        out(`${token.id}  ${token.organisation}  ${token.label}  created ${token.createdAt.toISOString()}${token.revokedAt ? `  revoked ${token.revokedAt.toISOString()}` : ""}`);
      }
      return 0;
    }
    const { keys, generated } = await openRecordKey(loaded, store.target, store.db, { generate: true, checkLastEntry: true });
    if (generated) err(generatedKeyMessage(generated));
    const outcome = await inUnitOfWork(store, systemClock, keys, (work) =>
      action === "create" ? createIntakeToken(work, by, subject ?? "", parsed.values.label ?? "") : revokeIntakeToken(work, by, subject ?? "", parsed.values.reason ?? ""),
    );
    await sealOnceIfFree(store, keys, systemClock);
    if (!outcome.ok) {
      err(outcome.message);
      return 1;
    }
    const value = outcome.value as { id: string; text?: string; organisation?: string };
    if (value.text) {
      out(`Token ${value.id} for ${value.organisation}. Its text is shown only now; give it to the feed's operator:`);
      out(value.text);
    } else {
      out(`Token ${value.id} revoked.`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
