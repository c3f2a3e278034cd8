import type { GoService } from '../../index.js'

export function planCommand(services: readonly GoService[], json: boolean): string {
  if (json) {
    const plans = services.map((s) => s.plan())
    return JSON.stringify(plans.length === 1 ? plans[0] : plans, null, 2) + '\n'
  }
  return services.map((s) => s.explain()).join('\n')
}

export function dockerfileCommand(services: readonly GoService[]): string {
  return services.map((s) => (services.length > 1 ? `# ---- ${s.name} ----\n` : '') + s.dockerfile()).join('\n')
}
