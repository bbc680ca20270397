import { describe, expect, it } from 'vitest';
import { StageMeter } from './stage-meter.ts';

describe('StageMeter', () => {
  it('shares the CPU spent between settlements among the jobs running then', () => {
    let cpu = 0;
    const meter = new StageMeter(() => cpu);
    cpu += 5; // nothing running: idle
    meter.started('analyze');
    cpu += 300; // analyze alone
    meter.started('render');
    meter.started('render');
    cpu += 90; // one analyze, two renders: 30 each
    meter.finished('analyze', 400);
    cpu += 20; // two renders: 10 each
    meter.finished('render', 120);
    meter.finished('render', 130);
    const { stages, idleCpuMs } = meter.report();
    expect(idleCpuMs).toBe(5);
    expect(stages.analyze).toEqual({ finished: 1, busyMs: 400, cpuMs: 330 });
    expect(stages.render).toEqual({ finished: 2, busyMs: 250, cpuMs: 80 });
  });
});
