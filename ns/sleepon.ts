/*
 * Waiting in a queue's list of sleepers when the waiter may give up: a flushed 9P read, an
 * interrupted reader. When the signal fires the sleeper is taken out of the list and the
 * wait fails with `interrupted`, so it is never woken to take data nobody will see. A
 * woken sleeper must still look at the signal before it takes anything (the wake and the
 * abort may land in the same turn).
 */
import { Eintr } from './errors.js';
import { NsError, type Signal } from './types.js';

/** Push a sleeper made by make onto list and wait until it is woken (or failed), or signal fires. */
export function sleepOn<W>(list: W[], make: (wake: () => void, fail: (e: Error) => void) => W, signal?: Signal): Promise<void> {
  if (!signal) return new Promise((wake, fail) => void list.push(make(wake, fail)));
  if (signal.aborted) return Promise.reject(new NsError(Eintr));
  return new Promise((wake, fail) => {
    const gaveUp = (): void => {
      const i = list.indexOf(w);
      if (i >= 0) list.splice(i, 1);
      fail(new NsError(Eintr));
    };
    const w = make(
      () => {
        signal.removeEventListener('abort', gaveUp);
        wake();
      },
      (e) => {
        signal.removeEventListener('abort', gaveUp);
        fail(e);
      },
    );
    list.push(w);
    signal.addEventListener('abort', gaveUp, { once: true });
  });
}

/** Fail with `interrupted` when signal has fired: for a sleeper just woken, before it takes anything. */
export function checkSignal(signal?: Signal): void {
  if (signal?.aborted) throw new NsError(Eintr);
}

/**
 * Wait for work, or fail with `interrupted` as soon as signal fires. The work is not
 * stopped (it is someone else's: a read ahead, a dial), only no longer waited for.
 */
export function unlessInterrupted<T>(work: Promise<T>, signal?: Signal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new NsError(Eintr));
  return new Promise<T>((resolve, reject) => {
    const gaveUp = (): void => reject(new NsError(Eintr));
    signal.addEventListener('abort', gaveUp, { once: true });
    work.then(
      (v) => (signal.removeEventListener('abort', gaveUp), resolve(v)),
      (e) => (signal.removeEventListener('abort', gaveUp), reject(e)),
    );
  });
}
