// Types of scripts/build-stamp.mjs, for the TypeScript code that imports it (tests, benchmarks).

/** The build's directory, relative to the repository's root (git-ignored). */
export declare const BUILD_DIR: string;
/** The stamp's file name inside BUILD_DIR. */
export declare const STAMP_FILE: string;

/** A build stamp: one hash per input file and one over all of them. */
export interface BuildStamp {
  hash: string;
  files: Record<string, string>;
  builtAt?: string;
}

/** The build's inputs, relative to `rootDir` with "/" separators, sorted. */
export declare function buildInputs(rootDir: string): string[];
/** The stamp of the sources as they are now. */
export declare function computeStamp(rootDir: string): BuildStamp;
/** Reads the stamp of the build in `rootDir`/dist, or undefined when there is no (complete) build. */
export declare function readStamp(rootDir: string): BuildStamp | undefined;
/** Why the compiled build in `rootDir` must not run, or undefined when it matches the sources. */
export declare function buildProblem(rootDir: string): string | undefined;
