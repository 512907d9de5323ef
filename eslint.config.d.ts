/** Types of eslint.config.js for the unit test that walks the page's import graph (src/mainThread.test.ts). */
export declare const MAIN_THREAD_MAY_LOAD: readonly string[];
declare const config: unknown;
export default config;
