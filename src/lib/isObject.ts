/** A JSON object (not null, not an array): the first check on any untrusted document. */
export const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
