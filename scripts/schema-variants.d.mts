/** A database Liaison supports. */
export type SchemaProvider = "sqlite" | "postgresql";

/** The repository's root directory. */
export declare const rootDir: string;

/** Path of the source schema. */
export declare const sourceSchemaPath: string;

/** The databases Liaison supports; each has its own generated client and migrations folder. */
export declare const providers: readonly SchemaProvider[];

/** Reads the source schema. */
export declare function readSourceSchema(): string;

/**
 * Derives the schema text for one provider from the source schema text: only the datasource's `provider` and the
 * client generator's `output` (src/store/generated/<provider>) change.
 */
export declare function schemaFor(provider: SchemaProvider, text?: string): string;
