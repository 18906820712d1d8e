import { buildProgram, COMMAND_GROUPS } from '../../cli/program';
import type { CliRun } from '../support/cli';

// Runs without the test stack: GATEHOUSE_STACK=none npx jest test/cli/command-groups.test.ts

/** The parts of Gatehouse that only some commands use, each a heavy load (a native library, an SDK). */
const PARTS = ['../../worker', '../../proxy', '../../api', '../../slack-app', '../../audit', '../../devstack/slack'] as const;
const except = (...used: string[]) => PARTS.filter((p) => !used.includes(p));

describe('the gatehouse command loads only the command group it runs', () => {
  test.each([
    { argv: ['status', 'nope'], code: 2, banned: except() },
    { argv: ['request', '--help'], code: 0, banned: except() },
    { argv: ['gateway', '--help'], code: 0, banned: except('../../proxy', '../../audit') },
    { argv: ['api', '--help'], code: 0, banned: except('../../api', '../../audit') },
    { argv: ['devstack', 'snowflake', '--help'], code: 0, banned: except() },
    { argv: ['config', 'check', '--help'], code: 0, banned: except() },
  ])('gatehouse $argv loads none of $banned', async ({ argv, code, banned }) => {
    let run: CliRun | undefined;
    // A registry of its own, where loading a banned part throws; the mocks end with the case.
    for (const part of banned) jest.doMock(part, () => { throw new Error(`gatehouse ${argv.join(' ')} loaded ${part}`); });
    try {
      await jest.isolateModulesAsync(async () => {
        const { runGatehouse } = jest.requireActual<typeof import('../support/cli')>('../support/cli');
        run = await runGatehouse(argv);
      });
    } finally {
      for (const part of banned) jest.dontMock(part);
    }
    expect(run).toMatchObject({ code });
  });

  test('each group declares exactly the commands it registers, and without a command every group is there in order', () => {
    const names = (argv?: string[]) => buildProgram(argv).commands.map((c) => c.name());
    expect(names()).toEqual(COMMAND_GROUPS.flatMap((g) => g.commands));
    for (const group of COMMAND_GROUPS) {
      for (const command of group.commands) expect({ command, registers: names([command, '--help']) }).toEqual({ command, registers: group.commands });
    }
    expect(names(['--help'])).toEqual(names());
    expect(names(['help', 'status'])).toEqual(names());
    expect(names(['no-such-command'])).toEqual(names());
  });
});
