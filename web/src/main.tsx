import { render } from 'preact';
import '@picocss/pico/css/pico.min.css';

function App() {
  return (
    <main class="container">
      <h1>Jotter</h1>
    </main>
  );
}

render(<App />, document.getElementById('app')!);
