// Public entry points whose code a plain `import 'gostatic'` does not need:
// each loads its module (image readers, the registry client, the doctor's
// package scan) on its first call, so importing the package stays quick.
// They are async already, so loading on demand changes nothing for callers.
import type * as Doctor from '../doctor/doctor.js'
import type * as Inspect from './inspect-target.js'
import type * as InspectHtml from './inspect-html.js'
import type * as Push from '../registry/push-image.js'
import type * as Sbom from './sbom-of.js'
import type * as Config from '../config/load-config.js'
import type * as Workspace from '../workspace/build-workspace.js'
import type { InspectReport } from '../inspect/inspect.js'

export const inspect: typeof Inspect.inspect = async (...args) => (await import('./inspect-target.js')).inspect(...args)

export const inspectHtml: typeof InspectHtml.inspectHtml = async (...args) =>
  (await import('./inspect-html.js')).inspectHtml(...args)

export const writeReportHtml: typeof InspectHtml.writeReportHtml = async (...args) =>
  (await import('./inspect-html.js')).writeReportHtml(...args)

export const doctor: typeof Doctor.doctor = async (...args) => (await import('../doctor/doctor.js')).doctor(...args)

export const publishOciArchive: typeof Push.publishOciArchive = async (...args) =>
  (await import('../registry/push-image.js')).publishOciArchive(...args)

export const sbom: typeof Sbom.sbom = async (...args) => (await import('./sbom-of.js')).sbom(...args)

export const loadConfig: typeof Config.loadConfig = async (...args) =>
  (await import('../config/load-config.js')).loadConfig(...args)

export const buildWorkspace: typeof Workspace.buildWorkspace = async (...args) =>
  (await import('../workspace/build-workspace.js')).buildWorkspace(...args)

/** The text `gostatic inspect` prints for a report. */
export const renderInspectText = async (report: InspectReport): Promise<string> =>
  (await import('../inspect/report-text.js')).renderReportText(report)
