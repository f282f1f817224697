import { z } from "zod";

/** The `platforms.matrix` section of the configuration (secrets come from the environment, not from here). */
export const matrixConfigSchema = z.strictObject({
  enabled: z.boolean(),
});

/** Validated `platforms.matrix` configuration. */
export type MatrixConfig = z.infer<typeof matrixConfigSchema>;
