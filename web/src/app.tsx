// The app shell: header and navigation, the page for the current path, and the toasts. Pages
// that need an account send a signed-out visitor to the login page, remembering where they were.
import { useEffect } from 'preact/hooks';
import { AccountPage } from './account/account-page.tsx';
import { AdminPage } from './admin/admin-page.tsx';
import { auth, currentUser, loadCurrentUser } from './auth/auth-state.ts';
import { LoginPage } from './auth/login-page.tsx';
import { SignupPage } from './auth/signup-page.tsx';
import { useStore } from './lib/store.ts';
import { NotesPage } from './notes/notes-page.tsx';
import { location, matchPath, navigate, safeNext } from './router.tsx';
import { TodosPage } from './todos/todos-page.tsx';
import { Header } from './ui/header.tsx';
import { Loading, PageHeading, usePageTitle } from './ui/page.tsx';
import { ToastRegion } from './ui/toasts.tsx';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  usePageTitle('Not found');
  return (
    <section>
      <PageHeading>Nothing here</PageHeading>
      <p>
        This page does not exist. Go to your <a href="/notes">notes</a>.
      </p>
    </section>
  );
}

function Unreachable() {
  return (
    <section class="container">
      <h1>Jotter cannot be reached</h1>
      <p>The server did not answer. Check your connection, then try again.</p>
      <button type="button" onClick={() => void loadCurrentUser()}>
        Try again
      </button>
    </section>
  );
}

const PUBLIC_PATHS = new Set(['/login', '/signup']);

function SignedInPage({ path }: { path: string }) {
  if (path === '/') return <Redirect to="/notes" />;
  if (path === '/notes' || path === '/notes/new')
    return <NotesPage noteId={path === '/notes/new' ? 'new' : undefined} />;
  const note = matchPath('/notes/:id', path);
  if (note) return <NotesPage noteId={note.id} />;
  if (path === '/todos') return <TodosPage />;
  if (path === '/account') return <AccountPage />;
  if (path === '/admin' && currentUser()?.role === 'admin') return <AdminPage />;
  return <NotFound />;
}

export function App() {
  const state = useStore(auth);
  const here = useStore(location);
  useEffect(() => void loadCurrentUser(), []);

  let page;
  if (state.status === 'loading') page = <Loading label="Opening Jotter…" />;
  else if (state.status === 'unreachable') return <Unreachable />;
  else if (PUBLIC_PATHS.has(here.path)) {
    if (state.status === 'signed-in') page = <Redirect to={safeNext(here.query.get('next'))} />;
    else page = here.path === '/login' ? <LoginPage /> : <SignupPage />;
  } else if (state.status === 'signed-out') {
    const next = here.path === '/' ? '' : `?next=${encodeURIComponent(here.href)}`;
    page = <Redirect to={`/login${next}`} />;
  } else page = <SignedInPage path={here.path} />;

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" class="container" tabIndex={-1}>
        {page}
      </main>
      <ToastRegion />
    </>
  );
}
