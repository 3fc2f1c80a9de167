/** Data and load sizes per `--scale`; `tiny` is for the test, `small` (default) for a first look. */
export interface DemoScale {
  readonly name: 'tiny' | 'small' | 'medium';
  /** Concurrent clients that each open their own connection (stage 1). */
  readonly connectionClients: number;
  /** Requests in the read/write mix (stage 2). */
  readonly mixRequests: number;
  /** Password-change trials (stage 3). */
  readonly staleTrials: number;
  /** Orders in the index stage, and how many belong to the one hot user (stage 4). */
  readonly orders: number;
  readonly hotUserOrders: number;
  /** Analytics events over all shards, about half older than 90 days (stage 5). */
  readonly events: number;
  /** Seconds of write load per configuration (stage 6). */
  readonly writeSeconds: number;
}

export const SCALES: Record<DemoScale['name'], DemoScale> = {
  tiny: {
    name: 'tiny',
    connectionClients: 40,
    mixRequests: 400,
    staleTrials: 30,
    orders: 20_000,
    hotUserOrders: 2_000,
    events: 20_000,
    writeSeconds: 1,
  },
  small: {
    name: 'small',
    connectionClients: 80,
    mixRequests: 3_000,
    staleTrials: 200,
    orders: 300_000,
    hotUserOrders: 10_000,
    events: 200_000,
    writeSeconds: 3,
  },
  medium: {
    name: 'medium',
    connectionClients: 150,
    mixRequests: 10_000,
    staleTrials: 1_000,
    orders: 1_000_000,
    hotUserOrders: 20_000,
    events: 1_000_000,
    writeSeconds: 8,
  },
};
