export { StatusSnapshots, statusReader, type StatusReader } from './status-reader';
