/** A JSON Schema node as structured outputs accept it (the subset this emulator reads). */
export interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  maxItems?: number;
  $ref?: string;
}

/** What the emulator "reads" in a transcript: lines split by side. */
interface Reading {
  all: string[];
  agent: string[];
  caller: string[];
}

const NEGATIVE = /\b(late|angry|frustrat\w*|terrible|upset|unacceptable|problem|wrong|broken|annoyed|cancel\w*|complain\w*|ridiculous|still not)\b/i;
const POSITIVE = /\b(thanks|thank you|great|perfect|wonderful|appreciate\w*|awesome|helpful)\b/i;

/**
 * The problems that make a schema unusable with `strict: true` (as the live API refuses it with a
 * 400): an object without `additionalProperties: false`, or a property left out of `required`.
 */
export function strictSchemaProblems(node: SchemaNode, where = 'schema'): string[] {
  const problems: string[] = [];
  if (node.properties) {
    if (node.additionalProperties !== false) problems.push(`In context=('${where}'), 'additionalProperties' is required to be supplied and to be false.`);
    const required = new Set(node.required ?? []);
    for (const [key, child] of Object.entries(node.properties)) {
      if (!required.has(key)) problems.push(`In context=('${where}'), 'required' is required to be supplied and to be an array including every key in properties. Missing '${key}'.`);
      problems.push(...strictSchemaProblems(child, `${where}', 'properties', '${key}`));
    }
  }
  if (node.items) problems.push(...strictSchemaProblems(node.items, `${where}', 'items`));
  for (const option of node.anyOf ?? []) problems.push(...strictSchemaProblems(option, where));
  return problems;
}

/**
 * A deterministic answer that validates against `schema`, derived from the transcript in
 * `prompt`: keywords pick the reason, outcome and the caller's mood; a required phrase counts as
 * said when its words occur in what the agent said; action items are the agent's promises.
 * Properties the emulator does not know get a neutral value of their type.
 */
export function structuredAnswer(schema: SchemaNode, prompt: string): unknown {
  const lines = prompt.split('\n').filter((line) => /^\[\d+:\d{2}(?::\d{2})?\]/.test(line));
  const side = (name: string) => lines.filter((line) => new RegExp(`^\\[[\\d:]+\\] ${name}:`).test(line)).map(stripPrefix);
  const all = lines.map(stripPrefix);
  const reading: Reading = { all, agent: side('Agent').length > 0 ? side('Agent') : all, caller: side('Caller').length > 0 ? side('Caller') : all };
  return valueOf(schema, [], reading);
}

function valueOf(node: SchemaNode, path: string[], reading: Reading): unknown {
  const key = path.at(-1) ?? '';
  if (node.anyOf) return valueOf(node.anyOf.find((option) => option.type !== 'null') ?? node.anyOf[0] ?? {}, path, reading);
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (node.enum) return pickEnum(node.enum, key, path, reading);
  if (types.includes('object') || node.properties) {
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(node.properties ?? {})) out[name] = valueOf(child, [...path, name], reading);
    return out;
  }
  if (types.includes('array')) return arrayOf(node, key, path, reading);
  if (types.includes('boolean')) return false;
  if (types.includes('number') || types.includes('integer')) return 0;
  if (types.includes('string')) return stringFor(key, reading) ?? (types.includes('null') ? null : '');
  return null;
}

function arrayOf(node: SchemaNode, key: string, path: string[], reading: Reading): unknown[] {
  const max = node.maxItems ?? 5;
  const items = node.items ?? {};
  if (key === 'compliance' || items.properties?.phrase) {
    const phrases = (items.properties?.phrase?.enum ?? []).filter((p): p is string => typeof p === 'string');
    return phrases.slice(0, max).map((phrase) => {
      const quote = reading.agent.find((line) => words(line).includes(words(phrase)));
      return { phrase, said: quote !== undefined, quote: quote ?? null };
    });
  }
  if (/action/i.test(key)) {
    const promise = /\b(I will|I'll|we will|we'll|I am going to|someone will)\b/i;
    return reading.agent
      .flatMap((line) => (line.match(/[^.!?]+[.!?]*/g) ?? []).map((sentence) => sentence.trim()))
      .filter((sentence) => promise.test(sentence))
      .slice(0, max);
  }
  return [];
}

function pickEnum(values: unknown[], key: string, path: string[], reading: Reading): unknown {
  const text = reading.all.join(' ');
  const strings = values.filter((v): v is string => typeof v === 'string');
  if (key === 'outcome') {
    const wanted = /supervisor|manager|escalat|transfer/i.test(text)
      ? 'escalated'
      : /call you back|follow up|get back to you|within \w+ (business )?days/i.test(text)
        ? 'follow-up'
        : /not (been )?resolved|still (not|broken)|cannot help|can't help/i.test(text)
          ? 'unresolved'
          : 'resolved';
    return strings.includes(wanted) ? wanted : values[0];
  }
  if (path.includes('sentiment') || /sentiment|mood/i.test(key)) {
    const caller = reading.caller;
    const third = Math.max(1, Math.ceil(caller.length / 3));
    const part = (key === 'end' ? caller.slice(-third) : caller.slice(0, third)).join(' ');
    const wanted = NEGATIVE.test(part) ? 'negative' : POSITIVE.test(part) ? 'positive' : 'neutral';
    return strings.includes(wanted) ? wanted : values[0];
  }
  // the value whose words occur most in the transcript (the first on a tie)
  const heard = words(text);
  let best = values[0];
  let bestScore = 0;
  for (const value of strings) {
    const score = words(value).split(' ').filter((w) => w.length > 2 && heard.includes(w)).length;
    if (score > bestScore) [best, bestScore] = [value, score];
  }
  return best;
}

function stringFor(key: string, reading: Reading): string | undefined {
  if (key === 'reason') {
    const text = reading.caller.join(' ');
    if (/bill|charge|invoice|refund/i.test(text)) return 'billing question';
    if (/order|deliver|package|shipping/i.test(text)) return 'order status';
    if (/cancel/i.test(text)) return 'cancellation';
    if (/password|log ?in|account/i.test(text)) return 'account access';
    return 'general inquiry';
  }
  if (key === 'summary') {
    const first = reading.caller[0] ?? reading.all[0] ?? 'nothing was said';
    return `The caller said: ${first.replace(/[.!?]+$/, '')}. The agent answered in ${reading.agent.length} turns.`;
  }
  return undefined;
}

function stripPrefix(line: string): string {
  return line.replace(/^\[[\d:]+\]\s*(?:[^:]{1,20}:\s*)?/, '');
}

function words(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
