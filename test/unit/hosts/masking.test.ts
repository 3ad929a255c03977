import { SecretMask } from '../../../shared/src/hosts/masking';

describe('SecretMask', () => {
  test('replaces every occurrence of a registered value', () => {
    const m = new SecretMask();
    m.add('hunter2-secret');
    expect(m.apply('a hunter2-secret b hunter2-secret')).toBe('a *** b ***');
  });

  test('ignores empty and very short values, which would mask ordinary words', () => {
    const m = new SecretMask();
    m.add(undefined);
    m.add('');
    m.add('abc');
    m.add('  ab  ');
    expect(m.size).toBe(0);
    expect(m.apply('abc ab')).toBe('abc ab');
    m.add('abcd');
    expect(m.apply('abcd abc')).toBe('*** abc');
  });

  test('masks the trimmed value', () => {
    const m = new SecretMask();
    m.add('  padded-secret\n');
    expect(m.apply('x padded-secret y')).toBe('x *** y');
  });

  test('a secret containing another is masked whole (longest first)', () => {
    const m = new SecretMask();
    m.add('token');
    m.add('my-token-value');
    expect(m.apply('my-token-value and token')).toBe('*** and ***');
  });

  test('multi-line secrets are masked whole and line by line (lines of 8+ characters)', () => {
    const m = new SecretMask();
    const pem = '-----BEGIN KEY-----\r\nAAAABBBBCCCC\nshort\n-----END KEY-----';
    m.add(pem);
    expect(m.apply(`cert:\n${pem}`)).toBe('cert:\n***');
    expect(m.apply('line AAAABBBBCCCC here')).toBe('line *** here');
    expect(m.apply('short')).toBe('short');
  });
});
