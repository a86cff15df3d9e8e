// Change the password. The server logs out every other session when it changes; this one stays.
import { useState } from 'preact/hooks';
import { api, unwrap } from '../api/client.ts';
import { ApiError, describeError, fieldErrors } from '../api/problem.ts';
import { Field } from '../ui/field.tsx';
import { reportError, showToast } from '../ui/toasts.tsx';

export function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function save(event: Event): Promise<void> {
    event.preventDefault();
    if (next !== repeat) {
      setErrors({ repeat: 'The two new passwords are not the same.' });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      await unwrap(
        api.POST('/api/v1/users/me/password', {
          body: { current_password: current, new_password: next },
        }),
      );
      setCurrent('');
      setNext('');
      setRepeat('');
      showToast('Password changed. Your other sessions were logged out.');
      onChanged();
    } catch (error) {
      const fields = fieldErrors(error);
      if (error instanceof ApiError && error.code === 'invalid_credentials') {
        fields.current_password = describeError(error);
      }
      if (error instanceof ApiError && error.code === 'weak_password')
        fields.new_password = describeError(error);
      setErrors(fields);
      if (Object.keys(fields).length === 0) reportError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void save(event)} noValidate aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <Field
        id="password-current"
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={current}
        error={errors.current_password}
        onInput={(e) => setCurrent(e.currentTarget.value)}
      />
      <Field
        id="password-new"
        label="New password"
        type="password"
        autoComplete="new-password"
        value={next}
        error={errors.new_password}
        hint="At least 8 characters, and not a commonly used one."
        onInput={(e) => setNext(e.currentTarget.value)}
      />
      <Field
        id="password-repeat"
        label="New password again"
        type="password"
        autoComplete="new-password"
        value={repeat}
        error={errors.repeat}
        onInput={(e) => setRepeat(e.currentTarget.value)}
      />
      <button type="submit" aria-busy={busy} disabled={busy || !current || !next}>
        Change password
      </button>
    </form>
  );
}
