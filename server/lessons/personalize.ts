// Lesson text written for every learner at once, made theirs when served: `{{namespace}}`
// is the learner's own namespace in the lab registry (the only place they may push).
export interface LearnerVars {
  namespace: string;
}

export function personalize(text: string, vars: LearnerVars): string {
  return text.replaceAll("{{namespace}}", vars.namespace);
}
