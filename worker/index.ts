export { createAccessWorker, type AccessWorkerOptions } from './create-worker';
