import { describe, expect, it } from 'vitest';
import { decideBroker, parseNetworkPolicy, splitHostPort } from '../src/network-policy.ts';

describe('decideBroker: may this broker be contacted', () => {
  const allow = parseNetworkPolicy('127.0.0.1/32, 10.0.0.0/8, *.kafka.internal, broker.example');
  it.each([
    // [host, resolved, policy, allowed]
    ['169.254.169.254', [], null, false], // cloud metadata: always refused
    ['169.254.0.1', [], null, false],
    ['metadata.attacker', ['169.254.169.254'], null, false], // a name resolving there too
    ['fd00:ec2::254', [], null, false],
    ['[fd00:ec2::254]', [], null, false],
    ['fe80::1', [], null, false],
    ['::ffff:169.254.169.254', [], null, false],
    ['0.0.0.0', [], null, false],
    ['127.0.0.1', [], null, true], // no allowlist: anything else goes
    ['kafka.corp', ['10.1.2.3'], null, true],
    ['unresolvable', [], null, false],
    ['127.0.0.1', [], allow, true],
    ['127.0.0.3', [], allow, false], // loopback outside the allowlist
    ['10.200.0.1', [], allow, true],
    ['192.168.1.5', [], allow, false],
    ['b1.kafka.internal', ['192.168.9.9'], allow, true], // host pattern
    ['kafka.internal', ['192.168.9.9'], allow, false], // "*." needs a label in front
    ['evilkafka.internal', ['192.168.9.9'], allow, false],
    ['broker.example', ['203.0.113.1'], allow, true],
    ['b1.kafka.internal', ['169.254.169.254'], allow, false], // metadata beats the allowlist
    ['other.example', ['10.0.0.7', '192.168.0.1'], allow, false], // every address must be allowed
    ['other.example', ['10.0.0.7'], allow, true],
  ] as [string, string[], ReturnType<typeof parseNetworkPolicy>, boolean][])(
    '%s %j → %s',
    (host, resolved, policy, want) => {
      expect(decideBroker(host, resolved, policy).ok).toBe(want);
    },
  );

  it('parses the allowlist and refuses nonsense', () => {
    expect(parseNetworkPolicy('')).toBeNull();
    expect(parseNetworkPolicy('10.0.0.1')).toEqual({ cidrs: ['10.0.0.1/32'], hosts: [] });
    expect(() => parseNetworkPolicy('10.0.0.0/33')).toThrow(/bad CIDR/);
    expect(() => parseNetworkPolicy('http://x')).toThrow(/neither/);
  });

  it.each([
    ['127.0.0.1:9092', { host: '127.0.0.1', port: 9092 }],
    ['[::1]:9092', { host: '::1', port: 9092 }],
    ['kafka:9092', { host: 'kafka', port: 9092 }],
    ['kafka', null],
  ])('splitHostPort(%s)', (s, want) => expect(splitHostPort(s)).toEqual(want));
});
