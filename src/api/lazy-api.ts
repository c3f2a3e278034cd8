// Public entry points whose code a plain `import 'gostatic'` does not need:
// each loads its module (image readers, the registry client, the doctor's
// package scan) on its first call, so importing the package stays quick.
// They are async already, so loading on demand changes nothing for callers.
import type * as Doctor from '../doctor/doctor.js'
import type * as Inspect from './inspect-target.js'
import type * as Push from '../registry/push-image.js'

export const inspect: typeof Inspect.inspect = async (...args) =>
  (await import('./inspect-target.js')).inspect(...args)

export const doctor: typeof Doctor.doctor = async (...args) => (await import('../doctor/doctor.js')).doctor(...args)

export const publishOciArchive: typeof Push.publishOciArchive = async (...args) =>
  (await import('../registry/push-image.js')).publishOciArchive(...args)
