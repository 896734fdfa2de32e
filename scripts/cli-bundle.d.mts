// Types for the TypeScript callers of cli-bundle.mjs (the benchmarks).
export declare const BUNDLE_DIR: string;
export declare function freshBundle(): string | undefined;
export declare function buildBundle(): Promise<string>;
export declare function bundleEntry(entry: string): Promise<string>;
export declare function removeBundle(): void;
