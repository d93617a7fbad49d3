// The commissioning assistant (W9): from the factory login to a working site, one step at a time.
// The step is kept in sessionStorage: after the admin's credentials change, the shell leaves the
// factory view and mounts this page again at /assistant, which carries on at the next step.
import { useState, type ComponentType } from 'react';
import { useAuth } from '../../auth';
import { useT } from '../../i18n/i18n';
import type { PageProps } from '../../routes';
import { navigate } from '../../router';
import type { StepProps } from './parts';
import { AdminStep, RestoreStep, UserStep, WelcomeStep } from './steps-access';
import { BadgesStep, SheddingStep, StationsStep, SummaryStep } from './steps-operation';
import { AuthStep, MetersStep, NetworkStep, UpstreamStep, ZonesStep } from './steps-site';

export const STEPS = ['welcome', 'admin', 'restore', 'user', 'network', 'meters', 'zones', 'upstream', 'auth', 'stations', 'shedding', 'badges', 'summary'] as const;
type StepId = (typeof STEPS)[number];
const STEP_KEY = 'fuseguard.assistant.step';
/** What the factory login may see: everything else needs its replacement first (S2). */
const FACTORY_STEPS: readonly StepId[] = ['welcome', 'admin'];

const PAGES: Record<Exclude<StepId, 'summary'>, ComponentType<StepProps>> = {
  welcome: WelcomeStep, admin: AdminStep, restore: RestoreStep, user: UserStep, network: NetworkStep, meters: MetersStep,
  zones: ZonesStep, upstream: UpstreamStep, auth: AuthStep, stations: StationsStep, shedding: SheddingStep, badges: BadgesStep,
};

function storedStep(): StepId {
  const stored = sessionStorage.getItem(STEP_KEY);
  return (STEPS as readonly string[]).includes(stored ?? '') ? stored as StepId : 'welcome';
}

export default function AssistantPage(_props: PageProps) {
  const t = useT();
  const { me } = useAuth();
  const factory = me?.mustChangeCredentials ?? false;
  const [step, setStepState] = useState<StepId>(storedStep);
  const shown: StepId = factory && !FACTORY_STEPS.includes(step) ? 'admin' : step;
  const setStep = (next: StepId) => {
    sessionStorage.setItem(STEP_KEY, next);
    setStepState(next);
    if (!factory) navigate('/assistant');
  };
  const index = STEPS.indexOf(shown);
  const props: StepProps = {
    next: () => setStep(STEPS[Math.min(index + 1, STEPS.length - 1)]),
    back: () => setStep(STEPS[Math.max(index - 1, 0)]),
    goTo: (id) => { if ((STEPS as readonly string[]).includes(id)) setStep(id as StepId); },
  };
  const finish = () => {
    sessionStorage.removeItem(STEP_KEY);
    navigate('/');
  };
  const Step = shown === 'summary' ? null : PAGES[shown];
  return (
    <div className="assistant" data-testid="assistant" style={{ display: 'flex', gap: '1.25rem', alignItems: 'flex-start' }}>
      <nav aria-label={t('assistant.steps')} style={{ minWidth: '190px' }}>
        <h1 style={{ marginBottom: '.75rem' }}>{t('assistant.title')}</h1>
        <ol data-testid="assistant-steps" style={{ paddingLeft: '1.25rem', lineHeight: 1.9 }}>
          {STEPS.map((id, i) => {
            const reachable = !factory || FACTORY_STEPS.includes(id);
            const label = t(`assistant.step.${id}`);
            return (
              <li key={id} aria-current={id === shown ? 'step' : undefined} style={{ fontWeight: id === shown ? 700 : 400, color: i < index ? 'var(--muted)' : undefined }}>
                {reachable && id !== shown
                  ? <button type="button" className="btn btn-link" onClick={() => setStep(id)} data-testid={`goto-${id}`}>{label}</button>
                  : <span>{label}</span>}
              </li>
            );
          })}
        </ol>
      </nav>
      <div style={{ flex: 1, minWidth: 0 }}>
        {Step ? <Step key={shown} {...props} /> : <SummaryStep {...props} finish={finish} />}
      </div>
    </div>
  );
}
