/**
 * Where a part of the runtime reports its events: the db's `events` emitter, seen through the
 * part's own event map (each folder declares what it emits; `driver/events.ts` joins them).
 */
export interface EventSink<TEventMap> {
  emit<K extends keyof TEventMap & string>(event: K, ...args: TEventMap[K] & unknown[]): boolean;
}
