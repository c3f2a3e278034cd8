// Public API: re-exports only. What the README documents, the types those
// signatures need, and what the CLI calls (it imports nothing else of src/
// but errors, version and util). test/package/consumer.test.ts pins the list.
export { VERSION } from './version.js'
export { goService, GoService } from './builder/go-service.js'
export { plan, DEFAULT_GO_VERSION, type ExplainedPlan } from './plan/plan.js'
export { explainPlan } from './plan/explain.js'
export { renderDockerfile, renderDockerignore } from './render/dockerfile.js'
export { ServiceSpecSchema, UpxOptionsSchema, SecretSchema, ExtraFileSchema } from './spec/service-spec.js'
export type { ServiceSpec, ServiceSpecInput, UpxOptions, Secret, ExtraFile } from './spec/service-spec.js'
export { parseServiceSpec } from './spec/parse.js'
export { ModuleFactsSchema, type ModuleFacts } from './spec/module-facts.js'
export { readModuleFacts } from './builder/read-module-facts.js'
export {
  CgoOptionsSchema,
  CgoFactsSchema,
  CGO_TOOLCHAINS,
  type CgoOptions,
  type CgoFacts,
  type CgoToolchain,
} from './spec/cgo-options.js'
export { readCgoFacts } from './builder/read-cgo-facts.js'
export { parseImageRef, type ImageRef } from './spec/image-ref.js'
export { PLATFORMS, PLATFORM_NAMES, type Platform } from './spec/platform.js'
export type * from './plan/build-plan.js'
export { GostaticError, ToolError, RegistryTimeoutError, ErrorCode, isGostaticError } from './errors.js'
export { defineConfig, type GostaticConfig, type ConfigService } from './config/define-config.js'
export { findConfig, CONFIG_NAMES } from './config/find-config.js'
export { loadConfig } from './api/lazy-api.js'
export type { LoadedConfig } from './config/load-config.js'
export { daggerReachable } from './engines/build.js'
export { buildPlan, type BuildOptions, type EngineChoice } from './image/build-plan.js'
export type {
  BuildResult,
  BuildReport,
  TargetReport,
  TargetNeeds,
  BuiltImage,
  ExportOptions,
  EngineName,
  PublishOptions,
  SupplyChainDocs,
} from './image/build-result.js'
export { loadSigner, type SignOptions } from './image/sign-key.js'
export type { Sbom } from './attest/sbom.js'
export { SBOM_FORMATS, type SbomFormat } from './spec/service-spec.js'
export { sbom } from './api/lazy-api.js'
export type { SbomOptions } from './api/sbom-of.js'
export type { EngineEvent, EventSink } from './engines/events.js'
export { createReporter, type ReporterChoice, type ReporterOptions } from './progress/reporter.js'
export type { LocalEngineOptions } from './image/build-plan.js'
export { inspect, inspectHtml, renderInspectText, writeReportHtml } from './api/lazy-api.js'
export { strictFailures } from './inspect/strict-failures.js'
export type { InspectTargetOptions } from './api/inspect-target.js'
export type {
  InspectReport,
  InspectOptions,
  ImageReport,
  BinaryReport,
  PlatformReport,
  BinaryFacts,
  ElfFacts,
  Verdicts,
  ImageVerdicts,
  LayerReport,
  ImageConfigReport,
  GoBuildInfo,
  GoModule,
  GoDependency,
  NeedsReport,
  NeedVerdict,
  Need,
  NeedId,
  FunctionTableFacts,
  AttachmentInfo,
  ReferrerInfo,
} from './inspect/inspect.js'
export type { ByteAttribution, ModuleBytes, PackageBytes, PartBytes, LayeredEntry } from './inspect/inspect-report.js'
export { goWorkspace, GoWorkspace, type ResolvedWorkspace } from './workspace/go-workspace.js'
export { affectedServices, type AffectedOptions, type AffectedResult } from './workspace/affected.js'
export { reasonText, type Affected, type Reason } from './workspace/affected-select.js'
export type { WorkspaceBuildOptions, WorkspaceResult, ServiceBuild } from './workspace/build-workspace.js'
export { publishOciArchive, buildWorkspace } from './api/lazy-api.js'
export { publishRef } from './registry/publish-ref.js'
export { pushTargets, withTagVersion, writeImageRefs } from './api/push-targets.js'
export { digestRef } from './plan/push-refs.js'
export { sourceOf } from './builder/source-of.js'
export type { PushResult } from './registry/push-image.js'
export type { RegistryCredentials, RegistryOptions, PushProgress, PullPolicy } from './registry/registry-options.js'
export { doctor } from './api/lazy-api.js'
export { DoctorOptionsSchema, type DoctorOptions } from './doctor/doctor-options.js'
export { renderDoctorText } from './doctor/doctor-text.js'
export type {
  DoctorReport,
  Finding as DoctorFinding,
  Severity as DoctorSeverity,
  Topic as DoctorTopic,
  WithoutCgo,
} from './doctor/doctor-report.js'
export { KNOWN_CGO_MODULES, type KnownCgoModule } from './plan/known-cgo-modules.js'
