// The manifest annotations of one built image, for both engines: the plan's
// own, the OCI base-image pair, and the dev.gostatic.* verdicts. Kept in one
// place so the same plan and the same outcome give the same annotations,
// whichever engine ran; the verdicts record what happened, not what was asked.
import type { TargetPlan, UpxPlan } from '../plan/build-plan.js'
import type { TargetReport } from './engine-output.js'

export interface TargetOutcome {
  /** ELF machine of the binary that passed verification. */
  readonly machine: string
  readonly strip: TargetReport['strip']
  readonly upx: TargetReport['upx']
  readonly needs: TargetReport['needs']
}

/** An image runtime base as resolved at build time: the plan's reference and the digest it resolved to. */
export interface ResolvedBase {
  readonly name: string
  readonly digest: string
}

export function imageAnnotations(
  planned: Readonly<Record<string, string>>,
  t: TargetPlan,
  o: TargetOutcome,
  base: ResolvedBase | null,
): Record<string, string> {
  return {
    // The OCI pre-defined annotations that let scanners and bots track the base.
    ...(base
      ? { 'org.opencontainers.image.base.name': base.name, 'org.opencontainers.image.base.digest': base.digest }
      : {}),
    ...planned,
    'dev.gostatic.verified': `static ${o.machine}, ${Object.entries(t.verify.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    'dev.gostatic.strip': o.strip,
    'dev.gostatic.upx': o.upx === 'refused' && t.upx.kind === 'refused' ? `refused (${t.upx.rule})` : o.upx,
    'dev.gostatic.needs': needsAnnotation(o.needs),
  }
}

/** The needs that were checked, each with its verdict: 'zoneinfo=added ca-roots=met', 'none', or why not checked. */
export function needsAnnotation(n: TargetReport['needs']): string {
  if (n.status === 'unchecked') return `not checked (${n.reason})`
  return n.verdicts.length === 0 ? 'none' : n.verdicts.map((v) => `${v.id}=${v.status}`).join(' ')
}

/** The report's UPX verdict: the plan's refusal, else what the pack step did (null: it did not run). */
export function upxVerdict(plan: UpxPlan, ran: 'packed' | 'kept-unpacked' | null): TargetReport['upx'] {
  if (plan.kind === 'refused') return 'refused'
  if (ran === 'packed') return 'packed'
  return ran === 'kept-unpacked' ? 'kept unpacked' : 'not requested'
}
