// What `liaison config check` and `liaison start` check before anything touches the database: the policy files
// (read and validated as the core reads them), the demo directory file, and the secrets each enabled platform needs.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { missingSlackSecrets } from "../../adapters/slack/config.js";
import { loadCasePolicy, type CasePolicy } from "../cases/policy.js";
import { loadEscalationPolicy } from "../cases/reminders/policy.js";
import { ConfigError, keyLocation, type ConfigProblem, type LoadedConfig } from "../config/load.js";

/** What the check found: every problem, and the files it read. */
export interface PreflightResult {
  problems: ConfigProblem[];
  /** The case policy file and its number of kinds, when it was read. */
  casePolicy?: { file: string; kinds: number };
  /** The escalation policy file, when it was read. */
  escalationPolicy?: { file: string };
}

/** What each secret is, in words, for the line that says it is missing. */
const SECRET_WORDS: Record<string, string> = {
  SLACK_BOT_TOKEN: 'the bot token ("xoxb-…", OAuth & Permissions)',
  SLACK_SIGNING_SECRET: "the signing secret (Basic Information)",
  SLACK_APP_TOKEN: 'an app-level token ("xapp-…") with connections:write, for Socket Mode',
  SLACK_CLIENT_ID: "the app's client id (Basic Information), for installation: oauth",
  SLACK_CLIENT_SECRET: "the app's client secret (Basic Information), for installation: oauth",
  SLACK_STATE_SECRET: "a random string that signs the OAuth state, for installation: oauth",
  MATRIX_ACCESS_TOKEN: "the bot account's access token (or MATRIX_PASSWORD to log in with)",
  DISCORD_TOKEN: "the bot token (Developer Portal, Bot)",
};

function missingSecret(platform: string, variable: string): ConfigProblem {
  const words = SECRET_WORDS[variable] ?? "a value";
  return {
    file: "environment",
    path: variable,
    message: `${platform} is enabled (platforms.${platform.toLowerCase()}.enabled) and needs it: expected ${words}, set in the environment or .env`,
  };
}

/** A file a configuration key names: a problem when it is missing or not a file. */
function namedFile(loaded: LoadedConfig, key: string[], what: string, example: string): { path: string } | { problem: ConfigProblem } {
  const relative = key.reduce<unknown>((value, part) => (value as Record<string, unknown>)[part], loaded.config) as string;
  const path = resolve(loaded.rootDir, relative);
  if (existsSync(path) && statSync(path).isFile()) return { path };
  const state = existsSync(path) ? "which is not a file" : "which does not exist";
  return { problem: { ...keyLocation(loaded.files, key), path: key.join("."), message: `names ${path}, ${state} (expected ${what}, e.g. ${example})` } };
}

function problemsOf(error: unknown): ConfigProblem[] {
  if (error instanceof ConfigError) return error.problems;
  throw error;
}

/** Checks the policy files, the demo directory file and the platforms' secrets; touches no database. */
export function preflight(loaded: LoadedConfig): PreflightResult {
  const result: PreflightResult = { problems: [] };
  const cases = namedFile(loaded, ["cases", "policyFile"], "the case policy file", "config/policy.yaml");
  if ("problem" in cases) result.problems.push(cases.problem);
  else {
    try {
      const policy: CasePolicy = loadCasePolicy(cases.path);
      result.casePolicy = { file: cases.path, kinds: Object.keys(policy.kinds).length };
    } catch (error) {
      result.problems.push(...problemsOf(error));
    }
  }
  const escalation = namedFile(loaded, ["reminders", "policyFile"], "the escalation policy file", "config/escalation.yaml");
  if ("problem" in escalation) result.problems.push(escalation.problem);
  else {
    try {
      loadEscalationPolicy(escalation.path);
      result.escalationPolicy = { file: escalation.path };
    } catch (error) {
      result.problems.push(...problemsOf(error));
    }
  }
  if (loaded.config.directory.demo.enabled) {
    const demo = namedFile(loaded, ["directory", "demo", "file"], "the demo directory, or directory.demo.enabled: false", "config/demo-directory.yaml");
    if ("problem" in demo) result.problems.push(demo.problem);
  }
  const { platforms } = loaded.config;
  const secrets = loaded.secrets;
  if (platforms.slack.enabled) for (const variable of missingSlackSecrets(platforms.slack, secrets)) result.problems.push(missingSecret("Slack", variable));
  if (platforms.matrix.enabled && !secrets.MATRIX_ACCESS_TOKEN && !secrets.MATRIX_PASSWORD) result.problems.push(missingSecret("Matrix", "MATRIX_ACCESS_TOKEN"));
  if (platforms.discord.enabled && !secrets.DISCORD_TOKEN) result.problems.push(missingSecret("Discord", "DISCORD_TOKEN"));
  return result;
}
