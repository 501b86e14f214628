import { describe, expect, it } from 'vitest';
import { parseCollectorConfig } from '../../config/collector.js';
import { defaultDeployment } from '../../config/deployment.js';

describe('deployment id', () => {
  it('defaults to the first label of the host name, lower-cased, made an id', () => {
    expect(defaultDeployment('NOC-Tangerang.kab.go.id')).toBe('noc-tangerang');
    expect(defaultDeployment('srv pantau#1')).toBe('srv-pantau-1');
    expect(defaultDeployment('---')).toBe('pantau');
  });

  it('is read from the config, and a config without it gets the default', () => {
    expect(parseCollectorConfig('a.yaml', 'deployment: kab-tangerang\n').deployment).toBe('kab-tangerang');
    expect(parseCollectorConfig('b.yaml', 'timezone: Asia/Jakarta\n').deployment).toBe(defaultDeployment());
  });
});
