/**
 * What the photographer is looking at goes first: the photo open in the loupe, and the photos of a
 * batch action (a preset, an upload, a re-analysis on a selection), ahead of the background backlog
 * in every stage. A lane adds its boost to the priority of every unfinished job about its subjects,
 * and to every job queued about them while they stay in the lane; leaving the lane takes it off again.
 * Base priorities are small (-1..1), so a boosted job sorts ahead of all of them.
 */
export const LANE_BOOST = { open: 2000, selection: 1000 } as const;
export type FocusLane = keyof typeof LANE_BOOST;

/** Jobs at or above this priority may take one slot beyond their kind's limit: the open photo must not wait for a slot. */
export const URGENT_PRIORITY = LANE_BOOST.open - LANE_BOOST.selection / 2;

/** The most subjects one selection holds: a batch of a whole 10,000-photo library still fits. */
const MAX_SELECTION = 20_000;

type PriorityShift = { subjects: string[]; delta: number };

/** What the lanes change in the stored jobs (JobsRepo.shiftPriority and dropBoosts). */
export type LaneStore = {
  /** Adds `delta` to the priority of the subjects' unfinished jobs; returns how many moved. */
  shift(subjects: string[], delta: number): number;
  /** Takes every boost (whole multiples of `step`) off the unfinished jobs. */
  drop(step: number): number;
};

/** Which subjects are in which lane, kept in step with the stored jobs' priorities. */
export class FocusLanes {
  #open: string | null = null;
  #selection = new Set<string>();
  readonly #store: LaneStore;

  constructor(store: LaneStore) {
    this.#store = store;
  }

  /** `open`: the first subject (none: the loupe closed); `selection`: replaces the last batch. Returns the jobs moved. */
  set(lane: FocusLane, subjects: string[]): number {
    return this.#apply(lane === 'open' ? this.#setOpen(subjects[0] ?? null) : this.#setSelection(subjects));
  }

  /** At start: boosts a crash left on stored jobs go; what this run has open or selected keeps its own. */
  restore(): void {
    this.#store.drop(LANE_BOOST.selection);
    this.#apply(this.#current());
  }

  #apply(shifts: PriorityShift[]): number {
    let moved = 0;
    for (const shift of shifts) moved += this.#store.shift(shift.subjects, shift.delta);
    return moved;
  }

  /** What enqueueing a job about `subject` adds to its priority now. */
  boost(subject: string | null): number {
    if (subject === null) return 0;
    return (subject === this.#open ? LANE_BOOST.open : 0) + (this.#selection.has(subject) ? LANE_BOOST.selection : 0);
  }

  #setOpen(subject: string | null): PriorityShift[] {
    if (subject === this.#open) return [];
    const shifts: PriorityShift[] = [];
    if (this.#open !== null) shifts.push({ subjects: [this.#open], delta: -LANE_BOOST.open });
    if (subject !== null) shifts.push({ subjects: [subject], delta: LANE_BOOST.open });
    this.#open = subject;
    return shifts;
  }

  #setSelection(subjects: string[]): PriorityShift[] {
    const next = new Set(subjects.slice(0, MAX_SELECTION));
    const left = [...this.#selection].filter((s) => !next.has(s));
    const joined = [...next].filter((s) => !this.#selection.has(s));
    this.#selection = next;
    return [
      ...(left.length ? [{ subjects: left, delta: -LANE_BOOST.selection }] : []),
      ...(joined.length ? [{ subjects: joined, delta: LANE_BOOST.selection }] : []),
    ];
  }

  #current(): PriorityShift[] {
    return [
      ...(this.#open !== null ? [{ subjects: [this.#open], delta: LANE_BOOST.open }] : []),
      ...(this.#selection.size ? [{ subjects: [...this.#selection], delta: LANE_BOOST.selection }] : []),
    ];
  }
}
