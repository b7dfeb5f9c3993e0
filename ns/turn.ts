/*
 * Everything in-process shares one event loop, and a pipe between two in-process commands
 * can run for ever on promise continuations alone (`cat /dev/zero | wc -c`), which starves
 * signals, timers and the terminal. So every "system call" of an in-process command (a
 * read or write on a descriptor, a pipe transfer) asks whether the loop has had a turn in
 * the last SLICE ms, and if not, gives it one with setImmediate (which runs after the
 * poll phase: signals and I/O land). A turn every few milliseconds costs a few per cent at
 * most, and an interrupt lands well inside 100 ms.
 */
const SLICE = 8;
let lastTurn = performance.now();
let calls = 0;

/** True when in-process work has held the loop for more than a slice. */
export function turnDue(): boolean {
  // performance.now() is cheap but not free: look at the clock every 16th call.
  if ((++calls & 15) !== 0) return false;
  return performance.now() - lastTurn >= SLICE;
}

/** Give the event loop a turn. */
export function yieldTurn(): Promise<void> {
  return new Promise<void>((res) =>
    setImmediate(() => {
      lastTurn = performance.now();
      res();
    }),
  );
}
