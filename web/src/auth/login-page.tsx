// Log in. Wrong credentials, a disabled account and throttling (with the wait) are explained on
// the form; after signing in the user goes back to where they were (`?next=`).
import { useState } from 'preact/hooks';
import { ApiError, describeError, fieldErrors, formatWait } from '../api/problem.ts';
import { useStore } from '../lib/store.ts';
import { Link, location, navigate, safeNext } from '../router.tsx';
import { Field, FormError } from '../ui/field.tsx';
import { PageHeading, usePageTitle } from '../ui/page.tsx';
import { useCountdown } from '../ui/use-countdown.ts';
import { logIn } from './auth-api.ts';
import { auth, signedIn } from './auth-state.ts';

const REASONS = {
  expired: 'Your session has ended. Log in again to carry on where you left off.',
  elsewhere: 'You were logged out in another tab or window.',
};

export function LoginPage() {
  usePageTitle('Log in');
  const state = useStore(auth);
  const next = safeNext(useStore(location).query.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [wait, startWait] = useCountdown();
  const reason = state.status === 'signed-out' && state.reason ? REASONS[state.reason] : undefined;

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    try {
      const user = await logIn(email, password);
      signedIn(user);
      navigate(next, { replace: true });
    } catch (error) {
      setErrors(fieldErrors(error));
      if (error instanceof ApiError && error.code === 'rate_limited')
        startWait(error.retryAfter ?? 60);
      else if (!(error instanceof ApiError && error.code === 'validation_failed'))
        setFormError(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article class="auth-card">
      <PageHeading>Log in to Jotter</PageHeading>
      <p class="tagline">Your notes and to-dos, on every device.</p>
      {reason && (
        <p class="notice" role="status">
          {reason}
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field
          id="login-email"
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          error={errors.email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <Field
          id="login-password"
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          error={errors.password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <FormError
          message={wait > 0 ? `Too many attempts. Try again in ${formatWait(wait)}.` : formError}
        />
        <button type="submit" aria-busy={busy} disabled={busy || wait > 0}>
          Log in
        </button>
      </form>
      <p>
        New here?{' '}
        <Link href={`/signup${next === '/notes' ? '' : `?next=${encodeURIComponent(next)}`}`}>
          Create an account
        </Link>
      </p>
    </article>
  );
}
