// The top bar: the app's name, the sections and the way out. Links mark the current section
// with aria-current so it is announced and styled.
import { auth, signOut } from '../auth/auth-state.ts';
import { useStore } from '../lib/store.ts';
import { Link, location } from '../router.tsx';
import { reportError } from './toasts.tsx';

const SECTIONS = [
  { href: '/notes', label: 'Notes' },
  { href: '/todos', label: 'To-dos' },
  { href: '/account', label: 'Account' },
];

export function Header() {
  const state = useStore(auth);
  const path = useStore(location).path;
  const signedIn = state.status === 'signed-in';
  return (
    <header class="app-header">
      <nav class="container" aria-label="Main">
        <ul>
          <li>
            <Link href={signedIn ? '/notes' : '/login'} class="brand">
              <img src="/favicon.svg" alt="" width="24" height="24" />
              Jotter
            </Link>
          </li>
        </ul>
        {signedIn && (
          <ul>
            {[
              ...SECTIONS,
              ...(state.user.role === 'admin' ? [{ href: '/admin', label: 'Admin' }] : []),
            ].map((section) => (
              <li key={section.href}>
                <Link
                  href={section.href}
                  aria-current={path.startsWith(section.href) ? 'page' : undefined}
                >
                  {section.label}
                </Link>
              </li>
            ))}
            <li>
              <button
                type="button"
                class="secondary outline small"
                onClick={() => void signOut().catch(reportError)}
              >
                Log out
              </button>
            </li>
          </ul>
        )}
      </nav>
    </header>
  );
}
