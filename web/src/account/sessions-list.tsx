// Where the account is signed in: device, address, when it was last used, this device marked.
// Any other session can be logged out, or all of them at once.
import { useEffect, useState } from 'preact/hooks';
import { api, unwrap } from '../api/client.ts';
import type { Session } from '../api/types.ts';
import { signOut } from '../auth/auth-state.ts';
import { Loading } from '../ui/page.tsx';
import { formatDateTime, timeAgo } from '../ui/time.ts';
import { reportError, showToast } from '../ui/toasts.tsx';
import { describeDevice } from './user-agent.ts';

function SessionItem({
  session,
  onLogOut,
}: {
  session: Session;
  onLogOut: (session: Session) => void;
}) {
  const device = describeDevice(session.user_agent);
  return (
    <li class={`session${session.current ? ' current' : ''}`}>
      <div>
        <strong>{device}</strong>
        {session.current && <span class="badge">This device</span>}
        <div class="meta-line">
          <span>{session.ip ?? 'Unknown address'}</span>
          <span>
            Last used{' '}
            <time dateTime={session.last_used_at} title={formatDateTime(session.last_used_at)}>
              {timeAgo(session.last_used_at)}
            </time>
          </span>
          <span>
            Signed in{' '}
            <time dateTime={session.created_at} title={formatDateTime(session.created_at)}>
              {timeAgo(session.created_at)}
            </time>
          </span>
        </div>
      </div>
      <button
        type="button"
        class="secondary outline small"
        aria-label={
          session.current
            ? 'Log out on this device'
            : `Log out ${device} (${session.ip ?? 'unknown address'})`
        }
        onClick={() => onLogOut(session)}
      >
        Log out
      </button>
    </li>
  );
}

export function SessionsList({ reloadKey }: { reloadKey: number }) {
  const [sessions, setSessions] = useState<Session[] | undefined>();
  const [busy, setBusy] = useState(false);

  async function load(): Promise<void> {
    try {
      setSessions((await unwrap(api.GET('/api/v1/auth/sessions'))).items);
    } catch (error) {
      reportError(error);
    }
  }
  useEffect(() => void load(), [reloadKey]);

  async function logOut(session: Session): Promise<void> {
    if (session.current) {
      await signOut().catch(reportError);
      return;
    }
    try {
      await unwrap(
        api.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id: session.id } } }),
      );
      setSessions((list) => list?.filter((s) => s.id !== session.id));
      showToast(`Logged out ${describeDevice(session.user_agent)}`);
    } catch (error) {
      reportError(error);
      await load();
    }
  }

  async function logOutOthers(): Promise<void> {
    setBusy(true);
    try {
      await unwrap(api.POST('/api/v1/auth/logout', { body: { scope: 'others' } }));
      const others = sessions?.filter((s) => !s.current).length ?? 0;
      showToast(
        others === 1 ? 'Logged out 1 other session' : `Logged out ${others} other sessions`,
      );
      await load();
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  }

  const others = sessions?.filter((s) => !s.current).length ?? 0;
  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are logged in</h2>
      {!sessions ? (
        <Loading label="Loading sessions…" />
      ) : (
        <ul class="sessions">
          {sessions.map((session) => (
            <SessionItem key={session.id} session={session} onLogOut={(s) => void logOut(s)} />
          ))}
        </ul>
      )}
      <button
        type="button"
        class="secondary"
        aria-busy={busy}
        disabled={busy || others === 0}
        onClick={() => void logOutOthers()}
      >
        Log out everywhere else
      </button>
    </section>
  );
}
