import { describe, expect, it } from 'vitest';
import { DrizzleShardError, redactText, shardedDrizzle } from '../src/index.ts';

describe('connection strings are redacted', () => {
  it('in free text: URL passwords and password= settings', () => {
    expect(redactText('connect postgres://app:hunter2@db:5432/app failed')).toBe(
      'connect postgres://app:***@db:5432/app failed',
    );
    expect(redactText('host=db password=hunter2 user=app')).toBe('host=db password=*** user=app');
    expect(redactText('postgres://app@db/app')).toBe('postgres://app@db/app');
  });

  it('in every DrizzleShardError message', () => {
    const error = new DrizzleShardError('CONFIG_INVALID', 'bad node postgresql://u:s3cret@h/d');
    expect(error.message).not.toContain('s3cret');
  });

  it('a bad configuration fails with CONFIG_INVALID', () => {
    expect(() => shardedDrizzle({ schema: {}, shards: [] })).toThrowError(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
