// Deleting the account takes the password: the notes, to-dos and sessions go with it, at once.
import { useState } from 'preact/hooks';
import { api, unwrap } from '../api/client.ts';
import { ApiError, describeError, fieldErrors } from '../api/problem.ts';
import { accountDeleted, currentUser } from '../auth/auth-state.ts';
import { forgetDrafts } from '../notes/drafts.ts';
import { Field } from '../ui/field.tsx';
import { reportError, showToast } from '../ui/toasts.tsx';

export function DeleteAccount() {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function remove(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await unwrap(api.DELETE('/api/v1/users/me', { body: { password } }));
      const user = currentUser();
      if (user) forgetDrafts(user.id);
      accountDeleted();
      showToast('Your account and everything in it were deleted.');
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'invalid_credentials')
        setError(describeError(caught));
      else if (fieldErrors(caught).password) setError(fieldErrors(caught).password);
      else reportError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="delete-heading" class="danger-zone">
      <h2 id="delete-heading">Delete account</h2>
      <details>
        <summary>Delete my account and everything in it</summary>
        <form onSubmit={(event) => void remove(event)} noValidate>
          <p>
            This deletes your notes, your to-dos and every session, now and for good. There is no
            undo.
          </p>
          <Field
            id="delete-password"
            label="Your password, to confirm"
            type="password"
            autoComplete="current-password"
            value={password}
            error={error}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <button type="submit" class="danger" aria-busy={busy} disabled={busy || !password}>
            Delete my account
          </button>
        </form>
      </details>
    </section>
  );
}
