// Sign up. The server's answer decides what is wrong, and the form says it next to the field:
// an address already in use (with a way to log in instead), a weak password, throttling.
import { useState } from 'preact/hooks';
import { ApiError, describeError, fieldErrors, formatWait } from '../api/problem.ts';
import { useStore } from '../lib/store.ts';
import { Link, location, navigate, safeNext } from '../router.tsx';
import { Field, FormError } from '../ui/field.tsx';
import { PageHeading, usePageTitle } from '../ui/page.tsx';
import { useCountdown } from '../ui/use-countdown.ts';
import { signUp } from './auth-api.ts';
import { signedIn } from './auth-state.ts';

export function SignupPage() {
  usePageTitle('Create an account');
  const next = safeNext(useStore(location).query.get('next'));
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const [emailTaken, setEmailTaken] = useState(false);
  const [busy, setBusy] = useState(false);
  const [wait, startWait] = useCountdown();

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    setEmailTaken(false);
    try {
      const user = await signUp(email, password, name.trim());
      signedIn(user);
      navigate(next, { replace: true });
    } catch (error) {
      const fields = fieldErrors(error);
      if (error instanceof ApiError && error.code === 'email_taken') {
        fields.email = describeError(error);
        setEmailTaken(true);
      }
      if (error instanceof ApiError && error.code === 'weak_password')
        fields.password = describeError(error);
      setErrors(fields);
      if (error instanceof ApiError && error.code === 'rate_limited')
        startWait(error.retryAfter ?? 60);
      else if (Object.keys(fields).length === 0) setFormError(describeError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article class="auth-card">
      <PageHeading>Create your Jotter account</PageHeading>
      <p class="tagline">Notes and to-dos that only you can read, on your own server.</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field
          id="signup-name"
          label="Name (optional)"
          name="name"
          autoComplete="name"
          maxLength={100}
          value={name}
          error={errors.name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <Field
          id="signup-email"
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          error={errors.email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        {emailTaken && (
          <p class="field-help">
            <Link href="/login">Log in with this address instead</Link>
          </p>
        )}
        <Field
          id="signup-password"
          label="Password"
          type={showPassword ? 'text' : 'password'}
          name="password"
          autoComplete="new-password"
          required
          value={password}
          error={errors.password}
          hint="At least 8 characters. Avoid common passwords; a few unrelated words work well."
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <label class="inline-check">
          <input
            type="checkbox"
            role="switch"
            checked={showPassword}
            onChange={(e) => setShowPassword(e.currentTarget.checked)}
          />
          Show password
        </label>
        <FormError
          message={
            wait > 0
              ? `Too many sign-ups from this address. Try again in ${formatWait(wait)}.`
              : formError
          }
        />
        <button type="submit" aria-busy={busy} disabled={busy || wait > 0}>
          Create account
        </button>
      </form>
      <p>
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </article>
  );
}
