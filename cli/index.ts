export { buildProgram } from './program';
export { runCli } from './run';
export { EXIT } from './exit-codes';
