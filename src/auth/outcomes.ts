// Login and refresh outcomes, published on diagnostics channels for whoever counts them (metrics).
// Publishing costs nothing while nobody subscribes.
import diagnosticsChannel from 'node:diagnostics_channel';

export type LoginOutcome = 'succeeded' | 'failed' | 'throttled' | 'disabled';
export type RefreshOutcome = 'rotated' | 'grace' | 'reused' | 'invalid';

const loginChannel = diagnosticsChannel.channel('jotter:login');
const refreshChannel = diagnosticsChannel.channel('jotter:refresh');

export function publishLoginOutcome(outcome: LoginOutcome): void {
  if (loginChannel.hasSubscribers) loginChannel.publish({ outcome });
}

export function publishRefreshOutcome(outcome: RefreshOutcome): void {
  if (refreshChannel.hasSubscribers) refreshChannel.publish({ outcome });
}
