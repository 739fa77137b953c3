/** `catchall/client`: the typed client for tests and the in-process starter. */
export {
  CatchallClient,
  CatchallError,
  type CatchallClientOptions,
  type WaitOptions,
} from './catchall-client.ts';
export { startCatchall, type StartCatchallOptions, type StartedCatchall } from './start-catchall.ts';
export type * from './client-types.ts';
