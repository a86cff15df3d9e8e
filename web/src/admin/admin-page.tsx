// /admin, for administrators: every account with a search, and for each one disable or enable
// (disabling logs it out everywhere) and delete, which asks for a confirmation first.
import { useEffect, useState } from 'preact/hooks';
import { currentUser } from '../auth/auth-state.ts';
import { useStore } from '../lib/store.ts';
import { usePagedList } from '../lib/use-paged-list.ts';
import { location, replaceQuery } from '../router.tsx';
import { LoadMore } from '../ui/load-more.tsx';
import { Loading, PageHeading, usePageTitle } from '../ui/page.tsx';
import { formatDateTime, timeAgo } from '../ui/time.ts';
import { reportError, showToast } from '../ui/toasts.tsx';
import { useDebounced } from '../ui/use-debounced.ts';
import { deleteUser, listUsers, setDisabled, type AdminUser } from './admin-api.ts';
import './admin.css';

function UserRow({
  user,
  isSelf,
  onChanged,
  onDeleted,
}: {
  user: AdminUser;
  isSelf: boolean;
  onChanged: (user: AdminUser) => void;
  onDeleted: (user: AdminUser) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const who = user.name ? `${user.name} (${user.email})` : user.email;

  async function toggle(): Promise<void> {
    setBusy(true);
    try {
      const updated = await setDisabled(user.id, !user.disabled);
      onChanged(updated);
      showToast(
        updated.disabled ? `Disabled ${user.email}; their sessions ended` : `Enabled ${user.email}`,
      );
    } catch (error) {
      reportError(error);
    } finally {
      setBusy(false);
    }
  }

  async function remove(): Promise<void> {
    setBusy(true);
    try {
      await deleteUser(user.id);
      onDeleted(user);
      showToast(`Deleted ${user.email} and everything in the account`);
    } catch (error) {
      reportError(error);
      setBusy(false);
      setConfirming(false);
    }
  }

  return (
    <li class={`admin-user${user.disabled ? ' disabled' : ''}`}>
      <div class="admin-user-text">
        <strong>{user.email}</strong>
        {user.role === 'admin' && <span class="badge">Administrator</span>}
        {user.disabled && <span class="badge badge-muted">Disabled</span>}
        {isSelf && <span class="badge badge-muted">You</span>}
        <div class="meta-line">
          {user.name && <span>{user.name}</span>}
          <span>
            Joined{' '}
            <time dateTime={user.created_at} title={formatDateTime(user.created_at)}>
              {timeAgo(user.created_at)}
            </time>
          </span>
        </div>
      </div>
      {confirming ? (
        <div class="admin-actions" role="group" aria-label={`Confirm deleting ${who}`}>
          <span>Delete {user.email} with all their notes and to-dos?</span>
          <button
            type="button"
            class="small danger"
            aria-busy={busy}
            disabled={busy}
            onClick={() => void remove()}
          >
            Delete for good
          </button>
          <button
            type="button"
            class="secondary outline small"
            onClick={() => setConfirming(false)}
          >
            Cancel
          </button>
        </div>
      ) : (
        <div class="admin-actions">
          <button
            type="button"
            class="secondary outline small"
            aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${who}`}
            aria-busy={busy}
            disabled={busy}
            onClick={() => void toggle()}
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
          <button
            type="button"
            class="secondary outline small danger"
            aria-label={`Delete ${who}`}
            disabled={busy}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
}

export function AdminPage() {
  usePageTitle('Administration');
  const q = useStore(location).query.get('q') ?? '';
  const [search, setSearch] = useState(q);
  const settled = useDebounced(search, 300);
  useEffect(() => {
    if (settled !== q) replaceQuery({ q: settled });
  }, [settled]);
  const users = usePagedList(q, (cursor) => listUsers(q, cursor), reportError);
  const me = currentUser();

  return (
    <section class="admin">
      <PageHeading>Administration</PageHeading>
      <p class="account-intro">Every account on this Jotter, newest first.</p>
      <label for="user-search" class="visually-hidden">
        Search accounts by email or name
      </label>
      <input
        id="user-search"
        type="search"
        placeholder="Search by email or name"
        maxLength={254}
        value={search}
        onInput={(e) => setSearch(e.currentTarget.value)}
      />
      {users.status === 'loading' && <Loading label="Loading accounts…" />}
      {users.status === 'ready' && users.items.length === 0 && (
        <p class="empty-state">No account matches “{q}”.</p>
      )}
      <ul class="admin-users">
        {users.items.map((user) => (
          <UserRow
            key={user.id}
            user={user}
            isSelf={user.id === me?.id}
            onChanged={(updated) =>
              users.setItems((list) => list.map((u) => (u.id === updated.id ? updated : u)))
            }
            onDeleted={(gone) => users.setItems((list) => list.filter((u) => u.id !== gone.id))}
          />
        ))}
      </ul>
      {users.hasMore && (
        <LoadMore
          label="More accounts"
          busy={users.loadingMore}
          onLoad={() => void users.loadMore()}
        />
      )}
    </section>
  );
}
