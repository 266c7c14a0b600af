import { describe, expect, it } from 'vitest';
import { classifyAddress, refusalReason } from '../../src/net/address-policy.js';

describe('classifyAddress', () => {
  it.each([
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['[fe80::a9fe:a9fe]', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['fd00:ec2::254', 'cloud-metadata'],
    ['100.100.100.200', 'cloud-metadata'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['::', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['ff02::1', 'reserved'],
    ['::169.254.169.254', 'reserved'],
    ['not-an-ip', 'reserved'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['169.253.255.255', 'public'],
    ['2606:4700:4700::1111', 'public'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe('refusalReason', () => {
  it('always refuses link-local and cloud metadata addresses', () => {
    for (const policy of [{}, { denyPrivate: false }, { denyPrivate: true }]) {
      expect(refusalReason('169.254.169.254', policy)).toBe('a link-local address (cloud metadata range)');
      expect(refusalReason('fe80::1', policy)).toBe('a link-local address (cloud metadata range)');
      expect(refusalReason('fd00:ec2::254', policy)).toBe('a cloud metadata address');
    }
  });

  it('allows loopback and private destinations unless denyPrivate is set', () => {
    for (const address of ['127.0.0.1', '::1', '10.0.0.5', '192.168.0.10', 'fd12::1', '224.0.0.1']) {
      expect(refusalReason(address, {})).toBeNull();
      expect(refusalReason(address, { denyPrivate: true })).toMatch(/^a (loopback|private|reserved) address$/);
    }
  });

  it('allows public addresses under either policy', () => {
    expect(refusalReason('8.8.8.8', { denyPrivate: true })).toBeNull();
    expect(refusalReason('2606:4700:4700::1111', { denyPrivate: true })).toBeNull();
  });
});
