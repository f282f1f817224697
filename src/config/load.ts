import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { configSchema, secretsSchema, type Config, type Secrets } from "./schema.js";

/** A configuration problem: which file, which key, what was expected and what was found. */
export interface ConfigProblem {
  file: string;
  /** Dotted key path, e.g. "directory.findLimit". */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
}

/** Thrown when configuration cannot be used; `problems` lists every problem found. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** One problem as a line: `config/local.yaml:12 directory.findLimit: expected a number, found "ten"`. */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  return `${where} ${problem.path || "(top level)"}: ${problem.message}`;
}

/** Loaded configuration with where it came from. */
export interface LoadedConfig {
  config: Config;
  secrets: Secrets;
  /** The files read, in order of precedence (later wins). */
  files: string[];
  /** The directory relative paths in the configuration are resolved against. */
  rootDir: string;
  /**
   * Where the record key file is: LIAISON_AUDIT_KEY_FILE (configured), or else the embedded default,
   * $XDG_CONFIG_HOME/liaison/audit.key (~/.config/liaison/audit.key). Unused when LIAISON_AUDIT_KEY is set.
   */
  recordKeyFile: { path: string; configured: boolean };
}

/** Options of loadConfig; defaults read the real process environment and working directory. */
export interface LoadConfigOptions {
  rootDir?: string;
  env?: NodeJS.ProcessEnv;
}

interface ParsedFile {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

function readYaml(file: string): ParsedFile {
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => ({
        file,
        path: "",
        ...(error.linePos ? { line: error.linePos[0].line } : {}),
        message: `not valid YAML: ${error.message.split("\n")[0]}`,
      })),
    );
  }
  return { file, doc, lines, value: doc.toJS() ?? {} };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep-merges `override` into `base`: objects merge key by key, everything else is replaced. */
function merge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = merge(base[key], value);
  return merged;
}

/** Which file (the last that sets it) a key path comes from, and its line there. */
function locate(files: ParsedFile[], path: PropertyKey[]): { file: string; line?: number } {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const prefix = path.slice(0, depth);
    for (const parsed of [...files].reverse()) {
      const node = prefix.length === 0 ? parsed.doc.contents : parsed.doc.getIn(prefix as unknown[], true);
      if (node && typeof node === "object" && "range" in node && Array.isArray(node.range)) {
        // For a key that is present, point at the key's own line.
        const parent = prefix.length > 0 ? parsed.doc.getIn(prefix.slice(0, -1) as unknown[], true) : undefined;
        let offset = node.range[0] as number;
        if (isMap(parent)) {
          const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === prefix[prefix.length - 1]);
          if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
        }
        return { file: parsed.file, line: parsed.lines.linePos(offset).line };
      }
      if (prefix.length === 0) return { file: parsed.file };
    }
  }
  return { file: files[files.length - 1]?.file ?? "(configuration)" };
}

function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return Array.isArray(value) ? "a list" : "a mapping";
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (!isPlainObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function issueToProblems(issue: z.core.$ZodIssue, merged: unknown, files: ParsedFile[], schema: z.ZodType): ConfigProblem[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return {
        ...locate(files, path),
        path: path.join("."),
        message: `unknown key (check the spelling; allowed here: ${allowedKeys(schema, merged, issue.path)})`,
      };
    });
  }
  const found = valueAt(merged, issue.path);
  return [
    {
      ...locate(files, issue.path),
      path: issue.path.join("."),
      message: `expected ${expectation(issue)}, found ${describeFound(found)}`,
    },
  ];
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "object" ? "a mapping" : `a ${issue.expected}`;
    case "invalid_value":
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "invalid_union": {
      // Each alternative's own expectation: 'a duration such as "1h", or "none"'.
      const alternatives = issue.errors.flatMap((issues) => (issues[0] ? [expectation(issues[0])] : []));
      return alternatives.length > 0 ? alternatives.join(", or ") : issue.message;
    }
    case "too_small":
      return `at least ${String(issue.minimum)}`;
    case "too_big":
      return `at most ${String(issue.maximum)}`;
    case "invalid_format":
      return issue.message;
    default:
      return issue.message.replace(/^Invalid input: /, "").replace(/^expected /, "");
  }
}

/** The keys an object schema allows at a path (records and unions are looked through where they can be). */
function allowedKeys(root: z.ZodType, value: unknown, path: PropertyKey[]): string {
  let schema: z.ZodType | undefined = root;
  for (const key of path) {
    const def: { type?: string; valueType?: z.ZodType; innerType?: z.ZodType } | undefined = (
      schema as unknown as { _zod?: { def?: { type?: string; valueType?: z.ZodType; innerType?: z.ZodType } } }
    )._zod?.def;
    if (def?.type === "record") schema = def.valueType;
    else if (def?.type === "optional" || def?.type === "default") schema = def.innerType;
    if (def?.type === "record") continue;
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
    if (!shape || typeof key !== "string" || !shape[key]) return "see the documentation";
    schema = shape[key];
    const inner = (schema as unknown as { _zod?: { def?: { type?: string; innerType?: z.ZodType } } })._zod?.def;
    if ((inner?.type === "optional" || inner?.type === "default") && inner.innerType) schema = inner.innerType;
  }
  void value;
  const shape = (schema as unknown as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape).join(", ") : "see the documentation";
}

/** Validates merged YAML files against a schema, reporting problems against the files they came from. */
function validate<S extends z.ZodType>(files: ParsedFile[], schema: S): z.output<S> {
  const merged = files.reduce<unknown>((acc, parsed) => merge(acc, parsed.value), {});
  const result = schema.safeParse(merged);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.flatMap((issue) => issueToProblems(issue, merged, files, schema)));
}

/** Reads one YAML file (or several, later ones merged over earlier ones) and validates it; throws ConfigError. */
export function loadYamlFiles<S extends z.ZodType>(paths: string[], schema: S): z.output<S> {
  return validate(paths.map(readYaml), schema);
}

/** Reads .env (if present) without overriding variables already set. */
function readDotenv(rootDir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const file = resolve(rootDir, ".env");
  if (!existsSync(file)) return env;
  return { ...parseDotenv(readFileSync(file)), ...env };
}

/**
 * Loads config/default.yaml, then the file named by LIAISON_CONFIG (if any), and secrets from the environment
 * (and .env). Throws ConfigError listing every problem.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const rootDir = options.rootDir ?? process.cwd();
  const env = readDotenv(rootDir, options.env ?? process.env);
  const paths = [resolve(rootDir, "config/default.yaml")];
  const override = env.LIAISON_CONFIG;
  if (override) {
    const overridePath = isAbsolute(override) ? override : resolve(rootDir, override);
    if (!existsSync(overridePath)) {
      throw new ConfigError([{ file: overridePath, path: "", message: "LIAISON_CONFIG names a file that does not exist" }]);
    }
    paths.push(overridePath);
  }
  const config = loadYamlFiles(paths, configSchema);
  const secretsResult = secretsSchema.safeParse(env);
  if (!secretsResult.success) {
    throw new ConfigError(
      secretsResult.error.issues.map((issue) => ({
        file: "environment",
        path: issue.path.join("."),
        message: `expected ${expectation(issue)}, found ${describeFound(valueAt(env, issue.path)).replace(/".*"/, "(value hidden)")}`,
      })),
    );
  }
  const secrets = secretsResult.data;
  if (secrets.LIAISON_AUDIT_KEY && secrets.LIAISON_AUDIT_KEY_FILE) {
    throw new ConfigError([{ file: "environment", path: "LIAISON_AUDIT_KEY", message: "set either LIAISON_AUDIT_KEY or LIAISON_AUDIT_KEY_FILE, not both" }]);
  }
  const configured = secrets.LIAISON_AUDIT_KEY_FILE;
  const configHome = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), ".config");
  const recordKeyFile = configured
    ? { path: isAbsolute(configured) ? configured : resolve(rootDir, configured), configured: true }
    : { path: join(configHome, "liaison", "audit.key"), configured: false };
  return { config, secrets, files: paths, rootDir, recordKeyFile };
}

/** Where a key is set among configuration files (the last file that sets it wins), with its line there. */
export function keyLocation(files: string[], path: string[]): { file: string; line?: number } {
  return locate(files.map(readYaml), path);
}
