// The console: sign in with a buyer key, a host token or the operator key, and see what is yours.
import 'uplot/dist/uPlot.min.css';
import './console.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { consoleRoutes } from '../contracts/routes/public-routes.ts';
import { market, rememberCsrfToken, type Answer } from './api.ts';
import { BuyerPage } from './buyer-page.tsx';
import { HostPage } from './host-page.tsx';
import { OperatorPage } from './operator-page.tsx';
import { ErrorNote } from './components.tsx';
import { useAction } from './use-data.ts';

type Session = Answer<typeof consoleRoutes.session>;

const TITLES = { buyer: 'Buyer', host: 'Host', operator: 'Operator' } as const;

function SignIn(props: { onSignedIn: (session: Session) => void }) {
  const [credential, setCredential] = useState('');
  const { error, run } = useAction(() => undefined);
  const submit = (event: Event) => {
    event.preventDefault();
    void run(async () => props.onSignedIn(await market.console.signIn({ body: { credential } })));
  };
  return (
    <main class="sign-in">
      <h1>Agora console</h1>
      <form onSubmit={submit}>
        <label for="credential">API key, host token or operator key</label>
        <input
          id="credential"
          name="credential"
          type="password"
          autocomplete="off"
          value={credential}
          onInput={(e) => setCredential(e.currentTarget.value)}
        />
        <button type="submit">Sign in</button>
        <ErrorNote error={error} />
      </form>
      <p class="muted">
        The key stays on this page only until you sign in: the console keeps a session cookie instead.{' '}
        <a href="/status">Status</a>
      </p>
    </main>
  );
}

function Console() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const accept = (found: Session) => {
    rememberCsrfToken(found.csrf_token);
    setSession(found);
  };
  useEffect(() => {
    market.console.session().then(accept, () => setSession(null));
  }, []);
  if (session === undefined) return <p class="muted">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={accept} />;
  const signOut = async () => {
    await market.console.signOut();
    setSession(null);
  };
  return (
    <>
      <nav class="top">
        <strong>Agora</strong> <span data-testid="role">{TITLES[session.role]}</span>
        <a href="/status">Status</a>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </nav>
      <main>
        {session.role === 'buyer' ? <BuyerPage /> : session.role === 'host' ? <HostPage /> : <OperatorPage />}
      </main>
    </>
  );
}

render(<Console />, document.getElementById('app') as HTMLElement);
