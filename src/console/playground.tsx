// Streams a chat completion from the market with the signed-in buyer's account, as any client would.
import { useRef, useState } from 'preact/hooks';
import { market, streamChat } from './api.ts';
import { ErrorNote, Section } from './components.tsx';
import { useData } from './use-data.ts';

export function Playground(props: { onFinished: () => void }) {
  const models = useData('models', () => market.v1.listModels());
  const [model, setModel] = useState('');
  const [prompt, setPrompt] = useState('Write one sentence about markets.');
  const [output, setOutput] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const chosen = model || models.data?.data[0]?.id || '';
  const send = async (event: Event) => {
    event.preventDefault();
    abort.current = new AbortController();
    setRunning(true);
    setOutput('');
    setError(undefined);
    try {
      for await (const text of streamChat(
        { model: chosen, messages: [{ role: 'user', content: prompt }], max_tokens: 64 },
        abort.current.signal,
      )) {
        setOutput((sofar) => sofar + text);
      }
    } catch (failure) {
      if (!(failure instanceof DOMException && failure.name === 'AbortError'))
        setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setRunning(false);
      props.onFinished();
    }
  };
  return (
    <Section title="Playground">
      <form class="playground" onSubmit={send}>
        <select aria-label="model" value={chosen} onChange={(e) => setModel(e.currentTarget.value)}>
          {(models.data?.data ?? []).map((m) => (
            <option key={m.id} value={m.id}>
              {m.verified ? m.id : `${m.id} (unverified)`}
            </option>
          ))}
        </select>
        <textarea aria-label="prompt" rows={3} value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />
        <div>
          <button type="submit" disabled={running || !chosen}>
            {running ? 'Streaming…' : 'Send'}
          </button>
          {running && (
            <button type="button" onClick={() => abort.current?.abort()}>
              Stop
            </button>
          )}
        </div>
      </form>
      <ErrorNote error={error} />
      <pre class="output" data-testid="playground-output">
        {output}
      </pre>
    </Section>
  );
}
