// Name and email. An address already used by another account is explained next to the field.
import { useState } from 'preact/hooks';
import { api, unwrap } from '../api/client.ts';
import { ApiError, describeError, fieldErrors } from '../api/problem.ts';
import type { User } from '../api/types.ts';
import { updateUser } from '../auth/auth-state.ts';
import { Field } from '../ui/field.tsx';
import { reportError, showToast } from '../ui/toasts.tsx';

export function ProfileForm({ user }: { user: User }) {
  const [name, setName] = useState(user.name ?? '');
  const [email, setEmail] = useState(user.email);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const changed = name !== (user.name ?? '') || email !== user.email;

  async function save(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const body: { name?: string; email?: string } = {};
      if (name !== (user.name ?? '')) body.name = name;
      if (email !== user.email) body.email = email;
      const updated = await unwrap(api.PATCH('/api/v1/users/me', { body }));
      updateUser(updated);
      showToast('Your profile was saved');
    } catch (error) {
      const fields = fieldErrors(error);
      if (error instanceof ApiError && error.code === 'email_taken')
        fields.email = describeError(error);
      setErrors(fields);
      if (Object.keys(fields).length === 0) reportError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void save(event)} noValidate aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <Field
        id="profile-name"
        label="Name"
        autoComplete="name"
        maxLength={100}
        value={name}
        error={errors.name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <Field
        id="profile-email"
        label="Email"
        type="email"
        autoComplete="email"
        value={email}
        error={errors.email}
        onInput={(e) => setEmail(e.currentTarget.value)}
      />
      <button type="submit" aria-busy={busy} disabled={busy || !changed}>
        Save profile
      </button>
    </form>
  );
}
