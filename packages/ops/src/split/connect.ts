import postgres, { type Sql } from 'postgres';

/** One connection for split work: simple protocol, no notices, UTC text output. */
export function connectForSplit(url: string): Sql {
  return postgres(url, {
    max: 1,
    prepare: false,
    connect_timeout: 10,
    onnotice: () => {},
    connection: {
      TimeZone: 'UTC',
      DateStyle: 'ISO, YMD',
      extra_float_digits: '1',
      application_name: 'drizzle-shard-split',
    },
  });
}
