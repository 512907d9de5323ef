/**
 * Lets queued events (incoming messages, timers) run before continuing. A resolved promise only drains
 * microtasks, and setTimeout(0) is clamped to ≥ 4 ms when nested, so this uses `scheduler.yield` where it
 * exists, `setImmediate` in Node (a MessagePort there drains up to 1,000 queued messages in one go, which
 * would starve timers), and a MessageChannel round trip otherwise (unclamped in browsers and workers).
 */
let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { scheduler?: { yield?: () => Promise<void> }; setImmediate?: (f: () => void) => unknown };
  if (g.scheduler?.yield) return g.scheduler.yield();
  if (g.setImmediate) return new Promise((resolve) => g.setImmediate!(resolve));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(null);
  });
}
