// The life of the current view: its timers end, and its late responses are dropped, when the
// operator navigates away.
import { ApiError } from "./api.js";
import { flash } from "./dom.js";

const REFRESH_MS = 2000;

/** @type {Array<() => void>} */
let cleanups = [];
/** Incremented on every navigation so that late responses of an old view are dropped. */
let generation = 0;

/** Ends the current view: runs its cleanups; its pending responses are ignored from now on. */
export function stopView() {
  generation += 1;
  for (const fn of cleanups) fn();
  cleanups = [];
}

/**
 * A handle on the view being shown: `alive()` is false once the operator has left it.
 * @returns {{ alive: () => boolean }}
 */
export function currentView() {
  const mine = generation;
  return { alive: () => mine === generation };
}

/** @param {() => void} fn runs when the current view ends */
export function onViewEnd(fn) {
  cleanups.push(fn);
}

/**
 * Runs `fn` now and every REFRESH_MS until the view changes; never overlaps itself. Errors are
 * flashed (a 401 is not: the page is back at the login by then).
 * @param {() => Promise<void>} fn
 */
export function every(fn) {
  const view = currentView();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const tick = async () => {
    try {
      await fn();
    } catch (err) {
      if (view.alive() && !(err instanceof ApiError && err.status === 401)) flash(messageOf(err), "error");
    }
    if (view.alive()) timer = setTimeout(tick, REFRESH_MS);
  };
  onViewEnd(() => clearTimeout(timer));
  void tick();
}

/** @param {unknown} err */
export function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}
