import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { RecordedRequest } from "./server.js";

/** The pinned Discord HTTP API v10 OpenAPI document. */
export const SPEC_PATH = process.env.DISCORD_OPENAPI_SPEC ?? new URL("../../../../shared/specs/discord/openapi.json", import.meta.url).pathname;

/** Base URI under which the spec is registered with the validator. */
const SPEC_ID = "https://discord.spec.local/openapi.json";

/** The minimal ajv surface used here (ajv is present in node_modules as a transitive dependency; not installed for this). */
interface AjvLike {
  addSchema(schema: object): unknown;
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
}

/** One request that does not match the spec. */
export interface SpecProblem {
  method: string;
  path: string;
  problem: string;
}

/** Escapes a path for a JSON pointer inside a URI fragment. */
function pointer(template: string, method: string): string {
  return encodeURI(`/paths/${template.replace(/~/g, "~0").replace(/\//g, "~1")}/${method}/requestBody/content/application~1json/schema`);
}

/** Checks recorded requests against the pinned OpenAPI spec: the operation exists and JSON bodies validate. */
export class DiscordSpec {
  private readonly templates: { template: string; pattern: RegExp; methods: Set<string>; withBody: Set<string> }[] = [];
  private readonly ajv: AjvLike;
  private readonly validators = new Map<string, ((data: unknown) => boolean) & { errors?: unknown[] | null }>();

  constructor() {
    const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>; components: unknown };
    const require = createRequire(import.meta.url);
    const Ajv2020 = (require("ajv/dist/2020") as { default: new (options: object) => AjvLike }).default;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    this.ajv.addSchema({ $id: SPEC_ID, components: spec.components, paths: spec.paths });
    for (const [template, operations] of Object.entries(spec.paths)) {
      const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
      const methods = new Set<string>();
      const withBody = new Set<string>();
      for (const [method, operation] of Object.entries(operations)) {
        methods.add(method.toUpperCase());
        if (operation.requestBody?.content?.["application/json"]) withBody.add(method.toUpperCase());
      }
      this.templates.push({ template, pattern: new RegExp(`^${source}$`), methods, withBody });
    }
    // Literal segments win over parameters ("/messages/@original" over "/messages/{message_id}").
    const params = (template: string): number => template.split("{").length - 1;
    this.templates.sort((a, b) => params(a.template) - params(b.template));
  }

  /** The spec's path template for a concrete path and method. */
  templateOf(method: string, path: string): string | undefined {
    return this.templates.find((entry) => entry.pattern.test(path) && entry.methods.has(method))?.template;
  }

  /** Problems with one request: unknown operation, or a JSON body the spec's request schema rejects. */
  check(request: Pick<RecordedRequest, "method" | "path" | "body">): string[] {
    const entry = this.templates.find((candidate) => candidate.pattern.test(request.path) && candidate.methods.has(request.method));
    if (!entry) return [`${request.method} ${request.path} is not an operation of the Discord API`];
    if (request.body === undefined || !entry.withBody.has(request.method)) return [];
    const key = `${request.method} ${entry.template}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${SPEC_ID}#${pointer(entry.template, request.method.toLowerCase())}` });
      this.validators.set(key, validate);
    }
    if (validate(request.body)) return [];
    return [`${key}: body does not match the spec: ${JSON.stringify(validate.errors?.slice(0, 5))}`];
  }

  /** Problems across a request log (requests to the gateway-info endpoint included). */
  checkAll(requests: readonly RecordedRequest[]): SpecProblem[] {
    return requests.flatMap((request) => this.check(request).map((problem) => ({ method: request.method, path: request.path, problem })));
  }
}
