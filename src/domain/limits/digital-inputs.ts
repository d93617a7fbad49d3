// Digital inputs (M2): while any is active, TOU is ignored and the lowest percentage applies.

export interface DigitalInput {
  id: string;
  enabled: boolean;
  /** The signal level, from GPIO, the API or MQTT. */
  high: boolean;
  /** 0–99 % of each zone's maxCurrentA. */
  pct: number;
}

export const MAX_DIGITAL_INPUTS = 3;

export interface ActiveInput {
  id: string;
  pct: number;
}

export function activeDigitalInput(inputs: readonly DigitalInput[] | null | undefined): ActiveInput | null {
  let best: ActiveInput | null = null;
  for (const input of inputs ?? []) {
    if (!input.enabled || !input.high) continue;
    if (best === null || input.pct < best.pct) best = { id: input.id, pct: input.pct };
  }
  return best;
}

export interface DigitalInputError {
  input: string;
  rule: 'too-many-inputs' | 'unique-id' | 'pct-range';
  message: string;
}

export function validateDigitalInputs(inputs: readonly DigitalInput[]): DigitalInputError[] {
  const errors: DigitalInputError[] = [];
  if (inputs.length > MAX_DIGITAL_INPUTS) {
    errors.push({ input: '', rule: 'too-many-inputs', message: `at most ${MAX_DIGITAL_INPUTS} digital inputs, got ${inputs.length}` });
  }
  const ids = new Set<string>();
  for (const input of inputs) {
    if (ids.has(input.id)) errors.push({ input: input.id, rule: 'unique-id', message: `digital input "${input.id}" is defined twice` });
    ids.add(input.id);
    if (!(Number.isInteger(input.pct) && input.pct >= 0 && input.pct <= 99)) {
      errors.push({ input: input.id, rule: 'pct-range', message: `digital input "${input.id}": percentage ${input.pct} must be a whole number 0–99` });
    }
  }
  return errors;
}
