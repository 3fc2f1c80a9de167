import postgres, { type Sql } from 'postgres';

/**
 * One connection for fleet operations (archive, split): simple protocol, no notices, and text
 * output that does not depend on the server's defaults (UTC, ISO dates, exact floats), since
 * values are compared and copied as text.
 */
export function connectOps(url: string, applicationName: string): Sql {
  return postgres(url, {
    max: 1,
    prepare: false,
    connect_timeout: 10,
    onnotice: () => {},
    connection: {
      TimeZone: 'UTC',
      DateStyle: 'ISO, YMD',
      IntervalStyle: 'postgres',
      extra_float_digits: '1',
      application_name: applicationName,
    },
  });
}
