import type { ChatAdapter } from "../../src/core/adapter.js";
import { MatrixAdapter, type MatrixAdapterOptions } from "./adapter.js";

export { MatrixAdapter, MATRIX_CAPABILITIES, type MatrixAdapterOptions, type MatrixSecrets } from "./adapter.js";
export { ENCRYPTED_ROOM_NOTICE } from "./encryption-notices.js";
export { matrixConfigSchema, type MatrixConfig } from "./config.js";

/** Creates Liaison's Matrix adapter; nothing connects until start(). */
export function createMatrixAdapter(options: MatrixAdapterOptions): ChatAdapter & MatrixAdapter {
  return new MatrixAdapter(options);
}
