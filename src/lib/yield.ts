/**
 * Lets queued events (incoming messages, timers) run before continuing. A resolved promise only drains
 * microtasks, and setTimeout(0) is clamped to ≥ 4 ms when nested. `scheduler.yield()` is not used: its
 * continuation runs ahead of other queued tasks, so a worker's incoming messages (pause, stop) starved.
 * Node uses setImmediate (a MessagePort there drains up to 1,000 queued messages in one go, which would
 * starve timers); browsers and workers use a MessageChannel round trip, a plain task in FIFO order.
 */
let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
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
