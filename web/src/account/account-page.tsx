// /account: profile, password, sessions and deleting the account.
import { useState } from 'preact/hooks';
import { auth } from '../auth/auth-state.ts';
import { useStore } from '../lib/store.ts';
import { PageHeading, usePageTitle } from '../ui/page.tsx';
import { DeleteAccount } from './delete-account.tsx';
import { PasswordForm } from './password-form.tsx';
import { ProfileForm } from './profile-form.tsx';
import { SessionsList } from './sessions-list.tsx';
import './account.css';

export function AccountPage() {
  usePageTitle('Account');
  const state = useStore(auth);
  const [sessionsVersion, setSessionsVersion] = useState(0);
  if (state.status !== 'signed-in') return null;
  return (
    <div class="account">
      <PageHeading>Account</PageHeading>
      <p class="account-intro">
        Signed in as <strong>{state.user.email}</strong>
        {state.user.role === 'admin' && <span class="badge">Administrator</span>}
      </p>
      <div class="account-grid">
        <article>
          <ProfileForm user={state.user} />
        </article>
        <article>
          <PasswordForm onChanged={() => setSessionsVersion((n) => n + 1)} />
        </article>
      </div>
      <article>
        <SessionsList reloadKey={sessionsVersion} />
      </article>
      <article>
        <DeleteAccount />
      </article>
    </div>
  );
}
