// The apply step's public API, for the `fix` and `rollback` commands: plan, apply, back up, restore.
export { applyPlan, type ApplyOptions } from './apply-plan.js';
export type { ApplyEvent, ApplyOutcome, ApplyReport, RolledBackStep, StepReport, StepStatus } from './apply-report.js';
export { BackupError, defaultBackupDir, readBackup, updateBackup, writeBackup, type BackupInput } from './backup.js';
export type { BackupGrant, BackupRecord, BackupTarget, BackupTargetType, Replacement } from './backup-types.js';
export { checkIdentityPolicyWrite, checkKeyPolicyWrite, GuardRefusal, type GuardReason } from './guards.js';
export { buildPlan } from './plan.js';
export type { Expected, Plan, PlanStep, PlanStepKind, PlanTarget, PlanWrite, SkippedFix } from './plan-types.js';
export { documentsEquivalent } from './policy-text.js';
export { restoreBackup, type RestoreOptions, type RestoreOutcome, type RestoreReport } from './restore-backup.js';
export type { KeyStateInfo, PolicyVersionInfo, PrincipalKind, TargetStore } from './target-store.js';
export { defaultVisibility, type VisibilityOptions } from './visibility.js';
