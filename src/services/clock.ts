/** The time source of the services, replaceable in tests (e.g. to move 24 h forward). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
