import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { decodeKurrentPosition, encodeKurrentPosition } from '../../../src/store/kurrentdb/position.js';
import { fromStreamState, toStreamState } from '../../../src/store/kurrentdb/kurrentDriver.js';
import { parseKurrentUrl } from '../../../src/store/kurrentdb/url.js';

describe('KurrentDB position tokens', () => {
  const positions = [
    { commit: 0n, prepare: 0n },
    { commit: 4096n, prepare: 4096n },
    { commit: 4096n, prepare: 4200n },
    { commit: 123_456_789_012n, prepare: 123_456_789_000n },
    { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n },
  ];

  it('round-trips commit and prepare positions, and string order is $all order', () => {
    const tokens = positions.map(encodeKurrentPosition);
    expect(tokens.map(decodeKurrentPosition)).toEqual(positions);
    expect(tokens[1]).toBe('00000000000000004096/00000000000000004096');
    expect([...tokens].reverse().sort()).toEqual(tokens);
  });

  it.each(['', '12', '1:2', '-1/2', '1/2/3', `${2n ** 64n}/0`, 'start', '00000000000000000751:0000000000000000042'])(
    'rejects %j with a ValidationError naming the expected form',
    (token) => {
      let err: unknown;
      try {
        decodeKurrentPosition(token);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ path: 'from', message: expect.stringMatching(/<commit position>\/<prepare position>/) as unknown });
    },
  );
});

describe('expected version <-> KurrentDB stream state', () => {
  it('maps expectedVersion to the client streamState', () => {
    expect(toStreamState('any')).toBe('any');
    expect(toStreamState('no_stream')).toBe('no_stream');
    expect(toStreamState('stream_exists')).toBe('stream_exists');
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(41)).toBe(41n);
  });

  it("maps the server's current state back to the port's actual", () => {
    expect(fromStreamState(7n)).toBe(7);
    expect(fromStreamState(0n)).toBe(0);
    expect(fromStreamState('no_stream')).toBe('no_stream');
    expect(fromStreamState(undefined)).toBe('no_stream');
  });
});

describe('parseKurrentUrl', () => {
  it('keeps the connection string for the client and takes out namespace and views', () => {
    expect(parseKurrentUrl('kurrentdb://localhost:2113?tls=false')).toEqual({
      connectionString: 'kurrentdb://localhost:2113?tls=false',
      namespace: '',
      views: undefined,
    });
    expect(parseKurrentUrl(`kurrentdb+discover://admin:changeit@node1:2113,node2:2113?namespace=aigen.&views=${encodeURIComponent('postgres://db/x?schema=v')}&tls=true`)).toEqual({
      connectionString: 'kurrentdb+discover://admin:changeit@node1:2113,node2:2113?tls=true',
      namespace: 'aigen.',
      views: 'postgres://db/x?schema=v',
    });
  });

  it.each([
    ['a non-KurrentDB URL', 'postgres://localhost/x', /not a KurrentDB store URL/],
    ['no host', 'kurrentdb://', /not a KurrentDB store URL/],
    ['a namespace with a space', 'kurrentdb://h:2113?namespace=a%20b', /namespace 'a b'/],
    ['a system namespace', 'kurrentdb://h:2113?namespace=$x', /must not start with \$/],
  ])('rejects %s', (_name, url, message) => {
    expect(() => parseKurrentUrl(url)).toThrow(message);
  });

  it('masks the password in its messages', () => {
    expect(() => parseKurrentUrl('kurrentdb:/admin:secret@h')).toThrow(/^(?!.*secret)/s);
  });
});
