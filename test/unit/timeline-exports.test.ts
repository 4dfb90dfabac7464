import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SpecEvent } from '../../instrumentation/index.ts';
import type { Alert } from '../../monitor/index.ts';
import { causalSort, embedJson, mermaidSequence, mermaidText, shivizLog, timelineHtml, timelineJson, timelineView, type Timeline } from '../../monitor/timeline/index.ts';
import { ev } from '../support/hand-events.ts';
import { REPO } from '../support/run-cli.ts';
import { readShivizLog } from '../support/shiviz-reader.ts';

const PAYLOAD = '</script><script>window.__pwned=1</script><img src=x onerror="alert(1)"> ; # %% end\n\u2028}{';
const hostile = (): Timeline => {
  const events = causalSort([
    ev('api (1)', 1, {}, 'Create', { id: 1, note: PAYLOAD }),
    ev('worker {w}', 1, { 'api (1)': 1 }, `Run${PAYLOAD}`, { id: 1 }),
    ev('api (1)', 3, { 'worker {w}': 1 }, 'Later', { id: 1 }),
  ]);
  const alert: Alert = {
    type: 'alert', id: 'a1b2c3d4e5f60718', kind: 'nonconformance', verdict: 'violated', name: `Run${PAYLOAD}`, guard: PAYLOAD,
    event: { proc: 'worker {w}', seq: 1, action: 'Run', params: { id: 1 } }, reason: PAYLOAD,
  };
  return { events, alerts: [alert], sources: ['hostile.ndjson'] };
};

describe('ShiViz export', () => {
  it('is a log ShiViz loads: its regex first, clocks counting 1, 2, 3 per host even across a gap', () => {
    const view = timelineView(hostile());
    const read = readShivizLog(shivizLog(view));
    expect(read.map((e) => e.host)).toEqual(['api%20%281%29', 'worker%20%7Bw%7D', 'api%20%281%29']);
    expect(read.map((e) => e.clock)).toEqual([{ 'api%20%281%29': 1 }, { 'api%20%281%29': 1, 'worker%20%7Bw%7D': 1 }, { 'api%20%281%29': 2, 'worker%20%7Bw%7D': 1 }]);
    expect(read[1]!.event).toMatch(/^Run<\/script>.*\(worker \{w\}#1\) \[ALERT VIOLATED nonconformance/);
  });

  it('keeps the uploader traces loadable and the events in a causal order', () => {
    for (const name of ['edit-race', 'delete-before-create', 'worker-crash']) {
      const trace = readFileSync(`${REPO}examples/uploader/traces/${name}.buggy.ndjson`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SpecEvent);
      const read = readShivizLog(shivizLog(timelineView({ events: causalSort(trace), alerts: [], sources: [] })));
      // Each line ends with `(proc#seq)` (no alerts here): the key back to the trace's own clocks.
      const exported = read.map((e) => /\(([^()\s]+#\d+)\)$/.exec(e.event)![1]!);
      expect([...exported].sort()).toEqual(trace.map((e) => `${e.proc}#${e.seq}`).sort());
      const at = new Map(exported.map((key, i) => [key, i]));
      for (const later of trace) {
        // The causal past of an event: every event its vector clock counts, other than itself.
        const past = trace.filter((e) => e !== later && e.seq <= (later.vc[e.proc] ?? 0));
        for (const earlier of past) expect(at.get(`${earlier.proc}#${earlier.seq}`), `${name}: ${earlier.proc}#${earlier.seq} before ${later.proc}#${later.seq}`).toBeLessThan(at.get(`${later.proc}#${later.seq}`)!);
      }
    }
  });
});

describe('Mermaid export', () => {
  const participants = (text: string): Array<[string, string]> => [...text.matchAll(/^ {4}participant (\S+) as (.*)$/gm)].map((m) => [m[1]!, m[2]!]);
  // Every label: a participant's name, and what follows `: ` on note and arrow lines.
  const labels = (text: string): string[] => text.split('\n').flatMap((l) =>
    /^ {4}participant /.test(l) ? [l.slice(l.indexOf(' as ') + 4)] : l.includes(': ') ? [l.slice(l.indexOf(': ') + 2)] : []);
  const decoded = (label: string): string => label.replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));

  it('escapes every label so content can neither end a statement nor add markup', () => {
    expect(mermaidText('a;b#c<d>"e"\nf')).toBe('a#59;b#35;c#60;d#62;#34;e#34;#10;f');
    const text = mermaidSequence(timelineView(hostile()));
    expect(participants(text)).toEqual([['P0', 'api #40;1#41;'], ['P1', 'worker #123;w#125;']]);
    // A participant is named `proc (service)`, escaped like any label and cut after 160 characters.
    const long = `svc ${PAYLOAD}${PAYLOAD}`;
    const named = mermaidSequence(timelineView({ events: [{ ...ev(long, 1), service: PAYLOAD }], alerts: [], sources: [] }));
    expect(participants(named).map(([id, label]) => [id, decoded(label)])).toEqual([['P0', `${`${long} (${PAYLOAD})`.slice(0, 160)}…`]]);
    for (const label of [...labels(text), ...labels(named)]) expect(label.replace(/#\d+;/g, '')).not.toMatch(/[#;<>"\n{}%]/);
    expect(text).toMatch(/rect rgb\(255, 215, 215\)\n {4}Note over P1: #35;1 Run/);
    expect(text.split('\n').filter((l) => l.includes('->>'))).toEqual(['    P0->>P1: after #35;1 Create', expect.stringMatching(/^ {4}P1->>P0: after #35;1 Run#60;#47;script#62;/)]);
  });
});

describe('JSON export', () => {
  it('has the events with their own clocks, the arrows by proc and seq, and the alerts', () => {
    const parsed = JSON.parse(timelineJson(timelineView(hostile()))) as { events: SpecEvent[]; arrows: unknown[]; alerts: Alert[] };
    expect(parsed.events.map((e) => e.vc)).toEqual(hostile().events.map((e) => e.vc));
    expect(parsed.arrows).toEqual([{ from: { proc: 'api (1)', seq: 1 }, to: { proc: 'worker {w}', seq: 1 } }, { from: { proc: 'worker {w}', seq: 1 }, to: { proc: 'api (1)', seq: 3 } }]);
    expect(parsed.alerts[0]!.reason).toBe(PAYLOAD);
  });
});

describe('HTML page', () => {
  const html = timelineHtml(timelineView(hostile()), { maxString: 40 }, `title ${PAYLOAD}`);

  it('embeds the data as inert JSON that decodes to what was meant', () => {
    expect(embedJson({ s: PAYLOAD })).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(embedJson({ s: PAYLOAD }))).toEqual({ s: PAYLOAD });
    const data = /<script type="application\/json" id="timeline-data">([^<]*)<\/script>/.exec(html)![1]!;
    const parsed = JSON.parse(data) as { ev: { k: Array<{ note?: string }> }; limits: { cuts: number } };
    expect(parsed.ev.k[0]!.note).toBe(`${PAYLOAD.slice(0, 40)}…[cut: ${PAYLOAD.length} chars]`);
    expect(parsed.limits.cuts).toBeGreaterThan(0);
  });

  it('allows its own script and style by hash, and nothing else', () => {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(policy).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'none'; connect-src 'none'/);
    expect(policy).toContain("form-action 'none'");
    expect(html.match(/<script/g)).toHaveLength(2);
    // The data (event content) is inert JSON, the title escaped text; no tag has a handler, a source or a link.
    const tags = [...html.replace(/(<script type="application\/json" id="timeline-data">)[^<]*/, '$1').matchAll(/<[a-z][^>]*>/gi)].map((m) => m[0]);
    expect(tags.filter((tag) => /\son[a-z]+=|\ssrc=|\shref=|https?:/i.test(tag))).toEqual([]);
    expect(html).toContain('<title>specwatch timeline: title &lt;/script&gt;&lt;script&gt;');
  });

  it('joins its modules into one script without name clashes', () => {
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const names = [...script.matchAll(/^(?:function|const|class|let) ([\w$]+)/gm)].map((m) => m[1]);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(script).not.toMatch(/^(?:import|export)\b/m);
    expect(() => new Function(script)).not.toThrow();
  });
});
