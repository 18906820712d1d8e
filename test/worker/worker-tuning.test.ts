import { workerTuning } from '../../worker/tuning';

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
