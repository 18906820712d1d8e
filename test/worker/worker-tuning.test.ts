import { workerMetricsAddress, workerTuning } from '../../worker/tuning';

describe('workerTuning (the worker\'s task slots from the environment)', () => {
  test('unset or empty keeps the SDK\'s defaults', () => {
    expect(workerTuning({})).toEqual({});
    expect(workerTuning({ GATEHOUSE_WORKER_ACTIVITY_SLOTS: '', GATEHOUSE_WORKER_WORKFLOW_TASK_SLOTS: ' ' })).toEqual({});
  });

  test('sets the SDK options it names', () => {
    expect(workerTuning({ GATEHOUSE_WORKER_ACTIVITY_SLOTS: '10', GATEHOUSE_WORKER_WORKFLOW_TASK_SLOTS: '20' }))
      .toEqual({ maxConcurrentActivityTaskExecutions: 10, maxConcurrentWorkflowTaskExecutions: 20 });
  });

  test.each([
    ['GATEHOUSE_WORKER_ACTIVITY_SLOTS', '0'],
    ['GATEHOUSE_WORKER_ACTIVITY_SLOTS', '-5'],
    ['GATEHOUSE_WORKER_ACTIVITY_SLOTS', '2.5'],
    ['GATEHOUSE_WORKER_ACTIVITY_SLOTS', 'ten'],
    ['GATEHOUSE_WORKER_ACTIVITY_SLOTS', '1e3'],
    ['GATEHOUSE_WORKER_ACTIVITY_SLOTS', '10001'],
    // the SDK refuses a single workflow task slot with a workflow cache
    ['GATEHOUSE_WORKER_WORKFLOW_TASK_SLOTS', '1'],
  ])('%s=%s is refused, naming the variable and the value', (name, value) => {
    expect(() => workerTuning({ [name]: value })).toThrow(new RegExp(`^${name} must be a whole number from \\d+ to 10000 .*got "${value.replace('.', '\\.')}"`));
  });
});

describe('workerMetricsAddress (where the worker serves its SDK metrics)', () => {
  test('unset or empty serves none; host:port is taken as it is', () => {
    expect(workerMetricsAddress({})).toBeUndefined();
    expect(workerMetricsAddress({ GATEHOUSE_WORKER_METRICS_ADDRESS: ' ' })).toBeUndefined();
    expect(workerMetricsAddress({ GATEHOUSE_WORKER_METRICS_ADDRESS: '127.0.0.1:9464' })).toBe('127.0.0.1:9464');
    expect(workerMetricsAddress({ GATEHOUSE_WORKER_METRICS_ADDRESS: ' 0.0.0.0:9464 ' })).toBe('0.0.0.0:9464');
    expect(workerMetricsAddress({ GATEHOUSE_WORKER_METRICS_ADDRESS: '[::1]:9464' })).toBe('[::1]:9464');
  });

  test.each(['9464', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', 'http://127.0.0.1:9464', 'a b:1'])('%s is refused, naming the variable and the value', (value) => {
    expect(() => workerMetricsAddress({ GATEHOUSE_WORKER_METRICS_ADDRESS: value })).toThrow(/^GATEHOUSE_WORKER_METRICS_ADDRESS must be host:port .*got "/);
  });
});
