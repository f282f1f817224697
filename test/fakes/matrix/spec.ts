import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { parse as parseYaml } from "yaml";
import type { RecordedRequest } from "./homeserver.js";
import type { StoredEvent } from "./model.js";

/** The pinned Matrix specification (shared/specs/matrix, beside the repository). */
export const SPEC_ROOT = process.env.MATRIX_SPEC_DIR ?? new URL("../../../../shared/specs/matrix/data/", import.meta.url).pathname;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  fileUrl: string;
  operationId: string;
  requestSchema?: unknown;
  responseSchemas: Map<number, unknown>;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return name.endsWith(".yaml") || name.endsWith(".json") ? [path] : [];
  });
}

function load(path: string): unknown {
  const text = readFileSync(path, "utf8");
  return path.endsWith(".json") ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
}

const MATRIX_FORMATS: Record<string, RegExp> = {
  "mx-user-id": /^@[^:]+:.+$/,
  "mx-room-id": /^![^:]+(:.+)?$/,
  "mx-event-id": /^\$.+$/,
  "mx-server-name": /^[A-Za-z0-9.:[\]-]+$/,
  "mx-mxc-uri": /^mxc:\/\/.+\/.+$/,
  "mx-room-alias": /^#[^:]+:.+$/,
  int64: /^-?\d+$/,
  uri: /^[a-z][a-z0-9+.-]*:.+$/i,
};

/**
 * Checks what a client sent (and what the fake answered) against the pinned Matrix client-server OpenAPI files and
 * event schemas, with Ajv (JSON Schema 2020-12). Unknown endpoints are reported as such.
 */
export class MatrixSpec {
  private readonly ajv: Ajv2020;
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<unknown, ValidateFunction>();

  constructor(root = SPEC_ROOT) {
    this.ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true, logger: false });
    for (const [name, pattern] of Object.entries(MATRIX_FORMATS)) {
      this.ajv.addFormat(name, { type: "string", validate: (value: string) => pattern.test(value) });
    }
    const apiDir = join(root, "api/client-server");
    const eventDir = join(root, "event-schemas/schema");
    for (const file of [...yamlFiles(join(apiDir, "definitions")), ...yamlFiles(eventDir)]) {
      this.ajv.addSchema(load(file) as object, pathToFileURL(file).href);
    }
    for (const file of readdirSync(apiDir).filter((name) => name.endsWith(".yaml"))) {
      const path = join(apiDir, file);
      const doc = load(path) as {
        paths?: Record<string, Record<string, { operationId?: string; requestBody?: { content?: Record<string, { schema?: unknown }> }; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
        servers?: { variables?: { basePath?: { default?: string } } }[];
      };
      const basePath = doc.servers?.[0]?.variables?.basePath?.default ?? "/_matrix/client/v3";
      for (const [template, methods] of Object.entries(doc.paths ?? {})) {
        for (const [method, operation] of Object.entries(methods)) {
          const full = basePath + template;
          const pattern = new RegExp(`^${full.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\/\{stateKey\}$/, "(?:/[^/]*)?").replace(/\{[^}]+\}/g, "[^/]+")}$`);
          const responseSchemas = new Map<number, unknown>();
          for (const [status, response] of Object.entries(operation.responses ?? {})) {
            const schema = response.content?.["application/json"]?.schema;
            if (schema && /^\d+$/.test(status)) responseSchemas.set(Number(status), schema);
          }
          this.operations.push({
            method: method.toUpperCase(),
            template: full,
            pattern,
            fileUrl: pathToFileURL(path).href,
            operationId: operation.operationId ?? `${method} ${full}`,
            requestSchema: operation.requestBody?.content?.["application/json"]?.schema,
            responseSchemas,
          });
        }
      }
    }
  }

  /** The documented operation a request matches (the most specific template), if any. */
  operationFor(method: string, path: string): Operation | undefined {
    const matches = this.operations.filter((operation) => operation.method === method && operation.pattern.test(path));
    return matches.sort((a, b) => literalLength(b.template) - literalLength(a.template))[0];
  }

  private validator(schema: unknown, fileUrl: string, name: string): ValidateFunction {
    const cached = this.compiled.get(schema);
    if (cached) return cached;
    const id = new URL(`__${name.replace(/[^A-Za-z0-9]/g, "_")}_${this.compiled.size}.json`, fileUrl).href;
    const validate = this.ajv.compile({ ...(schema as object), $id: id });
    this.compiled.set(schema, validate);
    return validate;
  }

  /** Problems with one recorded request: undocumented endpoint, or a body the spec does not allow. */
  checkRequest(request: RecordedRequest): string[] {
    const operation = this.operationFor(request.method, request.path);
    if (!operation) return [`${request.method} ${request.path}: not in the client-server API`];
    if (operation.requestSchema === undefined || request.body === undefined) return [];
    const validate = this.validator(operation.requestSchema, operation.fileUrl, `${operation.operationId}_request`);
    return validate(request.body) ? [] : [`${request.method} ${operation.template} request: ${this.ajv.errorsText(validate.errors)}`];
  }

  /** Problems with the response body the fake gave, against the documented response for its status. */
  checkResponse(request: RecordedRequest): string[] {
    const body = request.response;
    const operation = this.operationFor(request.method, request.path);
    const schema = operation?.responseSchemas.get(request.status);
    if (!operation || schema === undefined) return [];
    const validate = this.validator(schema, operation.fileUrl, `${operation.operationId}_${request.status}`);
    return validate(body) ? [] : [`${request.method} ${operation.template} ${request.status} response: ${this.ajv.errorsText(validate.errors)}`];
  }

  /** Problems with a stored event against its event schema (m.room.message by msgtype, m.reaction, state events). */
  checkEvent(event: StoredEvent): string[] {
    const msgtype = typeof event.content.msgtype === "string" ? event.content.msgtype : undefined;
    const name = event.type === "m.room.message" && msgtype ? `m.room.message$${msgtype}` : event.type;
    const file = join(SPEC_ROOT, "event-schemas/schema", `${name}.yaml`);
    const validate = this.ajv.getSchema(pathToFileURL(file).href);
    if (!validate) return [`${event.event_id}: no schema for ${name}`];
    const problems = validate(event) ? [] : [`${event.event_id} (${name}): ${this.ajv.errorsText(validate.errors)}`];
    const relation = event.content["m.relates_to"];
    if (relation !== undefined && (relation as { rel_type?: unknown }).rel_type !== undefined) {
      const relates = this.ajv.getSchema(pathToFileURL(join(SPEC_ROOT, "api/client-server/definitions/m.relates_to.yaml")).href);
      if (relates && !relates(relation)) problems.push(`${event.event_id} m.relates_to: ${this.ajv.errorsText(relates.errors)}`);
    }
    return problems;
  }

  /** Where the spec lives, for messages. */
  describe(): string {
    return relative(process.cwd(), SPEC_ROOT);
  }
}

function literalLength(template: string): number {
  return template.replace(/\{[^}]+\}/g, "").length;
}
