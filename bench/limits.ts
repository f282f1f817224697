// Benchmarks keep the rate limits counted (their statements are part of what is measured) with ceilings no run reaches.
import type { LoadedConfig } from "../src/config/load.js";
import { LIMIT_NAMES } from "../src/limits/settings.js";

const UNREACHED = 1_000_000_000;

/** The configuration with every limit still counted, and ceilings that no benchmark reaches. */
export function withUnreachedCeilings(loaded: LoadedConfig): LoadedConfig {
  const limits = { ...loaded.config.limits, enabled: true };
  for (const name of LIMIT_NAMES) limits[name] = { ...limits[name], account: UNREACHED, coordinator: UNREACHED, organisation: UNREACHED };
  return { ...loaded, config: { ...loaded.config, limits } };
}
