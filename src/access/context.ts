import type { LifecycleContext } from '../domain/lifecycle/context';

/** The database, the clock and who acts (a staff token id, or `bootstrap`): what every write of src/access/ takes. */
export type AccessContext = Pick<LifecycleContext, 'db' | 'clock' | 'actor'>;
